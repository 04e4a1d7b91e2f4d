"""Every row of a list, streamed: the statements behind the uncapped exports.

Each function yields rows one at a time from one statement whose cursor is read as it
goes (SQLite steps its cursor lazily; PostgreSQL gets a server-side cursor through
``stream_results``), so an export of a million rows holds a few thousand in memory at
most. Orders follow an index where one exists (no sort before the first row):

* an entity's articles: newest day first, then most recently stored (the (entity, day)
  index, as the entity page);
* search hits: most recently stored first (the full-text index's order; the search page
  sorts by publication date only up to a few thousand hits);
* an entity's quotes: newest day first (the (entity, day, article) index);
* an entity's mentions: newest article first, in reading order inside each article.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, text

from marsad.store.listing import _QUOTE_COLUMNS, SearchFilters, search_clauses

BATCH = 2000  # rows fetched from the cursor at a time


def stream(conn: Connection, sql: str, params: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of one read, as tuples, fetched ``BATCH`` at a time from an open cursor."""
    if conn.dialect.name == "sqlite":
        cursor = conn.exec_driver_sql(sql, params).cursor  # the sqlite3 cursor: lazy steps
        try:
            while rows := cursor.fetchmany(BATCH):
                yield from rows
        finally:
            cursor.close()
        return
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(text(sql), params)
    try:
        for row in result:
            yield tuple(row)
    finally:
        result.close()


# the first mention as written, cut out by the database (offsets point into title, a
# newline, then the text; SQL's substr counts characters from 1), so the text stays there
_FIRST_MENTION = (
    "CASE WHEN ae.first_start > length(a.title) "
    "THEN substr(a.text, ae.first_start - length(a.title), ae.first_end - ae.first_start) "
    "ELSE substr(a.title, ae.first_start + 1, ae.first_end - ae.first_start) END"
)


def entity_articles(conn: Connection, entity_id: int) -> Iterator[tuple[Any, ...]]:
    """(id, day, published, source, source_slug, title, url, first mention as written)
    of every article naming the entity, newest day first (undated last)."""
    sql = (
        "SELECT a.id, a.day, a.published, s.name, s.slug, a.title, a.url, "
        f"{_FIRST_MENTION} "
        "FROM article_entities ae JOIN articles a ON a.id = ae.article_id "
        "JOIN sources s ON s.id = a.source_id WHERE ae.entity_id = :e "
        "ORDER BY ae.day DESC, ae.article_id DESC"
    )
    return stream(conn, sql, {"e": entity_id})


SEARCH_COLUMNS = ["id", "day", "published", "source", "source_slug", "title", "url"]
SEARCH_COLUMNS += ["place", "agency", "story_id"]
_SEARCH_SELECT = (
    "a.id, a.day, a.published, s.name, s.slug, a.title, a.url, a.place, a.agency, a.story_id"
)


def search_hits(
    conn: Connection, query_norm: str, filters: SearchFilters
) -> Iterator[tuple[Any, ...]]:
    """Every article matching the normalised query and filters (``SEARCH_COLUMNS``), most
    recently stored first; no cap."""
    words = [w for w in query_norm.split() if w]
    if not words:
        return iter(())
    hits, match, conds, params, order, join_on = search_clauses(conn, words, filters)
    index = hits.partition(" FROM ")[2]
    sql = (
        f"SELECT {_SEARCH_SELECT} FROM {index} JOIN articles a ON {join_on} "
        f"JOIN sources s ON s.id = a.source_id WHERE {' AND '.join([match, *conds])} "
        f"ORDER BY {order} DESC"
    )
    return stream(conn, sql, params)


QUOTE_COLUMNS = [
    c.split(" AS ")[-1].split(".")[-1] for c in _QUOTE_COLUMNS.split(" FROM ")[0].split(", ")
]


def entity_quotes(conn: Connection, entity_id: int) -> Iterator[tuple[Any, ...]]:
    """Everything the entity said (``QUOTE_COLUMNS``), newest day first."""
    sql = (
        f"SELECT {_QUOTE_COLUMNS} WHERE q.entity_id = :e "
        "ORDER BY q.day DESC, q.article_id DESC, q.start"
    )
    return stream(conn, sql, {"e": entity_id})


MENTION_COLUMNS = ["article_id", "day", "source", "title", "start", "end", "surface", "type"]


def entity_mentions(conn: Connection, entity_id: int) -> Iterator[tuple[Any, ...]]:
    """Every mention of the entity (``MENTION_COLUMNS``: offsets into title + newline +
    text, the name as written, the recogniser's type), newest article first."""
    sql = (
        'SELECT m.article_id, a.day, s.name, a.title, m.start, m."end", m.surface, m.type '
        "FROM mentions m JOIN articles a ON a.id = m.article_id "
        "JOIN sources s ON s.id = a.source_id WHERE m.entity_id = :e "
        "ORDER BY m.article_id DESC, m.start"
    )
    return stream(conn, sql, {"e": entity_id})
