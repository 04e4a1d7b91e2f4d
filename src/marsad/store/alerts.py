"""SQL of the alerts (marsad.alerts): watchlists, the articles each matched, what was sent.

An article is matched to a watchlist at most once (the primary key of
``watchlist_articles``); matching and moving the watchlist's ``cursor`` happen in one
transaction, so a round killed half way is matched again from the old cursor, and the
rows it had written were rolled back with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from marsad.store.driver import insert_sql, lookup, run, write
from marsad.store.listing import _fts_query, word_forms

Row = dict[str, Any]
CHANNELS = ("webhook", "email")
_COLUMNS = (
    "id",
    "name",
    "query",
    "entity_ids",
    "source_id",
    "webhook_url",
    "webhook_secret",
    "email_to",
    "feed_token",
    "cursor",
    "created_at",
)
_ARTICLE = (
    "a.id, a.title, a.text, a.url, a.published, a.day, a.place, a.agency, a.story_id, "
    "s.name AS source_name, s.slug AS source_slug"
)


def _watchlist(row: Any) -> Row:
    out = dict(row._mapping)
    out["entity_ids"] = json.loads(out["entity_ids"] or "[]")
    return out


def add_watchlist(conn: Connection, values: Row) -> int:
    row = dict(values, entity_ids=json.dumps(values["entity_ids"]))
    columns = [c for c in _COLUMNS if c != "id"]
    found = lookup(conn, insert_sql("watchlists", columns) + " RETURNING id", row)
    assert found is not None
    return int(found[0])


def watchlists(conn: Connection) -> list[Row]:
    sql = f"SELECT {', '.join(_COLUMNS)} FROM watchlists ORDER BY id"
    return [_watchlist(r) for r in run(conn, sql)]


def watchlist(conn: Connection, column: str, value: object) -> Row | None:
    """One watchlist by ``id``, ``name`` or ``feed_token``."""
    assert column in {"id", "name", "feed_token"}
    sql = f"SELECT {', '.join(_COLUMNS)} FROM watchlists WHERE {column} = :v"
    row = run(conn, sql, {"v": value}).first()
    return _watchlist(row) if row is not None else None


def remove_watchlist(conn: Connection, watchlist_id: int) -> None:
    write(conn, "DELETE FROM watchlist_articles WHERE watchlist_id = :w", {"w": watchlist_id})
    write(conn, "DELETE FROM watchlists WHERE id = :w", {"w": watchlist_id})


def analysed_upto(conn: Connection) -> int:
    """The highest article id below which every article has its entities (an article
    stored with --defer-analysis and not yet analysed holds the line: its entities could
    still match)."""
    pending = run(conn, "SELECT min(article_id) FROM pending_analysis").scalar()
    if pending is not None:
        return int(pending) - 1
    return int(run(conn, "SELECT max(id) FROM articles").scalar() or 0)


def matching_ids(
    conn: Connection,
    *,
    after: int,
    upto: int,
    query_norm: str,
    entity_ids: list[int],
    source_id: int | None,
) -> list[int]:
    """Ids in (after, upto] of the articles with every query word (clitic forms as the
    search page), naming one of the entities, and carried by the source, when given."""
    params: dict[str, Any] = {"lo": after, "hi": upto, "s": source_id}
    conds = ["a.id > :lo", "a.id <= :hi"]
    words = query_norm.split()
    if words and conn.dialect.name == "sqlite":
        params["m"] = _fts_query(words)
        conds.append(
            "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :m "
            "AND rowid > :lo AND rowid <= :hi)"
        )
    elif words:
        params["m"] = " & ".join(
            "(" + " | ".join(f.replace("'", "") for f in word_forms(w)) + ")" for w in words
        )
        conds.append(
            "a.id IN (SELECT article_id FROM article_search WHERE "
            "doc @@ to_tsquery('simple', :m) AND article_id > :lo AND article_id <= :hi)"
        )
    if entity_ids:
        marks = ", ".join(str(int(e)) for e in entity_ids)
        conds.append(
            "EXISTS (SELECT 1 FROM article_entities ae "
            f"WHERE ae.article_id = a.id AND ae.entity_id IN ({marks}))"
        )
    if source_id is not None:
        conds.append(
            "EXISTS (SELECT 1 FROM article_sources x "
            "WHERE x.article_id = a.id AND x.source_id = :s)"
        )
    sql = f"SELECT a.id FROM articles a WHERE {' AND '.join(conds)} ORDER BY a.id"
    return [int(r[0]) for r in run(conn, sql, params)]


def record_matches(
    conn: Connection, watchlist_id: int, article_ids: list[int], cursor: int, now: datetime
) -> int:
    """Add the matches (an article already matched is left as it is) and move the cursor;
    how many were new."""
    count = "SELECT count(*) FROM watchlist_articles WHERE watchlist_id = :w"
    before = run(conn, count, {"w": watchlist_id}).scalar() or 0
    if article_ids:
        write(
            conn,
            "INSERT INTO watchlist_articles (watchlist_id, article_id, matched_at, failures) "
            "VALUES (:w, :a, :t, 0) ON CONFLICT DO NOTHING",
            [{"w": watchlist_id, "a": a, "t": now} for a in article_ids],
        )
    write(conn, "UPDATE watchlists SET cursor = :c WHERE id = :w", {"c": cursor, "w": watchlist_id})
    return (run(conn, count, {"w": watchlist_id}).scalar() or 0) - before


def undelivered(conn: Connection, watchlist_id: int, channel: str, limit: int) -> list[Row]:
    """The oldest matches the channel has not delivered, with their articles."""
    assert channel in CHANNELS
    sql = (
        f"SELECT {_ARTICLE}, w.matched_at FROM watchlist_articles w "
        "JOIN articles a ON a.id = w.article_id JOIN sources s ON s.id = a.source_id "
        f"WHERE w.watchlist_id = :w AND w.{channel}_sent_at IS NULL "
        "ORDER BY w.article_id LIMIT :n"
    )
    return [dict(r._mapping) for r in run(conn, sql, {"w": watchlist_id, "n": limit})]


def mark_sent(
    conn: Connection, watchlist_id: int, channel: str, article_ids: list[int], now: datetime
) -> None:
    assert channel in CHANNELS
    write(
        conn,
        f"UPDATE watchlist_articles SET {channel}_sent_at = :t, last_error = NULL "
        "WHERE watchlist_id = :w AND article_id = :a",
        [{"t": now, "w": watchlist_id, "a": a} for a in article_ids],
    )


def mark_failed(conn: Connection, watchlist_id: int, article_ids: list[int], error: str) -> None:
    write(
        conn,
        "UPDATE watchlist_articles SET failures = failures + 1, last_error = :e "
        "WHERE watchlist_id = :w AND article_id = :a",
        [{"e": error[:500], "w": watchlist_id, "a": a} for a in article_ids],
    )


def matched_articles(conn: Connection, watchlist_id: int, limit: int, offset: int) -> list[Row]:
    """The watchlist's matches, newest match first (its page and Atom feed)."""
    sql = (
        f"SELECT {_ARTICLE}, w.matched_at FROM watchlist_articles w "
        "JOIN articles a ON a.id = w.article_id JOIN sources s ON s.id = a.source_id "
        "WHERE w.watchlist_id = :w ORDER BY w.article_id DESC LIMIT :n OFFSET :o"
    )
    params = {"w": watchlist_id, "n": limit, "o": offset}
    return [dict(r._mapping) for r in run(conn, sql, params)]


def delivery_counts(conn: Connection, watchlist_id: int) -> Row:
    """Matched, delivered by each channel, and the last delivery error (if any is owed)."""
    sql = (
        "SELECT count(*) AS matched, count(webhook_sent_at) AS webhook_sent, "
        "count(email_sent_at) AS email_sent, max(failures) AS failures "
        "FROM watchlist_articles WHERE watchlist_id = :w"
    )
    out = dict(run(conn, sql, {"w": watchlist_id}).one()._mapping)
    error = run(
        conn,
        "SELECT last_error FROM watchlist_articles WHERE watchlist_id = :w "
        "AND last_error IS NOT NULL ORDER BY article_id DESC LIMIT 1",
        {"w": watchlist_id},
    ).first()
    out["failures"] = out["failures"] or 0
    out["last_error"] = error[0] if error else None
    return out


def take_lease(conn: Connection, watchlist_id: int, now: datetime, until: datetime) -> bool:
    """Hold the watchlist's deliveries until ``until`` unless another process holds them
    (two rounds at once — a crawl and an ingest — would otherwise send the same matches)."""
    result = conn.execute(
        text(
            "UPDATE watchlists SET lease_until = :u WHERE id = :w "
            "AND (lease_until IS NULL OR lease_until < :n)"
        ),
        {"u": until, "w": watchlist_id, "n": now},
    )
    return result.rowcount == 1


def extend_lease(conn: Connection, watchlist_id: int, until: datetime | None) -> None:
    """Keep (or with None, give back) the lease this process holds."""
    write(
        conn,
        "UPDATE watchlists SET lease_until = :u WHERE id = :w",
        {"u": until, "w": watchlist_id},
    )


def chunks(after: int, upto: int, size: int) -> Iterator[tuple[int, int]]:
    """(after, upto] cut into id ranges of ``size``: matching reads a bounded slice at a time."""
    lo = after
    while lo < upto:
        hi = min(upto, lo + size)
        yield lo, hi
        lo = hi
