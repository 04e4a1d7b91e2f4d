"""Stories in a real headless Chromium: a list shows a story once and opens its other
sources without JavaScript; the story page says who published first and after how long."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import test_browser

from marsad.entities.kb import load_kb, read_kb
from marsad.ingest import ingest_paths
from marsad.store.database import Store
from marsad_testing import DATA, make_settings, serve_site

pytestmark = test_browser.pytestmark  # Chromium and playwright, or skipped
browser = test_browser.browser  # the same headless Chromium fixture


@pytest.fixture(scope="module")
def stories_url(tmp_path_factory) -> Iterator[str]:
    settings = make_settings(tmp_path_factory.mktemp("stories-browser"))
    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    ingest_paths(store, settings, [DATA / "articles_stories.jsonl"])
    with serve_site(store, settings) as url:
        yield url
    store.close()


@pytest.fixture(scope="module")
def sample_url(sample) -> Iterator[str]:
    with serve_site(*sample) as url:
        yield url


def test_other_sources_open_and_lead_to_the_story_page_without_javascript(browser, stories_url):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1200, "height": 1400}
    )
    page = context.new_page()
    page.goto(f"{stories_url}/entity/لافروف")
    items = page.locator("#articles ol.news > li")
    assert items.count() == 3  # six articles, three stories
    ankara = items.nth(2)
    others = ankara.locator("details.story-others")
    assert others.locator("summary").inner_text() == "و3 مصادر أخرى"
    assert not others.locator("ul").is_visible()
    others.locator("summary").click()
    listed = others.locator("ul li").all_inner_texts()
    assert [t.split(" · ")[0] for t in listed] == ["سانا", "RT Arabic", "الوطن"]
    assert "(النص نفسه)" in listed[2]
    others.locator("a.story-link").click()
    page.wait_for_url("**/story/1")
    rows = page.locator("#story-articles tbody tr")
    assert rows.count() == 4
    assert "(الأول)" in rows.nth(0).inner_text() and "سانا" in rows.nth(0).inner_text()
    lags = rows.locator("td:nth-child(3)").all_inner_texts()
    assert lags == ["—", "بعد 45 دقيقة", "بعد ساعتين و20 دقيقة", "بعد 3 ساعات"]
    added = page.locator("#story-headlines ins").all_inner_texts()
    assert "بالفيديو.." in added
    context.close()


def test_quote_copies_open_with_their_sources(browser, stories_url):
    page = browser.new_page()
    page.goto(f"{stories_url}/entity/لافروف")
    quotes = page.locator("#quotes ol.quotes > li")
    texts = quotes.locator("blockquote").all_inner_texts()
    assert len(texts) == len(set(texts)) == 2  # three copies of each, each shown once
    copies = quotes.first.locator("details.quote-copies")
    assert copies.locator("summary").inner_text().startswith("نقلته أيضا: ")
    copies.locator("summary").click()
    assert copies.locator("ul li").count() == 2 and copies.locator("ul").is_visible()
    page.close()


def test_sample_lists_show_a_story_once(browser, sample_url):
    page = browser.new_page(viewport={"width": 1200, "height": 1400})
    for url in ("/entity/لافروف", "/"):
        page.goto(sample_url + url)
        links = page.locator("ol.news > li > h3 a").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
        assert links and len(links) == len(set(links))
        assert page.locator("details.story-others").count() > 0, url
    page.goto(f"{sample_url}/entity/لافروف")
    texts = page.locator("#quotes blockquote").all_inner_texts()
    assert len(texts) == len(set(texts)) == 5
    page.locator("#articles details.story-others summary").first.click()
    page.locator("#articles details.story-others a.story-link").first.click()
    page.wait_for_url("**/story/**")
    assert page.locator("#story-articles tbody tr").count() >= 2
    assert "نشرها أولا" in page.locator("#story-summary").inner_text()
    page.close()


def test_story_page_fits_a_phone(browser, stories_url):
    page = browser.new_page(viewport={"width": 360, "height": 780}, is_mobile=True)
    for url in ("/story/1", "/entity/لافروف"):
        page.goto(stories_url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (url, width)
    page.close()
