"""JSONL sources as they come (the ANT corpus dump): slugs get readable names, settable per
source from the CLI and the admin API; a dateline in the author field fills place and
agency; the sources page says which days its counts cover."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from marsad.config import Settings, shared_data_dir
from marsad.ingest import ingest_paths
from marsad.sources.files import articles_from_file
from marsad.sources.names import readable_name
from marsad.store.database import Store
from marsad.web.app import create_app

TOKEN = "s3cret-token"
BODY = "قال وزير الخارجية الروسي سيرغي لافروف إن بلاده تدعم الحوار بين الأطراف في المنطقة."
# records shaped as the ANT corpus gives them (src slug, RFC 822 time, author dateline)
RECORDS = [
    {"src": "alarabia", "title": "لافروف يزور مدريد", "text": BODY,
     "time": "Sun, 18 Feb 2018 10:00:00 +0300", "author": "مدريد - فرانس برس"},
    {"src": "alarabia", "title": "تقرير من القاهرة عن الحوار", "text": BODY + " وأضاف أن الحل سياسي.",
     "time": "Tue, 20 Feb 2018 10:00:00 +0300", "author": "القاهرة - أحمد الريدي"},
    {"src": "skynews", "title": "لافروف في أبوظبي", "text": BODY + " والتقى المسؤولين.",
     "time": "Mon, 19 Mar 2018 09:00:00 +0400", "author": "أبوظبي - سكاي نيوز عربية"},
    {"src": "alarabia", "title": "العربية.نت تنقل عن رويترز", "text": BODY + " ونفى ذلك.",
     "time": "Wed, 21 Feb 2018 10:00:00 +0300", "author": "العربية.نت، رويترز"},
]  # fmt: skip


def ingest_records(tmp_path: Path, settings: Settings) -> Store:
    path = tmp_path / "ant.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), "utf-8")
    store = Store(settings.database_url)
    report = ingest_paths(store, settings, [path])
    assert report.new == len(RECORDS)
    return store


def stored(store: Store) -> dict[str, dict]:
    rows = [store.get_article(r["id"]) for r in store.latest_articles(limit=50)]
    return {row["title"]: row for row in rows}


def test_slugs_show_readable_names_and_the_author_dateline_fills_place_and_agency(
    tmp_path, settings
):
    store = ingest_records(tmp_path, settings)
    names = {row["slug"]: row["name"] for row in store.list_sources()}
    assert names == {"alarabia": "العربية", "skynews": "سكاي نيوز عربية"}
    articles = stored(store)
    madrid = articles["لافروف يزور مدريد"]
    assert (madrid["place"], madrid["agency"], madrid["author"]) == ("مدريد", "فرانس برس", None)
    cairo = articles["تقرير من القاهرة عن الحوار"]
    assert (cairo["place"], cairo["agency"], cairo["author"]) == ("القاهرة", None, "أحمد الريدي")
    abu_dhabi = articles["لافروف في أبوظبي"]  # the publisher's own name is not a writer
    assert (abu_dhabi["place"], abu_dhabi["agency"], abu_dhabi["author"]) == ("أبوظبي", None, None)
    reuters = articles["العربية.نت تنقل عن رويترز"]
    assert (reuters["place"], reuters["agency"], reuters["author"]) == (None, "رويترز", None)


def test_a_record_that_names_its_source_keeps_that_name(tmp_path):
    path = tmp_path / "one.jsonl"
    record = {"src": "skynews", "source_name": "سكاي نيوز", "title": "خبر", "text": BODY}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    [article] = list(articles_from_file(path))
    assert (article.source.slug, article.source.name) == ("skynews", "سكاي نيوز")


def test_the_admin_api_and_the_cli_set_a_sources_name(tmp_path, settings):
    store = ingest_records(tmp_path, settings)
    client = TestClient(create_app(store, replace(settings, admin_token=TOKEN)))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = {"name": "قناة العربية"}
    assert client.put("/api/admin/source/alarabia/name", json=body).status_code == 401
    done = client.put("/api/admin/source/alarabia/name", json=body, headers=auth)
    assert done.json() == {"source": "alarabia", "old": "العربية", "name": "قناة العربية"}
    assert "قناة العربية" in client.get("/sources").text
    assert client.get("/api/source/alarabia").json()["name"] == "قناة العربية"
    assert client.get("/api/admin/edits", headers=auth).json()[0]["action"] == "source_name"
    missing = client.put("/api/admin/source/nowhere/name", json=body, headers=auth)
    assert missing.status_code == 404 and "marsad sources list" in missing.text
    empty = client.put("/api/admin/source/alarabia/name", json={"name": " "}, headers=auth)
    assert empty.status_code == 400

    env = dict(os.environ, MARSAD_DATABASE_URL=settings.database_url)
    cli = [sys.executable, "-m", "marsad.cli", "sources"]
    named = subprocess.run([*cli, "name", "skynews", "سكاي نيوز"], env=env,
                           capture_output=True, text=True, timeout=60)  # fmt: skip
    assert named.returncode == 0 and "سكاي نيوز عربية → سكاي نيوز" in named.stdout
    listed = subprocess.run([*cli, "list"], env=env, capture_output=True, text=True, timeout=60)
    assert "skynews\tسكاي نيوز\t1\t2018-03-19 – 2018-03-19" in listed.stdout
    assert store.get_source("skynews")["name"] == "سكاي نيوز"


def test_the_sources_page_says_which_days_its_counts_cover(tmp_path, settings):
    store = ingest_records(tmp_path, settings)
    client = TestClient(create_app(store, settings))
    rows = {r["slug"]: r for r in client.get("/api/sources").json()}
    assert (rows["alarabia"]["first_day"], rows["alarabia"]["last_day"]) == (
        "2018-02-18",
        "2018-02-21",
    )
    page = client.get("/sources").text
    assert "أيا كان تاريخها: من" in page and 'datetime="2018-02-18"' in page
    assert 'datetime="2018-03-19"' in page  # the newest day of all


def test_every_ant_corpus_slug_has_a_readable_arabic_name():
    path = shared_data_dir() / "news" / "ant-multisource-v2.1.jsonl.gz"
    if not path.exists():
        pytest.skip(f"the ANT corpus is not at {path} (see the shared data README)")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        slugs = {json.loads(line)["src"] for line in fh}
    assert slugs == {"alarabia", "skynews", "france24", "BBC", "CNN"}
    names = {slug: readable_name(slug) for slug in slugs}
    assert all(name and any("\u0621" <= c <= "\u064a" for c in name) for name in names.values()), (
        names
    )
