"""SQL of the names the news confirmed (:mod:`marsad.entities.confirmed`): what confirms
them (the articles the recogniser named an entity in, and how it wrote it there), the table
of confirmed names, the articles that may hold one, and the mentions found again.

A mention found again has no recogniser type (``mentions.type`` is NULL, as a role mention's
is): it does not vote on its entity's type and does not count towards confirming a name.
Portable SQL (SQLite and PostgreSQL); ids are integers, every other value is bound.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from sqlalchemy import Connection, delete, insert, select, text

from marsad.arabic.normalise import normalise
from marsad.models import content_of
from marsad.store import driver
from marsad.store import schema as s
from marsad.store.edits import _chunks
from marsad.store.fragments import Changes, drop_mentions
from marsad.store.listing import word_forms

BY_KEY = 2000  # words asked one by one before every name is read at once


def written_forms(
    conn: Connection, entity_ids: Iterable[int] | None = None
) -> dict[int, Counter[str]]:
    """Entity → each normalised way the recogniser wrote it → in how many articles (typed
    mentions only: not roles, not names found again), of these entities or all."""
    base = (
        "SELECT entity_id, surface, count(DISTINCT article_id) FROM mentions "
        "WHERE type IS NOT NULL {} GROUP BY entity_id, surface"
    )
    out: dict[int, Counter[str]] = defaultdict(Counter)
    chunks = [None] if entity_ids is None else list(_chunks(entity_ids))
    for chunk in chunks:
        where = (
            "" if chunk is None else f"AND entity_id IN ({','.join(str(int(i)) for i in chunk)})"
        )
        for eid, surface, n in driver.rows(conn, base.format(where)):
            out[eid][normalise(surface).strip()] += n
    return out


def new_written_forms(
    conn: Connection, entity_ids: Iterable[int], since: int, wanted: Callable[[int, str], bool]
) -> dict[int, Counter[str]]:
    """:func:`written_forms` of these entities, only for the ways the articles after
    ``since`` write them that ``wanted`` (entity, normalised form) asks about (counted over
    all their articles). The new articles' mentions are read by article (a round's few
    thousand), not the entities' (a big entity's every mention: 0.5 CPU-s a round at 100k)."""
    ids = set(entity_ids)
    q = "SELECT entity_id, surface FROM mentions WHERE article_id > :a AND type IS NOT NULL"
    pairs = sorted({(e, sf) for e, sf in driver.rows(conn, q, {"a": since}) if e in ids})
    count = text(
        "SELECT count(DISTINCT article_id) FROM mentions WHERE entity_id = :e "
        "AND surface = :s AND type IS NOT NULL"
    )
    out: dict[int, Counter[str]] = defaultdict(Counter)
    for eid, surface in pairs:
        norm = normalise(surface).strip()
        if wanted(eid, norm):
            out[eid][norm] += conn.execute(count, {"e": eid, "s": surface}).scalar() or 0
    return out


def recognised_articles(conn: Connection, entity_ids: Iterable[int]) -> dict[int, int]:
    """Entity → the articles the recogniser named it in (typed mentions)."""
    out: dict[int, int] = {}
    for chunk in _chunks(entity_ids):
        ids = ",".join(str(int(i)) for i in chunk)
        q = text(
            "SELECT entity_id, count(DISTINCT article_id) FROM mentions "
            f"WHERE type IS NOT NULL AND entity_id IN ({ids}) GROUP BY entity_id"
        )
        out.update({r[0]: r[1] for r in conn.execute(q)})
    return out


RULES_KEY = "confirmed_names_rules"  # meta key: the rules the confirmed names were made by


def rules_of(conn: Connection) -> str | None:
    """The version of the rules the stored confirmed names were made by (None: never)."""
    row = conn.execute(select(s.meta.c.value).where(s.meta.c.key == RULES_KEY)).first()
    return None if row is None else str(row[0])


def set_rules(conn: Connection, version: str) -> None:
    conn.execute(delete(s.meta).where(s.meta.c.key == RULES_KEY))
    conn.execute(insert(s.meta).values(key=RULES_KEY, value=version))


def stored(conn: Connection) -> dict[str, int]:
    """The confirmed names the last pass left: normalised name → entity."""
    c = s.confirmed_names
    return {r[0]: r[1] for r in conn.execute(select(c.c.norm, c.c.entity_id))}


def store(conn: Connection, names: Mapping[str, int], before: Mapping[str, int]) -> None:
    """Write ``names`` in place of ``before`` (changed rows only)."""
    c = s.confirmed_names
    gone = [n for n, e in before.items() if names.get(n) != e]
    for k in range(0, len(gone), 500):
        conn.execute(delete(c).where(c.c.norm.in_(gone[k : k + 500])))
    new = [{"norm": n, "entity_id": e} for n, e in sorted(names.items()) if before.get(n) != e]
    if new:
        conn.execute(insert(c), new)


def others_named(conn: Connection, norm: str, besides: int, fewest: int) -> bool:
    """Whether another live entity, in ``fewest`` articles or more, bears this name."""
    q = (
        "SELECT 1 FROM aliases a JOIN entities e ON e.id = a.entity_id "
        "LEFT JOIN entity_totals t ON t.entity_id = e.id WHERE a.norm = :n AND e.id != :b "
        "AND e.merged_into IS NULL AND (e.kb_id IS NOT NULL OR coalesce(t.articles, 0) >= :f) "
        "LIMIT 1"
    )
    return driver.lookup(conn, q, {"n": norm, "b": besides, "f": fewest}) is not None


def aliases_of(conn: Connection, entity_ids: Iterable[int]) -> set[str]:
    """Every name these entities bear."""
    out: set[str] = set()
    for chunk in _chunks(entity_ids):
        ids = ",".join(str(int(i)) for i in chunk)
        out |= {
            r[0] for r in conn.execute(text(f"SELECT norm FROM aliases WHERE entity_id IN ({ids})"))
        }
    return out


def longer_names(conn: Connection, norm: str, fewest: int) -> set[str]:
    """The words that follow the name in the names of live entities in ``fewest`` articles
    or more that are this name and one word more (وزارة الخارجية → الروسيه, الامريكيه)."""
    return {word for word, _ in longer_bodies(conn, norm, fewest)}


def longer_bodies(conn: Connection, norm: str, fewest: int) -> list[tuple[str, int]]:
    """(the word more, the entity) of the live entities in ``fewest`` articles or more whose
    names are this name and one word more."""
    q = (
        "SELECT a.norm, e.id FROM aliases a JOIN entities e ON e.id = a.entity_id "
        "JOIN entity_totals t ON t.entity_id = e.id WHERE a.norm > :lo AND a.norm < :hi "
        "AND e.merged_into IS NULL AND t.articles >= :f"
    )
    rows = driver.rows(conn, q, {"lo": norm + " ", "hi": norm + " \U0010ffff", "f": fewest})
    rest = [(r[0][len(norm) + 1 :], r[1]) for r in rows if r[0].startswith(norm + " ")]
    return sorted((word, eid) for word, eid in rest if " " not in word)  # (collations)


def associates(conn: Connection, entity_id: int, k: int) -> list[int]:
    """The ``k`` entities named most often (in two articles at least) in the articles that
    name this one."""
    q = text(
        "SELECT other_id FROM pair_days WHERE entity_id = :e GROUP BY other_id "
        "HAVING sum(articles) >= 2 ORDER BY sum(articles) DESC, other_id LIMIT :k"
    )
    return [r[0] for r in conn.execute(q, {"e": entity_id, "k": k})]


class PersonFirstWords:
    """``word in person_first_words``: whether the word begins a name of two words or more
    of a live person in ``fewest`` articles or more. Asked word by word through the
    resolver's keys (``alias_keys.first``; the norms not keyed yet read once from their
    queue): a round asks about the words before the names it finds, not every person's;
    past ``BY_KEY`` words (a whole pass) every name is read once instead."""

    _NAMES = (
        "SELECT a.norm FROM aliases a JOIN entities e ON e.id = a.entity_id "
        "JOIN entity_totals t ON t.entity_id = e.id WHERE e.type = 'PERSON' "
        "AND e.merged_into IS NULL AND t.articles >= :f AND a.norm LIKE '% %'"
    )

    def __init__(self, conn: Connection, fewest: int) -> None:
        self.conn, self.fewest = conn, fewest
        queued = self._norms("SELECT norm FROM alias_keys_todo")
        self.queued = frozenset(norm.split()[0] for norm in queued)
        self.known: dict[str, bool] = {}
        self.every: frozenset[str] | None = None

    def _norms(self, among: str | None, word: str = "", limit: str = "") -> list[str]:
        q = self._NAMES if among is None else f"{self._NAMES} AND a.norm IN ({among}){limit}"
        return [r[0] for r in driver.rows(self.conn, q, {"f": self.fewest, "w": word})]

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if self.every is None and len(self.known) >= BY_KEY:
            self.every = frozenset(norm.split()[0] for norm in self._norms(None))
        if self.every is not None:
            return word in self.every
        if word not in self.known:
            keyed = "SELECT norm FROM alias_keys WHERE first = :w"
            self.known[word] = word in self.queued or bool(self._norms(keyed, word, " LIMIT 1"))
        return self.known[word]


def person_first_words(conn: Connection, fewest: int) -> PersonFirstWords:
    """The first words of the names of two words or more of the live persons in ``fewest``
    articles or more (:class:`PersonFirstWords`: asked by word)."""
    return PersonFirstWords(conn, fewest)


def live_ids(conn: Connection, entity_ids: Iterable[int]) -> set[int]:
    """Those of ``entity_ids`` not merged away."""
    out: set[int] = set()
    for chunk in _chunks(entity_ids):
        ids = ",".join(str(int(i)) for i in chunk)
        q = text(f"SELECT id FROM entities WHERE merged_into IS NULL AND id IN ({ids})")
        out |= {r[0] for r in conn.execute(q)}
    return out


def types_of(conn: Connection, entity_ids: Iterable[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in _chunks(entity_ids):
        ids = ",".join(str(int(i)) for i in chunk)
        out.update(
            {
                r[0]: r[1]
                for r in conn.execute(text(f"SELECT id, type FROM entities WHERE id IN ({ids})"))
            }
        )
    return out


def articles_with(conn: Connection, norm: str, entity_id: int) -> list[int]:
    """The articles whose text has the name's words side by side, its first word with a
    clitic or not (``word_forms``), by the full-text index — a superset of those that write
    it as the finder reads it (a name's words stand between punctuation that is not a
    sentence's, and never across the title and the text: ``شبكة سي إن إن`` in 60 articles,
    not the 947 with its four words anywhere) —, but not those that name the entity
    already."""
    first, *rest = norm.split()
    phrases = [[form, *rest] for form in word_forms(first)]
    if conn.dialect.name == "sqlite":
        hits = "SELECT f.rowid AS id FROM articles_fts f WHERE articles_fts MATCH :m"
        match = " OR ".join('"' + " ".join(p).replace('"', "") + '"' for p in phrases)
    else:
        hits = "SELECT f.article_id AS id FROM article_search f "
        hits += "WHERE f.doc @@ to_tsquery('simple', :m)"
        match = " | ".join("(" + " <-> ".join(p).replace("'", "") + ")" for p in phrases)
    q = text(
        f"SELECT h.id FROM ({hits}) h WHERE NOT EXISTS (SELECT 1 FROM "
        "article_entities ae WHERE ae.entity_id = :entity AND ae.article_id = h.id)"
    )
    return [r[0] for r in conn.execute(q, {"m": match, "entity": entity_id})]


def article_ids_after(conn: Connection, article_id: int) -> list[int]:
    q = text("SELECT id FROM articles WHERE id > :a ORDER BY id")
    return [r[0] for r in conn.execute(q, {"a": article_id})]


def texts_and_spans(
    conn: Connection, article_ids: Sequence[int]
) -> Iterator[tuple[int, str, list[tuple[int, int]], set[int]]]:
    """(article, the text mention offsets point into, its mentions' spans, the entities
    they name), a chunk at a time."""
    for chunk in _chunks(article_ids):
        ids = ",".join(str(int(i)) for i in chunk)
        spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        named: dict[int, set[int]] = defaultdict(set)
        for a, start, end, eid in driver.rows(
            conn,
            f'SELECT article_id, start, "end", entity_id FROM mentions WHERE article_id IN ({ids})',
        ):
            spans[a].append((start, end))
            named[a].add(eid)
        for a, title, body in driver.rows(
            conn, f"SELECT id, title, text FROM articles WHERE id IN ({ids}) ORDER BY id"
        ):
            yield a, content_of(title, body), spans[a], named[a]


def add_mentions(conn: Connection, rows: Sequence[tuple[int, int, int, int, str]]) -> None:
    """Mentions found again: (article, entity, start, end, surface), untyped; the articles'
    entities and the counts follow (by what they add: :meth:`.fragments.Changes.apply`)."""
    if not rows:
        return
    conn.execute(
        insert(s.mentions),
        [
            {"article_id": a, "entity_id": e, "start": st, "end": en, "surface": sf, "type": None}
            for a, e, st, en, sf in rows
        ],
    )
    Changes(articles={r[0] for r in rows}).apply(conn)


def drop_found_again(conn: Connection, changes: Changes, entity_id: int, norm: str) -> None:
    """The entity's mentions found again under a name no longer confirmed go."""
    q = text("SELECT id, surface FROM mentions WHERE entity_id = :e AND type IS NULL")
    gone = [m for m, sf in conn.execute(q, {"e": entity_id}) if normalise(sf) == norm]
    drop_mentions(conn, changes, entity_id, gone)
