"""SQL of the cut-name, first-name and common-word pass (:mod:`marsad.entities.fragments`):
mentions read with the text around them, made whole, moved or dropped.

The pass runs in one transaction: every change notes the articles and entities it touched
in a :class:`Changes`, and :meth:`Changes.apply` rebuilds their counts once at the end (a
commit and a rollup refresh per change cost more than the changes themselves). Portable SQL
(SQLite and PostgreSQL); ids are integers, every other value is bound.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, bindparam, select, text

from marsad.arabic.normalise import normalise
from marsad.store import driver, rollups, span_words
from marsad.store import schema as s
from marsad.store.database import _insert_aliases
from marsad.store.edits import _chunks, rebuild_article_entities
from marsad.store.listing import SearchFilters, search_clauses

_BY_KEY = 2000  # more words than this: every person's name is read at once
# an entity not from the knowledge base, tested on its row: as ``e.kb_id IS NULL``, SQLite
# reads the name's entities through the kb_id index (every created entity: 10 ms a name)
NOT_FROM_KB = "CASE WHEN e.kb_id IS NULL THEN 1 ELSE 0 END = 1"


@dataclass
class Changes:
    """What the pass changed, so that counts are rebuilt once."""

    articles: set[int] = field(default_factory=set)
    entities: set[int] = field(default_factory=set)

    def apply(self, conn: Connection) -> None:
        """Rebuild the changed articles' entities, then count what changed: each article's
        entities before and after (:func:`.rollups.record_changes`; a mention moved off a big
        entity costs that article, not the entity's days)."""
        articles = sorted(self.articles)
        before = article_entity_sets(conn, articles)
        meta = article_meta(conn, articles)
        stories = {story for _, _, story in meta.values()}
        had = story_days(conn, stories)
        rebuild_article_entities(conn, articles)
        after = article_entity_sets(conn, articles)
        rollups.record_changes(conn, before, after, meta, had, story_days(conn, stories))


def mention_contexts(conn: Connection, entity_ids: Sequence[int]) -> list[span_words.Context]:
    """(entity, start, end, surface, article, mention id, text before, text after) of every
    mention of these entities: of the ``span_words.WIDTH`` characters each side, the word
    beside the mention and what stands between (:mod:`.span_words`: kept, not read from the
    text each round)."""
    return span_words.contexts(conn, "entity_id", entity_ids)


def contexts_of(conn: Connection, mention_ids: Sequence[int]) -> list[span_words.Context]:
    """The same, of these mentions."""
    return span_words.contexts(conn, "id", mention_ids)


def entity_named(
    conn: Connection,
    norm: str,
    besides: int,
    fewest: int = 0,
    etype: str | None = None,
    kb: bool = True,
) -> int | None:
    """The live entity (most articles first) with this normalised alias, other than
    ``besides``, in ``fewest`` articles or more (of type ``etype``, if given; not from the
    knowledge base unless ``kb``)."""
    q = (
        "SELECT e.id FROM aliases a JOIN entities e ON e.id = a.entity_id "
        "LEFT JOIN entity_totals t ON t.entity_id = e.id "
        "WHERE a.norm = :n AND e.merged_into IS NULL AND e.id != :b "
        "AND coalesce(t.articles, 0) >= :f {} {} "
        "ORDER BY coalesce(t.articles, 0) DESC, e.id LIMIT 1".format(
            "" if etype is None else "AND e.type = :t", "" if kb else f"AND {NOT_FROM_KB}"
        )
    )
    row = driver.lookup(conn, q, {"n": norm, "b": besides, "f": fewest, "t": etype})
    return None if row is None else int(row[0])


def entities_named(conn: Connection, norms: Collection[str], etype: str) -> dict[str, int]:
    """Each of these normalised aliases that a live entity of type ``etype`` bears → that
    entity (most articles first), read at once."""
    q = text(
        "SELECT a.norm, e.id FROM aliases a JOIN entities e ON e.id = a.entity_id "
        "LEFT JOIN entity_totals t ON t.entity_id = e.id "
        "WHERE a.norm IN :norms AND e.merged_into IS NULL AND e.type = :t "
        "ORDER BY coalesce(t.articles, 0) DESC, e.id"
    ).bindparams(bindparam("norms", expanding=True))
    out: dict[str, int] = {}
    for chunk in _chunks(sorted(set(norms))):
        for norm, eid in conn.execute(q, {"norms": chunk, "t": etype}):
            out.setdefault(norm, int(eid))
    return out


class NameWords:
    """``word in name_words``: whether the word is a word of a name of two words or more of
    a live entity in ``fewest`` articles or more — as of when it was made (the aliases up to
    the newest id then: the pass may name entities anew while it asks). Asked word by word
    through the resolver's keys (``alias_words``; the norms not keyed yet, read once from
    their queue): a round asks a few hundred words, not the words of every name; past
    ``_BY_KEY`` words (a whole pass) every name is read once instead."""

    _NAMES = (
        "SELECT a.norm FROM aliases a JOIN entities e ON e.id = a.entity_id "
        "JOIN entity_totals t ON t.entity_id = e.id WHERE a.id <= :upto "
        "AND e.merged_into IS NULL AND t.articles >= :n AND a.norm LIKE '% %'"
    )

    def __init__(self, conn: Connection, fewest: int) -> None:
        self.conn, self.fewest = conn, fewest
        self.upto = (driver.lookup(conn, "SELECT max(id) FROM aliases") or (0,))[0] or 0
        queued = self._norms("SELECT norm FROM alias_keys_todo", {})
        self.queued = frozenset(w for norm in queued for w in norm.split())
        self.known: dict[str, bool] = {}
        self.every: frozenset[str] | None = None

    def _norms(self, among: str | None, params: dict[str, object]) -> list[str]:
        q = self._NAMES if among is None else f"{self._NAMES} AND a.norm IN ({among})"
        bound = {"upto": self.upto, "n": self.fewest, **params}
        return [r[0] for r in driver.rows(self.conn, q, bound)]

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if self.every is None and len(self.known) >= _BY_KEY:
            self.every = frozenset(w for norm in self._norms(None, {}) for w in norm.split())
        if self.every is not None:
            return word in self.every
        if word not in self.known:
            keyed = "SELECT norm FROM alias_words WHERE word = :w"
            self.known[word] = word in self.queued or any(
                word in norm.split() for norm in self._norms(keyed, {"w": word})
            )
        return self.known[word]


def name_words(conn: Connection, fewest: int) -> NameWords:
    """The words of every name of two words or more of a live entity in ``fewest`` articles
    or more (:class:`NameWords`: asked by word)."""
    return NameWords(conn, fewest)


def names_with_words(conn: Connection, words: Collection[str]) -> dict[str, list[str]]:
    """Each word → the normalised aliases that have it, by the resolver's keys
    (``alias_words``) and, for the norms not keyed yet, their queue (read once for all the
    words: on a whole pass it holds every name)."""
    wanted = set(words)
    out: dict[str, set[str]] = {w: set() for w in wanted}
    for (norm,) in driver.rows(conn, "SELECT norm FROM alias_keys_todo"):
        for word in wanted.intersection(norm.split()):
            out[word].add(norm)
    for word in wanted:
        keyed = driver.rows(conn, "SELECT norm FROM alias_words WHERE word = :w", {"w": word})
        out[word] |= {r[0] for r in keyed}
    return {w: sorted(norms) for w, norms in out.items()}


def articles_with_word(conn: Connection, norm: str, cap: int) -> int:
    """How many articles contain the word (any clitic form), by the full-text index, counted
    up to ``cap`` (the answer is then ``cap``: a common word costs no more than a rare one)."""
    hits, match, _, params, _, _ = search_clauses(conn, [norm], SearchFilters())
    q = text(f"SELECT count(*) FROM ({hits} WHERE {match} LIMIT :cap) h")
    return int(conn.execute(q, {**params, "cap": cap}).scalar() or 0)


def person_name_words(
    conn: Connection, words: Collection[str] | None = None
) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """First words and last words of the live persons' names of two words or more, each
    → the persons: of every name, or (``words``) of the names that begin or end with one of
    these words (:func:`person_names`)."""
    first: dict[str, set[int]] = defaultdict(set)
    last: dict[str, set[int]] = defaultdict(set)
    for norm, eid in person_names(conn, words):
        words_of = norm.split()
        first[words_of[0]].add(eid)
        last[words_of[-1]].add(eid)
    return first, last


def person_names(conn: Connection, words: Collection[str] | None = None) -> list[tuple[str, int]]:
    """(name, person) of the live persons' names of two words or more (normalised, their
    aliases): every name, or (``words``) those that begin or end with one of these words
    among others, found by the resolver's keys (``alias_keys.first``, ``alias_words``) and, for the
    norms not keyed yet, in their queue — a round reads its few names, not the words of
    every person (the same rows for the words asked)."""
    q = (
        "SELECT a.norm, e.id FROM aliases a JOIN entities e ON e.id = a.entity_id "
        "WHERE e.type = 'PERSON' AND e.merged_into IS NULL AND a.norm LIKE '% %'"
    )
    if words is None or len(words) > _BY_KEY:
        rows = driver.rows(conn, q)
    else:
        norms = set()
        for chunk in _chunks(sorted(words)):
            marks = ", ".join(f":w{i}" for i in range(len(chunk)))
            asked = {f"w{i}": w for i, w in enumerate(chunk)}
            for keyed in (
                f"SELECT norm FROM alias_keys WHERE first IN ({marks})",
                f"SELECT norm FROM alias_words WHERE word IN ({marks})",
            ):
                norms |= {r[0] for r in driver.rows(conn, keyed, asked)}
        norms |= {r[0] for r in driver.rows(conn, "SELECT norm FROM alias_keys_todo")}
        rows = []
        for chunk in _chunks(sorted(norms)):
            marks = ", ".join(f":n{i}" for i in range(len(chunk)))
            asked = {f"n{i}": n for i, n in enumerate(chunk)}
            rows += driver.rows(conn, f"{q} AND a.norm IN ({marks})", asked)
    return rows  # (also other names the keys or the queue gave)


def in_mentions(conn: Connection, spans: Iterable[tuple[int, int, int]]) -> int:
    """How many of these stretches of text (article, start, end) overlap a mention."""
    q = text('SELECT 1 FROM mentions WHERE article_id = :a AND start < :e AND "end" > :s LIMIT 1')
    return sum(conn.execute(q, {"a": a, "s": s, "e": e}).first() is not None for a, s, e in spans)


def respan_mentions(
    conn: Connection,
    changes: Changes,
    from_id: int,
    to_id: int,
    spans: Sequence[tuple[int, int, int, str]],
) -> None:
    """Give mentions (id, start, end, surface) of ``from_id`` new spans and ``to_id`` as
    their entity; mentions inside a new span (the word it took in) go."""
    if not spans:
        return
    upd = text(
        'UPDATE mentions SET entity_id = :to, start = :s, "end" = :e, surface = :surface '
        "WHERE id = :id"
    )
    inside = text(
        "SELECT id, entity_id FROM mentions WHERE article_id = :a AND id != :id "
        'AND start >= :s AND "end" <= :e'
    )
    old = _rows(conn, [sp[0] for sp in spans])
    changes.entities |= {from_id, to_id}
    gone = []
    for mid, start, end, surface in spans:
        if mid not in old:  # taken into a span made whole before
            continue
        article, old_start = old[mid]
        changes.articles.add(article)
        for other, eid in conn.execute(inside, {"a": article, "id": mid, "s": start, "e": end}):
            gone.append(other)
            changes.entities.add(eid)
        conn.execute(upd, {"to": to_id, "s": start, "e": end, "surface": surface, "id": mid})
        if start != old_start:  # a quote's speaker is found by where the name starts
            conn.execute(
                text(
                    "UPDATE quotes SET speaker_start = :s WHERE article_id = :a "
                    "AND speaker_start = :old"
                ),
                {"s": start, "a": article, "old": old_start},
            )
    _delete(conn, gone)


def rename(conn: Connection, entity_id: int, name: str) -> None:
    """The entity takes ``name``, which becomes one of its aliases too."""
    conn.execute(text("UPDATE entities SET name = :n WHERE id = :e"), {"n": name, "e": entity_id})
    a = s.aliases
    known = {r[0] for r in conn.execute(select(a.c.norm).where(a.c.entity_id == entity_id))}
    if normalise(name) not in known:
        _insert_aliases(conn, entity_id, [name], known)


def drop_mentions(
    conn: Connection, changes: Changes, entity_id: int, mention_ids: Sequence[int]
) -> None:
    """These mentions name nothing: they go, with the quotes they were the speaker of."""
    if not mention_ids:
        return
    changes.articles |= {a for a, _ in _rows(conn, mention_ids).values()}
    changes.entities.add(entity_id)
    _delete(conn, mention_ids, entity_id)


def drop_entity_mentions(conn: Connection, changes: Changes, entity_id: int) -> None:
    """Every mention of the entity goes (it names nothing), with its quotes."""
    q = text("SELECT id FROM mentions WHERE entity_id = :e")
    drop_mentions(conn, changes, entity_id, [r[0] for r in conn.execute(q, {"e": entity_id})])


def give_to_named(
    conn: Connection, changes: Changes, entity_id: int, people: Iterable[int]
) -> set[int]:
    """Each mention of ``entity_id`` goes to the one of ``people`` its article also names,
    and is dropped where the article names none or several; returns who got mentions."""
    q = text(
        "SELECT m.id, m.article_id, ae.entity_id FROM mentions m "
        "LEFT JOIN article_entities ae ON ae.article_id = m.article_id "
        "AND ae.entity_id IN :people WHERE m.entity_id = :e"
    ).bindparams(bindparam("people", expanding=True))
    named: dict[int, set[int]] = defaultdict(set)
    articles: dict[int, int] = {}
    for mid, article, person in conn.execute(q, {"people": sorted(set(people)), "e": entity_id}):
        articles[mid] = article
        if person is not None:
            named[mid].add(person)
    moves = {mid: next(iter(p)) for mid, p in named.items() if len(p) == 1}
    for mid, person in moves.items():
        conn.execute(
            text("UPDATE mentions SET entity_id = :p WHERE id = :id"), {"p": person, "id": mid}
        )
    _delete(conn, [mid for mid in articles if mid not in moves], entity_id)
    receivers = set(moves.values())
    changes.articles |= set(articles.values())
    changes.entities |= {entity_id} | receivers
    return receivers


def move_mentions(
    conn: Connection, changes: Changes, from_id: int, to_id: int, mention_ids: Sequence[int]
) -> None:
    """These mentions of ``from_id`` name ``to_id``, their spans unchanged."""
    if not mention_ids:
        return
    changes.articles |= {a for a, _ in _rows(conn, mention_ids).values()}
    changes.entities |= {from_id, to_id}
    for chunk in _chunks(sorted(set(mention_ids))):
        ids = ",".join(str(int(i)) for i in chunk)
        conn.execute(
            text(f"UPDATE mentions SET entity_id = :to WHERE id IN ({ids})"), {"to": to_id}
        )


def _rows(conn: Connection, mention_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Mention id → (article, start)."""
    out: dict[int, tuple[int, int]] = {}
    for chunk in _chunks(sorted(set(mention_ids))):
        ids = ",".join(str(int(i)) for i in chunk)
        for mid, article, start in conn.execute(
            text(f"SELECT id, article_id, start FROM mentions WHERE id IN ({ids})")
        ):
            out[mid] = (article, start)
    return out


def _delete(conn: Connection, mention_ids: Sequence[int], entity_id: int | None = None) -> None:
    """Delete mentions, and the quotes whose speaker they were (when ``entity_id`` is given:
    those still credited to it)."""
    for chunk in _chunks(sorted(set(mention_ids))):
        ids = ",".join(str(int(i)) for i in chunk)
        if entity_id is not None:
            conn.execute(
                text(
                    "DELETE FROM quotes WHERE entity_id = :e AND EXISTS (SELECT 1 FROM mentions m "
                    f"WHERE m.id IN ({ids}) AND m.article_id = quotes.article_id "
                    "AND m.start = quotes.speaker_start)"
                ),
                {"e": entity_id},
            )
        conn.execute(text(f"DELETE FROM mentions WHERE id IN ({ids})"))


def entity_mentions(conn: Connection, entity_ids: Sequence[int]) -> list[tuple[int, int, int, str]]:
    """(entity, mention id, article, surface) of every mention of these entities."""
    out: list[tuple[int, int, int, str]] = []
    for chunk in _chunks(sorted(set(entity_ids))):
        ids = ",".join(str(int(i)) for i in chunk)
        q = f"SELECT entity_id, id, article_id, surface FROM mentions WHERE entity_id IN ({ids})"
        out += driver.rows(conn, q)
    return out


def article_entity_sets(conn: Connection, article_ids: Iterable[int]) -> dict[int, set[int]]:
    """Article → the entities it names."""
    out: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(sorted(set(article_ids))):
        ids = ",".join(str(int(i)) for i in chunk)
        q = f"SELECT article_id, entity_id FROM article_entities WHERE article_id IN ({ids})"
        for article, eid in driver.rows(conn, q):
            out[article].add(eid)
    return out


def article_meta(
    conn: Connection, article_ids: Sequence[int]
) -> dict[int, tuple[str | None, int, int]]:
    """Article → (day, source, story)."""
    out: dict[int, tuple[str | None, int, int]] = {}
    for chunk in _chunks(article_ids):
        ids = ",".join(str(int(i)) for i in chunk)
        q = text(f"SELECT id, day, source_id, story_id FROM articles WHERE id IN ({ids})")
        out.update({r[0]: (r[1], r[2], r[3]) for r in conn.execute(q)})
    return out


def story_days(conn: Connection, story_ids: Iterable[int]) -> set[tuple[int, str, int]]:
    """(story, day, entity) of every entity an article of these stories names on its day."""
    out: set[tuple[int, str, int]] = set()
    for chunk in _chunks(story_ids):
        ids = ",".join(str(int(i)) for i in chunk)
        q = (
            "SELECT a.story_id, ae.day, ae.entity_id FROM articles a "
            "JOIN article_entities ae ON ae.article_id = a.id "
            f"WHERE a.story_id IN ({ids}) AND ae.day IS NOT NULL"
        )
        out.update(driver.rows(conn, q))
    return out


def article_totals(conn: Connection, entity_ids: Iterable[int]) -> dict[int, int]:
    """Entity → articles ever."""
    out: dict[int, int] = {}
    for chunk in _chunks(sorted(set(entity_ids))):
        ids = ",".join(str(int(i)) for i in chunk)
        q = text(f"SELECT entity_id, articles FROM entity_totals WHERE entity_id IN ({ids})")
        out.update({r[0]: r[1] for r in conn.execute(q)})
    return out


def article_count(conn: Connection) -> int:
    return int(conn.execute(text("SELECT count(*) FROM articles")).scalar() or 0)


def set_type(conn: Connection, entity_id: int, etype: str) -> None:
    """The entity and its mentions take ``etype`` (the mentions' types vote in every later
    pass: they must not vote the head noun's decision back)."""
    conn.execute(text("UPDATE entities SET type = :t WHERE id = :e"), {"t": etype, "e": entity_id})
    conn.execute(
        text("UPDATE mentions SET type = :t WHERE entity_id = :e AND type IS NOT NULL"),
        {"t": etype, "e": entity_id},
    )
