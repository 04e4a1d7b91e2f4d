"""Feeds in the database: what :mod:`marsad.sources.crawl` needs (``CrawlStore``) plus
adding, listing and removing feeds, and the crawler's memory of fetched pages.

A page URL counts as *seen* when an article from it is stored (``articles.url`` or any
copy's ``article_sources.url``) or when the crawler recorded it as done in
``fetched_urls`` (a page that yielded no article, or one that failed
``MAX_ATTEMPTS`` times), so such pages are not fetched again every round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import and_, case, delete, func, insert, select, update

from marsad.errors import NotFound
from marsad.models import Source
from marsad.sources.crawl import FeedRecord
from marsad.store import schema as s
from marsad.store import shared as shared_work
from marsad.store.database import Store, slugify

MAX_ATTEMPTS = 3  # a page failing this many rounds is given up
MAX_STATUS_CHARS = 500


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """A feed with its poll state and page counts, as the /sources page shows it."""

    id: int
    url: str
    name: str
    country: str | None
    source_slug: str | None
    last_success: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    error_count: int  # failed polls in a row (0 after a success)
    pages_done: int  # pages fetched and settled (stored or without an article)
    page_errors: int  # pages that failed or held no article

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "name": self.name,
            "country": self.country,
            "source": self.source_slug,
            "last_success": self.last_success.isoformat() if self.last_success else None,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at.isoformat() if self.last_error_at else None,
            "error_count": self.error_count,
            "pages_done": self.pages_done,
            "page_errors": self.page_errors,
        }


def _aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything stored here is UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def default_feed_name(url: str) -> str:
    host = (urlsplit(url).hostname or url).lower()
    return host.removeprefix("www.")


class FeedStore:
    """Feeds and fetched pages over a :class:`Store`'s engine; implements ``CrawlStore``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = store.engine

    # ---- managing feeds ------------------------------------------------------------------
    def add_feed(
        self, url: str, *, name: str | None = None, country: str | None = None
    ) -> tuple[FeedRecord, bool]:
        """Add a feed (or update the name/country of a known one); returns (feed, created).

        Its articles are stored under a source named ``name`` (default: the site's host).
        """
        from marsad.sources.fetch import check_url

        url = check_url(url)
        label = (name or "").strip() or default_feed_name(url)
        site = urlsplit(url)
        source_id = self.store.source_id(
            Source(
                slug=slugify(label),
                name=label,
                url=f"{site.scheme}://{site.netloc}",
                country=country,
            )
        )
        with self.engine.begin() as conn:
            row = conn.execute(select(s.feeds.c.id).where(s.feeds.c.url == url)).first()
            if row is None:
                conn.execute(
                    insert(s.feeds).values(
                        url=url, name=label, country=country, source_id=source_id, error_count=0
                    )
                )
                created = True
            else:
                values: dict[str, Any] = {}
                if name:
                    values |= {"name": label, "source_id": source_id}
                if country:
                    values["country"] = country
                if values:
                    conn.execute(update(s.feeds).where(s.feeds.c.id == row[0]).values(**values))
                created = False
            if country:
                conn.execute(
                    update(s.sources)
                    .where(s.sources.c.id == source_id, s.sources.c.country.is_(None))
                    .values(country=country)
                )
        return self.get_feed(url), created

    def get_feed(self, url: str) -> FeedRecord:
        with self.engine.connect() as conn:
            row = conn.execute(select(s.feeds).where(s.feeds.c.url == url.strip())).first()
        if row is None:
            raise NotFound(f"no feed {url!r}; `marsad feeds list` shows the feeds")
        return self._record(dict(row._mapping))

    def remove_feed(self, url: str) -> None:
        """Forget a feed (its stored articles stay)."""
        feed = self.get_feed(url)
        with self.engine.begin() as conn:
            conn.execute(
                update(s.fetched_urls)
                .where(s.fetched_urls.c.feed_id == feed.id)
                .values(feed_id=None)
            )
            conn.execute(delete(s.feeds).where(s.feeds.c.id == feed.id))

    def feed_source(self, feed: FeedRecord) -> Source:
        """The source a feed's articles are stored under."""
        q = (
            select(s.sources)
            .select_from(s.feeds.join(s.sources, s.feeds.c.source_id == s.sources.c.id))
            .where(s.feeds.c.id == feed.id)
        )
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
        if row is None:  # a feed added by other means: derive the source from it
            label = feed.name or default_feed_name(feed.url)
            site = urlsplit(feed.url)
            return Source(slugify(label), label, f"{site.scheme}://{site.netloc}", feed.country)
        r = row._mapping
        return Source(r["slug"], r["name"], r["url"], r["country"] or feed.country)

    def feed_statuses(self) -> list[FeedStatus]:
        """Every feed with its poll state and page counts, by name."""
        done = func.sum(case((s.fetched_urls.c.done.is_(True), 1), else_=0))
        bad = func.sum(case((s.fetched_urls.c.status.like("stored%"), 0), else_=1))
        pages = (
            select(
                s.fetched_urls.c.feed_id,
                func.coalesce(done, 0).label("pages_done"),
                func.coalesce(bad, 0).label("page_errors"),
            )
            .group_by(s.fetched_urls.c.feed_id)
            .subquery()
        )
        q = (
            select(
                s.feeds,
                s.sources.c.slug.label("source_slug"),
                func.coalesce(pages.c.pages_done, 0).label("pages_done"),
                func.coalesce(pages.c.page_errors, 0).label("page_errors"),
            )
            .select_from(
                s.feeds.outerjoin(s.sources, s.feeds.c.source_id == s.sources.c.id).outerjoin(
                    pages, pages.c.feed_id == s.feeds.c.id
                )
            )
            .order_by(s.feeds.c.name, s.feeds.c.url)
        )
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(q)]
        return [
            FeedStatus(
                id=r["id"],
                url=r["url"],
                name=r["name"] or default_feed_name(r["url"]),
                country=r["country"],
                source_slug=r["source_slug"],
                last_success=_aware(r["last_success"]),
                last_error=r["last_error"],
                last_error_at=_aware(r["last_error_at"]),
                error_count=r["error_count"] or 0,
                pages_done=int(r["pages_done"] or 0),
                page_errors=int(r["page_errors"] or 0),
            )
            for r in rows
        ]

    # ---- CrawlStore ----------------------------------------------------------------------
    @property
    def shared(self) -> bool:
        """Crawlers on several machines share the feeds (PostgreSQL: store/shared.py)."""
        return not self.store.is_sqlite

    def claim_feeds(self, limit: int, done: set[int]) -> list[FeedRecord]:
        ids = shared_work.claim_feeds(self.store.direct_engine, limit, done)
        if not ids:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.feeds).where(s.feeds.c.id.in_(ids)).order_by(s.feeds.c.id))
            return [self._record(dict(r._mapping)) for r in rows]

    def release_feed(self, feed_id: int, hold: float) -> None:
        shared_work.release_feed(self.store.direct_engine, feed_id, hold)

    def list_feeds(self) -> list[FeedRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.feeds).order_by(s.feeds.c.id)).all()
        return [self._record(dict(r._mapping)) for r in rows]

    def update_feed_status(
        self,
        feed_id: int,
        *,
        etag: str | None,
        last_modified: str | None,
        success: datetime | None,
        error: str | None,
    ) -> None:
        with self.engine.begin() as conn:
            if error is None:
                values: dict[str, Any] = {
                    "etag": etag,
                    "last_modified": last_modified,
                    "last_success": success or datetime.now(UTC),
                    "last_error": None,
                    "error_count": 0,
                }
            else:
                values = {
                    "last_error": error[:MAX_STATUS_CHARS],
                    "last_error_at": datetime.now(UTC),
                    "error_count": func.coalesce(s.feeds.c.error_count, 0) + 1,
                }
            conn.execute(update(s.feeds).where(s.feeds.c.id == feed_id).values(**values))

    def seen_url(self, url: str) -> bool:
        with self.engine.connect() as conn:
            for q in (
                select(s.articles.c.id).where(s.articles.c.url == url).limit(1),
                select(s.article_sources.c.article_id)
                .where(s.article_sources.c.url == url)
                .limit(1),
                select(s.fetched_urls.c.url).where(
                    and_(
                        s.fetched_urls.c.url == url,
                        (s.fetched_urls.c.done.is_(True))
                        | (s.fetched_urls.c.attempts >= MAX_ATTEMPTS),
                    )
                ),
            ):
                if conn.execute(q).first() is not None:
                    return True
        return False

    # ---- the crawler's memory of pages ---------------------------------------------------
    def record_page(self, url: str, feed_id: int | None, status: str, *, done: bool) -> None:
        """Remember what fetching ``url`` gave. ``done`` pages are never fetched again;
        a failure (``done=False``) counts an attempt, and a page is given up after
        ``MAX_ATTEMPTS``. A settled page is not reopened by a later failure."""
        status = status[:MAX_STATUS_CHARS]
        now = datetime.now(UTC)
        table = s.fetched_urls
        with self.engine.begin() as conn:
            row = conn.execute(
                select(table.c.done, table.c.attempts).where(table.c.url == url)
            ).first()
            if row is None:
                conn.execute(
                    insert(table).values(
                        url=url,
                        feed_id=feed_id,
                        at=now,
                        status=status,
                        done=done,
                        attempts=0 if done else 1,
                    )
                )
            elif done:
                conn.execute(
                    update(table)
                    .where(table.c.url == url)
                    .values(at=now, status=status, done=True, feed_id=feed_id)
                )
            elif not row.done:
                conn.execute(
                    update(table)
                    .where(table.c.url == url)
                    .values(at=now, status=status, attempts=row.attempts + 1)
                )

    def page_status(self, url: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(s.fetched_urls).where(s.fetched_urls.c.url == url)).first()
        return dict(row._mapping) if row else None

    @staticmethod
    def _record(r: dict[str, Any]) -> FeedRecord:
        return FeedRecord(
            id=r["id"],
            url=r["url"],
            name=r["name"] or default_feed_name(r["url"]),
            country=r["country"],
            etag=r["etag"],
            last_modified=r["last_modified"],
            last_success=_aware(r["last_success"]),
            last_error=r["last_error"],
            error_count=r["error_count"] or 0,
        )


def sources_with_feeds(store: Store) -> list[dict[str, Any]]:
    """The /sources data: every source with its article count (all it carried, whatever
    the date), the first and last day of those articles, and its feeds' status."""
    by_source: dict[str | None, list[dict[str, Any]]] = {}
    for status in FeedStore(store).feed_statuses():
        by_source.setdefault(status.source_slug, []).append(status.as_dict())
    rows = [
        {k: r[k] for k in ("slug", "name", "url", "country", "articles", "first_day", "last_day")}
        | {"feeds": by_source.pop(r["slug"], [])}
        for r in store.list_sources()
    ]
    orphans = [f for feeds in by_source.values() for f in feeds]  # feeds without a source
    if orphans:
        rows.append(
            {
                "slug": None,
                "name": "—",
                "url": None,
                "country": None,
                "articles": 0,
                "first_day": None,
                "last_day": None,
            }  # fmt: skip
            | {"feeds": orphans}
        )
    return rows
