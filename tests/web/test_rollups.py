"""The pre-aggregated counts kept at ingest equal a full recount, stories included."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from marsad.models import Article, Source
from marsad.store import rollups
from marsad.store.database import StoredMention
from marsad_testing import rollup_snapshot


def test_incremental_rollups_equal_a_full_rebuild(sample):
    store, _ = sample
    kept = rollup_snapshot(store)
    assert all(kept.values())
    with store.engine.begin() as conn:
        rollups.rebuild(conn)
    assert rollup_snapshot(store) == kept


def test_rollups_agree_with_counting_the_article_tables(sample):
    store, _ = sample
    with store.engine.connect() as conn:
        direct = conn.execute(
            text(
                "SELECT entity_id, count(*) FROM article_entities WHERE day IS NOT NULL "
                "GROUP BY entity_id"
            )
        ).all()
        rolled = rollups.entity_totals(conn, [e for e, _ in direct])
        pairs = conn.execute(
            text(
                "SELECT count(*) FROM article_entities a JOIN article_entities b "
                "ON a.article_id = b.article_id AND a.entity_id = :x AND b.entity_id = :y"
            ),
            {"x": direct[0][0], "y": direct[1][0]},
        ).scalar()
        shared = {
            r["id"]: r["shared"]
            for r in rollups.cooccurrences(conn, direct[0][0], "0000-00-00", "9999-99-99")
        }
    assert rolled == dict(direct)
    assert shared.get(direct[1][0], 0) == pairs


def test_a_second_article_of_a_story_counts_as_an_article_not_a_story(small):
    store, _ = small
    lavrov = store.get_entity("لافروف")["id"]
    day = "2026-03-12"
    with store.engine.connect() as conn:
        before = (
            dict(rollups.daily_counts(conn, lavrov, day, day)),
            dict(rollups.daily_counts(conn, lavrov, day, day, stories=True)),
        )
        first = conn.execute(
            text("SELECT article_id FROM article_entities WHERE entity_id = :e AND day = :d"),
            {"e": lavrov, "d": day},
        ).scalar()
    copy = Article(
        title="لافروف يكرر: موسكو منفتحة على الحوار",
        text="قال لافروف إن موسكو منفتحة على الحوار.",
        source=Source("sana", "سانا"),
        published=datetime(2026, 3, 12, 12, 0, tzinfo=UTC),
    )
    store.add_article(
        copy,
        content_hash="x" * 40,
        day=day,
        mentions=[StoredMention(lavrov, 0, 6, "لافروف")],
        search_title="",
        search_body="",
        story_id=first,
    )
    with store.engine.connect() as conn:
        articles = rollups.daily_counts(conn, lavrov, day, day)
        stories = rollups.daily_counts(conn, lavrov, day, day, stories=True)
    assert articles[day] == before[0][day] + 1
    assert stories[day] == before[1][day]
    kept = rollup_snapshot(store)
    with store.engine.begin() as conn:
        rollups.rebuild(conn)
    assert rollup_snapshot(store) == kept


def test_a_merge_recounts_only_the_days_it_changes_and_equals_a_full_rebuild(small):
    from marsad.pages import find_entity
    from marsad.store import edits

    store, _ = small
    kerry, lavrov = find_entity(store, "كيري"), find_entity(store, "لافروف")
    edits.merge(store, kerry["id"], lavrov["id"])
    kept = rollup_snapshot(store)
    assert not [r for r in kept["entity_days"] if r[0] == kerry["id"]]
    with store.engine.begin() as conn:
        rollups.rebuild(conn)
    assert rollup_snapshot(store) == kept
