"""Shared test constants and helpers (import as ``from marsad_testing import …``)."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import text

from marsad.config import Settings, load_settings
from marsad.store.database import Store

DATA = Path(__file__).parent / "data"
SAMPLE_END = date(2026, 11, 20)


def make_settings(tmp: Path, name: str = "marsad.db") -> Settings:
    return load_settings(
        {
            "MARSAD_DATA_DIR": str(tmp),
            "MARSAD_DATABASE_URL": f"sqlite:///{tmp / name}",
            "MARSAD_TIMEZONE": "Asia/Damascus",
        }
    )


def fresh_postgres_database(url: str) -> str:
    """A new, empty database on the same server (other tests may share the given one)."""
    from uuid import uuid4

    from sqlalchemy import create_engine, make_url, text

    name = f"marsad_test_{uuid4().hex[:8]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


ROLLUP_TABLES = {
    "entity_days": "entity_id, day, articles, stories",
    "entity_totals": "entity_id, articles",
    "entity_source_days": "entity_id, source_id, day, articles",
    "pair_days": "entity_id, other_id, day, articles",
    "day_totals": "source_id, day, articles, stories",
}


def rollup_snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every pre-aggregated count, sorted: equal snapshots mean equal pages."""
    with store.engine.connect() as conn:
        return {
            t: sorted(tuple(r) for r in conn.execute(text(f"SELECT {cols} FROM {t}")))
            for t, cols in ROLLUP_TABLES.items()
        }


def whose_task(tools: object, argument: int) -> tuple[int, int]:
    """A marsad.workers task: the argument and the process that ran it."""
    import os

    return argument, os.getpid()


def die(tools: object, argument: int) -> None:
    """A marsad.workers task whose process ends abruptly (as when killed for memory)."""
    import os

    os._exit(1)


def nap(tools: object, seconds: float) -> None:
    """A marsad.workers task that takes its time."""
    import time

    time.sleep(seconds)


DUPLICATE = {
    "title": "لافروف وكيري يبحثان الأزمة السورية",
    "text": "جنيف سانا\nبحث وزير الخارجية الروسي سيرغي لافروف مع نظيره الأمريكي جون كيري في "
    "جنيف سبل دفع العملية السياسية.\nوقال لافروف إن الحل السياسي هو الطريق الوحيد.",
    "source": "rt",
    "source_name": "آر تي",
    "url": "https://rt.example/copy",
}


def mixed_inputs(folder: Path) -> Path:
    """A folder of real-structured pages, the small JSONL, an exact copy from another
    source, and bad input: a binary page, a bad JSONL line."""
    shutil.copytree(DATA / "pages", folder / "pages", ignore=shutil.ignore_patterns("*.py"))
    shutil.copy(DATA / "articles_small.jsonl", folder / "a.jsonl")
    lines = [json.dumps(DUPLICATE, ensure_ascii=False), "{not json", ""]
    (folder / "b.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (folder / "pages" / "binary.html").write_bytes(bytes(range(256)) * 40)
    return folder


def store_snapshot(store: Store) -> dict[str, list[tuple]]:
    """What the pages show, by content (not by row id), with every count: equal snapshots
    mean equal databases."""
    queries = {
        "articles": "SELECT a.content_hash, a.title, a.day, a.place, a.agency, "
        "(SELECT s.content_hash FROM articles s WHERE s.id = a.story_id) FROM articles a",
        "copies": "SELECT a.content_hash, s.slug, c.url FROM article_sources c "
        "JOIN articles a ON a.id = c.article_id JOIN sources s ON s.id = c.source_id",
        "mentions": 'SELECT a.content_hash, m.start, m."end", e.name, e.type FROM mentions m '
        "JOIN articles a ON a.id = m.article_id JOIN entities e ON e.id = m.entity_id",
        "quotes": "SELECT a.content_hash, e.name, q.text FROM quotes q "
        "JOIN articles a ON a.id = q.article_id JOIN entities e ON e.id = q.entity_id",
    }
    with store.engine.connect() as conn:
        found = {k: sorted(tuple(r) for r in conn.execute(text(q))) for k, q in queries.items()}
    return found | rollup_snapshot(store)


# Every table, by content (names and hashes, never row ids): equal snapshots, equal databases.
# Not compared: an alias's written form and the slugs an entity had before it was renamed are
# those of the article that created it, i.e. of which article was analysed first.
NAMED = {
    "articles": "SELECT a.content_hash, a.title, a.day, a.place, a.agency, "
    "(SELECT s.content_hash FROM articles s WHERE s.id = a.story_id) FROM articles a",
    "copies": "SELECT a.content_hash, s.slug, c.url FROM article_sources c "
    "JOIN articles a ON a.id = c.article_id JOIN sources s ON s.id = c.source_id",
    "entities": "SELECT e.slug, e.name, e.type, m.slug FROM entities e "
    "LEFT JOIN entities m ON m.id = e.merged_into",
    "mentions": 'SELECT a.content_hash, m.start, m."end", m.surface, m.type, e.slug '
    "FROM mentions m JOIN articles a ON a.id = m.article_id JOIN entities e ON e.id = m.entity_id",
    "article_entities": "SELECT a.content_hash, e.slug, x.day, x.mentions, x.first_start, "
    "x.first_end FROM article_entities x JOIN articles a ON a.id = x.article_id "
    "JOIN entities e ON e.id = x.entity_id",
    "quotes": "SELECT a.content_hash, e.slug, q.start, q.text FROM quotes q "
    "JOIN articles a ON a.id = q.article_id JOIN entities e ON e.id = q.entity_id",
    "entity_days": "SELECT e.slug, r.day, r.articles, r.stories FROM entity_days r "
    "JOIN entities e ON e.id = r.entity_id",
    "entity_totals": "SELECT e.slug, r.articles FROM entity_totals r "
    "JOIN entities e ON e.id = r.entity_id",
    "entity_source_days": "SELECT e.slug, s.slug, r.day, r.articles FROM entity_source_days r "
    "JOIN entities e ON e.id = r.entity_id JOIN sources s ON s.id = r.source_id",
    "pair_days": "SELECT e.slug, o.slug, r.day, r.articles FROM pair_days r "
    "JOIN entities e ON e.id = r.entity_id JOIN entities o ON o.id = r.other_id",
    "day_totals": "SELECT coalesce(s.slug, ''), r.day, r.articles, r.stories FROM day_totals r "
    "LEFT JOIN sources s ON s.id = r.source_id",
    "fetched": "SELECT url, status, done FROM fetched_urls",
    "pending": "SELECT article_id FROM pending_analysis",
}


def named_snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every table by content (names and hashes, never row ids): equal snapshots mean
    equal databases, however many processes built them in whatever order."""
    with store.engine.connect() as conn:
        return {k: sorted(tuple(r) for r in conn.execute(text(q))) for k, q in NAMED.items()}


def differences(got: dict[str, list[tuple]], expected: dict[str, list[tuple]]) -> dict:
    """Per table, the rows only one side has (a few of each), and both row counts."""
    out = {}
    for table, rows in expected.items():
        if got[table] != rows:
            extra, missing = set(got[table]) - set(rows), set(rows) - set(got[table])
            out[table] = (len(got[table]), len(rows), sorted(extra)[:4], sorted(missing)[:4])
    return out


@contextmanager
def serve_site(store: Store, settings: Settings) -> Iterator[str]:
    """The site of ``store`` served by uvicorn in a thread on a free port of 127.0.0.1 (its
    base URL), for tests that drive a real browser; stopped on leaving."""
    import uvicorn

    from marsad.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(store, settings), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
