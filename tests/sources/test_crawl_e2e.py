"""`marsad feeds add` → `marsad crawl` against a real HTTP server on 127.0.0.1 → articles
in the database with the right title, date and source → the entity page shows them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from localserver import LocalServer, send
from typer.testing import CliRunner

from marsad import pages
from marsad.cli import app
from marsad.entities.kb import load_kb, read_kb
from marsad.store.database import Store
from marsad.store.feeds import FeedStore
from marsad.web.app import create_app
from marsad_testing import DATA, make_settings

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>وكالة الاختبار</title><link>{base}/</link>
<description>أخبار</description>
<item><title>لافروف يستقبل نظيره السوري في موسكو</title>
<link>{base}/news/lavrov-meets.html</link>
<pubDate>Thu, 14 Mar 2024 07:00:00 GMT</pubDate>
<description>استقبل وزير الخارجية الروسي سيرغي لافروف نظيره السوري.</description></item>
<item><title>لافروف: الحل في سوريا سياسي</title>
<link>{base}/news/undated.html</link>
<pubDate>Fri, 15 Mar 2024 09:30:00 +0300</pubDate>
<description>قال لافروف إن الحل سياسي.</description></item>
<item><title>كيري يصل إلى جنيف لبحث الهدنة</title>
<link>{base}/news/empty.html</link>
<pubDate>Sat, 16 Mar 2024 10:00:00 GMT</pubDate>
<description>وصل وزير الخارجية الأمريكي جون كيري إلى جنيف اليوم لبحث تثبيت الهدنة في سوريا مع نظيره الروسي سيرغي لافروف.</description></item>
<item><title>صفحة محذوفة</title><link>{base}/news/gone.html</link>
<pubDate>Sat, 16 Mar 2024 11:00:00 GMT</pubDate></item>
</channel></rss>"""

PAGE = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{title} | وكالة الاختبار</title>{meta}</head><body>
<nav><a href="/">الرئيسية</a> <a href="/world">العالم</a></nav>
<article><h1>{title}</h1>{paragraphs}</article>
<footer>جميع الحقوق محفوظة</footer></body></html>"""

MEETS = [
    "موسكو| استقبل وزير الخارجية الروسي سيرغي لافروف اليوم في موسكو نظيره السوري وبحث معه "
    "التحضيرات لجولة جديدة من المحادثات.",
    "وقال لافروف في مؤتمر صحفي مشترك إن بلاده تدعم الحل السياسي على أساس القرار 2254.",
]
UNDATED = [
    "أكد لافروف أن الحل في سوريا لا يمكن أن يكون إلا سياسيا، داعيا إلى استئناف المفاوضات "
    "في جنيف دون شروط مسبقة.",
    "وأضاف الوزير الروسي أن بلاده ستواصل العمل مع الأطراف الإقليمية لتثبيت وقف إطلاق النار.",
]


def page(title: str, paragraphs: list[str], meta: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return PAGE.format(title=title, meta=meta, paragraphs=body).encode()


def serve_news(server: LocalServer) -> None:
    html = {"Content-Type": "text/html; charset=utf-8"}
    rss = RSS.format(base=server.base).encode()
    r = server.routes
    r["/news/rss.xml"] = lambda h: send(h, 200, rss, {"Content-Type": "application/rss+xml"})
    meets = page(
        "لافروف يستقبل نظيره السوري في موسكو",
        MEETS,
        '<meta property="article:published_time" content="2024-03-14T08:15:00+03:00">',
    )
    r["/news/lavrov-meets.html"] = lambda h: send(h, 200, meets, html)
    undated = page("لافروف: الحل في سوريا سياسي", UNDATED)
    r["/news/undated.html"] = lambda h: send(h, 200, undated, html)
    empty = page("كيري يصل إلى جنيف", [])
    r["/news/empty.html"] = lambda h: send(h, 200, empty, html)
    r["/news/gone.html"] = lambda h: send(h, 404, "غير موجود".encode())
    r["/broken/rss.xml"] = lambda h: send(h, 500, b"down")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    settings = make_settings(tmp_path)
    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    store.close()
    return {
        "MARSAD_DATA_DIR": str(tmp_path),
        "MARSAD_DATABASE_URL": settings.database_url,
        "MARSAD_TIMEZONE": "Asia/Damascus",
        "MARSAD_ALLOW_PRIVATE_HOSTS": "127.0.0.1",  # the test server is local
    }


def cli(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def by_url(store: Store) -> dict[str, dict]:
    return {r["url"]: store.get_article(r["id"]) for r in store.latest_articles(limit=100)}


def test_feeds_add_then_crawl_stores_articles_with_title_date_and_source(server, env):
    serve_news(server)
    out = cli(env, "feeds", "add", server.url("/news/rss.xml"), "--name", "وكالة الاختبار",
              "--country", "سوريا")  # fmt: skip
    assert "added feed" in out
    out = cli(env, "crawl", "--delay", "0")
    assert "1 feeds (0 failed)" in out and "4 new items" in out

    store = Store(env["MARSAD_DATABASE_URL"])
    articles = by_url(store)
    meets = articles[server.url("/news/lavrov-meets.html")]
    assert meets["title"] == "لافروف يستقبل نظيره السوري في موسكو"
    # the page's own metadata date wins over the feed's
    assert meets["published"].replace(tzinfo=UTC) == datetime(2024, 3, 14, 5, 15, tzinfo=UTC)
    assert meets["place"] == "موسكو"
    assert meets["source_name"] == "وكالة الاختبار"
    # a page without any date takes the feed item's date
    undated = articles[server.url("/news/undated.html")]
    assert undated["published"].replace(tzinfo=UTC) == datetime(2024, 3, 15, 6, 30, tzinfo=UTC)
    # a page without article text falls back to the feed item's title and summary
    empty = articles[server.url("/news/empty.html")]
    assert empty["title"] == "كيري يصل إلى جنيف لبحث الهدنة"
    assert empty["text"].startswith("وصل وزير الخارجية الأمريكي جون كيري")
    assert len(articles) == 3
    source = store.get_source(meets["source_slug"])
    assert source["country"] == "سوريا"

    settings = make_settings(Path(env["MARSAD_DATA_DIR"]))
    entity = pages.entity_page(store, settings, "لافروف")
    titles = {a.title for a in entity.articles}
    assert {"لافروف يستقبل نظيره السوري في موسكو", "لافروف: الحل في سوريا سياسي"} <= titles
    assert "وكالة الاختبار" in {s.name for s in entity.sources}


def test_failing_feed_is_recorded_while_the_other_is_ingested(server, env):
    serve_news(server)
    cli(env, "feeds", "add", server.url("/news/rss.xml"), "--name", "وكالة الاختبار")
    cli(env, "feeds", "add", server.url("/missing"), "--name", "موقع معطل")
    out = cli(env, "crawl", "--delay", "0")
    assert "2 feeds (1 failed)" in out and "3 articles stored" in out

    listing = cli(env, "feeds", "list")
    assert "HTTP 404" in listing and "errors in a row: 1" in listing
    assert "errors in a row: 0" in listing  # the good feed

    store = Store(env["MARSAD_DATABASE_URL"])
    settings = make_settings(Path(env["MARSAD_DATA_DIR"]))
    client = TestClient(create_app(store, settings))
    sources = {s["name"]: s for s in client.get("/api/sources").json()}
    broken = sources["موقع معطل"]["feeds"][0]
    assert broken["error_count"] == 1 and "404" in broken["last_error"]
    assert broken["last_success"] is None
    good = sources["وكالة الاختبار"]["feeds"][0]
    assert good["last_success"] is not None and good["last_error"] is None
    assert good["page_errors"] == 1  # the 404 page
    assert sources["وكالة الاختبار"]["articles"] == 3
    html = client.get("/sources").text
    assert "موقع معطل" in html and "404" in html and "آخر نجاح" in html


def test_second_crawl_is_idempotent(server, env):
    serve_news(server)
    cli(env, "feeds", "add", server.url("/news/rss.xml"), "--name", "وكالة الاختبار")
    cli(env, "crawl", "--delay", "0")
    store = Store(env["MARSAD_DATABASE_URL"])
    before = store.stats()
    pages_before = server.count("/news/lavrov-meets.html") + server.count("/news/empty.html")

    out = cli(env, "crawl", "--delay", "0")
    assert "0 new items" in out.splitlines()[0] or "1 new items" in out.splitlines()[0]
    assert store.stats() == before
    # stored pages and pages without article are not fetched again
    assert server.count("/news/lavrov-meets.html") + server.count("/news/empty.html") == (
        pages_before
    )


def test_page_that_keeps_failing_is_given_up_after_three_rounds(server, env):
    serve_news(server)
    cli(env, "feeds", "add", server.url("/news/rss.xml"), "--name", "وكالة الاختبار")
    for _ in range(4):
        cli(env, "crawl", "--delay", "0")
    assert server.count("/news/gone.html") == 3
    store = Store(env["MARSAD_DATABASE_URL"])
    status = FeedStore(store).page_status(server.url("/news/gone.html"))
    assert status["attempts"] == 3 and "404" in status["status"]


def test_feeds_remove_and_list(server, env):
    url = server.url("/news/rss.xml")
    cli(env, "feeds", "add", url, "--name", "وكالة الاختبار")
    assert url in cli(env, "feeds", "list")
    cli(env, "feeds", "remove", url)
    assert "no feeds yet" in cli(env, "feeds", "list")


def test_feeds_add_refuses_a_non_http_url(env):
    result = CliRunner().invoke(app, ["feeds", "add", "file:///etc/passwd"], env=env)
    assert result.exit_code != 0
    assert "only http and https" in str(result.exception)


def test_feeds_add_refuses_an_internal_address_unless_allowed(server, env):
    strict = {**env, "MARSAD_ALLOW_PRIVATE_HOSTS": ""}
    url = f"http://2130706433:{server.httpd.server_port}/news/rss.xml"
    result = CliRunner().invoke(app, ["feeds", "add", url, "--name", "داخلي"], env=strict)
    assert result.exit_code != 0
    assert "loopback" in str(result.exception)
    assert "MARSAD_ALLOW_PRIVATE_HOSTS" in str(result.exception)
    assert "no feeds yet" in cli(strict, "feeds", "list")
    assert "added feed" in cli(env, "feeds", "add", url, "--name", "داخلي")


def test_crawl_without_the_allow_list_records_the_refusal_as_the_feeds_error(server, env):
    serve_news(server)
    cli(env, "feeds", "add", server.url("/news/rss.xml"), "--name", "وكالة الاختبار")
    strict = {**env, "MARSAD_ALLOW_PRIVATE_HOSTS": ""}
    out = cli(strict, "crawl", "--delay", "0")
    assert "1 feeds (1 failed)" in out
    assert server.hits == []
    listing = cli(strict, "feeds", "list")
    assert "loopback" in listing and "errors in a row: 1" in listing


def test_crawl_every_runs_rounds_until_ctrl_c_then_stops_cleanly(server, env):
    import os
    import signal
    import subprocess
    import sys
    import time

    serve_news(server)
    cli(env, "feeds", "add", server.url("/news/rss.xml"), "--name", "وكالة الاختبار")
    cli(env, "feeds", "add", server.url("/missing"), "--name", "موقع معطل")
    proc = subprocess.Popen(
        [sys.executable, "-m", "marsad.cli", "crawl", "--every", "0.5s", "--delay", "0"],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while server.count("/news/rss.xml") < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert server.count("/news/rss.xml") >= 2  # the failing feed did not stop the schedule
    assert "3 articles stored" in out.splitlines()[0]
    assert "stopped after" in err
