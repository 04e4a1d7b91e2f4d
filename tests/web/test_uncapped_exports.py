"""Every list exports whole as CSV and JSONL: pages, API routes and `marsad export` agree."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from marsad import exports, pages
from marsad.entities.kb import load_kb, read_kb
from marsad.ingest import ingest_paths
from marsad.store import listing
from marsad.store.database import Store
from marsad.web.app import create_app
from marsad_testing import DATA, make_settings

# 45 dated articles that all say "مفاوضات" (more than two pages of search results), one of
# them with a title a spreadsheet would run as a formula
EXTRA = [
    {
        "title": f"جولة مفاوضات رقم {n} في جنيف",
        "text": f"قال سيرغي لافروف إن جولة المفاوضات رقم {n} انتهت في جنيف دون اتفاق.",
        "source": "sana",
        "source_name": "سانا",
        "url": f"https://sana.example/talks/{n}",
        "published": f"2026-03-{1 + n % 9:02d}T10:00:00+02:00",
    }
    for n in range(44)
] + [
    {
        "title": '=HYPERLINK("https://evil.example","مفاوضات")',
        "text": "@SUM(1) -2 +3 مفاوضات لافروف في موسكو.",
        "source": "rt",
        "source_name": "RT Arabic",
        "url": "https://rt.example/formula",
        "published": "2026-03-09T10:00:00+02:00",
    }
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("exports")
    settings = dataclasses.replace(make_settings(tmp), ner="gazetteer")  # names of the KB
    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    extra = tmp / "extra.jsonl"
    extra.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in EXTRA), "utf-8")
    ingest_paths(store, settings, [DATA / "articles_small.jsonl", extra])
    yield store, settings, tmp
    store.close()


@pytest.fixture(scope="module")
def client(built):
    store, settings, _ = built
    return TestClient(create_app(store, settings))


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _jsonl(response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert "attachment" in response.headers["content-disposition"]
    return [json.loads(line) for line in response.text.splitlines()]


def test_entity_articles_export_has_every_article_in_both_formats(client, built):
    store, settings, _ = built
    page = pages.entity_page(store, settings, "لافروف")
    rows = _csv(client.get("/entity/لافروف/articles.csv"))
    lines = _jsonl(client.get("/entity/لافروف/articles.jsonl"))
    assert len(rows) == len(lines) == page.total_articles > pages.PAGE_SIZE
    assert [int(r["id"]) for r in rows] == [line["id"] for line in lines]
    assert [r["day"] for r in rows] == sorted((r["day"] for r in rows), reverse=True)
    assert {line["mention"] for line in lines} >= {"سيرغي لافروف", "لافروف"}
    # the first page of the entity is the start of the export, in the same order
    assert [a.id for a in page.articles] == [line["id"] for line in lines[: len(page.articles)]]


def test_csv_neutralises_formulas_and_jsonl_keeps_the_text(client):
    rows = _csv(client.get("/entity/لافروف/articles.csv"))
    formula = next(r for r in rows if "HYPERLINK" in r["title"])
    assert formula["title"] == "'" + EXTRA[-1]["title"]
    lines = _jsonl(client.get("/entity/لافروف/articles.jsonl"))
    assert any(line["title"] == EXTRA[-1]["title"] for line in lines)


def test_search_export_has_every_hit_past_the_page_and_the_count_cap(client, built, monkeypatch):
    store, _, _ = built
    monkeypatch.setattr(listing, "FILTERED_COUNT_CAP", 10)  # the page counts 10 at most
    shown = pages.search_page(store, "مفاوضات", source="sana")
    assert shown.total_capped and shown.total == 10
    rows = _csv(client.get("/search.csv", params={"q": "مفاوضات", "source": "sana"}))
    assert len(rows) == 44 and {r["source_slug"] for r in rows} == {"sana"}
    assert [int(r["id"]) for r in rows] == sorted((int(r["id"]) for r in rows), reverse=True)
    everywhere = _jsonl(client.get("/search.jsonl", params={"q": "والمفاوضات"}))
    assert len(everywhere) == 45  # clitic forms as on the page; both sources
    dated = _jsonl(client.get("/search.jsonl", params={"q": "مفاوضات", "from": "2026-03-09"}))
    assert {line["day"] for line in dated} == {"2026-03-09"} and len(dated) == 5
    with_entity = _jsonl(client.get("/search.jsonl", params={"q": "جنيف", "entity": "كيري"}))
    on_page = pages.search_page(store, "جنيف", entity="كيري")
    assert 0 < len(with_entity) == on_page.total < 44  # not the 44 talks without Kerry
    assert {line["id"] for line in with_entity} == {a.id for a in on_page.articles}
    assert client.get("/search.csv").status_code == 400  # nothing to search for
    assert client.get("/search.csv", params={"q": "مفاوضات", "source": "x"}).status_code == 404


def test_quotes_mentions_related_and_timeline_export(client, built):
    store, settings, _ = built
    quotes = pages.quotes_page(store, "لافروف")
    said = _jsonl(client.get("/entity/لافروف/quotes.jsonl"))
    assert len(said) == quotes.total > pages.PAGE_SIZE
    assert said[0]["text"] == quotes.quotes[0].text
    assert any("جولة المفاوضات رقم" in q["text"] for q in said)
    assert len(_csv(client.get("/entity/لافروف/quotes.csv"))) == quotes.total

    mentions = _csv(client.get("/entity/لافروف/mentions.csv"))
    assert {"سيرغي لافروف", "لافروف", "سيرجي لافروف"} <= {m["surface"] for m in mentions}
    one = next(m for m in mentions if m["surface"] == "سيرغي لافروف")
    article = pages.article_page(store, int(one["article_id"]))
    content = article.title + "\n" + article.text
    assert content[int(one["start"]) : int(one["end"])] == "سيرغي لافروف"

    page = pages.entity_page(store, settings, "لافروف")
    related = _jsonl(client.get("/entity/لافروف/related.jsonl"))
    assert [r["name"] for r in related[: len(page.related)]] == [r.name for r in page.related]
    places = _csv(client.get("/entity/لافروف/related.csv", params={"type": "places"}))
    assert places and {r["type"] for r in places} == {"LOCATION"}

    days = _jsonl(client.get("/entity/لافروف/timeline.jsonl"))
    assert len(days) == settings.window_days
    assert sum(d["articles"] for d in days) == page.article_count


def test_unknown_entity_is_a_404_before_any_byte(client):
    for name in ("articles", "quotes", "mentions", "related", "timeline"):
        for fmt in exports.FORMATS:
            assert client.get(f"/entity/لا-أحد/{name}.{fmt}").status_code == 404


def test_cli_export_writes_the_same_bytes_as_the_web(client, built):
    _, settings, tmp = built
    env = dict(os.environ, MARSAD_DATA_DIR=str(tmp), MARSAD_DATABASE_URL=settings.database_url)
    out = Path(tmp) / "lavrov.jsonl"
    for args, url in [
        (["articles", "لافروف", "--format", "jsonl", "--out", str(out)], None),
        (["search", "مفاوضات", "--source", "sana"], "/search.csv?q=مفاوضات&source=sana"),
    ]:
        done = subprocess.run(
            [sys.executable, "-m", "marsad.cli", "export", *args],
            env=env,
            capture_output=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr.decode()
        if url is None:
            assert out.read_bytes() == client.get("/entity/لافروف/articles.jsonl").content
        else:
            assert done.stdout == client.get(url).content
    bad = subprocess.run(
        [sys.executable, "-m", "marsad.cli", "export", "quotes", "لا-أحد"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 1 and "لا-أحد" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.postgres
def test_exports_stream_from_postgres_the_same_rows(built, pg_url, tmp_path):
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[dev]')")
    from marsad_testing import fresh_postgres_database

    lite, settings, tmp = built
    store = Store(fresh_postgres_database(pg_url))
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    ingest_paths(store, settings, [DATA / "articles_small.jsonl", Path(tmp) / "extra.jsonl"])

    def lines(s: Store, export_of) -> list[dict]:
        data = b"".join(exports.jsonl_chunks(export_of(s))).decode("utf-8")
        return [{k: v for k, v in json.loads(x).items() if k != "id"} for x in data.splitlines()]

    for export_of in (
        lambda s: exports.entity_articles(s, "لافروف"),
        lambda s: exports.entity_quotes(s, "لافروف"),
        lambda s: exports.search(s, "مفاوضات", source="sana"),
    ):
        on_pg, on_lite = lines(store, export_of), lines(lite, export_of)
        assert len(on_pg) == len(on_lite) >= 44
        key = lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False)  # noqa: E731
        assert sorted(map(key, on_pg)) == sorted(map(key, on_lite))
    store.close()


def test_pages_link_to_their_whole_lists(client):
    entity = client.get("/entity/لافروف").text
    for name in ("articles.jsonl", "mentions.csv", "related.csv", "quotes.csv"):
        assert f"/{name}" in entity
    found = client.get("/search", params={"q": "مفاوضات", "source": "sana"}).text
    link = next(x for x in found.split('"') if x.startswith("/search.jsonl?"))
    assert len(_jsonl(client.get(link.replace("&amp;", "&")))) == 44
    assert "/quotes.jsonl" in client.get("/entity/لافروف/quotes").text
