"""Alerts on the site: the admin API and page behind the token, each watchlist's page,
JSON and Atom feed at its secret address."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from marsad.alerts.delivery import run_alerts
from marsad.web.app import create_app

TOKEN = {"Authorization": "Bearer alerts-admin-1"}
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def client(news):
    return TestClient(create_app(news.store, news.settings))


def test_the_admin_api_needs_the_token(client):
    assert client.get("/api/admin/watchlists").status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    body = {"name": "لافروف", "entities": ["لافروف"]}
    assert client.post("/api/admin/watchlists", json=body, headers=wrong).status_code == 401
    assert client.get("/api/admin/watchlists", headers=TOKEN).json() == []


def test_a_watchlist_made_over_the_api_has_a_page_json_and_atom_feed(client, news):
    body = {"name": "لافروف", "entities": ["سيرجي لافروف"], "webhook_url": "http://127.0.0.1:9/"}
    made = client.post("/api/admin/watchlists", json=body, headers=TOKEN)
    assert made.status_code == 201, made.text
    made = made.json()
    assert made["entities"][0]["name"] == "سيرغي لافروف" and len(made["webhook_secret"]) > 30
    token = made["feed_token"]
    assert client.get(f"/api/alerts/{token}").json()["articles"] == []

    news.ingest_rest()
    run_alerts(news.store, news.settings, sleep=lambda s: None)  # the webhook is down: owed

    data = client.get(f"/api/alerts/{token}").json()
    assert data["total"] == 2
    assert [a["title"] for a in data["articles"]] == [
        "لافروف: موسكو منفتحة على الحوار",  # newest match first
        "اتصال هاتفي بين لافروف وكيري",
    ]
    feed = ET.fromstring(client.get(f"/alerts/{token}/feed.atom").content)
    assert feed.find(f"{ATOM}title").text == "مرصد: لافروف"
    assert [e.find(f"{ATOM}title").text for e in feed.iter(f"{ATOM}entry")] == [
        a["title"] for a in data["articles"]
    ]
    page = client.get(f"/alerts/{token}")
    assert page.status_code == 200
    assert "اتصال هاتفي بين لافروف وكيري" in page.text and "noindex" in page.text
    assert "أردوغان" not in page.text.split("<main", 1)[-1]
    # the operator sees the owed webhook and its error; nobody else sees the watchlist
    [listed] = client.get("/api/admin/watchlists", headers=TOKEN).json()
    assert (listed["matched"], listed["webhook_sent"]) == (2, 0) and listed["last_error"]
    assert "webhook_secret" not in listed
    assert client.get("/api/alerts/not-a-token").status_code == 404
    assert client.get("/alerts/not-a-token").status_code == 404

    gone = client.delete(f"/api/admin/watchlists/{made['id']}", headers=TOKEN)
    assert gone.json() == {"removed": "لافروف"}
    assert client.get(f"/alerts/{token}/feed.atom").status_code == 404


def test_the_api_says_what_is_wrong_with_a_watchlist(client):
    no_entity = {"name": "مجهول", "entities": ["شخص لا وجود له أبدا"]}
    assert client.post("/api/admin/watchlists", json=no_entity, headers=TOKEN).status_code == 404
    empty = client.post("/api/admin/watchlists", json={"name": "فارغة"}, headers=TOKEN)
    assert empty.status_code == 400 and "needs entities" in empty.json()["error"]


def test_the_operator_page_signs_in_with_the_token_and_makes_watchlists(client):
    page = client.get("/alerts")
    assert page.status_code == 200 and 'name="token"' in page.text
    refused = client.post("/alerts/new", data={"name": "موسكو", "query": "موسكو"})
    assert refused.status_code == 401
    assert client.post("/alerts/sign-in", data={"token": "خطأ"}).status_code == 401
    signed = client.post(
        "/alerts/sign-in", data={"token": "alerts-admin-1"}, follow_redirects=False
    )
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "alerts-admin-1" not in cookie
    made = client.post("/alerts/new", data={"name": "موسكو", "query": "موسكو"})
    assert made.status_code == 201 and "/alerts/" in made.text
    listing = client.get("/alerts")
    assert "موسكو" in listing.text and 'action="/alerts/1/remove"' in listing.text
    assert client.post("/alerts/1/remove", follow_redirects=False).status_code == 303
    assert "لا توجد قوائم بعد" in client.get("/alerts").text
    client.post("/alerts/sign-out")
    assert 'name="token"' in client.get("/alerts").text
