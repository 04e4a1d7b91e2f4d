"""Watchlists (saved searches): define them, and the data of their pages and feeds.

A watchlist names entities (an article matches when it names any of them) and/or search
words (it must contain every one, with the clitic forms the search page accepts),
optionally limited to one source. Only articles stored after the watchlist was created
are matched. Each watchlist has a secret feed token: ``/alerts/<token>`` is its page,
``/alerts/<token>/feed.atom`` its Atom feed (feed readers cannot send an admin token);
everything else about watchlists is behind the admin token. See docs/alerts.md.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from marsad import pages
from marsad.arabic.normalise import normalise
from marsad.errors import InputError, NotFound
from marsad.store import alerts as sql
from marsad.store.database import Store

MAX_ENTITIES = 20


class WatchlistOut(BaseModel):
    """A watchlist as the operator sees it (admin API, ``marsad alerts list``)."""

    id: int
    name: str
    query: str
    entities: list[pages.EntityRef]
    source: str | None
    feed: str  # path of its page on the site; ``feed.atom`` beside it
    webhook_url: str | None
    email_to: str | None
    matched: int
    webhook_sent: int
    email_sent: int
    failures: int  # most failed deliveries of one article
    last_error: str | None


class CreatedWatchlist(WatchlistOut):
    """A new watchlist, with what is shown only once: its secrets."""

    feed_token: str
    webhook_secret: str | None


class WatchlistPage(BaseModel):
    """The public page of a watchlist (reached by its feed token): its matches, newest first."""

    name: str
    query: str
    entities: list[pages.EntityRef]
    source: str | None
    total: int
    page: int
    pages: int
    articles: list[pages.ArticleItem]


def create(
    store: Store,
    name: str,
    *,
    entities: list[str] | None = None,
    query: str = "",
    source: str | None = None,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    email_to: str | None = None,
) -> CreatedWatchlist:
    """Save a watchlist; it matches articles stored from now on. Returns it with its feed
    token and (when a webhook is set) the shared secret its POSTs are signed with."""
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise InputError("a watchlist needs a name (at most 200 characters)")
    query = " ".join(pages.check_query(query or "").split())
    if len(normalise(query).split()) > pages.MAX_QUERY_WORDS:
        raise InputError(f"the query may have at most {pages.MAX_QUERY_WORDS} words")
    keys = [k for k in (entities or []) if k and k.strip()]
    if not keys and not normalise(query).strip():
        raise InputError("a watchlist needs entities (--entity) or search words (--query)")
    if len(keys) > MAX_ENTITIES:
        raise InputError(f"a watchlist may follow at most {MAX_ENTITIES} entities")
    entity_ids = list(dict.fromkeys(int(pages.find_entity(store, k)["id"]) for k in keys))
    source_id = None
    if source:
        row = store.get_source(source)
        if row is None:
            raise NotFound(f"no source {source!r}: `marsad feeds list` or /sources name them")
        source_id = row["id"]
    if webhook_url is not None and not webhook_url.startswith(("http://", "https://")):
        raise InputError(f"the webhook must be an http(s) URL, not {webhook_url!r}")
    if webhook_url and not webhook_secret:
        webhook_secret = secrets.token_urlsafe(32)
    if email_to is not None and ("@" not in email_to or any(c in email_to for c in "\r\n ,")):
        raise InputError(f"not one e-mail address: {email_to!r}")
    with store.engine.begin() as conn:
        if sql.watchlist(conn, "name", name) is not None:
            raise InputError(f"a watchlist named {name!r} exists: remove it first or pick a name")
        watchlist_id = sql.add_watchlist(
            conn,
            {
                "name": name,
                "query": query,
                "entity_ids": entity_ids,
                "source_id": source_id,
                "webhook_url": webhook_url or None,
                "webhook_secret": webhook_secret if webhook_url else None,
                "email_to": email_to or None,
                "feed_token": secrets.token_urlsafe(24),
                "cursor": sql.analysed_upto(conn),  # from now on
                "created_at": datetime.now(UTC),
            },
        )
        row = sql.watchlist(conn, "id", watchlist_id)
    assert row is not None
    return CreatedWatchlist(
        **describe(store, row).model_dump(),
        feed_token=row["feed_token"],
        webhook_secret=row["webhook_secret"],
    )


def find(store: Store, key: str | int) -> dict[str, Any]:
    """A watchlist by id or name."""
    with store.engine.connect() as conn:
        row = None
        if isinstance(key, int) or str(key).isdigit():
            row = sql.watchlist(conn, "id", int(key))
        row = row or sql.watchlist(conn, "name", " ".join(str(key).split()))
    if row is None:
        raise NotFound(f"no watchlist {key!r}: `marsad alerts list` shows them")
    return row


def remove(store: Store, key: str | int) -> dict[str, Any]:
    row = find(store, key)
    with store.engine.begin() as conn:
        sql.remove_watchlist(conn, row["id"])
    return {"removed": row["name"]}


def all_watchlists(store: Store) -> list[WatchlistOut]:
    with store.engine.connect() as conn:
        rows = sql.watchlists(conn)
    return [describe(store, r) for r in rows]


def describe(store: Store, row: dict[str, Any]) -> WatchlistOut:
    with store.engine.connect() as conn:
        counts = sql.delivery_counts(conn, row["id"])
    return WatchlistOut(
        id=row["id"],
        name=row["name"],
        query=row["query"],
        entities=_entity_refs(store, row["entity_ids"]),
        source=_source_slug(store, row["source_id"]),
        feed=f"alerts/{row['feed_token']}",
        webhook_url=row["webhook_url"],
        email_to=row["email_to"],
        **counts,
    )


def watchlist_page(store: Store, token: str, page: int = 1) -> WatchlistPage:
    """One function for the watchlist's HTML page, its JSON and its Atom feed."""
    pages.check_page_number(page)
    with store.engine.connect() as conn:
        row = sql.watchlist(conn, "feed_token", token)
        if row is None:
            raise NotFound("لا توجد قائمة متابعة بهذا العنوان — no watchlist at this address")
        total = sql.delivery_counts(conn, row["id"])["matched"]
        rows = sql.matched_articles(conn, row["id"], pages.PAGE_SIZE, (page - 1) * pages.PAGE_SIZE)
    return WatchlistPage(
        name=row["name"],
        query=row["query"],
        entities=_entity_refs(store, row["entity_ids"]),
        source=_source_slug(store, row["source_id"]),
        total=total,
        page=page,
        pages=max(1, -(-total // pages.PAGE_SIZE)),
        articles=[pages._article_item(r) for r in rows],
    )


def current_entity_ids(store: Store, entity_ids: list[int]) -> list[int]:
    """The watched entities as they are now (an entity merged since is followed to the
    entity that holds its articles); those that no longer exist are left out."""
    found = (store.get_entity(e) for e in entity_ids)
    return list(dict.fromkeys(int(r["id"]) for r in found if r is not None))


def _entity_refs(store: Store, entity_ids: list[int]) -> list[pages.EntityRef]:
    rows = [store.get_entity(e) for e in current_entity_ids(store, entity_ids)]
    return [
        pages.EntityRef(id=r["id"], slug=r["slug"], name=r["name"], type=r["type"])
        for r in rows
        if r is not None
    ]


def _source_slug(store: Store, source_id: int | None) -> str | None:
    if source_id is None:
        return None
    return next((s["slug"] for s in store.list_sources() if s["id"] == source_id), None)
