"""The operator's alerts page in a real headless Chromium: sign in with the admin token,
make a watchlist with the form (no JavaScript needed), follow it to its page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from marsad.alerts.delivery import run_alerts
from marsad_testing import serve_site

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)"
    ),
]


def test_the_operator_makes_a_watchlist_in_the_browser_and_reads_its_news(news):
    with serve_site(news.store, news.settings) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(java_script_enabled=False)
        page.goto(base + "/alerts")
        page.fill("#token", "alerts-admin-1")
        page.click("#alerts-sign-in button")
        page.fill("input[name=name]", "لافروف وموسكو")
        page.fill("input[name=entities]", "سيرجي لافروف")
        page.fill("input[name=query]", "موسكو")
        page.click("#alerts-new button")
        assert "حُفظت القائمة" in page.inner_text("#alerts-created")
        link = page.get_attribute("#alerts-list tbody a", "href")
        assert link and link.startswith("/alerts/")

        news.ingest_rest()
        run_alerts(news.store, news.settings)
        page.goto(base + link)
        titles = page.locator("#watchlist-articles h3").all_inner_texts()
        assert titles == ["لافروف: موسكو منفتحة على الحوار"]
        assert "سيرغي لافروف" in page.inner_text("#watchlist-what")
        browser.close()
