"""The crawl loop: poll every feed, fetch the pages of new items, hand them to the caller.

Storage is behind :class:`CrawlStore` (three methods) and storing articles is the
caller's ``ingest_page`` callback, so this module knows nothing about databases or
extraction. A failing feed never stops the others: its error is recorded and the loop
goes on.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from marsad.errors import ConfigError, MarsadError
from marsad.sources.feeds import FeedItem, parse_feed
from marsad.sources.fetch import Fetcher, FetchError

log = logging.getLogger("marsad.crawl")


@dataclass(slots=True)
class FeedRecord:
    """A feed as the store keeps it, with the state of the last poll."""

    id: int
    url: str
    name: str
    country: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    error_count: int = 0


class CrawlStore(Protocol):
    """What the crawler needs from storage."""

    def list_feeds(self) -> list[FeedRecord]:
        """Every feed to poll."""
        ...

    def update_feed_status(
        self,
        feed_id: int,
        *,
        etag: str | None,
        last_modified: str | None,
        success: datetime | None,
        error: str | None,
    ) -> None:
        """Record a poll. On success (``error is None``): save etag/last_modified, set
        last_success=success, clear last_error, reset error_count to 0. On failure: set
        last_error=error and add 1 to error_count (etag/last_modified are passed back
        unchanged)."""
        ...

    def seen_url(self, url: str) -> bool:
        """True when an article from this URL is already stored (feed link or final URL)."""
        ...


class SharedCrawlStore(CrawlStore, Protocol):
    """A store that several crawlers share (PostgreSQL: store/shared.py): feeds are
    claimed a few at a time, each crawler polls those it holds."""

    shared: bool

    def claim_feeds(self, limit: int, done: set[int]) -> list[FeedRecord]:
        """Claim up to ``limit`` feeds due for a poll that nobody holds, none in ``done``."""
        ...

    def release_feed(self, feed_id: int, hold: float) -> None:
        """A polled feed: due again ``hold`` seconds from now."""
        ...


CLAIM_FEEDS = 4  # feeds a crawler of a shared store claims at once


# ingest_page(html, url, feed, item, encoding) -> number of articles stored.
# ``url`` is the page's final URL after redirects; ``item.url`` is the link in the feed
# (store both so that ``seen_url`` recognises either); ``encoding`` is the charset from
# the HTTP Content-Type header, None when absent or unknown.
IngestPage = Callable[[bytes, str, FeedRecord, FeedItem, str | None], int]


@dataclass(slots=True)
class FeedReport:
    feed_id: int
    url: str
    name: str
    not_modified: bool = False
    items: int = 0  # items in the feed document
    new_items: int = 0  # items whose URL was not seen before
    skipped_seen: int = 0
    fetched_pages: int = 0
    stored: int = 0  # sum of what ingest_page returned
    error: str | None = None  # the feed itself could not be fetched or parsed
    deferred: bool = False  # not polled this round: it keeps failing (see FeedBackoff)
    item_errors: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(slots=True)
class CrawlReport:
    started: datetime
    finished: datetime | None = None
    feeds: list[FeedReport] = field(default_factory=list)
    error: str | None = None  # the store could not list feeds

    @property
    def new_items(self) -> int:
        return sum(f.new_items for f in self.feeds)

    @property
    def fetched_pages(self) -> int:
        return sum(f.fetched_pages for f in self.feeds)

    @property
    def stored(self) -> int:
        return sum(f.stored for f in self.feeds)

    @property
    def failed_feeds(self) -> list[FeedReport]:
        return [f for f in self.feeds if f.error is not None]

    @property
    def item_errors(self) -> int:
        return sum(len(f.item_errors) for f in self.feeds)

    @property
    def deferred(self) -> list[FeedReport]:
        return [f for f in self.feeds if f.deferred]

    def summary(self) -> str:
        deferred = f", {len(self.deferred)} deferred" if self.deferred else ""
        text = (
            f"{len(self.feeds)} feeds ({len(self.failed_feeds)} failed{deferred}), "
            f"{self.new_items} new items, {self.fetched_pages} pages fetched, "
            f"{self.stored} articles stored, {self.item_errors} page errors"
        )
        return f"{text}; {self.error}" if self.error else text


class FeedBackoff:
    """Poll a feed that keeps failing less often, counted in crawl rounds.

    After ``n`` failures in a row (the store's ``error_count``) a feed sits out
    ``2**(n-1) - 1`` rounds, at most ``max_skip``: 1 failure → polled next round,
    2 → skips 1, 3 → skips 3, 4 → skips 7 … A success resets ``error_count`` and so the
    pace. State lives in memory: after a restart every feed is polled at once.
    """

    def __init__(self, max_skip: int = 15) -> None:
        self.max_skip = max_skip
        self._skipped: dict[int, int] = {}

    def due(self, feed: FeedRecord) -> bool:
        """True if the feed should be polled this round (counts a skipped round if not)."""
        if feed.error_count <= 1:
            self._skipped.pop(feed.id, None)
            return True
        to_skip = min(2 ** (feed.error_count - 1) - 1, self.max_skip)
        skipped = self._skipped.get(feed.id, 0)
        if skipped >= to_skip:
            self._skipped[feed.id] = 0
            return True
        self._skipped[feed.id] = skipped + 1
        return False


def _now() -> datetime:
    return datetime.now(UTC)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, FetchError):
        return str(exc)
    if isinstance(exc, MarsadError):
        return str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {exc}"


def crawl_once(
    store: CrawlStore,
    fetcher: Fetcher,
    ingest_page: IngestPage,
    *,
    max_items_per_feed: int = 100,
    stop_event: threading.Event | None = None,
    backoff: FeedBackoff | None = None,
    now: Callable[[], datetime] = _now,
    hold: float = 0.0,
) -> CrawlReport:
    """Poll every feed once (those ``backoff`` says are due); fetch and ingest the pages
    of unseen items. On a shared store (several crawlers) the feeds are claimed a few at a
    time and each polled feed is not due again for ``hold`` seconds."""
    report = CrawlReport(started=now())
    shared = getattr(store, "shared", False)
    try:
        feeds = _claimed(store) if shared else iter(store.list_feeds())  # type: ignore[arg-type]
        for feed in feeds:
            try:
                if stop_event is not None and stop_event.is_set():
                    break
                if backoff is not None and not backoff.due(feed):
                    report.feeds.append(
                        FeedReport(feed_id=feed.id, url=feed.url, name=feed.name, deferred=True)
                    )
                    continue
                report.feeds.append(
                    _crawl_feed(
                        store, fetcher, ingest_page, feed, max_items_per_feed, stop_event, now
                    )
                )
            finally:
                if shared:
                    store.release_feed(feed.id, hold)  # type: ignore[attr-defined]
    except Exception as exc:  # the loop must survive a store hiccup
        log.exception("could not list feeds")
        report.error = f"could not list feeds: {_reason(exc)}"
    report.finished = now()
    log.info("crawl: %s", report.summary())
    return report


def _claimed(store: SharedCrawlStore) -> Iterator[FeedRecord]:
    """The feeds this crawler claims, a few at a time, until none is left for it."""
    done: set[int] = set()
    while batch := store.claim_feeds(CLAIM_FEEDS, done):
        for feed in batch:
            done.add(feed.id)
            yield feed


def _crawl_feed(
    store: CrawlStore,
    fetcher: Fetcher,
    ingest_page: IngestPage,
    feed: FeedRecord,
    max_items: int,
    stop_event: threading.Event | None,
    now: Callable[[], datetime],
) -> FeedReport:
    result_report = FeedReport(feed_id=feed.id, url=feed.url, name=feed.name)
    try:
        result = fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        if result.not_modified:
            result_report.not_modified = True
        else:
            parsed = parse_feed(result.content, result.final_url, encoding=result.encoding)
            result_report.items = len(parsed.items)
            for item in parsed.items[:max_items]:
                if stop_event is not None and stop_event.is_set():
                    break
                _crawl_item(store, fetcher, ingest_page, feed, item, result_report)
    except Exception as exc:
        if not isinstance(exc, MarsadError):
            log.exception("unexpected failure on feed %s", feed.url)
        result_report.error = _reason(exc)
        log.warning("feed %s failed: %s", feed.url, result_report.error)
        _update(store, feed, feed.etag, feed.last_modified, None, result_report.error)
        return result_report
    _update(store, feed, result.etag, result.last_modified, now(), None)
    return result_report


def _crawl_item(
    store: CrawlStore,
    fetcher: Fetcher,
    ingest_page: IngestPage,
    feed: FeedRecord,
    item: FeedItem,
    report: FeedReport,
) -> None:
    try:
        if store.seen_url(item.url):
            report.skipped_seen += 1
            return
        report.new_items += 1
        page = fetcher.fetch(item.url)
        report.fetched_pages += 1
        if page.final_url != item.url and store.seen_url(page.final_url):
            report.skipped_seen += 1
            return
        report.stored += int(ingest_page(page.content, page.final_url, feed, item, page.encoding))
    except Exception as exc:
        if not isinstance(exc, MarsadError):
            log.exception("unexpected failure on page %s", item.url)
        report.item_errors.append((item.url, _reason(exc)))


def _update(
    store: CrawlStore,
    feed: FeedRecord,
    etag: str | None,
    last_modified: str | None,
    success: datetime | None,
    error: str | None,
) -> None:
    try:
        store.update_feed_status(
            feed.id, etag=etag, last_modified=last_modified, success=success, error=error
        )
    except Exception:
        log.exception("could not record the status of feed %s", feed.url)


def crawl_forever(
    store: CrawlStore,
    fetcher: Fetcher,
    ingest_page: IngestPage,
    *,
    every: timedelta,
    stop_event: threading.Event,
    on_report: Callable[[CrawlReport], None] | None = None,
    max_items_per_feed: int = 100,
    max_rounds: int | None = None,
    backoff: FeedBackoff | None = None,
) -> int:
    """Run :func:`crawl_once` every ``every`` until ``stop_event`` is set.

    A round starts ``every`` after the previous one started (at once if it overran).
    Returns the number of rounds run. Nothing a feed, page or the store does stops it.
    Feeds that keep failing are polled less often (``backoff``, a :class:`FeedBackoff`
    by default).
    """
    backoff = backoff if backoff is not None else FeedBackoff()
    if every <= timedelta(0):
        raise ConfigError(f"crawl interval must be positive, got {every}")
    rounds = 0
    while not stop_event.is_set() and (max_rounds is None or rounds < max_rounds):
        started = time.monotonic()
        try:
            report = crawl_once(
                store,
                fetcher,
                ingest_page,
                max_items_per_feed=max_items_per_feed,
                stop_event=stop_event,
                backoff=backoff,
                hold=every.total_seconds() / 2,  # another crawler's poll counts too
            )
            if on_report is not None:
                on_report(report)
        except Exception:
            log.exception("crawl round failed")
        rounds += 1
        if max_rounds is not None and rounds >= max_rounds:
            break
        remaining = every.total_seconds() - (time.monotonic() - started)
        if remaining > 0:
            stop_event.wait(remaining)
    return rounds


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([dhms])", re.IGNORECASE)
_UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}


def parse_duration(text: str) -> timedelta:
    """'30s', '10m', '1h', '1d', '1h30m' or a bare number of seconds → timedelta."""
    raw = text.strip() if isinstance(text, str) else ""
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        seconds = float(raw)
    else:
        compact = raw.replace(" ", "")
        parts = _DURATION_PART.findall(compact)
        if not parts or "".join(n + u for n, u in parts) != compact:
            raise ConfigError(
                f"cannot read duration {text!r}: write e.g. '30s', '10m', '1h' or '1h30m'"
            )
        seconds = sum(float(n) * _UNITS[u.lower()] for n, u in parts)
    if seconds <= 0:
        raise ConfigError(f"duration {text!r} must be longer than zero")
    return timedelta(seconds=seconds)
