"""The words beside the spans mentions take, kept instead of read from the text each round
(issue 18).

The cut-name, head-noun and partial-name passes (entities/fragments.py, contexts.py) read
each mention of the names they look at with the word before it and the word after it. A
round read them from the articles' texts: at 100,000 articles, 31,000 mentions of the long
tail's one-word names, the texts of their articles loaded each time. An article's text
never changes (reprocess keeps it; articles are never deleted — a writer that deleted one
would delete its kept spans too), so neither do the words beside a span of it:
``span_words`` keeps them by (article, start, end), written the first time a pass reads a
span and read from there after. Whatever wrote the mention — ingest, reprocess, a pass that
made a span whole or moved it, a bulk loader — a span not kept yet is read from the text,
so no writer has to keep the table. With the mentions read from the index that covers an
entity's (migration 29), a round reads them in 0.14 CPU-s at 100k, 0.2–0.3 before.

What is kept is what the passes can take from the ``WIDTH`` characters each side: before
the span, its last word with what follows it, where that is only spaces and quotes (a word
the passes read across a quote mark: ``شركة "[لوكهيد مارتن]"``); after it, its first word
with what precedes it, on the same condition; NULL where there is none. The passes' readings
of a kept context are those of the whole ``WIDTH`` characters (tests/store/test_span_words.py).
Portable SQL (SQLite and PostgreSQL); ids are integers, every other value is bound.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import Connection

from marsad.arabic.normalise import WORD
from marsad.models import content_of
from marsad.store import driver
from marsad.store import schema as s
from marsad.store.database import Store
from marsad.store.edits import _chunks

WIDTH = 40  # characters of text read on each side of a mention
# what may stand between a word and the span for the passes to read it (their GAP and
# their quotes, entities/fragments.py)
_BETWEEN = re.compile("[\\s\"'«»“”\u200f\u200e]*")

Context = tuple[int, int, int, str, int, int, str, str]  # see :func:`contexts`
_COLUMNS = ("article_id", "start", "end", "before_word", "after_word")

_KEPT = (
    'SELECT m.entity_id, m.start, m."end", m.surface, m.article_id, m.id, w.before_word, w.after_word, '
    "w.article_id FROM mentions m LEFT JOIN span_words w ON w.article_id = m.article_id "
    'AND w.start = m.start AND w."end" = m."end" WHERE m.{} IN ({}) ORDER BY m.entity_id, m.id'
)


def contexts(conn: Connection, column: str, ids: Sequence[int]) -> list[Context]:
    """(entity, start, end, surface, article, mention id, before, after) of the mentions
    whose ``column`` (``entity_id`` or ``id``) is one of ``ids``, in entity and mention
    order: ``before`` and ``after`` the kept words beside the span ("" where none), read
    from the text and kept for the spans not kept yet. ``conn`` is in a transaction."""
    rows: list[tuple] = []
    for chunk in _chunks(sorted(set(ids))):
        rows += driver.rows(conn, _KEPT.format(column, ",".join(str(int(i)) for i in chunk)))
    read = _read(conn, [r[5] for r in rows if r[8] is None])  # spans not kept yet
    return [(*r[:6], *((r[6] or "", r[7] or "") if r[8] is not None else read[r[5]])) for r in rows]


def _read(conn: Connection, mention_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Mention id → (before, after), read from the text (each article's once, sliced here:
    SQL's ``substr`` of ``title || text`` copied the whole text for every mention); their
    spans are kept."""
    out: dict[int, tuple[str, str]] = {}
    spans: dict[tuple[int, int, int], tuple[str, str]] = {}
    for chunk in _chunks(sorted(set(mention_ids))):
        q = 'SELECT id, article_id, start, "end" FROM mentions WHERE id IN ({})'
        rows = driver.rows(conn, q.format(",".join(str(int(i)) for i in chunk)))
        articles = ",".join(str(int(a)) for a in {r[1] for r in rows})
        q = f"SELECT id, title, text FROM articles WHERE id IN ({articles})"
        texts = (
            {a: content_of(title, text) for a, title, text in driver.rows(conn, q)} if rows else {}
        )
        for mid, article, start, end in rows:
            content = texts[article]
            left, right = content[max(0, start - WIDTH) : start], content[end : end + WIDTH]
            out[mid] = spans[article, start, end] = beside(left, right)
    keep(conn, spans)
    return out


def beside(left: str, right: str) -> tuple[str, str]:
    """What is kept of the text before a span and after it ("" for nothing)."""
    words = list(WORD.finditer(left))
    before = ""
    if words and _BETWEEN.fullmatch(left, words[-1].end()):
        before = left[words[-1].start() :]
    word = WORD.search(right)
    after = ""
    if word is not None and _BETWEEN.fullmatch(right, 0, word.start()):
        after = right[: word.end()]
    return before, after


def keep(conn: Connection, spans: dict[tuple[int, int, int], tuple[str, str]]) -> None:
    """Keep the words beside these spans ((article, start, end) → (before, after)); a span
    kept already is left as it is."""
    rows = [
        (*span, before or None, after or None) for span, (before, after) in sorted(spans.items())
    ]
    driver.insert_new(conn, s.span_words.name, _COLUMNS, rows)


def fill(store: Store, batch: int = 20_000) -> int:
    """Keep the words beside every span not kept yet, a transaction a batch of mentions (what
    rounds keep as they read them: bench/scale_write.py measures a round on a database that
    has them); returns how many mentions it read them for."""
    q = (
        "SELECT m.id FROM mentions m LEFT JOIN span_words w ON w.article_id = m.article_id "
        'AND w.start = m.start AND w."end" = m."end" WHERE m.id >= :lo AND m.id < :hi '
        "AND w.article_id IS NULL"
    )
    with store.engine.connect() as conn:
        top = (driver.lookup(conn, "SELECT max(id) FROM mentions") or (0,))[0] or 0
    done = 0
    for lo in range(0, top + 1, batch):
        with store.engine.begin() as conn:
            missing = [r[0] for r in driver.rows(conn, q, {"lo": lo, "hi": lo + batch})]
            done += len(_read(conn, missing))
    return done


def create(conn: Connection) -> None:
    """The table (migration 28), empty: the spans are kept as the passes read them."""
    s.span_words.create(conn, checkfirst=True)
