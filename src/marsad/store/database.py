"""The one storage interface. All SQL of marsad lives in this package."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Engine,
    create_engine,
    event,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from marsad.arabic import normalise
from marsad.errors import NotFound, StoreError
from marsad.models import Article, Entity, Source
from marsad.store import driver, rollups, shared, window_totals
from marsad.store import schema as s
from marsad.store.migrations import migrate

if TYPE_CHECKING:
    from marsad.entities.quotes import Quote

Row = dict[str, Any]


@dataclass(frozen=True)
class StoredMention:
    entity_id: int
    start: int
    end: int
    surface: str
    type: str | None = None  # the recogniser's type (None: a role, or a name found again)


CACHE_MIB = 64  # SQLite's page cache per connection (its default, 2 MB, is for phones)
MMAP_BYTES = 2**31  # the file read through a memory map, not copied into the cache


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """WAL, and memory for a database of hundreds of megabytes: the global pass on the
    whole ANT corpus (a 300 MB file) took 74 s with SQLite's defaults, 68 s with these
    (docs/bench-entities.md). The cache grows only as pages are written or read without
    the map; the map is address space the operating system pages in and out."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute(f"PRAGMA cache_size=-{CACHE_MIB * 1024}")
    cur.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    cur.close()


MAX_ID = 2**63 - 1  # SQLite's INTEGER (and PostgreSQL's BIGINT): no row id is larger


def as_row_id(key: object) -> int | None:
    """``key`` as a row id when it is one (an int or decimal digits, within 1..MAX_ID)."""
    if isinstance(key, int) and not isinstance(key, bool):
        return key if 1 <= key <= MAX_ID else None
    text = str(key)
    if text.isdecimal() and len(text) <= 19 and 1 <= int(text) <= MAX_ID:  # not ² (isdigit)
        return int(text)
    return None


def slugify(name: str) -> str:
    """A readable URL slug that keeps Arabic letters: "سيرغي لافروف" → "سيرغي-لافروف"."""
    return "-".join(normalise(name).split()) or "entity"


def _first_in_body(ms: list[StoredMention], body_start: int) -> tuple[int, int]:
    """The first mention in the body (for snippets), else the first in the title."""
    in_body = [m for m in ms if m.start >= body_start] or ms
    first = min(in_body, key=lambda m: m.start)
    return first.start, first.end


def _insert_sql(table: Any) -> str:
    """A table's INSERT of every column but its own id, sent with ``driver.write``: the
    one statement for each of these tables, at ingest and wherever rows are written again
    (reprocess, quote refill, story back-fill)."""
    return driver.insert_sql(table.name, [c.name for c in table.c if c.name != "id"])


_INSERT_ALIAS = _insert_sql(s.aliases)
_INSERT_ARTICLE = insert(s.articles)  # SQLAlchemy writes its datetimes
_INSERT_ARTICLE_ONCE = (  # PostgreSQL, where other processes store articles at the same time
    pg_insert(s.articles)
    .on_conflict_do_nothing(index_elements=[s.articles.c.content_hash])
    .returning(s.articles.c.id)
)
_INSERT_ARTICLE_SOURCE = _insert_sql(s.article_sources)
INSERT_QUOTE = _insert_sql(s.quotes)
INSERT_MENTION = _insert_sql(s.mentions)
INSERT_SIGNATURE = _insert_sql(s.article_signatures)
INSERT_ARTICLE_ENTITY = _insert_sql(s.article_entities)
_INSERT_PENDING = driver.insert_sql("pending_analysis", ["article_id"])  # unclaimed


def mention_rows(article_id: int, mentions: Sequence[StoredMention]) -> list[dict[str, Any]]:
    return [
        {
            "article_id": article_id,
            "entity_id": m.entity_id,
            "start": m.start,
            "end": m.end,
            "surface": m.surface,
            "type": m.type,
        }
        for m in mentions
    ]


def quote_row(article_id: int, day: str | None, q: Quote) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "entity_id": q.entity_id,
        "speaker_start": q.speaker_start,
        "start": q.start,
        "end": q.end,
        "text": q.text,
        "day": day,
    }


def _write_analysis(
    conn: Any,
    *,
    article_id: int,
    day: str | None,
    source_id: int,
    story_id: int,
    title_length: int,
    mentions: Sequence[StoredMention],
    quotes: Sequence[Quote],
    new_story_day: bool = False,
) -> None:
    """An article's mentions, per-entity rows, quotes and entity counts (at ingest, or
    later for an article whose analysis was deferred). Mentions after the title and its
    line break (``title_length + 1``) are in the body.

    On PostgreSQL, where other processes write at the same time (store/shared.py): an
    entity merged since this process read the names is replaced by where it went, the
    story's counts are locked, and the entities are noted for the global pass."""
    shared_db = conn.dialect.name != "sqlite"
    if shared_db and mentions:
        moved = shared.live_ids(conn, [m.entity_id for m in mentions])
        if moved:
            mentions = [replace(m, entity_id=moved.get(m.entity_id, m.entity_id)) for m in mentions]
            quotes = [replace(q, entity_id=moved.get(q.entity_id, q.entity_id)) for q in quotes]
    if mentions:
        driver.write(conn, INSERT_MENTION, mention_rows(article_id, mentions))
        per_entity: dict[int, list[StoredMention]] = {}
        for m in mentions:
            per_entity.setdefault(m.entity_id, []).append(m)
        driver.write(
            conn,
            INSERT_ARTICLE_ENTITY,
            [
                {
                    "entity_id": eid,
                    "article_id": article_id,
                    "day": day,
                    "source_id": source_id,
                    "mentions": len(ms),
                    "first_start": first[0],
                    "first_end": first[1],
                }
                for eid, ms in per_entity.items()
                for first in [_first_in_body(ms, title_length + 1)]
            ],
        )
    if quotes:
        driver.write(conn, INSERT_QUOTE, [quote_row(article_id, day, q) for q in quotes])
    if shared_db and mentions:
        shared.note_unsettled(conn, [m.entity_id for m in mentions])
        shared.lock_story(conn, story_id)
    rollups.record_entities(
        conn,
        article_id=article_id,
        day=day,
        source_id=source_id,
        story_id=story_id,
        entity_ids=sorted({m.entity_id for m in mentions}),
        new_story_day=new_story_day,
    )


def _insert_aliases(conn: Any, entity_id: int, names: Iterable[str], known: set[str]) -> None:
    """Add the names an entity does not have yet (``known``: its normalised aliases)."""
    rows = []
    for name in names:
        norm = normalise(name)
        if norm and norm not in known:
            known.add(norm)
            rows.append({"entity_id": entity_id, "alias": name.strip(), "norm": norm})
    if rows:
        driver.write(conn, _INSERT_ALIAS, rows)


class _OneConnection:
    """Stands in for the engine inside :meth:`Store.batch`: every ``begin()`` and
    ``connect()`` is the batch's one connection, so its writes commit or roll back together
    (and its reads see them)."""

    def __init__(self, engine: Engine, conn: Any) -> None:
        self._engine, self._conn = engine, conn

    @contextmanager
    def begin(self) -> Iterator[Any]:
        yield self._conn

    connect = begin

    def __getattr__(self, name: str) -> Any:  # dialect, url…: the engine's
        return getattr(self._engine, name)


class Store:
    """A marsad database: SQLite file (WAL) by default, any SQLAlchemy URL otherwise."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if str(path) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: Engine = create_engine(url, future=True)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise StoreError(f"cannot use database URL {url!r}: {exc}") from exc
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.direct_engine = self.engine  # never the one connection of a batch
        try:
            with self.engine.begin() as conn:
                migrate(conn)
        except OperationalError as exc:
            raise StoreError(f"cannot open database {url!r}: {exc.orig}") from exc
        self._source_ids: dict[str, int] = {}

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def batch(self) -> Iterator[Callable[[], None]]:
        """Run this store's writes in one transaction (a bulk ingest commits once per many
        articles instead of once per article); yields a function that commits what is done
        so far. An exception rolls back everything since the last commit. Nested: a no-op."""
        if isinstance(self.engine, _OneConnection):
            yield lambda: None
            return
        engine = self.engine
        with engine.connect() as conn:
            self.engine = _OneConnection(engine, conn)  # type: ignore[assignment]
            try:
                yield conn.commit
                conn.commit()
            except BaseException:
                conn.rollback()
                self._source_ids.clear()  # ids created in the rolled-back transaction
                raise
            finally:
                self.engine = engine

    # ---- sources -------------------------------------------------------------------------
    def source_id(self, source: Source) -> int:
        if source.slug in self._source_ids:
            return self._source_ids[source.slug]
        with self.engine.begin() as conn:
            row = conn.execute(
                select(s.sources.c.id).where(s.sources.c.slug == source.slug)
            ).first()
            values = {
                "slug": source.slug,
                "name": source.name,
                "url": source.url,
                "country": source.country,
            }
            if row:
                sid = row[0]
            elif self.is_sqlite:
                sid = conn.execute(insert(s.sources).values(values)).inserted_primary_key[0]
            else:  # another process may add the same source at the same moment
                sql = driver.insert_sql("sources", list(values))
                driver.write(conn, sql + " ON CONFLICT (slug) DO NOTHING", values)
                sid = driver.lookup(
                    conn, "SELECT id FROM sources WHERE slug = :s", {"s": source.slug}
                )[0]  # type: ignore[index]
        self._source_ids[source.slug] = sid
        return sid

    def get_source(self, slug: str) -> Row | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(s.sources).where(s.sources.c.slug == slug)).first()
        return dict(row._mapping) if row else None

    def rename_source(self, slug: str, name: str) -> str:
        """Give source ``slug`` a readable name; its old name. NotFound if there is none."""
        with self.engine.begin() as conn:
            old = conn.execute(select(s.sources.c.name).where(s.sources.c.slug == slug)).scalar()
            if old is None:
                raise NotFound(f"no source {slug!r}: `marsad sources list` shows their slugs")
            conn.execute(update(s.sources).where(s.sources.c.slug == slug).values(name=name))
        return str(old)

    def list_sources(self) -> list[Row]:
        """Every source with its article count and the first and last day of those
        articles (``first_day``/``last_day``; None when none is dated)."""
        q = (
            select(
                s.sources,
                func.count(s.article_sources.c.article_id).label("articles"),
                func.min(s.articles.c.day).label("first_day"),
                func.max(s.articles.c.day).label("last_day"),
            )
            .select_from(
                s.sources.outerjoin(s.article_sources).outerjoin(
                    s.articles, s.articles.c.id == s.article_sources.c.article_id
                )
            )
            .group_by(s.sources.c.id)
            .order_by(func.count(s.article_sources.c.article_id).desc(), s.sources.c.name)
        )
        with self.engine.connect() as conn:
            return driver.dicts(conn.execute(q))

    # ---- articles ------------------------------------------------------------------------
    def article_by_hash(self, content_hash: str) -> int | None:
        with self.engine.connect() as conn:
            found = "SELECT id FROM articles WHERE content_hash = :h"
            row = driver.lookup(conn, found, {"h": content_hash})
        return row[0] if row else None

    def articles_after(self, article_id: int, limit: int) -> list[Row]:
        """Stored articles with a larger id, in id order (for passes over everything)."""
        sql = "SELECT id, title, text, day FROM articles WHERE id > :a ORDER BY id LIMIT :n"
        with self.engine.connect() as conn:
            return driver.dicts(driver.run(conn, sql, {"a": article_id, "n": limit}))

    def add_source_copy(
        self,
        article_id: int,
        source_id: int,
        url: str | None,
        published: datetime | None = None,
    ) -> bool:
        """Record that another source carried an identical article (when, if known);
        False if known already."""
        with self.engine.begin() as conn:
            exists = conn.execute(
                select(s.article_sources.c.article_id).where(
                    s.article_sources.c.article_id == article_id,
                    s.article_sources.c.source_id == source_id,
                )
            ).first()
            if exists:
                return False
            copy = {
                "article_id": article_id,
                "source_id": source_id,
                "url": url,
                "published": published.astimezone(UTC) if published else None,
            }
            if self.is_sqlite:
                conn.execute(insert(s.article_sources).values(copy))
            else:  # another process may record the same copy at the same moment
                driver.write(conn, _INSERT_ARTICLE_SOURCE + " ON CONFLICT DO NOTHING", copy)
        return True

    def date_found(self, article_id: int, published: datetime, day: str) -> bool:
        """Give an article stored without a publication date (counted on the day it was
        first seen) the date found since, e.g. on another source's copy: its day moves
        everywhere it is counted. False (nothing changed) when it already had a date."""
        from marsad.store.edits import refresh_rollups  # edits builds on this module

        with self.engine.begin() as conn:
            found = driver.lookup(
                conn,
                "SELECT day, source_id FROM articles WHERE id = :a AND published IS NULL",
                {"a": article_id},
            )
            if found is None:
                return False
            old_day, source_id = found
            moved = {"a": article_id, "d": day}
            driver.write(
                conn,
                "UPDATE articles SET published = :p, day = :d WHERE id = :a",
                moved | {"p": published.astimezone(UTC)},
            )
            for table in ("article_entities", "quotes", "article_signatures"):
                driver.write(conn, f"UPDATE {table} SET day = :d WHERE article_id = :a", moved)
            if old_day != day:
                days = [d for d in (old_day, day) if d]
                rollups.recount_day_totals(conn, days)
                entity_ids = [
                    r[0]
                    for r in driver.run(
                        conn,
                        "SELECT entity_id FROM article_entities WHERE article_id = :a",
                        {"a": article_id},
                    )
                ]
                refresh_rollups(conn, entity_ids, days)
        return True

    def add_article(
        self,
        article: Article,
        *,
        content_hash: str,
        day: str | None,
        mentions: Sequence[StoredMention],
        search_title: str,
        search_body: str,
        story_id: int | None = None,
        quotes: Sequence[Quote] = (),
        signature: bytes | None = None,
        analysed: bool = True,
    ) -> int | None:
        """Store a new article with its resolved mentions (and the quotes of its speakers,
        its story signature: ``Signature.to_bytes``) in one transaction. ``analysed=False``
        stores it without mentions, as pending analysis (``add_analysis`` adds them).
        None (nothing written) when another process stored the same content since its hash
        was looked up (PostgreSQL: the unique hash decides, the other's commit is waited for)."""
        source_id = self.source_id(article.source)
        published = article.published.astimezone(UTC) if article.published else None
        with self.engine.begin() as conn:
            values = {
                "content_hash": content_hash,
                "story_id": story_id,
                "source_id": source_id,
                "url": article.url,
                "title": article.title,
                "text": article.text,
                "published": published,
                "day": day,
                "place": article.place,
                "agency": article.agency,
                "author": article.author,
                "ingested_at": datetime.now(UTC),
            }
            if self.is_sqlite:
                article_id = conn.execute(_INSERT_ARTICLE, values).inserted_primary_key[0]
            else:
                found = conn.execute(_INSERT_ARTICLE_ONCE, values).first()
                if found is None:
                    return None
                article_id = found[0]
            if story_id is None:
                story_id = article_id
                own_story = "UPDATE articles SET story_id = :a WHERE id = :a"
                driver.write(conn, own_story, {"a": article_id})
            copy = {
                "article_id": article_id,
                "source_id": source_id,
                "url": article.url,
                "published": published,
            }
            driver.write(conn, _INSERT_ARTICLE_SOURCE, copy)
            if signature is not None:
                row = {"article_id": article_id, "day": day, "signature": signature}
                driver.write(conn, INSERT_SIGNATURE, row)
            self._index_for_search(conn, article_id, search_title, search_body)
            new_story_day = rollups.record_article(
                conn, article_id=article_id, day=day, source_id=source_id, story_id=story_id
            )
            if not analysed:
                driver.write(conn, _INSERT_PENDING, {"article_id": article_id})
                return article_id
            _write_analysis(
                conn,
                article_id=article_id,
                day=day,
                source_id=source_id,
                story_id=story_id,
                title_length=len(article.title),
                mentions=mentions,
                quotes=quotes,
                new_story_day=new_story_day,
            )
        return article_id

    def pending_after(self, article_id: int, limit: int) -> list[Row]:
        """Articles stored with their analysis deferred, with a larger id, in id order."""
        sql = (
            "SELECT a.id, a.title, a.text, a.day FROM pending_analysis p "
            "JOIN articles a ON a.id = p.article_id WHERE p.article_id > :a "
            "ORDER BY p.article_id LIMIT :n"
        )
        with self.engine.connect() as conn:
            return driver.dicts(driver.run(conn, sql, {"a": article_id, "n": limit}))

    def pending_count(self) -> int:
        with self.engine.connect() as conn:
            return driver.lookup(conn, "SELECT count(*) FROM pending_analysis")[0]

    def add_analysis(
        self, article_id: int, mentions: Sequence[StoredMention], quotes: Sequence[Quote] = ()
    ) -> bool:
        """Give an article stored with ``analysed=False`` its mentions and quotes, and count
        them; False (and nothing written) when it is not pending analysis."""
        with self.engine.begin() as conn:
            found = driver.lookup(
                conn,
                "SELECT a.day, a.source_id, a.story_id, a.title FROM pending_analysis p "
                "JOIN articles a ON a.id = p.article_id WHERE p.article_id = :a"
                # another worker's analysis of it waits, then finds it gone (store/shared.py)
                + ("" if self.is_sqlite else " FOR UPDATE OF p"),
                {"a": article_id},
            )
            if found is None:
                return False
            day, source_id, story_id, title = found
            _write_analysis(
                conn,
                article_id=article_id,
                day=day,
                source_id=source_id,
                story_id=story_id,
                title_length=len(title),
                mentions=mentions,
                quotes=quotes,
            )
            driver.write(
                conn, "DELETE FROM pending_analysis WHERE article_id = :a", {"a": article_id}
            )
        return True

    def _index_for_search(self, conn: Any, article_id: int, title: str, body: str) -> None:
        sql = (
            "INSERT INTO articles_fts(rowid, title, body) VALUES (:id, :t, :b)"
            if self.is_sqlite
            else "INSERT INTO article_search (article_id, doc) "
            "VALUES (:id, to_tsvector('simple', :t || ' ' || :b))"
        )
        driver.write(conn, sql, {"id": article_id, "t": title, "b": body})

    def get_article(self, article_id: int) -> Row | None:
        if as_row_id(article_id) is None:  # /api/article/9223372036854775808: no such row
            return None
        q = (
            select(
                s.articles,
                s.sources.c.name.label("source_name"),
                s.sources.c.slug.label("source_slug"),
            )
            .join(s.sources, s.sources.c.id == s.articles.c.source_id)
            .where(s.articles.c.id == article_id)
        )
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
            if not row:
                return None
            out = dict(row._mapping)
            out["mentions"] = driver.dicts(
                conn.execute(
                    select(
                        s.mentions.c.start,
                        s.mentions.c.end,
                        s.mentions.c.surface,
                        s.entities.c.id.label("entity_id"),
                        s.entities.c.slug,
                        s.entities.c.name,
                        s.entities.c.type,
                    )
                    .join(s.entities, s.entities.c.id == s.mentions.c.entity_id)
                    .where(s.mentions.c.article_id == article_id)
                    .order_by(s.mentions.c.start)
                )
            )
            out["sources"] = driver.dicts(
                conn.execute(
                    select(s.sources.c.slug, s.sources.c.name, s.article_sources.c.url)
                    .join(s.sources, s.sources.c.id == s.article_sources.c.source_id)
                    .where(s.article_sources.c.article_id == article_id)
                )
            )
        return out

    def _article_columns(self) -> list[Any]:
        return [
            s.articles.c.id,
            s.articles.c.title,
            s.articles.c.text,
            s.articles.c.url,
            s.articles.c.published,
            s.articles.c.day,
            s.articles.c.place,
            s.articles.c.agency,
            s.articles.c.story_id,
            s.sources.c.name.label("source_name"),
            s.sources.c.slug.label("source_slug"),
        ]

    def latest_articles(
        self, limit: int = 20, offset: int = 0, source_id: int | None = None
    ) -> list[Row]:
        q = select(*self._article_columns()).join(
            s.sources, s.sources.c.id == s.articles.c.source_id
        )
        if source_id is not None:
            q = q.where(s.articles.c.source_id == source_id)
        q = q.order_by(s.articles.c.published.desc().nulls_last(), s.articles.c.id.desc())
        with self.engine.connect() as conn:
            return driver.dicts(conn.execute(q.limit(limit).offset(offset)))

    def entity_articles(self, entity_id: int, limit: int = 20, offset: int = 0) -> list[Row]:
        q = (
            select(
                *self._article_columns(),
                s.article_entities.c.first_start,
                s.article_entities.c.first_end,
            )
            .join(s.article_entities, s.article_entities.c.article_id == s.articles.c.id)
            .join(s.sources, s.sources.c.id == s.articles.c.source_id)
            .where(s.article_entities.c.entity_id == entity_id)
            .order_by(s.articles.c.published.desc().nulls_last(), s.articles.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as conn:
            return driver.dicts(conn.execute(q))

    def search_articles(
        self, query_norm: str, limit: int = 20, offset: int = 0
    ) -> tuple[int, list[Row]]:
        """Full-text search over normalised title and body; every word must match."""
        words = [w for w in query_norm.split() if w]
        if not words:
            return 0, []
        with self.engine.connect() as conn:
            if self.is_sqlite:
                match = " ".join('"' + w.replace('"', "") + '"' for w in words)
                ids_q = text(
                    "SELECT rowid FROM articles_fts WHERE articles_fts MATCH :m ORDER BY rowid DESC"
                )
                ids = [r[0] for r in conn.execute(ids_q, {"m": match})]
            else:
                ids_q = text(
                    "SELECT article_id FROM article_search "
                    "WHERE doc @@ plainto_tsquery('simple', :q) ORDER BY article_id DESC"
                )
                ids = [r[0] for r in conn.execute(ids_q, {"q": " ".join(words)})]
            total = len(ids)
            page = ids[offset : offset + limit]
            if not page:
                return total, []
            q = (
                select(*self._article_columns())
                .join(s.sources, s.sources.c.id == s.articles.c.source_id)
                .where(s.articles.c.id.in_(page))
                .order_by(s.articles.c.published.desc().nulls_last(), s.articles.c.id.desc())
            )
            return total, driver.dicts(conn.execute(q))

    # ---- entities ------------------------------------------------------------------------
    def create_entity(self, entity: Entity, kb_id: str | None = None, *, new: bool = False) -> int:
        """Store an entity with its name and aliases; its id. ``new``: a name the resolver
        met for the first time; on PostgreSQL, where another process may have met it too,
        that process's entity is returned if there is one (shared.existing_entity), and the
        entity is committed at once, outside any batch."""
        engine = self.engine if self.is_sqlite or not new else self.direct_engine
        with engine.begin() as conn:
            if new and not self.is_sqlite:
                found = shared.existing_entity(conn, normalise(entity.name), str(entity.type))
                if found is not None:
                    return found
            slug = base = slugify(entity.slug or entity.name)
            taken = "SELECT 1 FROM entities WHERE slug = :k"
            n = 1
            while driver.lookup(conn, taken, {"k": slug}):
                n += 1
                slug = f"{base}-{n}"
            values = {
                "slug": slug,
                "kb_id": kb_id,
                "name": entity.name,
                "type": str(entity.type),
                "description": entity.description,
                "description_source": entity.description_source,
                "description_url": entity.description_url,
                "wikidata": entity.wikidata,
            }
            sql = driver.insert_sql("entities", list(values)) + " RETURNING id"
            eid = driver.lookup(conn, sql, values)[0]  # type: ignore[index]
            _insert_aliases(conn, eid, [entity.name, *entity.aliases], known=set())
        return eid

    def update_entity(self, entity_id: int, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(s.entities).where(s.entities.c.id == entity_id).values(**values))

    def entity_by_kb_id(self, kb_id: str) -> int | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(s.entities.c.id).where(s.entities.c.kb_id == kb_id)).first()
        return row[0] if row else None

    def add_aliases(self, entity_id: int, names: Iterable[str]) -> None:
        with self.engine.begin() as conn:
            known = {
                r[0]
                for r in conn.execute(
                    select(s.aliases.c.norm).where(s.aliases.c.entity_id == entity_id)
                )
            }
            _insert_aliases(conn, entity_id, names, known)

    def alias_table(self, after: int = 0) -> list[tuple[str, int, str]]:
        """Every (normalised alias, entity id, entity type); those with an id above ``after``."""
        q = select(s.aliases.c.norm, s.entities.c.id, s.entities.c.type).join(
            s.entities, s.entities.c.id == s.aliases.c.entity_id
        )
        if after:
            q = q.where(s.aliases.c.id > after)
        with self.engine.connect() as conn:
            return [(r[0], r[1], r[2]) for r in conn.execute(q)]

    def get_entity(self, key: str | int) -> Row | None:
        """An entity by id, slug, or any alias (normalised)."""
        one = "SELECT * FROM entities WHERE {} = :k"  # raw reads: a page asks this each time
        with self.engine.connect() as conn:
            row = None
            if as_row_id(key) is not None:
                row = driver.run(conn, one.format("id"), {"k": as_row_id(key)}).first()
            if row is None:
                row = driver.run(conn, one.format("slug"), {"k": str(key)}).first()
            if row is None:  # an old slug of an entity renamed after usage
                moved = "SELECT entity_id FROM slug_redirects WHERE slug = :k"
                found = driver.lookup(conn, moved, {"k": slugify(str(key))})
                if found is not None:
                    row = driver.run(conn, one.format("id"), {"k": found[0]}).first()
            if row is None:
                norm = normalise(str(key))
                row = conn.execute(
                    select(s.entities)
                    .join(s.aliases, s.aliases.c.entity_id == s.entities.c.id)
                    .join(
                        s.article_entities,
                        s.article_entities.c.entity_id == s.entities.c.id,
                        isouter=True,
                    )
                    .where(or_(s.aliases.c.norm == norm, s.entities.c.slug == slugify(str(key))))
                    .group_by(s.entities.c.id)
                    .order_by(func.count(s.article_entities.c.article_id).desc())
                ).first()
            if row is None:
                return None
            for _ in range(10):  # an operator merge left a redirect: old slugs still resolve
                if row._mapping.get("merged_into") is None:
                    break
                row = driver.run(conn, one.format("id"), {"k": row._mapping["merged_into"]}).first()
                if row is None:
                    return None
            out = dict(row._mapping)
            aliases = "SELECT alias FROM aliases WHERE entity_id = :k ORDER BY id"
            out["aliases"] = [r[0] for r in driver.run(conn, aliases, {"k": out["id"]})]
        return out

    def entity_rows(self, ids: Iterable[int]) -> dict[int, Row]:
        ids = list(ids)
        if not ids:
            return {}
        marks = ", ".join(str(int(i)) for i in ids)  # integers only: safe to inline
        with self.engine.connect() as conn:
            rows = driver.run(
                conn, f"SELECT id, slug, name, type FROM entities WHERE id IN ({marks})"
            )
            return {r.id: dict(r._mapping) for r in rows}

    def autocomplete(self, prefix_norm: str, limit: int = 10) -> list[Row]:
        """Entities with an alias starting with (or a word starting with) the normalised prefix."""
        if not prefix_norm:
            return []
        like = prefix_norm.replace("%", "").replace("_", "") + "%"
        counts = (
            select(s.article_entities.c.entity_id, func.count().label("n"))
            .group_by(s.article_entities.c.entity_id)
            .subquery()
        )
        q = (
            select(
                s.entities.c.id,
                s.entities.c.slug,
                s.entities.c.name,
                s.entities.c.type,
                func.min(s.aliases.c.alias).label("matched"),
                func.coalesce(func.max(counts.c.n), 0).label("articles"),
            )
            .join(s.aliases, s.aliases.c.entity_id == s.entities.c.id)
            .outerjoin(counts, counts.c.entity_id == s.entities.c.id)
            .where(or_(s.aliases.c.norm.like(like), s.aliases.c.norm.like("% " + like)))
            .group_by(s.entities.c.id)
            .order_by(func.coalesce(func.max(counts.c.n), 0).desc(), s.entities.c.name)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return driver.dicts(conn.execute(q))

    # ---- analytics queries ---------------------------------------------------------------
    def max_day(self, dated: bool = False) -> str | None:
        """The newest article's day; ``dated``: of articles with a publication date (an
        undated one is counted on the day first seen, which says nothing of the archive)."""
        sql = "SELECT max(day) FROM articles" + (" WHERE published IS NOT NULL" if dated else "")
        with self.engine.connect() as conn:
            return driver.run(conn, sql).scalar()

    def min_day(self) -> str | None:
        with self.engine.connect() as conn:
            return driver.run(conn, "SELECT min(day) FROM articles").scalar()

    def daily_counts(
        self,
        entity_id: int | None,
        start: str,
        end: str,
        *,
        stories: bool = False,
        source_id: int | None = None,
    ) -> dict[str, int]:
        """Articles (or distinct stories) per day in [start, end]; entity None = all articles."""
        if not (stories and entity_id is None and source_id is not None):
            with self.engine.connect() as conn:  # pre-aggregated (store/rollups.py)
                return rollups.daily_counts(
                    conn, entity_id, start, end, stories=stories, source_id=source_id
                )
        if entity_id is None:
            counted = func.count(func.distinct(s.articles.c.story_id)) if stories else func.count()
            q = select(s.articles.c.day, counted).where(s.articles.c.day.between(start, end))
            if source_id is not None:
                q = q.where(s.articles.c.source_id == source_id)
            q = q.group_by(s.articles.c.day)
        else:
            ae = s.article_entities
            if stories:
                q = select(ae.c.day, func.count(func.distinct(s.articles.c.story_id))).join(
                    s.articles, s.articles.c.id == ae.c.article_id
                )
            else:
                q = select(ae.c.day, func.count())
            q = q.where(ae.c.entity_id == entity_id, ae.c.day.between(start, end)).group_by(
                ae.c.day
            )
        with self.engine.connect() as conn:
            return {r[0]: r[1] for r in conn.execute(q)}

    def entity_total(self, entity_id: int, start: str, end: str) -> int:
        with self.engine.connect() as conn:
            return rollups.entity_total(conn, entity_id, start, end)

    def articles_total(self, start: str, end: str) -> int:
        with self.engine.connect() as conn:
            return rollups.articles_total(conn, start, end)

    def cooccurrences(self, entity_id: int, start: str, end: str, limit: int = 200) -> list[Row]:
        """Entities sharing articles with ``entity_id`` in the window, with both counts."""
        with self.engine.connect() as conn:  # pre-aggregated (store/rollups.py)
            return rollups.cooccurrences(conn, entity_id, start, end, limit)

    def top_sources(
        self, entity_id: int | None, start: str, end: str, limit: int = 10
    ) -> list[Row]:
        if entity_id is not None:
            with self.engine.connect() as conn:  # pre-aggregated (store/rollups.py)
                return rollups.top_sources(conn, entity_id, start, end, limit)
        ae = s.article_entities
        q = (
            select(s.sources.c.slug, s.sources.c.name, func.count().label("articles"))
            .join(ae, ae.c.source_id == s.sources.c.id)
            .where(ae.c.entity_id == entity_id, ae.c.day.between(start, end))
            .group_by(s.sources.c.id)
            .order_by(func.count().desc(), s.sources.c.name)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return driver.dicts(conn.execute(q))

    def source_entities(self, source_id: int, start: str, end: str, limit: int = 15) -> list[Row]:
        with self.engine.connect() as conn:  # pre-aggregated (store/rollups.py)
            return rollups.source_entities(conn, source_id, start, end, limit)

    def window_sums(
        self, start: str, split: str, end: str, min_recent: int
    ) -> list[tuple[int, int, int]]:
        """(entity id, recent articles, earlier articles) of the entities trending can rank."""
        with self.engine.connect() as conn:  # pre-aggregated (store/rollups.py)
            return rollups.window_sums(conn, start, split, end, min_recent)

    def kept_window_sums(
        self,
        start: str,
        split: str,
        end: str,
        min_recent: int,
        rise: tuple[int, int] = (1, 1),
        limit: int = -1,
    ) -> list[tuple[int, int, int]] | None:
        """``window_sums`` from the sums kept for the default period when these are its
        bounds (store/window_totals.py), the ``limit`` first by rise; None when they are
        not."""
        with self.engine.connect() as conn:
            return window_totals.entity_sums(conn, start, split, end, min_recent, rise, limit)

    def keep_window(self, days: int | None = None) -> bool:
        """Move the kept default-period sums to the newest dated day (``days`` long, or as
        long as kept); whether they moved."""
        try:
            with self.engine.begin() as conn:
                return window_totals.keep(conn, days)
        except OperationalError as exc:  # e.g. a read-only database file
            raise StoreError(f"cannot update the home page's period sums: {exc.orig}") from exc

    def recent_sums(
        self, start: str, split: str, end: str, min_recent: int
    ) -> list[tuple[int, int]]:
        """(entity id, recent articles) of the entities trending can rank."""
        with self.engine.connect() as conn:
            return rollups.recent_sums(conn, start, split, end, min_recent)

    def earlier_sums(
        self, entity_ids: Sequence[int], start: str, split: str, end: str
    ) -> dict[int, int]:
        """Articles before the recent days, of these entities."""
        with self.engine.connect() as conn:
            return rollups.earlier_sums(conn, entity_ids, start, split, end)

    def entity_day_counts(self, start: str, end: str) -> list[tuple[int, str, int]]:
        """(entity id, day, articles) for every entity with articles in the window."""
        with self.engine.connect() as conn:  # pre-aggregated (store/rollups.py)
            return rollups.entity_day_counts(conn, start, end)

    def stats(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                name: conn.execute(select(func.count()).select_from(table)).scalar() or 0
                for name, table in [
                    ("articles", s.articles),
                    ("sources", s.sources),
                    ("entities", s.entities),
                    ("aliases", s.aliases),
                    ("mentions", s.mentions),
                    ("feeds", s.feeds),
                    ("pending_analysis", s.pending_analysis),
                ]
            }

    # ---- operator edits ------------------------------------------------------------------
    def log_edit(self, action: str, payload: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(s.edits).values(
                    at=datetime.now(UTC),
                    action=action,
                    payload=json.dumps(payload, ensure_ascii=False),
                )
            )
