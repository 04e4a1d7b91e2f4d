"""Issue 18: the real-shaped database builder (bench/build_real.py) writes what the pipeline
would hold, and the global pass finds the new articles' entities without reading every
mention."""

from __future__ import annotations

import sqlite3
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import text

from marsad.arabic.normalise import normalise
from marsad.ingest import ingest_paths
from marsad.models import content_of
from marsad.store import edits, rollups
from marsad.store.database import Store
from marsad_testing import DATA, rollup_snapshot

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import build_real  # noqa: E402


def test_replayed_database_is_what_the_pipeline_would_hold(small, tmp_path):
    store, settings = small
    store.close()
    ant = Path(settings.database_url.removeprefix("sqlite:///"))
    out = tmp_path / "big" / "marsad.db"
    build_real.build(
        ant, 20, out, sources=12, years=1, end=date(2026, 11, 30), seed=3, verify=False
    )
    con = sqlite3.connect(out)
    # ids follow publication order; 20 articles on 12 sources at most
    published = [r[0] for r in con.execute("SELECT published FROM articles ORDER BY id")]
    assert len(published) == 20 and published == sorted(published)
    assert con.execute("SELECT count(DISTINCT content_hash) FROM articles").fetchone()[0] == 20
    assert con.execute("SELECT max(source_id) FROM articles").fetchone()[0] <= 12
    assert not con.execute(  # each article's own source row carries its time, as at ingest
        "SELECT count(*) FROM article_sources s JOIN articles a ON a.id = s.article_id "
        "AND a.source_id = s.source_id WHERE s.published IS NOT a.published"
    ).fetchone()[0]
    # the long tail: replays name new entities, with aliases that normalise as the store does
    old = sqlite3.connect(ant)
    old_names = {r[0] for r in old.execute("SELECT name FROM entities")}
    last_old = old.execute("SELECT max(id) FROM entities").fetchone()[0]
    new = con.execute("SELECT id, name FROM entities WHERE id > ?", (last_old,)).fetchall()
    assert new and not {name for _, name in new} & old_names
    marks = ",".join(str(i) for i, _ in new)
    for alias, norm in con.execute(f"SELECT alias, norm FROM aliases WHERE entity_id IN ({marks})"):
        assert norm == normalise(alias)
    # every mention's surface is the article's text at its offsets, renamed ones included
    for title, body, start, end, surface in con.execute(
        'SELECT a.title, a.text, m.start, m."end", m.surface FROM mentions m '
        "JOIN articles a ON a.id = m.article_id"
    ):
        assert content_of(title, body)[start:end] == surface
    renamed = con.execute(
        "SELECT m.surface, m.article_id FROM mentions m WHERE m.entity_id = ?", (new[0][0],)
    ).fetchone()
    hits = con.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?",
        (f'"{normalise(renamed[0])}"',),
    ).fetchall()
    assert (renamed[1],) in hits
    con.close()
    # the rollups are those a full rebuild computes
    big = Store(f"sqlite:///{out}")
    before = rollup_snapshot(big)
    assert before["pair_days"]
    with big.engine.begin() as conn:
        rollups.rebuild(conn)
    assert rollup_snapshot(big) == before
    big.close()


def test_unsettled_names_the_entities_of_articles_stored_since_the_pass(settings, tmp_path):
    store = Store(settings.database_url)
    ingest_paths(store, settings, [DATA / "articles_small.jsonl"])
    since, newest = edits.unsettled(store)
    assert since == set() and newest == 8  # the ingest settled its own articles
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE meta SET value = '6' WHERE key = :k"), {"k": edits.SETTLED})
        named = {
            r[0] for r in conn.execute(text("SELECT entity_id FROM mentions WHERE article_id > 6"))
        }
    assert named
    assert edits.unsettled(store) == (named, 8)
    store.close()


def test_type_votes_are_counted_from_the_index_alone(settings):
    store = Store(settings.database_url)
    ingest_paths(store, settings, [DATA / "articles_small.jsonl"])
    with store.engine.connect() as conn:
        plan = conn.execute(
            text("EXPLAIN QUERY PLAN " + edits.MENTION_TYPES.format("AND entity_id IN (1, 2)"))
        ).all()
    assert any("COVERING INDEX ix_mentions_entity_type" in row[-1] for row in plan)
    votes = edits.mention_types(store, None)
    with store.engine.connect() as conn:
        typed = conn.execute(text("SELECT count(*) FROM mentions WHERE type IS NOT NULL")).scalar()
    assert typed and sum(n for v in votes.values() for n in v.values()) == typed
    store.close()


def test_window_sums_are_the_entity_days_summed_around_the_split(small):
    store, _ = small
    days = sorted({d for _, d, _ in store.entity_day_counts("0000", "9999")})
    start, split, end = days[0], days[len(days) // 2], days[-1]
    expected: dict[int, list[int]] = {}
    for eid, day, n in store.entity_day_counts(start, end):
        expected.setdefault(eid, [0, 0])[0 if day >= split else 1] += n
    sums = {e: [r, b] for e, r, b in store.window_sums(start, split, end, 1)}
    assert sums and sums == {e: v for e, v in expected.items() if v[0] >= 1}
    assert all(r >= 2 for _, r, _ in store.window_sums(start, split, end, 2))
    # a window shorter than the recent days: everything in it is recent
    whole: dict[int, int] = {}
    for eid, _, n in store.entity_day_counts(split, end):
        whole[eid] = whole.get(eid, 0) + n
    assert {e: (r, b) for e, r, b in store.window_sums(split, start, end, 1)} == {
        e: (n, 0) for e, n in whole.items()
    }


def test_trending_reads_the_earlier_days_of_the_leaders_only_and_ranks_as_before(sample):
    from datetime import timedelta

    from marsad.analytics.trending import trending
    from marsad.analytics.window import Period, period_window

    store, settings = sample
    for preset in (None, "7", "90"):
        window = period_window(store, settings, Period(preset=preset))
        split = window.end - timedelta(days=2)
        days = max((split - window.start).days, 1)
        start, end = window.bounds
        every = []  # the rise of every candidate, from all their days
        for e, r, b in store.window_sums(start, split.isoformat(), end, 3):
            every.append((e, r, (r / 3 + 1) / (b / days + 1)))
        every.sort(key=lambda t: (-t[2], -t[1], t[0]))
        for limit in (1, 3, 10):
            found = [(t.id, t.recent, t.rise) for t in trending(store, window, limit=limit)]
            assert found == [(e, r, round(rise, 2)) for e, r, rise in every[:limit]]
