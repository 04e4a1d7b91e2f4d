"""Every route and parameter of the web app, including the bad ones, on real SQLite data."""

from __future__ import annotations

import csv
import io
import re
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from tests.web.test_routes import check_page

from marsad.entities.kb import load_kb, read_kb
from marsad.ingest import ingest_paths
from marsad.store.database import Store
from marsad.web.app import create_app
from marsad_testing import DATA, make_settings


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """The nine hand-written articles, built once for these read-only tests."""
    settings = make_settings(tmp_path_factory.mktemp("small"))
    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    ingest_paths(store, settings, [DATA / "articles_small.jsonl"])
    yield TestClient(create_app(store, settings))
    store.close()


@pytest.fixture(scope="module")
def sample_client(sample):
    store, settings = sample
    return TestClient(create_app(store, settings))


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_timeline_csv_has_every_day_of_the_window_with_zero_days(client):
    rows = _csv(client.get("/entity/لافروف/timeline.csv"))
    assert rows[0] == ["day", "articles", "stories"]
    assert len(rows) == 31  # header + 30 days
    by_day = {r[0]: (int(r[1]), int(r[2])) for r in rows[1:]}
    assert by_day["2026-03-10"] == (2, 2) and by_day["2026-03-12"][0] >= 1
    assert by_day["2026-02-20"] == (0, 0)  # a zero day is a row too
    assert sum(a for a, _ in by_day.values()) == 4


def test_articles_csv_lists_every_article_newest_first_with_the_mention(client):
    rows = _csv(client.get("/entity/لافروف/articles.csv"))
    assert rows[0] == ["id", "day", "published", "source", "title", "url", "mention"]
    body = rows[1:]
    assert len(body) == 4
    assert [r[1] for r in body] == sorted((r[1] for r in body), reverse=True)
    assert body[0][4] == "لافروف: موسكو منفتحة على الحوار"
    assert all(r[6] for r in body)  # the first mention as written (a name, alias or role)
    assert {"لافروف", "سيرغي لافروف", "سيرجي لافروف"} & {r[6] for r in body}
    assert client.get("/entity/لا-أحد/articles.csv").status_code == 404
    assert client.get("/entity/لا-أحد/timeline.csv").status_code == 404


def test_chart_png_is_a_link_preview_image_and_og_image_points_to_it(client):
    pytest.importorskip("PIL", reason="Pillow is not installed: previews use the SVG")
    png = client.get("/entity/لافروف/chart.png")
    assert png.headers["content-type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    assert Image.open(io.BytesIO(png.content)).size == (1200, 630)
    html = client.get("/entity/لافروف").text
    image = re.search(r'property="og:image" content="([^"]+)"', html)[1]
    assert image.endswith("/chart.png")
    assert re.search(r'name="twitter:image" content="[^"]+/chart.png"', html)
    assert 'name="twitter:description"' in html and 'property="og:description"' in html


def test_chart_svg_counts_stories_on_request_and_every_day_is_focusable(client):
    svg = client.get("/entity/لافروف/chart.svg", params={"stories": "true"})
    root = ET.fromstring(svg.text)
    days = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("tabindex") == "0"]
    assert len(days) == 30
    labels = [g.get("aria-label") for g in days]
    assert any(label.startswith("10 مارس 2026: 2") for label in labels)
    assert "قصص" in labels[0]


def test_entity_page_numbers_are_isolated_and_score_is_explained(client):
    html = client.get("/entity/لافروف").text
    for span in re.findall(r'<span class="count"[^>]*>(.*?)</span>', html, re.S):
        assert "<bdi>" in span or span.startswith(("خبر واحد", "خبران")), span  # 1, 2: words
    assert "G²" in html and "نسبة الأرجحية" in html and "كيف نرتبهم" in html
    assert (
        'href="/entity/%D8%B3%D9%8A%D8%B1%D8%BA%D9%8A-%D9%84%D8%A7%D9%81%D8%B1%D9%88%D9%81/timeline.csv"'
        in html
    )


def test_entity_pagination_has_real_links_and_bad_pages_are_answered(sample_client):
    first = sample_client.get("/entity/لافروف")
    check_page(first)
    data = sample_client.get("/api/entity/لافروف").json()
    assert data["pages"] >= 2
    assert 'rel="next" href="?page=2#articles"' in first.text
    second = sample_client.get("/entity/لافروف", params={"page": 2})
    check_page(second)
    assert 'rel="prev"' in second.text
    ids_1 = [a["id"] for a in data["articles"]]
    ids_2 = [a["id"] for a in sample_client.get("/api/entity/لافروف?page=2").json()["articles"]]
    assert not set(ids_1) & set(ids_2)
    days = [a["day"] for a in data["articles"]]
    assert days == sorted(days, reverse=True)  # newest first
    too_far = sample_client.get("/entity/لافروف", params={"page": data["pages"] + 1})
    check_page(too_far, 404)
    check_page(sample_client.get("/entity/لافروف", params={"page": 0}), 400)
    check_page(sample_client.get("/entity/لافروف", params={"page": "x"}), 400)
    assert sample_client.get("/api/entity/لافروف", params={"page": "x"}).status_code == 422


def test_stories_and_type_filters_keep_each_other_in_links(sample_client):
    html = sample_client.get("/entity/لافروف", params={"stories": "true", "type": "places"}).text
    assert "?type=people&amp;stories=true#related" in html
    assert "stories=true&amp;type=places&amp;page=2" in html


def test_search_filters_by_source_dates_and_entity(client):
    everything = client.get("/api/search", params={"q": "لافروف"}).json()
    assert everything["total"] == 4
    rt = client.get("/api/search", params={"q": "لافروف", "source": "rt"}).json()
    assert 1 <= rt["total"] < everything["total"] and rt["source"] == "rt"
    assert all(a["source_slug"] == "rt" for a in rt["articles"])
    day = client.get(
        "/api/search", params={"q": "لافروف", "from": "2026-03-12", "to": "2026-03-12"}
    )
    assert [a["day"] for a in day.json()["articles"]] == ["2026-03-12"] * day.json()["total"]
    kerry = client.get("/api/search", params={"q": "جنيف", "entity": "كيري"}).json()
    assert kerry["entity"]["name"] == "جون كيري" and kerry["total"] >= 1
    html = client.get("/search", params={"q": "لافروف", "source": "rt", "from": "2026-03-01"})
    check_page(html)
    assert 'value="2026-03-01"' in html.text and '<option value="rt" selected>' in html.text


def test_search_bad_dates_are_400_with_a_message(client):
    bad = client.get("/api/search", params={"q": "لافروف", "from": "أمس"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["error"]
    page = client.get("/search", params={"q": "لافروف", "to": "2026-13-40"})
    check_page(page, 400)
    assert "تاريخ غير صالح" in page.text and "YYYY-MM-DD" in page.text
    backwards = client.get(
        "/api/search", params={"q": "x", "from": "2026-03-12", "to": "2026-03-01"}
    )
    assert backwards.status_code == 400 and "from" in backwards.json()["error"]
    assert client.get("/api/search", params={"q": "x", "source": "nowhere"}).status_code == 404
    assert client.get("/api/search", params={"q": "x", "entity": "لا-أحد"}).status_code == 404


def test_search_is_normalisation_and_clitic_aware_with_highlighted_snippets(client):
    for query in ("أنقرة", "انقره", "وأنقرة", "ولافروف", "بلافروف"):
        assert client.get("/api/search", params={"q": query}).json()["total"] >= 1, query
    data = client.get("/api/search", params={"q": "لافروف"}).json()
    marked = [a for a in data["articles"] if a["highlight"]]
    assert marked
    for a in marked:
        start, end = a["highlight"]
        assert "لافروف" in a["snippet"][start:end]
    assert "<mark>" in client.get("/search", params={"q": "لافروف"}).text
    check_page(client.get("/search"))  # no query: the form


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("لافروف", "سيرغي لافروف"),
        ("ولافروف", "سيرغي لافروف"),  # clitic و
        ("بلافروف", "سيرغي لافروف"),  # clitic ب
        ("ولاف", "سيرغي لافروف"),  # clitic and still typing
        ("سيرجى", "سيرغي لافروف"),  # ى/ي
        ("انقره", "أنقرة"),  # hamza and ta marbuta
        ("إنقرة", "أنقرة"),
        ("الامم", "الأمم المتحدة"),
        ("للأمم", "الأمم المتحدة"),  # ل + ال
        ("طيب", "رجب طيب أردوغان"),  # a word inside the name
    ],
)
def test_autocomplete_tolerates_spelling_variants_and_clitics(client, typed, expected):
    rows = client.get("/api/autocomplete", params={"q": typed}).json()
    assert rows and rows[0]["name"] == expected, (typed, rows)


def test_autocomplete_edge_cases(client):
    assert client.get("/api/autocomplete", params={"q": ""}).json() == []
    assert client.get("/api/autocomplete", params={"q": "   "}).json() == []
    assert client.get("/api/autocomplete", params={"q": "%_"}).json() == []
    assert client.get("/api/autocomplete", params={"q": "ل", "limit": 2}).status_code == 200
    assert client.get("/api/autocomplete", params={"q": "ل", "limit": 50}).status_code == 422
    rows = client.get("/api/autocomplete", params={"q": "كير"}).json()
    assert rows[0]["articles"] == 3


def test_compare_suggests_related_dedupes_and_links_views(client):
    data = client.get("/api/compare", params={"e": ["لافروف", "سيرغي لافروف", "كيري"]}).json()
    assert [s["name"] for s in data["series"]] == ["سيرغي لافروف", "جون كيري"]
    assert all(s["name"] != "جون كيري" for s in data["suggestions"])
    html = client.get("/compare", params={"e": ["لافروف", "كيري"]})
    check_page(html)
    assert "view=share" in html.text and 'aria-label="احذف' in html.text
    assert client.get("/api/compare").status_code == 400
    assert client.get("/api/compare", params={"e": ["لافروف", "لا-أحد"]}).status_code == 404
    check_page(client.get("/compare", params={"e": ["لافروف", "كيري"], "view": "pie"}), 400)
    share = client.get("/api/compare", params={"e": ["لافروف"], "view": "share"}).json()
    assert max(p["count"] for p in share["series"][0]["timeline"]) <= 1000


def test_compare_of_five_has_no_add_form(sample_client):
    keys = ["لافروف", "كيري", "موسكو", "دمشق", "أنقرة"]
    html = sample_client.get("/compare", params={"e": keys})
    check_page(html)
    assert html.text.count("<polyline") == 5 and 'id="add-entity"' not in html.text


def test_source_archive_pages_have_a_page_count(sample_client):
    data = sample_client.get("/api/source/sana").json()
    assert data["pages"] >= 2 and data["total_articles"] > 20
    page = sample_client.get("/source/sana", params={"page": 2})
    check_page(page)
    assert f"من <bdi>{data['pages']}</bdi>" in page.text
    check_page(sample_client.get("/source/sana", params={"page": data["pages"] + 1}), 404)
    check_page(sample_client.get("/source/sana", params={"page": 0}), 400)


def test_home_shows_one_item_per_story(sample_client):
    data = sample_client.get("/api/home").json()
    stories = [a["story_id"] for a in data["latest"]]
    assert len(stories) == len(set(stories)) == 12 and data["trending"] and data["sources"]


def test_unknown_routes_are_an_arabic_404_page(client):
    check_page(client.get("/no/such/page"), 404)
    assert client.get("/api/no-such").status_code == 404


def test_every_html_page_passes_the_structure_and_rtl_check(client):
    article = client.get("/api/search", params={"q": "لافروف"}).json()["articles"][0]["id"]
    for url in (
        "/",
        "/entity/لافروف",
        "/entity/لافروف?stories=true",
        "/entity/لافروف?type=people",
        "/entity/جنيف",
        "/entity/الأمم المتحدة",
        "/compare?e=لافروف&e=كيري",
        "/compare?e=لافروف&e=كيري&view=share",
        "/compare?e=لافروف",
        "/search?q=لافروف",
        "/search?q=كلمة-غير-موجودة",
        "/search",
        f"/article/{article}",
        "/sources",
        "/source/rt",
        "/source/sana?page=1",
    ):
        check_page(client.get(url))
    check_page(client.get("/entity/لا-أحد"), 404)
    check_page(client.get("/article/999999"), 404)
    check_page(client.get("/search?q=x&from=yesterday"), 400)


def test_openapi_documents_exports_and_search_filters(client):
    schema = client.get("/openapi.json").json()
    assert "/entity/{key}/timeline.csv" in schema["paths"]
    assert "/entity/{key}/articles.csv" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "page", "source", "from", "to", "entity"} <= params


def test_atom_feeds_carry_zoned_timestamps(client):
    ns = "{http://www.w3.org/2005/Atom}"
    for url in ("/entity/لافروف/feed.atom", "/source/rt/feed.atom"):
        root = ET.fromstring(client.get(url).content)
        stamps = [e.text for e in root.iter(f"{ns}updated")]
        assert stamps and all(s.endswith("+00:00") for s in stamps), stamps


def test_autocomplete_leaves_out_names_no_article_or_knowledge_base_vouches_for(small):
    from marsad.models import Entity, EntityType

    store, _ = small
    client = TestClient(create_app(*small))
    store.create_entity(Entity(name="لافروفيتش", type=EntityType.PERSON))  # orphan, no KB
    load_kb(store, [{"id": "t:lav2", "type": "PERSON", "name": "لافروفسكي", "aliases": []}])
    names = [e["name"] for e in client.get("/api/autocomplete", params={"q": "لافروف"}).json()]
    assert names[0] == "سيرغي لافروف"
    assert "لافروفسكي" in names and "لافروفيتش" not in names
    assert client.get("/api/entity/لافروفيتش").status_code == 200  # its page still answers
