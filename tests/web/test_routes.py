"""Every route answers, in HTML and JSON, against a real SQLite database."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from marsad.web.app import create_app


@pytest.fixture
def client(small):
    store, settings = small
    return TestClient(create_app(store, settings))


@pytest.fixture(scope="module")
def sample_client(sample):
    store, settings = sample
    return TestClient(create_app(store, settings))


class _Structure(HTMLParser):
    """Collects ids and checks that every opened element is closed in order."""

    VOID = {
        "meta",
        "link",
        "input",
        "br",
        "img",
        "hr",
        "rect",
        "line",
        "circle",
        "polyline",
        "source",
    }

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ids: set[str] = set()
        self.errors: list[str] = []
        self.root_attrs: dict[str, str | None] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.labels: set[str] = set()
        self.h1 = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.root_attrs = attrs
        self.tags.append((tag, attrs))
        if "id" in attrs:
            if attrs["id"] in self.ids:
                self.errors.append(f"duplicate id {attrs['id']}")
            self.ids.add(attrs["id"])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
            return
        self.stack.pop()


def check_page(response, status: int = 200) -> _Structure:
    """Well-formed, right-to-left Arabic HTML that works offline and is labelled for everyone."""
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    parser = _Structure()
    parser.feed(response.text)
    assert response.text.startswith("<!doctype html>")
    assert parser.root_attrs.get("dir") == "rtl" and parser.root_attrs.get("lang") == "ar"
    assert not parser.errors, parser.errors
    assert not parser.stack, parser.stack
    assert "cdn" not in response.text.lower() and "googleapis" not in response.text
    tags = parser.tags
    assert sum(1 for t, _ in tags if t == "h1") == 1, "one h1 per page"
    assert any(t == "main" for t, _ in tags) and any(t == "title" for t, _ in tags)
    assert any(t == "meta" and a.get("name") == "viewport" for t, a in tags)
    labelled = {a.get("for") for t, a in tags if t == "label"}
    for tag, attrs in tags:
        if tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden":
            assert attrs.get("id") in labelled or attrs.get("aria-label"), f"unlabelled {attrs}"
        if tag == "a":
            assert attrs.get("href"), f"link without href: {attrs}"
        if tag == "img":
            assert attrs.get("alt") is not None, f"image without alt: {attrs}"
        if tag == "svg" and attrs.get("aria-hidden") != "true":  # not a decorative bar
            assert attrs.get("aria-label"), "charts need an accessible name"
        if tag == "g" and attrs.get("tabindex") == "0":
            assert attrs.get("aria-label"), "every focusable day says its figure"
    return parser


def test_entity_page_shows_all_eight_sections(client):
    response = client.get("/entity/لافروف")
    parser = check_page(response)
    for section in (
        "header",
        "description",
        "timeline",
        "related",
        "sources",
        "articles",
        "compare",
        "share",
    ):
        assert section in parser.ids
    html = response.text
    assert "سيرغي لافروف" in html and "ويكيبيديا" in html
    assert "<svg" in html and "2026-03-10: 2" in html  # the chart's tooltip gives the exact figure
    assert "من أهم المرتبطين" in html and "جون كيري" in html
    assert 'property="og:title"' in html and "twitter:card" in html
    for target in ("twitter.com/intent", "facebook.com/sharer", "wa.me", "t.me/share", "mailto:"):
        assert target in html


def test_entity_json_twin_has_the_documented_fields(client):
    data = client.get("/api/entity/لافروف").json()
    for key in (
        "id",
        "name",
        "type",
        "aliases",
        "description",
        "article_count",
        "timeline",
        "related",
        "sources",
        "articles",
    ):
        assert key in data
    assert data["name"] == "سيرغي لافروف" and data["type"] == "PERSON"
    assert "لافروف" in data["aliases"]
    first = data["articles"][0]
    assert (
        first["published"].startswith("2026-03-12T")
        and first["source"]
        and first["title"]
        and first["url"]
    )


def test_entity_by_id_slug_and_alias_are_the_same_page(client):
    by_alias = client.get("/api/entity/سيرجي لافروف").json()
    assert client.get(f"/api/entity/{by_alias['id']}").json()["id"] == by_alias["id"]
    assert client.get(f"/api/entity/{by_alias['slug']}").json()["id"] == by_alias["id"]


def test_stories_switch_and_type_filter(client):
    people = client.get("/api/entity/لافروف", params={"type": "people"}).json()
    assert all(r["type"] == "PERSON" for r in people["related"])
    assert client.get("/api/entity/لافروف", params={"stories": "true"}).json()["stories"] is True
    check_page(client.get("/entity/لافروف", params={"type": "places", "stories": "true"}))


def test_unknown_entity_is_a_404_page_and_json(client):
    response = client.get("/entity/شخص-غير-موجود")
    assert response.status_code == 404 and 'dir="rtl"' in response.text
    assert client.get("/api/entity/شخص-غير-موجود").status_code == 404


def test_bad_parameters_are_400_with_a_message(client):
    assert client.get("/api/entity/لافروف", params={"type": "cats"}).status_code == 400
    assert client.get("/api/compare", params={"e": ["لافروف"], "view": "pie"}).status_code == 400
    too_many = client.get("/api/compare", params={"e": ["1", "2", "3", "4", "5", "6"]})
    assert too_many.status_code == 400 and "5" in too_many.json()["error"]
    assert client.get("/api/entity/لافروف", params={"page": 0}).status_code == 422


def test_chart_svg_and_atom_feed(client):
    svg = client.get("/entity/لافروف/chart.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    ET.fromstring(svg.text)
    feed = client.get("/entity/لافروف/feed.atom")
    root = ET.fromstring(feed.content)
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 4
    assert (
        entries[0].find("{http://www.w3.org/2005/Atom}title").text
        == "لافروف: موسكو منفتحة على الحوار"
    )
    source_feed = ET.fromstring(client.get("/source/rt/feed.atom").content)
    assert len(source_feed.findall("{http://www.w3.org/2005/Atom}entry")) == 3  # a2, a3, a7


def test_compare_page_overlays_timelines(client):
    data = client.get("/api/compare", params={"e": ["لافروف", "كيري"]}).json()
    assert [s["name"] for s in data["series"]] == ["سيرغي لافروف", "جون كيري"]
    assert [s["total"] for s in data["series"]] == [4, 3]
    html = check_page(client.get("/compare", params={"e": ["لافروف", "كيري"], "view": "share"}))
    assert "compare-chart" in html.ids


def test_search_pages_highlight_and_normalise(client):
    data = client.get("/api/search", params={"q": "انقره"}).json()
    assert data["total"] == 2
    check_page(client.get("/search", params={"q": "لافروف"}))
    assert client.get("/api/search", params={"q": ""}).json()["total"] == 0


def test_autocomplete_answers_aliases(client):
    rows = client.get("/api/autocomplete", params={"q": "سيرج"}).json()
    assert rows[0]["name"] == "سيرغي لافروف" and rows[0]["matched"] == "سيرجي لافروف"


def test_article_view_links_mentions(client):
    data = client.get("/api/search", params={"q": "ولافروف"}).json()
    article_id = data["articles"][0]["id"]
    response = client.get(f"/article/{article_id}")
    check_page(response)
    assert re.search(
        r'class="mention type-person" href="/entity/[^"]+"[^>]*>لافروف</a>', response.text
    )
    assert client.get("/api/article/999999").status_code == 404
    assert client.get("/article/abc").status_code == 400  # HTML pages answer a page, not JSON


def test_home_sources_and_source_pages(client):
    check_page(client.get("/"))
    check_page(client.get("/sources"))
    parser = check_page(client.get("/source/anadolu"))
    assert "source-entities" in parser.ids
    assert client.get("/source/nowhere").status_code == 404
    assert client.get("/api/source/anadolu").json()["name"] == "الأناضول"
    assert {s["slug"] for s in client.get("/api/sources").json()} == {"sana", "rt", "anadolu"}
    assert client.get("/api/home").json()["latest"]


def test_openapi_schema_lists_every_api_page(client):
    schema = client.get("/openapi.json").json()
    for path in (
        "/api/home",
        "/api/entity/{key}",
        "/api/compare",
        "/api/search",
        "/api/autocomplete",
        "/api/article/{article_id}",
        "/api/source/{slug}",
    ):
        assert path in schema["paths"]
    assert "EntityPage" in schema["components"]["schemas"]


def test_sample_pages_render(sample_client):
    home = sample_client.get("/")
    check_page(home)
    assert "الأكثر صعودا" in home.text
    check_page(sample_client.get("/entity/أستانة"))


def test_server_handles_as_many_requests_at_once_as_configured(small, tmp_path):
    import dataclasses

    import anyio.to_thread

    from marsad.config import load_settings
    from marsad.errors import ConfigError

    store, settings = small

    async def handlers() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    with TestClient(create_app(store, dataclasses.replace(settings, threads=3))) as c:
        assert c.portal.call(handlers) == 3
        assert c.get("/api/entity/لافروف").status_code == 200
    assert load_settings({"MARSAD_DATA_DIR": str(tmp_path)}).threads >= 2
    assert load_settings({"MARSAD_DATA_DIR": str(tmp_path), "MARSAD_THREADS": "5"}).threads == 5
    for bad in ("0", "many"):
        with pytest.raises(ConfigError, match="MARSAD_THREADS"):
            load_settings({"MARSAD_DATA_DIR": str(tmp_path), "MARSAD_THREADS": bad})
