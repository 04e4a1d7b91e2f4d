"""Every list taken out whole: an entity's articles, quotes, mentions and related entities,
its timeline, and a search with its filters, as CSV or JSONL, all rows, streamed.

One function per list builds an ``Export``: the entity (or search) is looked up when it is
built, so a wrong key is a 404 before the first byte; the rows are read while the bytes
are written (``store.exports``: one open cursor, a batch of rows in memory at a time).
The web routes, the API and ``marsad export`` all write the bytes of ``csv_chunks`` /
``jsonl_chunks``, so a file downloaded from a page and one written by the CLI are equal.

CSV is UTF-8 with a byte-order mark (spreadsheet programs then read the Arabic), and a
text cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR)
gets a leading ``'`` (``web.links.spreadsheet_row``). JSONL is one JSON object per line,
values as stored (no such prefix: it is not read by spreadsheets).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import orjson

from marsad import pages
from marsad.analytics.related import related
from marsad.analytics.window import current_window
from marsad.config import Settings
from marsad.errors import InputError
from marsad.pages import iso_time as iso
from marsad.store import exports as rows_of
from marsad.store.database import Store
from marsad.web.links import spreadsheet_row

FORMATS = ("csv", "jsonl")
CHUNK_ROWS = 500  # rows written per chunk of bytes


@dataclass(frozen=True)
class Export:
    """A list ready to be written: its column names, its rows (read when iterated) and a
    file name without extension."""

    name: str
    columns: list[str]
    rows: Callable[[], Iterable[list[Any]]]


def entity_articles(store: Store, key: str) -> Export:
    """Every article naming the entity, newest first, with its first mention as written."""
    ent = pages.find_entity(store, key)

    def rows() -> Iterator[list[Any]]:
        with store.engine.connect() as conn:
            for aid, day, published, source, _slug, title, url, mention in rows_of.entity_articles(
                conn, ent["id"]
            ):
                yield [aid, day or "", iso(published), source, title, url or "", mention]

    columns = ["id", "day", "published", "source", "title", "url", "mention"]
    return Export(f"{ent['slug']}-articles", columns, rows)


def entity_quotes(store: Store, key: str) -> Export:
    """Everything the entity said, newest first, with the article it is in."""
    ent = pages.find_entity(store, key)
    columns = ["day", "text", "article_id", "title", "source", "url"]

    def rows() -> Iterator[list[Any]]:
        with store.engine.connect() as conn:
            for r in rows_of.entity_quotes(conn, ent["id"]):
                q = dict(zip(rows_of.QUOTE_COLUMNS, r, strict=True))
                yield [
                    q["day"] or "",
                    q["text"],
                    q["article_id"],
                    q["title"],
                    q["source"],
                    q["url"] or "",
                ]

    return Export(f"{ent['slug']}-quotes", columns, rows)


def entity_mentions(store: Store, key: str) -> Export:
    """Every mention of the entity: the article, the name as written and where it stands
    (offsets into the title, a newline, then the text, as ``/api/article`` gives them)."""
    ent = pages.find_entity(store, key)

    def rows() -> Iterator[list[Any]]:
        with store.engine.connect() as conn:
            for aid, day, source, title, start, end, surface, type_ in rows_of.entity_mentions(
                conn, ent["id"]
            ):
                yield [aid, day or "", source, title, surface, start, end, type_ or ""]

    columns = ["article_id", "day", "source", "title", "surface", "start", "end", "type"]
    return Export(f"{ent['slug']}-mentions", columns, rows)


def entity_related(
    store: Store, settings: Settings, key: str, types: set[str] | None = None
) -> Export:
    """Every entity related to this one over the window (no top-N cut), best score first."""
    ent = pages.find_entity(store, key)
    window = current_window(store, settings)

    def rows() -> Iterator[list[Any]]:
        for r in related(store, ent["id"], window, limit=None, types=types, min_shared=2):
            yield [r.id, r.slug, r.name, r.type, r.shared, r.score]

    columns = ["id", "slug", "name", "type", "shared", "score"]
    return Export(f"{ent['slug']}-related", columns, rows)


def entity_timeline(store: Store, settings: Settings, key: str) -> Export:
    """Articles and stories per day over the window, zero days included."""
    ent = pages.find_entity(store, key)
    return Export(
        f"{ent['slug']}-timeline",
        ["day", "articles", "stories"],
        lambda: pages.entity_timeline_rows(store, settings, key),
    )


def search(
    store: Store,
    query: str,
    source: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    entity: str | None = None,
) -> Export:
    """Every article a search finds (filters as on the search page), most recently stored
    first; no page size and no count cap."""
    norm, filters, _, _ = pages.search_request(store, query, source, date_from, date_to, entity)
    if not norm.strip():
        raise InputError("an export of a search needs words to search for (q)")

    def rows() -> Iterator[list[Any]]:
        with store.engine.connect() as conn:
            for r in rows_of.search_hits(conn, norm, filters):
                row = ["" if v is None else v for v in r]
                row[2] = iso(r[2])
                yield row

    columns = rows_of.SEARCH_COLUMNS
    return Export("search-" + "-".join(norm.split()), columns, rows)


def csv_chunks(export: Export) -> Iterator[bytes]:
    """The list as CSV bytes (BOM, header, rows), ``CHUNK_ROWS`` rows per chunk."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(export.columns)
    yield "\ufeff".encode() + _take(buf)
    for batch in _batches(export.rows()):
        writer.writerows([spreadsheet_row(row) for row in batch])
        yield _take(buf)


def jsonl_chunks(export: Export) -> Iterator[bytes]:
    """The list as JSON Lines (one object per row, UTF-8, keys = the CSV header)."""
    columns = export.columns
    for batch in _batches(export.rows()):
        yield b"".join(orjson.dumps(dict(zip(columns, row, strict=True))) + b"\n" for row in batch)


def _batches(rows: Iterable[list[Any]]) -> Iterator[list[list[Any]]]:
    it = iter(rows)
    while batch := list(islice(it, CHUNK_ROWS)):
        yield batch


def _take(buf: io.StringIO) -> bytes:
    data = buf.getvalue().encode("utf-8")
    buf.seek(0)
    buf.truncate()
    return data


def chunks(export: Export, fmt: str) -> Iterator[bytes]:
    """``csv_chunks`` or ``jsonl_chunks``."""
    if fmt not in FORMATS:
        raise InputError(f"format must be one of: {', '.join(FORMATS)} (not {fmt!r})")
    return csv_chunks(export) if fmt == "csv" else jsonl_chunks(export)


MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
