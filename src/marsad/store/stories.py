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

from sqlalchemy import func, or_, select, true

from marsad.extract.dedup import Signature, StoryIndex, signature, window_start
from marsad.store import driver
from marsad.store import schema as s
from marsad.store.database import INSERT_SIGNATURE, Store

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
