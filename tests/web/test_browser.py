"""The entity, compare and search pages in a real headless Chromium (Debian's /usr/bin/chromium)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from marsad.web.app import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)"
    ),
]
SHOTS = os.environ.get("MARSAD_SCREENSHOTS")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(sample) -> Iterator[str]:
    store, settings = sample
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(store, settings), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


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


def test_entity_page_shows_chart_related_and_news_right_to_left(browser, base_url, tmp_path):
    page = browser.new_page(viewport={"width": 1200, "height": 1800})
    page.goto(f"{base_url}/entity/لافروف")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    chart = page.locator("#timeline svg.chart")
    assert chart.is_visible()
    assert chart.locator("rect.bar").count() == 30
    assert page.locator("#related li a").first.is_visible()
    assert page.locator("#related li").count() >= 3
    assert page.locator("#articles .news li").count() == 20
    assert page.locator("#articles mark").first.is_visible()
    page.screenshot(path=str(tmp_path / "entity.png"), full_page=True)
    if SHOTS:  # MARSAD_SCREENSHOTS=docs refreshes the README's pictures
        page.set_viewport_size({"width": 1000, "height": 1500})
        page.screenshot(path=str(Path(SHOTS) / "entity.png"))
    page.close()


def test_compare_and_search_pages_render(browser, base_url, tmp_path):
    page = browser.new_page()
    page.goto(f"{base_url}/compare?e=لافروف&e=كيري")
    assert page.locator("#compare-chart polyline").count() == 2
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
    if SHOTS:
        page.set_viewport_size({"width": 1000, "height": 800})
        page.screenshot(path=str(Path(SHOTS) / "compare.png"))
    page.goto(f"{base_url}/search?q=أستانا")
    assert page.locator("#article-results .news li").count() > 0
    page.close()


def test_autocomplete_suggests_while_typing(browser, base_url):
    page = browser.new_page()
    page.goto(base_url)
    page.locator("#q").type("سيرج", delay=30)
    suggestion = page.locator("#suggestions li").first
    suggestion.wait_for(state="visible", timeout=5000)
    assert "سيرغي لافروف" in suggestion.inner_text()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/entity/**")
    assert page.locator("h1").inner_text() == "سيرغي لافروف"
    page.close()
