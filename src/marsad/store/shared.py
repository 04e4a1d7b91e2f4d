"""Work shared by many processes, on many machines, through one PostgreSQL database.

With ``MARSAD_DATABASE_URL=postgresql://…`` any number of ``marsad crawl``, ``marsad ingest
--defer-analysis`` and ``marsad analyse`` processes share the work through the database
itself (docs/deploy.md):

* **claims** — an analyse worker takes a batch of waiting articles with ``FOR UPDATE SKIP
  LOCKED`` (two workers never wait on, nor take, the same rows) and writes a lease on them
  (``pending_analysis.claimed_by``, ``lease_until``); each article's analysis commits with
  its row taken off the list, so a worker killed with SIGKILL loses only its uncommitted
  article, and the rest of its batch is claimed again once the lease has run out. A crawler
  claims the feeds due for a fetch the same way (``feeds.lease_until``).
* **once** — an article's analysis locks its waiting row first: a second worker holding a
  stale claim finds the row gone and writes nothing, so no article is analysed twice.
* **entities** — one process creates entities at a time (an advisory lock): before it
  creates one it reads the names the others created since it last looked and looks the
  name up again (its other names too: داعش / تنظيم الدولة), as one process analysing
  everything would; in the same transaction as the insert, a lock on the normalised name
  and a look for an entity with that very name, then the entities' unique slugs, are the
  backstops. Two workers that meet a new name at once make one entity.
* **counts** — a story counts once per entity and day: the analysis of an article locks
  its story, so two workers counting articles of one story see each other's rows.
* **the global pass** (:func:`marsad.entities.consolidate.settle`) runs in one process at
  a time (an advisory lock) and only when no article waits for analysis, on the entities
  every process noted in ``unsettled_entities``: its decisions are those of one process
  that analysed everything.
* **page caches** — every write to the tables pages read sends a notice (``NOTIFY``, sent
  at commit); each ``marsad serve`` process listens and drops its cache (web/cache.py).

On SQLite (one machine, one writer at a time) none of this runs: the code paths are those
of a single process.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, text

from marsad.store import driver

log = logging.getLogger(__name__)

LEASE_SECONDS = 300.0  # how long a claim holds (MARSAD_LEASE_SECONDS)
CHANNEL = "marsad_changes"
_SETTLE_LOCK = 72_015  # advisory lock: one global pass at a time
_STORY_LOCKS = 72_016  # advisory lock space (two-int form): one story's counts
_NAME_LOCKS = 72_017  # one new entity name
_CREATE_LOCK = 72_018  # advisory lock: one process creates entities at a time
# Tables the pages read: a write to any of them tells the page caches (web/cache.py)
WATCHED = (
    "articles", "article_sources", "entities", "aliases", "mentions", "quotes",
    "article_entities", "entity_roles", "alias_blocks", "edits", "slug_redirects",
    "entity_days", "entity_totals", "entity_source_days", "pair_days", "day_totals", "sources",
)  # fmt: skip


def lease_seconds() -> float:
    return float(os.environ.get("MARSAD_LEASE_SECONDS", LEASE_SECONDS))


def worker_name() -> str:
    """Who holds a claim: host and process id (shown by ``claimed_by``)."""
    return f"{socket.gethostname()}:{os.getpid()}"


# ---- claims ---------------------------------------------------------------------------------
_CLAIM_PENDING = (
    "UPDATE pending_analysis SET claimed_by = :w, "
    "lease_until = now() + make_interval(secs => :s) "
    "WHERE article_id IN (SELECT article_id FROM pending_analysis "
    "WHERE lease_until IS NULL OR lease_until < now() "
    "ORDER BY article_id LIMIT :n FOR UPDATE SKIP LOCKED) RETURNING article_id"
)


def claim_pending(engine: Any, limit: int, lease: float | None = None) -> list[dict]:
    """Claim up to ``limit`` articles waiting for analysis that nobody holds (or whose
    holder's lease ran out), oldest first; their id, title, text and day. Committed at once."""
    with engine.begin() as conn:
        params = {"w": worker_name(), "s": lease or lease_seconds(), "n": limit}
        ids = sorted(r[0] for r in conn.execute(text(_CLAIM_PENDING), params))
        if not ids:
            return []
        rows = conn.execute(
            text("SELECT id, title, text, day FROM articles WHERE id = ANY(:ids) ORDER BY id"),
            {"ids": ids},
        )
        return [dict(r._mapping) for r in rows]


_CLAIM_FEEDS = (
    "UPDATE feeds SET lease_until = now() + make_interval(secs => :s) "
    "WHERE id IN (SELECT id FROM feeds WHERE (lease_until IS NULL OR lease_until < now()) "
    "AND NOT id = ANY(:done) ORDER BY id LIMIT :n FOR UPDATE SKIP LOCKED) RETURNING id"
)


def claim_feeds(
    engine: Any, limit: int, done: Iterable[int], lease: float | None = None
) -> list[int]:
    """Claim up to ``limit`` feeds due for a fetch (nobody holds them, none in ``done``)."""
    params = {"s": lease or lease_seconds(), "n": limit, "done": sorted(done)}
    with engine.begin() as conn:
        return sorted(r[0] for r in conn.execute(text(_CLAIM_FEEDS), params))


def release_feed(engine: Any, feed_id: int, hold: float) -> None:
    """A fetched feed: due again ``hold`` seconds from now (0: at once)."""
    sql = "UPDATE feeds SET lease_until = now() + make_interval(secs => :s) WHERE id = :f"
    with engine.begin() as conn:
        conn.execute(text(sql), {"s": hold, "f": feed_id})


# ---- inside an analysis's transaction ------------------------------------------------------
def lock_story(conn: Connection, story_id: int) -> None:
    """Hold one story's counts until this transaction ends (rollups.record_entities)."""
    sql = "SELECT pg_advisory_xact_lock(:k, CAST(:s % 2147483647 AS integer))"
    conn.execute(text(sql), {"k": _STORY_LOCKS, "s": story_id})


def live_ids(conn: Connection, entity_ids: Iterable[int]) -> dict[int, int]:
    """Entities the global pass merged (since this process read the names) → where they
    went: another process's merge never leaves a mention on a merged entity."""
    ids = sorted(set(entity_ids))
    if not ids:
        return {}
    sql = "SELECT id, merged_into FROM entities WHERE id = ANY(:ids) AND merged_into IS NOT NULL"
    return {r[0]: r[1] for r in conn.execute(text(sql), {"ids": ids})}


def note_unsettled(conn: Connection, entity_ids: Sequence[int]) -> None:
    if entity_ids:
        sql = "INSERT INTO unsettled_entities (entity_id) VALUES (:e) ON CONFLICT DO NOTHING"
        driver.write(conn, sql, [{"e": e} for e in sorted(set(entity_ids))])


def existing_entity(conn: Connection, norm: str, etype: str) -> int | None:
    """Lock a new name (until this transaction ends), then the live entity another process
    gave it since this one read the names: the only one with that alias, or the only one
    of that type; None if none."""
    conn.execute(
        text("SELECT pg_advisory_xact_lock(:k, hashtext(:n))"), {"k": _NAME_LOCKS, "n": norm}
    )
    sql = (
        "SELECT DISTINCT e.id, e.type FROM aliases a JOIN entities e ON e.id = a.entity_id "
        "WHERE a.norm = :n AND e.merged_into IS NULL ORDER BY e.id"
    )
    found = [(r[0], r[1]) for r in conn.execute(text(sql), {"n": norm})]
    typed = [eid for eid, t in found if t == etype]
    if len(found) == 1:
        return found[0][0]
    return typed[0] if len(typed) == 1 else None


@contextmanager
def creating_entities(engine: Any) -> Iterator[None]:
    """One process creates entities at a time (a session advisory lock, released when the
    block ends or the process dies)."""
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _CREATE_LOCK})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _CREATE_LOCK})
            conn.commit()


# ---- the global pass ------------------------------------------------------------------------
@contextmanager
def settling(store: Any) -> Iterator[set[int] | None]:
    """One global pass at a time: yields the entities waiting for it (empty on SQLite),
    or None when articles still wait for analysis (the process that finishes them runs
    the pass). On leaving normally, the entities yielded are no longer waiting."""
    if store.is_sqlite:
        yield set()
        return
    with store.direct_engine.connect() as lock:
        lock.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _SETTLE_LOCK})
        lock.commit()
        try:
            with store.direct_engine.connect() as conn:
                if conn.execute(text("SELECT 1 FROM pending_analysis LIMIT 1")).first():
                    yield None
                    return
                waiting = {
                    r[0] for r in conn.execute(text("SELECT entity_id FROM unsettled_entities"))
                }
            yield waiting
            if waiting:
                with store.direct_engine.begin() as conn:
                    conn.execute(
                        text("DELETE FROM unsettled_entities WHERE entity_id = ANY(:ids)"),
                        {"ids": sorted(waiting)},
                    )
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _SETTLE_LOCK})
            lock.commit()


# ---- page caches ----------------------------------------------------------------------------
def create_change_notices(conn: Connection) -> None:
    """A trigger on every table the pages read: each writing statement sends a notice on
    ``marsad_changes``, delivered when its transaction commits (never before)."""
    conn.execute(
        text(
            "CREATE OR REPLACE FUNCTION marsad_notify() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$"
        )
    )
    for table in WATCHED:
        conn.execute(text(f"DROP TRIGGER IF EXISTS marsad_changes ON {table}"))
        conn.execute(
            text(
                f"CREATE TRIGGER marsad_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION marsad_notify()"
            )
        )


class ChangeListener:
    """Counts the change notices of a PostgreSQL database in a background thread
    (``LISTEN marsad_changes``). :attr:`version` changes after every commit that wrote a
    table the pages read, in any process on any machine; while the listening connection
    is down it changes on every read (no page is cached on a version that cannot be told)."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self._count = 0
        self._up = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, daemon=True, name="marsad-listen")
        self._thread.start()
        self._up.wait(5)

    @property
    def version(self) -> int | object:
        return self._count if self._up.is_set() else object()

    def _listen(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._count += 1  # whatever happened while not listening
                    self._up.set()
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=1.0):
                            self._count += 1
            except Exception:  # noqa: BLE001 - the server went away: listen again
                (log.warning if self._up.is_set() else log.debug)(
                    "page cache: lost the change notices; listening again"
                )
            self._up.clear()
            self._stop.wait(1.0)

    def close(self) -> None:
        self._stop.set()
