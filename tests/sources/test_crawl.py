"""The crawl loop against the real local server, with an in-memory store double."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from localserver import ARTICLE_HTML, LocalServer, send

from marsad.errors import ConfigError
from marsad.sources.crawl import (
    CrawlReport,
    FeedBackoff,
    FeedRecord,
    crawl_forever,
    crawl_once,
    parse_duration,
)
from marsad.sources.feeds import FeedItem


class MemoryStore:
    """Test double of the storage side only (implements CrawlStore)."""

    def __init__(self, feeds: list[FeedRecord]) -> None:
        self.feeds = {f.id: f for f in feeds}
        self.urls: set[str] = set()
        self.pages: list[tuple[str, str, str, str | None]] = []
        self.fail_listing = 0

    def list_feeds(self) -> list[FeedRecord]:
        if self.fail_listing:
            self.fail_listing -= 1
            raise RuntimeError("database is locked")
        return list(self.feeds.values())

    def update_feed_status(self, feed_id, *, etag, last_modified, success, error) -> None:
        feed = self.feeds[feed_id]
        if error is None:
            feed.etag, feed.last_modified = etag, last_modified
            feed.last_success, feed.last_error, feed.error_count = success, None, 0
        else:
            feed.last_error = error
            feed.error_count += 1

    def seen_url(self, url: str) -> bool:
        return url in self.urls

    def ingest_page(
        self, html: bytes, url: str, feed: FeedRecord, item: FeedItem, encoding: str | None
    ) -> int:
        self.urls.update({url, item.url})
        self.pages.append((url, item.title, html.decode(encoding or "utf-8"), encoding))
        return 1


def add_feed(server: LocalServer, path: str, items: list[tuple[str, str]], etag: str | None):
    """Serve an RSS 2.0 feed at ``path`` listing (path, title) items on the same server."""

    def route(h) -> None:
        if etag and h.headers.get("If-None-Match") == etag:
            send(h, 304, headers={"ETag": etag})
            return
        body = "".join(
            f"<item><title>{title}</title><link>{server.url(p)}</link>"
            "<pubDate>Thu, 14 Mar 2024 10:15:00 +0300</pubDate></item>"
            for p, title in items
        )
        xml = f'<rss version="2.0"><channel><title>اختبار</title>{body}</channel></rss>'
        headers = {"Content-Type": "application/rss+xml"}
        if etag:
            headers["ETag"] = etag
        send(h, 200, xml.encode(), headers)

    server.routes[path] = route
    for p, title in items:
        server.routes.setdefault(
            p, lambda h, t=title: send(h, 200, ARTICLE_HTML.format(title=t).encode())
        )


ITEMS = [
    ("/news/1", "لافروف يصل إلى أنقرة"),
    ("/news/2", "غوتيريش يدعو إلى التهدئة"),
    ("/private/3", "خبر محجوب بملف robots"),
]


def test_failing_feed_is_recorded_and_good_feed_is_ingested(server, fetcher):
    add_feed(server, "/good.xml", ITEMS, etag=None)
    store = MemoryStore(
        [
            FeedRecord(1, server.url("/always500"), "معطل"),
            FeedRecord(2, server.url("/good.xml"), "جيد", country="SY"),
        ]
    )
    report = crawl_once(store, fetcher, store.ingest_page)
    bad, good = report.feeds
    assert bad.error is not None and "503" in bad.error
    assert store.feeds[1].last_error == bad.error
    assert store.feeds[1].error_count == 1
    assert good.ok
    assert (good.items, good.new_items, good.fetched_pages, good.stored) == (3, 3, 2, 2)
    assert [u for u, _ in good.item_errors] == [server.url("/private/3")]
    assert "robots.txt" in good.item_errors[0][1]
    assert store.feeds[2].last_success is not None
    assert store.feeds[2].error_count == 0
    titles = [title for _, title, _, _ in store.pages]
    assert titles == ["لافروف يصل إلى أنقرة", "غوتيريش يدعو إلى التهدئة"]
    assert "سيرغي لافروف" in store.pages[0][2]
    assert report.summary().startswith("2 feeds (1 failed), 3 new items, 2 pages fetched")


def test_second_crawl_skips_seen_urls(server, fetcher):
    add_feed(server, "/good.xml", ITEMS[:2], etag=None)
    store = MemoryStore([FeedRecord(1, server.url("/good.xml"), "جيد")])
    crawl_once(store, fetcher, store.ingest_page)
    second = crawl_once(store, fetcher, store.ingest_page).feeds[0]
    assert (second.new_items, second.skipped_seen, second.fetched_pages) == (0, 2, 0)
    assert server.count("/news/1") == 1
    assert len(store.pages) == 2


def test_second_crawl_uses_etag_and_fetches_nothing_new(server, fetcher):
    add_feed(server, "/etag.xml", ITEMS[:2], etag='"v1"')
    store = MemoryStore([FeedRecord(1, server.url("/etag.xml"), "جيد")])
    crawl_once(store, fetcher, store.ingest_page)
    assert store.feeds[1].etag == '"v1"'
    second = crawl_once(store, fetcher, store.ingest_page).feeds[0]
    assert second.not_modified
    assert second.fetched_pages == 0
    assert server.hits[-1].headers["if-none-match"] == '"v1"'


def test_error_count_grows_then_resets_on_success(server, fetcher):
    store = MemoryStore([FeedRecord(1, server.url("/feeds/malformed.xml"), "معطوب")])
    crawl_once(store, fetcher, store.ingest_page)
    crawl_once(store, fetcher, store.ingest_page)
    assert store.feeds[1].error_count == 2
    assert "malformed feed" in store.feeds[1].last_error
    add_feed(server, "/feeds/malformed.xml", [], etag=None)  # the site is fixed
    report = crawl_once(store, fetcher, store.ingest_page)
    assert report.feeds[0].ok
    assert store.feeds[1].error_count == 0
    assert store.feeds[1].last_error is None


def test_failing_ingest_callback_is_an_item_error_not_a_crash(server, fetcher):
    add_feed(server, "/good.xml", ITEMS[:2], etag=None)
    store = MemoryStore([FeedRecord(1, server.url("/good.xml"), "جيد")])

    def ingest(html, url, feed, item, encoding) -> int:
        if url.endswith("/1"):
            raise ValueError("extractor bug")
        return store.ingest_page(html, url, feed, item, encoding)

    report = crawl_once(store, fetcher, ingest).feeds[0]
    assert report.stored == 1
    assert report.item_errors == [(server.url("/news/1"), "ValueError: extractor bug")]


def test_hostile_feed_url_is_recorded_as_error(fetcher):
    store = MemoryStore([FeedRecord(1, "file:///etc/passwd", "خبيث")])
    report = crawl_once(store, fetcher, store.ingest_page)
    assert "scheme 'file'" in report.feeds[0].error
    assert store.feeds[1].error_count == 1


def test_crawl_forever_survives_store_failure_and_stops_on_event(server, fetcher):
    add_feed(server, "/good.xml", ITEMS[:1], etag=None)
    store = MemoryStore([FeedRecord(1, server.url("/good.xml"), "جيد")])
    store.fail_listing = 1
    stop = threading.Event()
    reports: list[CrawlReport] = []

    def on_report(report: CrawlReport) -> None:
        reports.append(report)
        if len(reports) == 3:
            stop.set()

    rounds = crawl_forever(
        store,
        fetcher,
        store.ingest_page,
        every=timedelta(milliseconds=20),
        stop_event=stop,
        on_report=on_report,
    )
    assert rounds == 3
    assert reports[0].error is not None and "database is locked" in reports[0].error
    assert reports[1].stored == 1
    assert reports[2].feeds[0].skipped_seen == 1


def test_crawl_forever_max_rounds(fetcher):
    store = MemoryStore([])
    rounds = crawl_forever(
        store,
        fetcher,
        store.ingest_page,
        every=timedelta(milliseconds=1),
        stop_event=threading.Event(),
        max_rounds=2,
    )
    assert rounds == 2


def test_feed_that_keeps_failing_is_polled_less_often(server, fetcher):
    add_feed(server, "/good.xml", [], etag=None)
    store = MemoryStore(
        [
            FeedRecord(1, server.url("/missing"), "مفقود"),
            FeedRecord(2, server.url("/good.xml"), "جيد"),
        ]
    )
    backoff = FeedBackoff()
    reports = [crawl_once(store, fetcher, store.ingest_page, backoff=backoff) for _ in range(8)]
    polled = [[not f.deferred for f in report.feeds] for report in reports]
    # failures in a row: 1 → next round, 2 → skip 1, 3 → skip 3
    assert [p[0] for p in polled] == [True, True, False, True, False, False, False, True]
    assert all(p[1] for p in polled)
    assert store.feeds[1].error_count == 4
    assert "(0 failed, 1 deferred)" in reports[2].summary()
    assert "deferred" not in reports[3].summary()


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("10m", 600), ("1h", 3600), ("1d", 86400), ("1h30m", 5400), ("90", 90)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "10x", "m", "0s", "-5m", "1h junk", "ten minutes"])
def test_parse_duration_refuses_nonsense(text):
    with pytest.raises(ConfigError):
        parse_duration(text)


def test_reports_carry_tz_aware_times(fetcher):
    report = crawl_once(MemoryStore([]), fetcher, lambda *a: 0)
    assert report.started.tzinfo is UTC
    assert report.finished is not None and report.finished >= report.started
    assert isinstance(report.started, datetime)
