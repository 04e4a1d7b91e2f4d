"""The scale path: the same pipeline and pages on a real PostgreSQL server."""

from __future__ import annotations

import pytest

from marsad import pages
from marsad.entities.kb import load_kb, read_kb
from marsad.ingest import ingest_paths
from marsad.store.database import Store
from marsad_testing import DATA, fresh_postgres_database, make_settings

pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[dev]')")
pytestmark = pytest.mark.postgres


def test_pipeline_and_entity_page_on_postgres(pg_url, tmp_path):
    settings = make_settings(tmp_path)
    store = Store(fresh_postgres_database(pg_url))
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    report = ingest_paths(store, settings, [DATA / "articles_small.jsonl"])
    assert (report.new, report.duplicates) == (8, 1)
    page = pages.entity_page(store, settings, "لافروف")
    by_day = {p.day.isoformat(): p.count for p in page.timeline}
    assert (by_day["2026-03-10"], by_day["2026-03-11"], by_day["2026-03-12"]) == (2, 0, 2)
    assert {r.name: r.shared for r in page.related}.get("جون كيري") == 2
    assert [(s.name, s.articles) for s in page.sources][0] == ("RT Arabic", 2)
    assert pages.search_page(store, "انقره").total == 2
    assert pages.autocomplete(store, "سيرج")[0]["name"] == "سيرغي لافروف"
    assert pages.autocomplete(store, "ولافر")[0]["name"] == "سيرغي لافروف"  # a later word
    home = pages.home_page(store, settings)  # trending: recent days first, then earlier
    assert home.trending and all(t.recent >= 3 for t in home.trending)
    assert sum(r["articles"] for r in pages.source_choices(store)) == 8  # the menu, summed
    # re-ingest is idempotent here too
    again = ingest_paths(store, settings, [DATA / "articles_small.jsonl"])
    assert again.new == 0
    store.close()
