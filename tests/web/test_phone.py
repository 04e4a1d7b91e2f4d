"""Phones: every page fits a 320–430 px screen whatever fonts the machine has, checked with
Chromium's device emulation (Galaxy S8: 360 px, iPhone 12's screen: 390 px) and with a
wide stand-in font, since a fresh machine's fonts differ from ours. Overflow to the right
is cut off in a right-to-left page without a scroll bar, so every element's box is
checked, not only the page's scroll width."""

from __future__ import annotations

import pytest
from test_browser import CHROMIUM, base_url, browser  # noqa: F401  (fixtures)

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [pytest.mark.browser]

PAGES = (
    "/",
    "/entity/لافروف",
    "/compare?e=لافروف&e=كيري",
    "/search?q=لافروف",
    "/sources",
    "/entity/لافروف/quotes",
    "/source/sana",
    "/article/1",
)
# a wide font for every text: what a machine without the Arabic fonts we name may fall
# back to (monospace, spaced)
WIDE_FONT = (
    "html, body, input, button, select, textarea { font-family: 'DejaVu Sans Mono', "
    "monospace !important; letter-spacing: .03em !important; }"
)
OUTSIDE = """() => {
  const vw = document.documentElement.clientWidth, out = [];
  const scrolls = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o !== 'visible') return true; } return false; };
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.skip, .visually-hidden, [hidden]') || scrolls(el)) continue;
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    if (r.left < -1 || r.right > vw + 1)
      out.push(`${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return {vw, scroll: document.documentElement.scrollWidth, outside: out.slice(0, 8)};
}"""


def _devices(names: tuple[str, ...]) -> dict[str, dict]:
    """Playwright's descriptors (viewport, scale, touch, user agent), read at import: the
    sync API cannot start again once the browser fixture runs."""
    with playwright.sync_playwright() as p:
        found = {name: dict(p.devices[name]) for name in names}
    for device in found.values():
        device.pop("default_browser_type", None)
    return found


DEVICES = _devices(("Galaxy S8", "iPhone 12"))  # 360 and 390 px wide


@pytest.mark.parametrize("device", ["Galaxy S8", "iPhone 12"])
@pytest.mark.parametrize("wide_font", [False, True], ids=["our-fonts", "other-fonts"])
def test_every_page_fits_a_phone_screen(browser, base_url, device, wide_font):  # noqa: F811
    context = browser.new_context(**DEVICES[device], bypass_csp=wide_font)
    page = context.new_page()
    width = page.viewport_size["width"]
    for url in PAGES:
        assert page.goto(base_url + url).status == 200, url
        if wide_font:
            page.add_style_tag(content=WIDE_FONT)
        found = page.evaluate(OUTSIDE)
        assert found["vw"] == width and found["scroll"] <= width, (url, found)
        assert not found["outside"], (url, found)
    context.close()


@pytest.mark.parametrize("width", [320, 430])
def test_the_narrowest_and_widest_phones_keep_every_page_inside(browser, base_url, width):  # noqa: F811
    page = browser.new_page(
        viewport={"width": width, "height": 640}, is_mobile=True, has_touch=True, bypass_csp=True
    )
    for url in PAGES:
        page.goto(base_url + url)
        page.add_style_tag(content=WIDE_FONT)
        box = page.locator("header form.search").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, url
        assert not page.evaluate(OUTSIDE)["outside"], url
    page.close()


def test_the_chart_opens_on_the_newest_days_with_the_axis_in_view(browser, base_url):  # noqa: F811
    context = browser.new_context(**DEVICES["Galaxy S8"])
    page = context.new_page()
    page.goto(base_url + "/entity/لافروف")
    seen = page.evaluate(
        """() => {
      const figure = document.querySelector('#timeline figure'), f = figure.getBoundingClientRect();
      const inside = el => { const r = el.getBoundingClientRect();
        return r.left >= f.left - 1 && r.right <= f.right + 1; };
      const days = figure.querySelectorAll('g.day');
      const ticks = [...figure.querySelectorAll('text.tick')].filter(t => /^[0-9,]+$/.test(t.textContent));
      return {scrolls: figure.scrollWidth > figure.clientWidth, newest: inside(days[days.length - 1]),
              oldest: inside(days[0]), axis: ticks.length > 0 && ticks.every(inside)};
    }"""
    )
    assert seen == {"scrolls": True, "newest": True, "oldest": False, "axis": True}
    context.close()
