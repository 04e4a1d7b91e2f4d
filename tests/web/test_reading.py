"""Reading comfort, in Chromium with an English-speaking browser: a relation's strength in
words and a bar (the G² figure in the explanation), the copy-link field shows the readable
Arabic address, search marks the query in titles, the date fields speak Arabic."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from test_browser import CHROMIUM, base_url, browser  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser]


@pytest.fixture
def page(browser):  # noqa: F811
    context = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 1200})
    yield context.new_page()
    context.close()


def test_relation_strength_is_words_and_a_bar_and_the_number_is_in_the_explanation(page, base_url):  # noqa: F811
    page.goto(base_url + "/entity/لافروف")
    items = page.locator("#related ol.ranked li")
    assert items.count() > 0
    first = items.first.inner_text()
    assert re.search(r"ارتباط (قوي جدا|قوي|واضح|ضعيف)", first), first
    assert "G²" not in first  # no raw figure in the list
    bars = page.locator("#related svg.strength-bar rect")
    widths = [float(w) for w in bars.evaluate_all("els => els.map(e => e.getAttribute('width'))")]
    assert widths[0] == 100 and widths == sorted(widths, reverse=True)
    page.locator("#related details.explain summary").click()
    explained = page.locator("#related details.explain").inner_text()
    assert re.search(r"G² = \d+(\.\d)?", explained) and "قوي جدا" in explained


def test_the_api_gives_the_strength_words_beside_the_score(page, base_url):  # noqa: F811
    data = page.request.get(base_url + "/api/entity/" + quote("لافروف")).json()
    assert data["related"] and all(
        r["strength"] in {"قوي جدا", "قوي", "واضح", "ضعيف"} for r in data["related"]
    )


def test_copy_link_shows_the_readable_arabic_address(page, base_url):  # noqa: F811
    page.goto(base_url + "/entity/لافروف")
    shown = page.locator("#share-url").input_value()
    assert shown == f"{base_url}/entity/سيرغي-لافروف" and "%" not in shown
    page.goto(base_url + "/compare?e=" + quote("لافروف") + "&e=" + quote("كيري"))
    assert page.locator("#share-url").input_value() == f"{base_url}/compare?e=لافروف&e=كيري"


def test_search_marks_the_query_in_titles_too(page, base_url):  # noqa: F811
    page.goto(base_url + "/search?q=" + quote("لافروف"))
    marked = page.locator("#article-results .news h3 mark")
    assert marked.count() > 0
    assert all("لافروف" in text for text in marked.all_inner_texts())


def test_the_search_date_fields_speak_arabic_in_an_english_browser(page, base_url):  # noqa: F811
    page.goto(base_url + "/search?q=" + quote("لافروف"))
    assert page.evaluate("navigator.language") == "en-US"
    for field, label in (("#ffrom", "من تاريخ"), ("#fto", "إلى تاريخ")):
        assert page.locator(f"label[for={field[1:]}]").inner_text() == label
        assert page.locator(field).get_attribute("placeholder") == "سنة-شهر-يوم"
        assert page.locator(field).get_attribute("type") == "text"  # no mm/dd/yyyy control
    page.locator("#ffrom").fill("٢٠٢٦-١١-٠١")  # Arabic-Indic digits are read too
    page.locator("#search-filters button").click()
    page.wait_for_url("**/search?**")
    assert page.locator("#article-results h2").count() == 1 and "from=" in page.url
