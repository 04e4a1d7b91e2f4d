"""The admin API: the same corrections as the CLI, only with the bearer token."""

from __future__ import annotations

from dataclasses import replace

from fastapi.testclient import TestClient

from marsad.config import Settings
from marsad.entities.kb import load_kb
from marsad.store.database import Store
from marsad.web.app import create_app

from .conftest import ingest

TOKEN = "s3cret-token"
KB = [
    {"id": "lavrov", "type": "PERSON", "name": "سيرغي لافروف", "aliases": ["لافروف"]},
    {"id": "lavrov-dup", "type": "PERSON", "name": "سيرجي لافروف", "aliases": []},
]


def _client(settings: Settings, token: str | None) -> tuple[TestClient, Store]:
    store = Store(settings.database_url)
    load_kb(store, KB)
    ingest(store, settings, "لافروف في موسكو", "وصل سيرجي لافروف إلى موسكو.")
    return TestClient(create_app(store, replace(settings, admin_token=token))), store


def test_admin_api_refuses_without_the_token(settings: Settings) -> None:
    client, store = _client(settings, TOKEN)
    body = {"source": "سيرجي لافروف", "target": "سيرغي لافروف"}
    assert client.post("/api/admin/merge", json=body).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.post("/api/admin/merge", json=body, headers=wrong).status_code == 401
    assert client.get("/api/admin/edits", headers={"Authorization": TOKEN}).status_code == 401
    assert store.get_entity("سيرجي لافروف")["kb_id"] == "lavrov-dup"  # nothing changed


def test_admin_api_is_closed_when_no_token_is_configured(settings: Settings) -> None:
    client, _ = _client(settings, None)
    response = client.get("/api/admin/edits", headers={"Authorization": "Bearer "})
    assert response.status_code == 401


def test_admin_api_edits_with_the_token_and_logs_them(settings: Settings) -> None:
    client, store = _client(settings, TOKEN)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    merged = client.post(
        "/api/admin/merge", json={"source": "سيرجي لافروف", "target": "سيرغي لافروف"}, headers=auth
    )
    assert merged.status_code == 200 and merged.json()["mentions"] == 2  # title + body
    assert client.get("/api/entity/سيرجي لافروف").json()["name"] == "سيرغي لافروف"
    described = client.put(
        "/api/admin/entity/لافروف/description",
        json={"description": "دبلوماسي روسي.", "source": "ويكيبيديا"},
        headers=auth,
    )
    assert described.status_code == 200
    added = client.post("/api/admin/entity/لافروف/aliases", json={"alias": "لافروفا"}, headers=auth)
    assert added.status_code == 200
    removed = client.delete("/api/admin/entity/لافروف/aliases/لافروفا", headers=auth)
    assert removed.status_code == 200
    renamed = client.post(
        "/api/admin/entity/لافروف/rename", json={"name": "سيرغي لافروف (وزير)"}, headers=auth
    )
    assert renamed.status_code == 200
    missing = client.post("/api/admin/entity/لا-أحد/rename", json={"name": "س"}, headers=auth)
    assert missing.status_code == 404
    log = client.get("/api/admin/edits", headers=auth).json()
    assert [e["action"] for e in log] == [
        "rename",
        "alias_remove",
        "alias_add",
        "describe",
        "merge",
    ]
    page = client.get("/api/entity/لافروف").json()
    assert page["description"] == "دبلوماسي روسي." and page["description_source"] == "ويكيبيديا"
