"""Every generated test page (tests/data/pages, see make_pages.py) against its expected values."""

import json
from pathlib import Path

import pytest

from marsad.extract.html import extract_articles

PAGES = Path(__file__).resolve().parent.parent / "data" / "pages"
MANIFEST = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))["pages"]


def test_the_page_set_covers_every_family_with_at_least_40_pages():
    families = {page["family"] for page in MANIFEST}
    assert len(MANIFEST) >= 40
    assert {"sana", "rt", "archive", "blog", "legacy1256", "mojibake"} <= families


@pytest.mark.parametrize("page", MANIFEST, ids=[p["file"] for p in MANIFEST])
def test_page_yields_expected_articles(page):
    data = (PAGES / page["file"]).read_bytes()
    articles = extract_articles(data, url=page["url"], declared_encoding=page["declared_encoding"])
    assert len(articles) == len(page["articles"])
    for got, want in zip(articles, page["articles"], strict=True):
        assert got.title == want["title"]
        assert got.text.startswith(want["text_start"])
        day = got.published.date().isoformat() if got.published else None
        assert day == want["published"]
        assert got.published is None or got.published.tzinfo is not None
        assert (got.place, got.agency, got.author) == (
            want["place"],
            want["agency"],
            want["author"],
        )
        for phrase in page["absent"]:
            assert phrase not in got.text


def test_tag_archive_items_keep_their_own_links_and_dates():
    page = next(p for p in MANIFEST if p["family"] == "archive")
    articles = extract_articles((PAGES / page["file"]).read_bytes(), url=page["url"])
    assert len({a.url for a in articles}) == len(articles)
    assert all(a.url.startswith("https://alkhabar-alyawm.example/") for a in articles)
    assert all("أرشيف الوسم" not in a.title for a in articles)


def test_blog_comments_never_reach_the_article_text():
    page = next(p for p in MANIFEST if p["family"] == "blog")
    [article] = extract_articles((PAGES / page["file"]).read_bytes(), url=page["url"])
    assert "مقال رائع" not in article.text
    assert "إرسال التعليق" not in article.text
