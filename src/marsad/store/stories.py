"""Stories: stored MinHash signatures and the pipeline's near-duplicate grouping.

:func:`sign` gives an article's signature (anywhere, e.g. in an ingest worker);
:class:`StoryGrouper` is what the pipeline calls: ``story_of(signature)`` before storing
an article (the story id of a stored near-duplicate, or None for a new story) and
``remember(...)`` after ``Store.add_article`` has stored the signature with the article.
The LSH index is built lazily from ``article_signatures`` on the first call, over the last ``days`` days of the database (at most ``max_articles``);
stored articles of that window without a signature (a database from before signatures)
get one computed then.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, func, or_, select, true

from marsad.extract.dedup import Signature, StoryIndex, signature, window_start
from marsad.store import driver
from marsad.store import schema as s
from marsad.store.database import INSERT_SIGNATURE, Row, Store

log = logging.getLogger(__name__)

DEFAULT_DAYS = 60
DEFAULT_MAX_ARTICLES = 100_000  # ~1 KB each in memory


def sign(normalised_text: str) -> Signature | None:
    """The story signature of a ``normalise``d text (None when too short, or on failure:
    grouping is a bonus, an article is never lost over it)."""
    try:
        return signature(normalised_text, normalised=True)
    except Exception:
        log.exception("story signature failed; the article is stored as its own story")
        return None


class StoryGrouper:
    def __init__(
        self, store: Store, *, days: int = DEFAULT_DAYS, max_articles: int = DEFAULT_MAX_ARTICLES
    ) -> None:
        self.store = store
        self.days = days
        self.max_articles = max_articles
        self._index: StoryIndex | None = None

    @property
    def index(self) -> StoryIndex:
        if self._index is None:
            self._index = self._load()
        return self._index

    def story_of(self, sig: Signature | None) -> int | None:
        """The story of a stored near-duplicate of the signed text, if any."""
        if sig is None:
            return None
        try:
            found = self.index.match(sig)
        except Exception:  # grouping is a bonus: never lose an article over it
            log.exception("story grouping failed; the article is stored as its own story")
            return None
        return found[0] if found else None

    def remember(self, article_id: int, story_id: int, sig: Signature | None) -> None:
        """Add a new article's signature (stored with it by ``Store.add_article``) to the
        index."""
        if sig is not None:
            self.index.add(article_id, story_id, sig)

    # ---- loading -------------------------------------------------------------------------
    def _load(self) -> StoryIndex:
        started = time.perf_counter()
        index = StoryIndex()
        a, sig = s.articles, s.article_signatures
        with self.store.engine.connect() as conn:
            newest = conn.execute(select(func.max(a.c.day))).scalar()
            since = window_start(newest, self.days)
            in_window = or_(a.c.day.is_(None), a.c.day >= since) if since else true()
            rows = conn.execute(
                select(a.c.id, a.c.story_id, sig.c.signature)
                .select_from(a.join(sig, sig.c.article_id == a.c.id))
                .where(in_window)
                .order_by(a.c.id.desc())
                .limit(self.max_articles)
            ).all()
            missing = conn.execute(
                select(a.c.id, a.c.story_id, a.c.day, a.c.text)
                .select_from(a.outerjoin(sig, sig.c.article_id == a.c.id))
                .where(sig.c.article_id.is_(None), in_window)
                .order_by(a.c.id.desc())
                .limit(self.max_articles)
            ).all()
        index.add_stored(
            [aid for aid, _, _ in rows],
            [story_id or aid for aid, story_id, _ in rows],
            [data for _, _, data in rows],
        )
        if missing:
            self._backfill(index, missing)
        log.info(
            "story index: %d signatures loaded in %.2f s (%d computed)",
            len(index),
            time.perf_counter() - started,
            len(missing),
        )
        return index

    def _backfill(self, index: StoryIndex, rows: list) -> None:
        values, items = [], []
        for article_id, story_id, day, text in reversed(rows):
            sig = signature(text)
            if sig is None:
                continue
            items.append((article_id, story_id or article_id, sig))
            values.append({"article_id": article_id, "day": day, "signature": sig.to_bytes()})
        index.add_many(items)
        if values:
            with self.store.engine.begin() as conn:
                driver.write(conn, INSERT_SIGNATURE, values)


# ---- stories on the pages (marsad.analytics.stories) -------------------------------------
MAX_MEMBERS = 500  # articles of the stories of one page, at most
MAX_SAME_DAY = 5_000  # headlines read per page to find the same headline on the same day
_MEMBER_COLUMNS = (
    "a.id, a.title, a.url, a.published, a.day, a.story_id, a.source_id, "
    "s.name AS source_name, s.slug AS source_slug FROM articles a "
    "JOIN sources s ON s.id = a.source_id"
)


def _ids(values: Iterable[int]) -> str:
    return ", ".join(str(int(v)) for v in sorted(set(values))) or "NULL"


def story_members(conn: Connection, story_ids: Iterable[int]) -> list[Row]:
    """Every article of these stories (the story_id index), first stored first."""
    marks = _ids(story_ids)
    sql = (
        f"SELECT {_MEMBER_COLUMNS} WHERE a.story_id IN ({marks}) OR a.id IN ({marks}) "
        f"ORDER BY a.id LIMIT {MAX_MEMBERS}"
    )
    return driver.dicts(driver.run(conn, sql))


def same_day_headlines(conn: Connection, days: Iterable[str], words: Iterable[str]) -> list[Row]:
    """(id, title, day, story_id) of the articles of these days whose title contains one of
    ``words`` (at most ``MAX_SAME_DAY``): candidates for a story's headline repeated by
    another story that day (the titles are compared by the caller)."""
    days = sorted({d for d in days if d})
    words = sorted({w.replace("%", "").replace("_", "") for w in words} - {""})
    if not days or not words:
        return []
    params: dict[str, Any] = {f"d{n}": d for n, d in enumerate(days)}
    params |= {f"w{n}": f"%{w}%" for n, w in enumerate(words)}
    marks = ", ".join(f":d{n}" for n in range(len(days)))
    like = " OR ".join(f"a.title LIKE :w{n}" for n in range(len(words)))
    sql = (
        f"SELECT a.id, a.title, a.day, a.story_id FROM articles a WHERE a.day IN ({marks}) "
        f"AND ({like}) LIMIT {MAX_SAME_DAY}"
    )
    return driver.dicts(driver.run(conn, sql, params))


def listed_by_entity(conn: Connection, entity_id: int, article_ids: Iterable[int]) -> set[int]:
    """The articles among ``article_ids`` that name the entity (its news list)."""
    sql = (
        "SELECT article_id FROM article_entities "
        f"WHERE entity_id = :e AND article_id IN ({_ids(article_ids)})"
    )
    return {r[0] for r in driver.run(conn, sql, {"e": entity_id})}


def verbatim_copies(conn: Connection, article_ids: Iterable[int]) -> list[Row]:
    """Other sources that carried one of these articles word for word (stored once, with
    every source in ``article_sources``): article_id, source slug and name, their URL."""
    sql = (
        "SELECT c.article_id, c.url, c.published, s.slug AS source_slug, "
        "s.name AS source_name "
        "FROM article_sources c JOIN articles a ON a.id = c.article_id "
        "JOIN sources s ON s.id = c.source_id "
        f"WHERE c.article_id IN ({_ids(article_ids)}) AND c.source_id <> a.source_id "
        "ORDER BY c.article_id, s.name"
    )
    return driver.dicts(driver.run(conn, sql))


def story_id_of(conn: Connection, article_id: int) -> int | None:
    """The story of an article (None: no such article)."""
    found = driver.run(
        conn, "SELECT coalesce(story_id, id) FROM articles WHERE id = :a", {"a": article_id}
    ).first()
    return found[0] if found else None


def quote_copies(
    conn: Connection,
    speakers: Iterable[int],
    texts: Iterable[str],
    first_day: str | None,
    last_day: str | None,
) -> list[Row]:
    """Quotes of these speakers with one of these exact texts said between the two days,
    with their article and source: the other copies of a quote (the (entity, day) index
    bounds the scan)."""
    texts = sorted(set(texts))
    if not texts or not first_day or not last_day:
        return []
    params: dict[str, Any] = {f"t{n}": t for n, t in enumerate(texts)} | {
        "a": first_day,
        "b": last_day,
    }
    marks = ", ".join(f":t{n}" for n in range(len(texts)))
    when = f" AND q.entity_id IN ({_ids(speakers)}) AND q.day BETWEEN :a AND :b"
    sql = (
        "SELECT q.text, q.entity_id, q.article_id, q.day, a.title, a.url, "
        "s.name AS source, s.slug AS source_slug FROM quotes q "
        "JOIN articles a ON a.id = q.article_id JOIN sources s ON s.id = a.source_id "
        f"WHERE q.text IN ({marks}){when} LIMIT {MAX_MEMBERS}"
    )
    return driver.dicts(driver.run(conn, sql, params))


def story_size(conn: Connection, story_id: int) -> int:
    """How many stored articles the near-duplicate cluster holds."""
    sql = "SELECT count(*) FROM articles WHERE story_id = :s"
    return driver.run(conn, sql, {"s": story_id}).scalar() or 0
