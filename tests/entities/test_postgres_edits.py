"""Merge, split and role resolution on a real PostgreSQL server (the scale path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.entities import edits
from marsad.entities.kb import load_kb
from marsad.store.database import Store
from marsad_testing import fresh_postgres_database, make_settings

from .conftest import ingest, linked
from .test_edits import KB

pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[dev]')")
pytestmark = pytest.mark.postgres


def test_merge_split_and_roles_on_postgres(pg_url: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = Store(fresh_postgres_database(pg_url))
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
