"""Glue between the crawl loop and the pipeline: a fetched page → stored article(s).

:class:`FeedIngester` is the ``ingest_page`` callback of :func:`marsad.sources.crawl.crawl_once`:
the page is extracted with the feed's source (name and country from the feed record),
the feed item stands in when the page yields no article (its title and summary), and the
publication date follows SPEC §5 (feed/metadata > URL > text): the page's own metadata
date, else the feed item's date, else what extraction found in the URL or the text.
:func:`run_round` runs one crawl round and records failed pages so that a page that
keeps failing is given up after a few rounds.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from datetime import datetime

from marsad.config import Settings
from marsad.entities.consolidate import settle
from marsad.errors import InputError
from marsad.extract.html import decode_page, extract_articles, parse_html, read_metadata
from marsad.models import Article, Source
from marsad.pipeline import IngestReport, Pipeline
from marsad.sources.crawl import CrawlReport, FeedBackoff, FeedRecord, crawl_once
from marsad.sources.feeds import FeedItem
from marsad.sources.fetch import Fetcher
from marsad.store.database import Store
from marsad.store.feeds import FeedStore

log = logging.getLogger("marsad.crawl")

MIN_SUMMARY_CHARS = 40  # a feed summary shorter than this is not an article on its own


class NoArticle(InputError):
    """A fetched page held no article and its feed item no usable summary."""


class FeedIngester:
    """``ingest_page(html, url, feed, item, encoding) -> articles stored`` for the crawler."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        feeds: FeedStore | None = None,
        *,
        defer_analysis: bool = False,
    ) -> None:
        self.store = store
        self.settings = settings
        self.feeds = feeds or FeedStore(store)
        self.defer_analysis = defer_analysis  # stored for `marsad analyse` to analyse
        self.pipeline = Pipeline(store, settings, defer_analysis=defer_analysis)
        self.report = IngestReport()
        self._sources: dict[int, Source] = {}
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Pick up knowledge-base changes (new names) before the next round, and let entity
        names follow how the last rounds wrote them (marsad.entities.naming)."""
        settle(self.store, self.pipeline.touched)
        self.pipeline = Pipeline(self.store, self.settings, defer_analysis=self.defer_analysis)
        self._sources.clear()

    def source(self, feed: FeedRecord) -> Source:
        if feed.id not in self._sources:
            self._sources[feed.id] = self.feeds.feed_source(feed)
        return self._sources[feed.id]

    def articles(
        self, content: bytes, url: str, feed: FeedRecord, item: FeedItem, encoding: str | None
    ) -> list[Article]:
        """The articles of a fetched page (or of its feed item); NoArticle if none."""
        source = self.source(feed)
        reason = "no article text on the page"
        articles: list[Article] = []
        meta_date: datetime | None = None
        try:
            articles = extract_articles(
                content,
                url=url,
                source=source,
                declared_encoding=encoding,
                reference=item.published,
            )
            if len(articles) == 1 and item.published is not None:
                meta_date = _metadata_date(content, encoding, url)
        except InputError as exc:
            reason = str(exc)
        if len(articles) == 1:
            article = articles[0]
            published = meta_date or item.published or article.published
            title = article.title or item.title
            return [replace(article, published=published, title=title)]
        if articles:  # a listing page: each item keeps its own date
            return articles
        summary = item.summary.strip()
        if item.title and len(summary) >= MIN_SUMMARY_CHARS:
            log.info("%s: %s; using the feed item's title and summary", url, reason)
            return [
                Article(
                    title=item.title,
                    text=summary,
                    source=source,
                    url=item.url,
                    published=item.published,
                )
            ]
        raise NoArticle(f"{reason}; the feed item has no summary to use instead")

    def __call__(
        self, content: bytes, url: str, feed: FeedRecord, item: FeedItem, encoding: str | None
    ) -> int:
        try:
            articles = self.articles(content, url, feed, item, encoding)
        except NoArticle as exc:
            for page in {url, item.url}:
                self.feeds.record_page(page, feed.id, f"no article: {exc}", done=True)
            log.warning("feed %s: page %s skipped: %s", feed.name, url, exc)
            raise
        report = IngestReport()
        with self._lock:
            for article in articles:
                article.url = article.url or url
                self.pipeline.ingest_one(article, report)
            self.report.merge(report)
        stored = report.new + report.duplicates
        status = f"stored {report.new} new, {report.duplicates} copies"
        for page in {url, item.url}:
            self.feeds.record_page(page, feed.id, status, done=True)
        return stored


def _metadata_date(content: bytes, encoding: str | None, url: str) -> datetime | None:
    """The page's own metadata date (meta tags, JSON-LD, <time>), if any."""
    try:
        tree = parse_html(decode_page(content, encoding))
    except InputError:
        return None
    return read_metadata(tree, url).published if tree is not None else None


def run_round(
    feeds: FeedStore,
    fetcher: Fetcher,
    ingester: FeedIngester,
    *,
    backoff: FeedBackoff | None = None,
    stop_event: threading.Event | None = None,
    max_items_per_feed: int = 100,
) -> CrawlReport:
    """One crawl round; pages that failed are recorded (given up after a few rounds)."""
    report = crawl_once(
        feeds,
        fetcher,
        ingester,
        backoff=backoff,
        stop_event=stop_event,
        max_items_per_feed=max_items_per_feed,
    )
    record_failures(feeds, report)
    return report


def record_failures(feeds: FeedStore, report: CrawlReport) -> None:
    """Count each failed page in ``fetched_urls`` (pages without article are already done)."""
    for feed in report.feeds:
        for url, reason in feed.item_errors:
            try:
                feeds.record_page(url, feed.feed_id, f"error: {reason}", done=False)
            except Exception:  # recording must never stop the crawl
                log.exception("could not record the failure of %s", url)
