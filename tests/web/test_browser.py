"""The entity, compare and search pages in a real headless Chromium (Debian's /usr/bin/chromium)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from marsad_testing import serve_site

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)"
    ),
]
SHOTS = os.environ.get("MARSAD_SCREENSHOTS")


@pytest.fixture(scope="module")
def base_url(sample) -> Iterator[str]:
    store, settings = sample
    with serve_site(store, settings) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


def _shoot(page, tmp_path, name: str, size: tuple[int, int] | None = None) -> None:
    """A full-page screenshot in tmp; with MARSAD_SCREENSHOTS=docs also the README picture."""
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    if SHOTS and size:
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def test_entity_page_shows_chart_related_and_news_right_to_left(browser, base_url, tmp_path):
    page = browser.new_page(viewport={"width": 1200, "height": 1800})
    page.goto(f"{base_url}/entity/لافروف")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    chart = page.locator("#timeline svg.chart")
    assert chart.is_visible()
    assert chart.locator("g.day").count() == 30  # every day, zero days included
    assert chart.locator("rect.bar").count() + chart.locator("rect.zero").count() == 30
    assert page.locator("#related li a").first.is_visible()
    assert page.locator("#related li").count() >= 3
    assert page.locator("#sources li").count() >= 3
    assert page.locator("#quotes blockquote").count() == 5  # what Lavrov said, newest first
    assert 10 < page.locator("#articles ol.news > li").count() < 20  # one item per story
    assert page.locator("#articles mark").first.is_visible()
    assert page.locator("#articles .pager a[rel=next]").get_attribute("href") == "?page=2#articles"
    _shoot(page, tmp_path, "entity", (1000, 1500))
    page.close()


def test_chart_day_shows_its_exact_figure_on_keyboard_focus(browser, base_url):
    page = browser.new_page(viewport={"width": 1200, "height": 1400})
    page.goto(f"{base_url}/entity/لافروف")
    day = page.locator("#timeline g.day").last
    tip = day.locator(".tip")
    assert tip.evaluate("e => getComputedStyle(e).visibility") == "hidden"
    day.focus()
    assert tip.evaluate("e => getComputedStyle(e).visibility") == "visible"
    label = day.get_attribute("aria-label")
    assert label.startswith("20 نوفمبر 2026: ")
    figure = label.split(": ")[1].split()[0]
    assert tip.locator("text").text_content() == f"20 نوفمبر: {figure}"
    page.keyboard.press("Shift+Tab")  # the keyboard walks the days
    assert page.evaluate("document.activeElement.getAttribute('class')") == "day"
    page.close()


def test_related_explanation_opens_and_type_filter_works(browser, base_url):
    page = browser.new_page()
    page.goto(f"{base_url}/entity/لافروف")
    page.locator("#related summary").click()
    assert page.locator("#related .explain p").is_visible()
    assert "G²" in page.locator("#related .explain p").inner_text()
    page.locator("#related .filters a", has_text="أماكن").click()
    page.wait_for_url("**type=places**")
    types = page.locator("#related li a.entity").evaluate_all("els => els.map(e => e.className)")
    assert types and all("type-location" in t for t in types)
    page.close()


def test_compare_and_search_pages_render(browser, base_url, tmp_path):
    page = browser.new_page(viewport={"width": 1200, "height": 1000})
    page.goto(f"{base_url}/compare?e=لافروف&e=كيري")
    assert page.locator("#compare-chart polyline").count() == 2
    assert page.locator(".legend li").count() == 2
    suggestion = page.locator("#suggested a").first
    suggestion.click()
    page.wait_for_load_state()
    assert page.locator("#compare-chart polyline").count() == 3
    page.goto(f"{base_url}/compare?e=لافروف&e=كيري&e=بوتين")
    _shoot(page, tmp_path, "compare", (1000, 800))
    page.locator(".switch a", has_text="الحصة").click()
    page.wait_for_url("**view=share**")
    assert "لكل ألف" in page.locator("#compare-chart").inner_text()
    page.goto(f"{base_url}/search?q=أستانا")
    assert page.locator("#article-results .news li").count() > 0
    assert page.locator("#article-results mark").count() > 0
    page.locator("#fsource").select_option("sana")
    page.locator("#search-filters button").click()
    page.wait_for_url("**source=sana**")
    metas = page.locator("#article-results .news .meta").all_inner_texts()
    assert metas and all("سانا" in m for m in metas)
    _shoot(page, tmp_path, "search")
    page.close()


def test_autocomplete_suggests_while_typing(browser, base_url):
    page = browser.new_page()
    page.goto(base_url)
    page.locator("#q").type("سيرج", delay=30)
    suggestion = page.locator("#suggestions li").first
    suggestion.wait_for(state="visible", timeout=5000)
    assert "سيرغي لافروف" in suggestion.inner_text()
    assert page.locator("#q").get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/entity/**")
    assert page.locator("h1").inner_text() == "سيرغي لافروف"
    page.locator("#compare-with").type("ولافر", delay=30)  # with a clitic, still typing
    page.locator("#compare-with + .suggestions li, .suggestions li").first.wait_for(
        state="visible", timeout=5000
    )
    page.close()


def test_phone_width_has_no_sideways_scroll(browser, base_url, tmp_path):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    for url in ("/entity/لافروف", "/compare?e=لافروف&e=كيري", "/search?q=لافروف", "/"):
        page.goto(base_url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (url, width)
    page.goto(f"{base_url}/entity/لافروف")
    _shoot(page, tmp_path, "entity-phone")
    page.close()


def test_pages_work_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base_url}/entity/لافروف")
    assert page.locator("#timeline g.day").count() == 30
    page.locator("#compare-with").fill("كيري")
    page.locator("#compare form button").click()
    page.wait_for_url("**/compare?**")
    assert page.locator("#compare-chart polyline").count() == 2
    page.locator("#q").fill("ولافروف")
    page.locator("header form button").click()
    page.wait_for_url("**/search?**")
    assert page.locator("#article-results .news li").count() > 0
    context.close()


def test_the_content_security_policy_blocks_nothing_of_ours(browser, base_url):
    """Charts keep their hover style (hashed), the share bars and legend keep their colours
    (no style attributes), autocomplete and the copy-link button still run."""
    page = browser.new_page(viewport={"width": 1200, "height": 1400})
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    for url in ("/", "/entity/لافروف", "/compare?e=لافروف&e=كيري", "/search?q=لافروف", "/sources"):
        response = page.goto(base_url + url)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert page.evaluate("window.__csp") == [], url
    page.goto(f"{base_url}/entity/لافروف")
    bars = page.locator("#sources svg.share-bar rect")
    widths = bars.evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
    assert widths and widths[0] > 0 and widths == sorted(widths, reverse=True)
    assert page.locator(".day .tip").first.evaluate("e => getComputedStyle(e).visibility") == (
        "hidden"  # the chart's own <style> applied
    )
    button = page.locator("#share .copy button")
    assert button.inner_text() == "انسخ الرابط"  # added by marsad.js
    button.click()  # the clipboard answers asynchronously: wait for the label, not a moment
    page.wait_for_function(
        "() => document.querySelector('#share .copy button').textContent === 'تم النسخ'"
    )
    page.goto(f"{base_url}/compare?e=لافروف&e=كيري")
    colour = page.locator(".legend .swatch").first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert colour == "rgb(11, 110, 79)"  # #0b6e4f, the first line's colour
    assert page.evaluate("window.__csp") == [] and refused == []
    page.close()


def test_period_is_chosen_by_link_and_form_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base_url}/entity/لافروف?stories=true")
    page.locator("nav.period-picker a", has_text="سنة").click()
    page.wait_for_url("**period=365**")
    assert "stories=true" in page.url  # the other parameters are kept
    assert page.locator("nav.period-picker a[aria-current]").inner_text() == "سنة"
    assert "كل أسبوع" in page.locator("#timeline h2").inner_text()
    assert page.locator("#timeline g.day").count() in (53, 54)  # weeks of a year
    page.locator("nav.period-picker input[name=from]").fill("2026-11-01")
    page.locator("nav.period-picker input[name=to]").fill("2026-11-10")
    page.locator("nav.period-picker button").click()
    page.wait_for_url("**from=2026-11-01**")
    assert page.locator("#timeline g.day").count() == 10
    assert page.locator("nav.period-picker a[aria-current]").count() == 0  # a custom period
    assert "كل يوم" in page.locator("#timeline h2").inner_text()
    page.locator(".pager a[rel=next]").first.click()
    page.wait_for_url("**page=2**")
    assert "from=2026-11-01" in page.url and "to=2026-11-10" in page.url
    context.close()
