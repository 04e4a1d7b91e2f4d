"""The default period's kept sums (``window_entities``, ``window_sources``:
store/window_totals.py) equal the daily rollups summed from scratch after ingest, a newer
day, merges, reprocess, rebuilds, dates taken away and jumps; trending and the home page's
source list read them and give what the rollups give."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from marsad import pages
from marsad.analytics.trending import trending
from marsad.analytics.window import current_window
from marsad.ingest import ingest_paths
from marsad.pages import find_entity
from marsad.pipeline import Pipeline
from marsad.store import edits, listing, rollups, window_totals
from marsad.store.database import Store
from marsad.store.migrations import MIGRATIONS
from marsad_testing import DATA


def from_scratch(conn) -> tuple[list[tuple], list[tuple]]:  # noqa: ANN001
    """What the kept tables must hold for the kept bounds, summed from the rollups."""
    b = window_totals.bounds(conn)[1]
    if b is None:
        return [], []
    s, p, e = b
    entities = conn.execute(
        text(
            "SELECT entity_id, sum(CASE WHEN day >= :p THEN articles ELSE 0 END), "
            "sum(CASE WHEN day < :p THEN articles ELSE 0 END) FROM entity_days "
            "WHERE day BETWEEN :s AND :e GROUP BY entity_id"
        ),
        {"s": s, "p": p, "e": e},
    ).all()
    sources = conn.execute(
        text(
            "SELECT source_id, sum(articles) FROM day_totals WHERE day BETWEEN :s AND :e "
            "GROUP BY source_id"
        ),
        {"s": s, "e": e},
    ).all()
    return (
        sorted(tuple(r) for r in entities if r[1] or r[2]),
        sorted(tuple(r) for r in sources if r[1]),
    )


def kept(conn) -> tuple[list[tuple], list[tuple]]:  # noqa: ANN001
    return (
        sorted(tuple(r) for r in conn.execute(text("SELECT * FROM window_entities"))),
        sorted(tuple(r) for r in conn.execute(text("SELECT * FROM window_sources"))),
    )


def assert_exact(store: Store, end: str | None) -> None:
    """The kept period ends on ``end`` and its sums are the rollups' (and not empty)."""
    with store.engine.connect() as conn:
        days, b = window_totals.bounds(conn)
        assert (b[2] if b else None) == end
        assert b == window_totals.bounds_for(end, days)
        assert kept(conn) == from_scratch(conn)
        if end is not None:
            assert kept(conn)[0] and kept(conn)[1]


def later_copies(tmp: Path, days: int, tag: str) -> Path:
    """The small corpus again, ``days`` later, each article reworded (a new text)."""
    out = tmp / f"later-{tag}.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for line in (DATA / "articles_small.jsonl").read_text(encoding="utf-8").splitlines():
            a = json.loads(line)
            moment = datetime.fromisoformat(a["published"]) + timedelta(days=days)
            a |= {
                "published": moment.isoformat(),
                "url": a["url"] + tag,
                "text": a["text"] + f"\nوتابع المراسل التطورات في يومها {tag}.",
            }
            fh.write(json.dumps(a, ensure_ascii=False) + "\n")
    return out


def newest(store: Store) -> str:
    return store.max_day(dated=True)


def test_the_kept_sums_follow_every_write(small, tmp_path):
    store, settings = small
    assert_exact(store, "2026-03-12")  # filled by the migration of the new database
    with store.engine.connect() as conn:
        assert window_totals.bounds(conn) == (30, ("2026-02-11", "2026-03-10", "2026-03-12"))

    ingest_paths(store, settings, [later_copies(tmp_path, 1, "ب")])  # one day later
    assert newest(store) == "2026-03-13"
    assert_exact(store, "2026-03-13")

    lavrov, kerry = find_entity(store, "سيرغي لافروف"), find_entity(store, "جون كيري")
    edits.merge(store, kerry["id"], lavrov["id"])  # entity_days rows move and add up
    assert_exact(store, "2026-03-13")

    Pipeline(store, settings).reprocess()  # every mention again, the rollups rebuilt
    assert_exact(store, "2026-03-13")

    for days in (7, 2, 1, 30):  # another window length: the split stays inside it
        assert store.keep_window(days)
        assert_exact(store, "2026-03-13")
    assert not store.keep_window()  # already there: nothing to move

    ingest_paths(store, settings, [later_copies(tmp_path, 90, "ج")])  # no day in common
    assert_exact(store, "2026-06-10")

    with store.engine.begin() as conn:  # the newest articles lose their dates
        conn.execute(text("UPDATE articles SET published = NULL WHERE day > '2026-04-01'"))
    assert store.keep_window()  # back to the newest dated day
    assert_exact(store, "2026-03-13")

    with store.engine.begin() as conn:
        rollups.rebuild(conn)  # deletes and inserts every rollup row: the triggers follow
        conn.execute(text("DELETE FROM window_entities WHERE entity_id = :e"), {"e": lavrov["id"]})
        window_totals.fill(conn)  # and a fill gives the same again
    assert_exact(store, "2026-03-13")

    with store.engine.begin() as conn:
        conn.execute(text("UPDATE articles SET published = NULL"))
    assert store.keep_window()  # nothing dated: nothing kept
    assert_exact(store, None)


def test_trending_and_the_source_list_read_the_kept_sums_as_the_rollups_give_them(
    sample, monkeypatch
):
    store, settings = sample
    store.keep_window()  # Pipeline.ingest alone does not settle (the server's start does)
    window = current_window(store, settings)
    start, end = window.bounds
    split = (window.end - timedelta(days=2)).isoformat()
    assert store.kept_window_sums(start, split, end, 3) is not None
    with store.engine.connect() as conn:
        assert window_totals.source_counts(conn, start, end) is not None
        assert window_totals.entity_sums(conn, start, start, end, 3) is None  # other bounds
    kept_trends = trending(store, window)
    kept_home = pages.home_page(store, settings)
    with store.engine.connect() as conn:
        kept_sources = listing.source_counts(conn, start, end)

    monkeypatch.setattr(window_totals, "entity_sums", lambda *a: None)
    monkeypatch.setattr(window_totals, "source_counts", lambda *a: None)
    assert store.kept_window_sums(start, split, end, 3) is None
    assert trending(store, window) == kept_trends and len(kept_trends) == 10
    with store.engine.connect() as conn:
        assert listing.source_counts(conn, start, end) == kept_sources
    assert pages.home_page(store, settings) == kept_home
    assert [t.name for t in kept_home.trending][:1] and kept_home.sources[0].articles > 0


def test_the_migration_fills_the_tables_of_an_existing_database(small):
    store, _ = small
    with store.engine.connect() as conn:
        before = kept(conn)
    with store.engine.begin() as conn:  # a database from before the tables
        for table in ("window_bounds", "window_entities", "window_sources"):
            conn.execute(text(f"DROP TABLE {table}"))
        for name in window_totals._TRIGGERS:
            conn.execute(text(f"DROP TRIGGER {name}"))
        conn.execute(text("UPDATE meta SET value = '23' WHERE key = 'schema_version'"))
    store.close()
    store = Store(store.url)
    assert_exact(store, "2026-03-12")
    with store.engine.connect() as conn:
        assert kept(conn) == before
        version = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'"))
        assert int(version.scalar()) == len(MIGRATIONS)


def test_an_empty_database_keeps_nothing_until_an_article_is_dated(settings):
    store = Store(settings.database_url)
    assert_exact(store, None)
    assert not store.keep_window()
    ingest_paths(store, settings, [DATA / "articles_small.jsonl"])
    assert_exact(store, "2026-03-12")


@pytest.mark.parametrize("days", [1, 3, 30])
def test_bounds_put_the_recent_days_inside_the_window(days):
    start, split, end = window_totals.bounds_for("2026-03-12", days)
    assert end == "2026-03-12" and start <= split <= end
    assert split == max(start, "2026-03-10")
