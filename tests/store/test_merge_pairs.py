"""A merge moves the source's pair rows onto the target (store.edits._move_pairs) instead
of recounting the target's: every rollup, months included, still equals a full recount."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from marsad.entities.kb import load_kb
from marsad.generate.corpus import kb_records
from marsad.ingest import generated_articles
from marsad.pages import find_entity
from marsad.pipeline import Pipeline
from marsad.store import edits, months, rollups
from marsad.store.database import Store
from marsad_testing import SAMPLE_END, make_settings, rollup_snapshot

MONTHS = ("entity_months", "entity_source_months", "pair_months")


@pytest.fixture
def corpus(tmp_path):
    settings = make_settings(tmp_path)
    store = Store(settings.database_url)
    load_kb(store, kb_records())
    Pipeline(store, settings).ingest(generated_articles(300, end=SAMPLE_END))
    yield store
    store.close()


def _shared(store: Store, a: int, b: int) -> int:
    with store.engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT count(*) FROM article_entities x JOIN article_entities y "
                "ON x.article_id = y.article_id WHERE x.entity_id = :a AND y.entity_id = :b"
            ),
            {"a": a, "b": b},
        ).scalar()


def _snapshot(store: Store, months: bool = True) -> dict[str, list[tuple]]:
    kept = rollup_snapshot(store)
    with store.engine.connect() as conn:
        for table in (*(MONTHS if months else ()), "article_entities", "quotes"):
            kept[table] = sorted(tuple(r) for r in conn.execute(text(f"SELECT * FROM {table}")))
    return kept


def _recounted(store: Store, with_months: bool = True) -> dict[str, list[tuple]]:
    with store.engine.begin() as conn:  # each article's entities counted from its mentions
        ids = [r[0] for r in conn.execute(text("SELECT id FROM articles"))]
        edits.rebuild_article_entities(conn, ids)
        rollups.rebuild(conn)
        months.create(conn)  # the month sums made again from the days (SQLite)
    return _snapshot(store, with_months)


def test_merging_two_big_entities_that_share_articles_equals_a_full_recount(corpus):
    lavrov, kerry = find_entity(corpus, "سيرغي لافروف"), find_entity(corpus, "جون كيري")
    assert _shared(corpus, lavrov["id"], kerry["id"]) > 10  # the hard case: shared articles
    edits.merge(corpus, kerry["id"], lavrov["id"])
    kept = _snapshot(corpus)
    assert not [r for r in kept["pair_days"] if kerry["id"] in r[:2]]
    assert [r for r in kept["pair_days"] if r[0] == lavrov["id"]]
    assert kept == _recounted(corpus)
    with corpus.engine.connect() as conn:  # the month triggers are back after the merge
        names = conn.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'pair_days'")
        ).scalars()
        assert set(names) == edits.MONTH_TRIGGERS


def test_merging_several_names_into_one_equals_a_full_recount(corpus):
    target = find_entity(corpus, "سيرغي لافروف")["id"]
    sources = [find_entity(corpus, n)["id"] for n in ("جون كيري", "بشار الأسد")]
    edits.merge_many(corpus, sources, target)
    assert _snapshot(corpus) == _recounted(corpus)


@pytest.mark.parametrize("several", [False, True])
def test_a_big_sources_month_sums_recounted_after_the_merge_equal_a_full_recount(
    corpus, monkeypatch, several
):
    # the month triggers off while the mirror rows move, the sums counted again after (a
    # source with RECOUNT_ROWS pair rows or more: every source here)
    monkeypatch.setattr(edits, "RECOUNT_ROWS", 1)
    called = []
    recount = edits._months_recounted
    monkeypatch.setattr(edits, "_months_recounted", lambda *a: called.append(a) or recount(*a))
    target = find_entity(corpus, "سيرغي لافروف")["id"]
    sources = [find_entity(corpus, n)["id"] for n in ("جون كيري", "بشار الأسد")]
    if several:
        edits.merge_many(corpus, sources, target)
    else:
        edits.merge(corpus, sources[0], target)
    assert len(called) == (2 if several else 1)
    assert _snapshot(corpus) == _recounted(corpus)


@pytest.mark.postgres
def test_merging_on_postgres_equals_a_full_recount(pg_url, tmp_path):
    # the same statements on PostgreSQL, where pair_days is a heap keyed (entity, day,
    # other) with the cover index (entity_id, day, other_id, articles) beside it
    pytest.importorskip("psycopg")
    from marsad_testing import fresh_postgres_database

    store = Store(fresh_postgres_database(pg_url))
    try:
        load_kb(store, kb_records())
        Pipeline(store, make_settings(tmp_path)).ingest(generated_articles(150, end=SAMPLE_END))
        lavrov, kerry = find_entity(store, "سيرغي لافروف"), find_entity(store, "جون كيري")
        assert _shared(store, lavrov["id"], kerry["id"]) > 5
        edits.merge(store, kerry["id"], lavrov["id"])
        kept = _snapshot(store, months=False)
        assert [r for r in kept["pair_days"] if r[0] == lavrov["id"]]
        assert kept == _recounted(store, with_months=False)
    finally:
        store.close()


@pytest.mark.parametrize("untriggered_from", [1, 10**9])
def test_mentions_moved_by_a_pass_count_what_changed_as_a_full_recount(
    corpus, monkeypatch, untriggered_from
):
    # a pass (fragments, names found again) moves mentions and counts the articles it
    # touched (store.fragments.Changes): many pair rows change with the month triggers off
    # and their month sums written in one go, a few with the triggers
    from marsad.store.fragments import Changes

    monkeypatch.setattr(rollups, "UNTRIGGERED_PAIRS", untriggered_from)
    lavrov, kerry = find_entity(corpus, "سيرغي لافروف")["id"], find_entity(corpus, "جون كيري")["id"]
    with corpus.engine.begin() as conn:
        articles = conn.execute(
            text("SELECT DISTINCT article_id FROM mentions WHERE entity_id = :k ORDER BY 1"),
            {"k": kerry},
        ).scalars()
        moved = list(articles)[::2]  # half of Kerry's articles name Lavrov instead
        assert len(moved) > 10
        conn.execute(
            text(
                f"UPDATE mentions SET entity_id = :l WHERE entity_id = :k "
                f"AND article_id IN ({', '.join(map(str, moved))})"
            ),
            {"l": lavrov, "k": kerry},
        )
        Changes(articles=set(moved)).apply(conn)
    assert _snapshot(corpus) == _recounted(corpus)
    with corpus.engine.connect() as conn:  # the month triggers are back
        names = conn.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'pair_days'")
        ).scalars()
        assert set(names) == edits.MONTH_TRIGGERS
