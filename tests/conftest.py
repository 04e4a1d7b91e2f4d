"""Shared fixtures: real SQLite files in tmp dirs, built through the real pipeline."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from marsad.config import Settings
from marsad.entities.kb import load_kb, read_kb
from marsad.generate.corpus import kb_records
from marsad.ingest import generated_articles, ingest_paths
from marsad.pipeline import Pipeline
from marsad.store.database import Store
from marsad_testing import DATA, SAMPLE_END, make_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def small(settings: Settings) -> Iterator[tuple[Store, Settings]]:
    """Nine hand-written articles (one an exact copy from another source) and a small KB."""
    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    report = ingest_paths(store, settings, [DATA / "articles_small.jsonl"])
    assert (report.new, report.duplicates) == (8, 1)
    yield store, settings
    store.close()


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Settings]]:
    """The generator's corpus (400 articles ending on a fixed day) with its KB."""
    tmp = tmp_path_factory.mktemp("sample")
    settings = make_settings(tmp)
    store = Store(settings.database_url)
    load_kb(store, kb_records())
    Pipeline(store, settings).ingest(generated_articles(400, end=SAMPLE_END))
    yield store, settings
    store.close()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A real PostgreSQL server: MARSAD_TEST_POSTGRES_URL, else a throwaway one (Debian's
    postgresql package); skips when neither exists."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[dev]')")
    url = os.environ.get("MARSAD_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    from pgserver import PostgresServer, find_bin

    if find_bin() is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    server = PostgresServer()
    try:
        yield server.start()
    finally:
        server.stop()
