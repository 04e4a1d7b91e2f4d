"""Merge, split and role resolution on a real PostgreSQL server (the scale path)."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from marsad.entities import edits
from marsad.entities.kb import load_kb
from marsad.store.database import Store
from marsad_testing import make_settings

from .conftest import ingest, linked
from .test_edits import KB

pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[dev]')")
pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    url = os.environ.get("MARSAD_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    spec = importlib.util.spec_from_file_location(
        "pgserver_for_entities", Path(__file__).parents[1] / "store" / "pgserver.py"
    )
    assert spec and spec.loader
    pgserver = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pgserver)
    if pgserver.find_bin() is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    server = pgserver.PostgresServer()
    try:
        yield server.start()
    finally:
        server.stop()


def _fresh_database(url: str) -> str:
    """A new, empty database on the same server (other tests may share the given one)."""
    from uuid import uuid4

    from sqlalchemy import create_engine, make_url, text

    name = f"marsad_entities_{uuid4().hex[:8]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def test_merge_split_and_roles_on_postgres(pg_url: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = Store(_fresh_database(pg_url))
    load_kb(store, KB)
    ingest(store, settings, "لافروف في موسكو", "وصل سيرغي لافروف إلى موسكو.", day="2016-05-01")
    ingest(store, settings, "في دمشق", "استقبل سيرغي لافروف في دمشق الوفد، وقال سيرجي لافروف.")
    dup_slug = store.get_entity("سيرجي لافروف")["slug"]
    merged = edits.merge(store, dup_slug, "سيرغي لافروف")
    assert merged["mentions"] == 1
    assert store.get_entity(dup_slug)["name"] == "سيرغي لافروف"
    undone = edits.split(store, "سيرغي لافروف", name=dup_slug)
    assert undone["revived"] and undone["mentions"] == 1
    load_kb(store, [{**KB[0], "roles": [{"role": "وزير الخارجية الروسي", "from": "2004-03-09"}]}])
    art = ingest(store, settings, "تصريح", "وقال الوزير الروسي إن الحل سياسي.", day="2016-05-04")
    assert linked(store, art) == [("الوزير الروسي", "lavrov")]
    store.close()
