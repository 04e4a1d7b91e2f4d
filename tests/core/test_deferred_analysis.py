"""`marsad ingest --defer-analysis` then `marsad analyse`: articles are stored first (found by
search, counted per day) and their entities added later — ending with the same database as
an ingest that analyses each article as it comes."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from marsad import pages
from marsad.config import Settings
from marsad.entities.kb import load_kb, read_kb
from marsad.ingest import ingest_paths
from marsad.models import content_of
from marsad.pipeline import IngestReport, Pipeline
from marsad.store.database import Store
from marsad.web.app import create_app
from marsad_testing import (
    DATA,
    fresh_postgres_database,
    make_settings,
    mixed_inputs,
    store_snapshot,
)


def _store(url: str) -> Store:
    store = Store(url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    return store


def _both(tmp_path: Path, workers: int = 1) -> tuple[Store, Store, Settings, IngestReport]:
    """The mixed inputs ingested twice: analysed as they come, and with analysis deferred."""
    folder = mixed_inputs(tmp_path / "in")
    inline_settings = make_settings(tmp_path, "inline.db")
    inline = _store(inline_settings.database_url)
    ingest_paths(inline, inline_settings, [folder])
    settings = make_settings(tmp_path, "deferred.db")
    store = _store(settings.database_url)
    report = ingest_paths(store, settings, [folder], defer_analysis=True, workers=workers)
    return inline, store, settings, report


def test_deferred_then_analysed_equals_analysed_at_ingest(tmp_path: Path):
    inline, store, settings, report = _both(tmp_path)
    assert report.new >= 20 and report.duplicates >= 1
    assert store.pending_count() == report.new
    before = store_snapshot(store)
    assert before["mentions"] == [] and before["quotes"] == [] and before["entity_days"] == []
    assert before["articles"] == store_snapshot(inline)["articles"]  # stories included
    assert before["day_totals"] == store_snapshot(inline)["day_totals"]
    assert pages.search_page(store, "لافروف").total >= 3  # searchable before analysis
    assert pages.entity_page(store, settings, "لافروف").total_articles == 0

    home = TestClient(create_app(store, settings)).get("/").text
    assert f"أخبار محفوظة لم تُحلَّل بعد: <bdi>{report.new}</bdi>" in home  # the home page says so

    assert Pipeline(store, settings).analyse_pending(batch=7) == report.new
    assert store.pending_count() == 0
    client = TestClient(create_app(store, settings))
    assert 'id="pending"' not in client.get("/").text
    assert client.get("/api/home").json()["pending_analysis"] == 0
    assert store_snapshot(store) == store_snapshot(inline)
    page = pages.entity_page(store, settings, "لافروف")
    assert page.total_articles >= 3 and "جون كيري" in {r.name for r in page.related}
    assert Pipeline(store, settings).analyse_pending() == 0  # nothing left: a no-op


def test_analysis_in_worker_processes_and_interrupted_runs(tmp_path: Path):
    inline, store, settings, report = _both(tmp_path, workers=2)
    pending = store.pending_after(0, 5)  # analyse five first, as a run stopped early would
    pipeline = Pipeline(store, settings)
    for row in pending:
        content = content_of(row["title"], row["text"])
        assert store.add_analysis(row["id"], *pipeline.analyse(content, row["day"]))
        assert not store.add_analysis(row["id"], [])  # analysed once only
    assert store.pending_count() == report.new - 5
    assert pipeline.analyse_pending(batch=4, workers=2) == report.new - 5
    assert store_snapshot(store) == store_snapshot(inline)


def test_reingest_and_reprocess_of_pending_articles(tmp_path: Path):
    settings = make_settings(tmp_path)
    store = _store(settings.database_url)
    first = ingest_paths(store, settings, [DATA / "articles_small.jsonl"], defer_analysis=True)
    assert (first.new, first.duplicates) == (8, 1)
    again = ingest_paths(store, settings, [DATA / "articles_small.jsonl"])
    assert (again.new, again.duplicates) == (0, 9)  # still stored once, still pending
    assert store.pending_count() == 8
    Pipeline(store, settings).reprocess()  # analyses everything, pending articles too
    assert store.pending_count() == 0
    with store.engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT DISTINCT surface FROM mentions"))}
    assert {"لافروف", "جون كيري"} <= names


@pytest.mark.postgres
def test_deferred_analysis_on_postgres(pg_url, tmp_path: Path):
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[dev]')")
    settings = make_settings(tmp_path)
    inline = _store(fresh_postgres_database(pg_url))
    ingest_paths(inline, settings, [DATA / "articles_small.jsonl"])
    store = _store(fresh_postgres_database(pg_url))
    ingest_paths(store, settings, [DATA / "articles_small.jsonl"], defer_analysis=True)
    assert store.pending_count() == 8
    assert Pipeline(store, settings).analyse_pending(batch=3) == 8
    assert store_snapshot(store) == store_snapshot(inline)
    inline.close()
    store.close()
