"""A person's name written in part, read against the articles that name the person in full
(issue #15, part of the global pass of :mod:`.consolidate`).

A bare surname or first name is linked at ingest to the person whose name it ends or begins
(``شيرر`` → ديفيد شيرر), and the global pass joins it to the dominant full name. Most of the
time that is right; for the long tail it takes in other people of the same name (the
footballer Alan Shearer on the UN envoy's page) and common words (``الراهب``, the monk, on a
footballer's). This pass compares each article that writes a person's name only in part
with the articles that write it in full: the entities those name more often than the news
at large (``ASSOCIATION`` times their share of all articles) are the person's context.

An article that writes the name only in part keeps it when it shares that context, and the
evidence must be the stronger the weaker the reading is (the rarer an entity, the more it
says: its weight is ``log(all articles / its articles)``):

* the word before the part and the part together are another person's name (``مولود
  [جاويش أوغلو]`` is not هاكان جاويش أوغلو): the mention goes to that person;
* a surname (``شيرر``, ``أنور السادات``) needs one shared entity, of weight ``SHARED`` at
  least unless the person is written in full in ``FAMOUS`` articles (بورقيبة, أتاتورك:
  names that stand alone);
* a first name alone (``سيموني``, ``نعومي``) or a part that is not the name's words as
  written (``بيليه`` for لوكاس بيليا, ``تاليس`` for توم تيليس: the resolver's spelling
  tolerance) needs a shared entity of weight ``SPECIFIC`` (``SHARED`` for a person written
  in full in ``FAMOUS`` articles: ``كوتينو``, ``ناتشو``), and an article naming nothing
  else gives it no support at all.

Only persons the pipeline created, in ``MOST_ARTICLES`` articles at most and written in full
in one article at least, are read: the most covered names are the persons' (``بوتين``), and
without full mentions there is no context to compare with.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import Connection

from marsad.arabic.normalise import normalise, normalise_name
from marsad.entities import roles as R
from marsad.entities.fragments import word_before
from marsad.entities.fuzzy import fold
from marsad.entities.resolve import words_close
from marsad.store import edits
from marsad.store import fragments as sql
from marsad.store.database import Store

MOST_ARTICLES = 100  # persons in more articles than this are not read
ASSOCIATION = 2.0  # an entity is context when this many times as frequent beside the person
SHARED = 4.0  # a surname alone: a shared entity in 1/55 of the articles or fewer
SPECIFIC = 6.0  # a first name or another spelling alone: in 1/400 of the articles or fewer
FAMOUS = 8  # written in full in this many articles: a surname alone needs any shared entity
TAIL_DOMINANCE = 5  # a surname this many times as often as any other name: a part, if shared


def check(store: Store, entity_ids: Iterable[int] | None = None) -> set[int]:
    """Drop (or give to the person they name) the partial mentions of persons (of
    ``entity_ids``, or all) in articles that do not support them; returns the persons that
    changed."""
    operator = edits.operator_entities(store)
    wanted = None if entity_ids is None else set(entity_ids)
    persons = {
        eid: name
        for eid, name, etype, kb, n in edits.live_entities(store, wanted)
        if etype == "PERSON"
        and not kb
        and eid not in operator
        and " " in name.strip()
        and 0 < n <= MOST_ARTICLES
    }
    if not persons:
        return set()
    changed: set[int] = set()
    with store.engine.begin() as conn:
        changes = sql.Changes()
        written: dict[int, list[tuple[int, int, list[str]]]] = defaultdict(list)
        for eid, mid, article, surface in sql.entity_mentions(conn, list(persons)):
            written[eid].append((mid, article, _words(surface)))
        names = {eid: _name(ms) for eid, ms in written.items()}
        _shared_surnames(conn, names, {eid: _words(persons[eid]) for eid in written}, written)
        full: dict[int, set[int]] = defaultdict(set)  # person → articles naming them in full
        partial: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for eid, ms in written.items():
            if len(names[eid]) < 2:
                continue  # never written in full
            for mid, article, words in ms:
                if _reading(words, names[eid]) != "full":
                    partial[eid][article].append(mid)
                else:
                    full[eid].add(article)
        alone = {
            eid: {a: ms for a, ms in arts.items() if a not in full[eid]}
            for eid, arts in partial.items()
            if full[eid]
        }
        alone = {eid: arts for eid, arts in alone.items() if arts}
        if not alone:
            return set()
        articles = {a for eid in alone for a in full[eid] | set(alone[eid])}
        named = sql.article_entity_sets(conn, articles)
        totals = sql.article_totals(conn, {x for xs in named.values() for x in xs})
        everything = max(sql.article_count(conn), 1)
        weight = {x: math.log(everything / max(n, 1)) for x, n in totals.items()}
        mids = [m for arts in alone.values() for ms in arts.values() for m in ms]
        contexts = {row[5]: row for row in sql.contexts_of(conn, mids)}
        for eid, arts in sorted(alone.items()):
            around = _context(eid, full[eid], named, totals, everything)
            for article, ms in sorted(arts.items()):
                rows = [contexts[m] for m in ms if m in contexts]
                if not rows:
                    continue
                moved = _give_to_fuller(conn, changes, eid, names[eid], rows)
                if moved:
                    changed |= {eid} | moved
                    continue
                reading = _reading(_words(rows[0][3]), names[eid])
                others = named.get(article, set()) - {eid}
                shared = max((weight.get(x, 0.0) for x in others & around), default=None)
                famous = len(full[eid]) >= FAMOUS
                if reading == "surname":
                    need = 0.0 if famous else SHARED
                    keep = not others or (shared is not None and shared >= need)
                else:
                    keep = shared is not None and shared >= (SHARED if famous else SPECIFIC)
                if not keep:
                    sql.drop_mentions(conn, changes, eid, ms)
                    changed.add(eid)
        changes.apply(conn)
    return changed


@lru_cache(maxsize=65536)
def _words(surface: str) -> list[str]:
    """The normalised words of a surface, without what is not a letter (``#غريفيث``)."""
    return [w for w in (x.strip("#_@\"'«»()") for x in normalise_name(surface).split()) if w]


def _name(written: list[tuple[int, int, list[str]]]) -> list[str]:
    """The person's name as the articles write it in full: the most common surface of two
    words or more, without a title before it (جوزيف عون, not العماد جوزيف عون; أنطونيو
    غوتيريش, not the name a run-on span once gave the entity)."""
    counts = Counter(tuple(words) for _, _, words in written if len(words) >= 2)
    if not counts:
        return []
    words = list(max(counts.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0])
    while len(words) > 2 and R.is_role_word(words[0]):
        words = words[1:]
    return words


def _shared_surnames(
    conn: Connection,
    names: dict[int, list[str]],
    own: dict[int, list[str]],
    written: dict[int, list[tuple[int, int, list[str]]]],
) -> None:
    """A person named by a given name and a surname that the articles write far more
    often alone, and that another person's name ends with after another given name
    (هاكان جاويش أوغلو: جاويش أوغلو 72 times, the name in full twice — the surname of the
    foreign minister مولود جاويش أوغلو), is read by the full name: the surname alone is
    then a part, checked against the articles that write the name in full. The surname
    must be written ``TAIL_DOMINANCE`` times as often as every other name of two words or
    more of the person (not أحمد حسام ميدو, written حسام ميدو and أحمد حسام as often) and
    begin with no title (دوق كامبردج); a first word with the article or a title (القيصر
    كاظم الساهر, الأيمن ألكسندر أرنولد) is a span run on, not a given name, and another
    spelling of the person's own (ترنت / ترينت) is the same person."""
    tails: dict[int, list[str]] = {}
    for eid, words in own.items():
        tail = names[eid]
        if not (len(words) == len(tail) + 1 >= 3 and words[1:] == tail):
            continue
        if not _given(words[0]) or R.is_role_word(tail[0]):
            continue
        counts = Counter(tuple(w) for _, _, w in written[eid] if len(w) >= 2)
        besides = max((n for w, n in counts.items() if list(w) != tail), default=0)
        if counts[tuple(tail)] >= TAIL_DOMINANCE * max(besides, 1):
            tails[eid] = tail
    if not tails:
        return
    bearers: dict[tuple[str, ...], set[tuple[str, int]]] = defaultdict(set)
    for norm, person in sql.person_names(conn, {tail[-1] for tail in tails.values()}):
        words = tuple(_words(norm))
        if len(words) >= 2:
            bearers[words[1:]].add((words[0], person))
    for eid, tail in tails.items():
        mine = fold(own[eid][0])
        others = {
            p
            for first, p in bearers[tuple(tail)]
            if p != eid and _given(first) and not words_close(fold(first), mine)
        }  # not الأيمن ألكسندر أرنولد, nor ترنت ألكسندر أرنولد for ترينت
        if others:
            names[eid] = own[eid]


def _given(word: str) -> bool:
    """A word that may be a given name: without the article, no title."""
    return not word.startswith("ال") and not R.is_role_word(word)


def _reading(words: list[str], name: list[str]) -> str:
    """How a surface writes a person's name: "full" (every word, or the same letters:
    عبدالله الربيعة for عبد الله الربيعة), "surname" (words of it that end it or stand after
    its first, or its first words when they are two or more: شيرر, أنور السادات, محمد بن
    راشد), "first" (its first word alone: نعومي) or "other" (not its words as written:
    بيليه for لوكاس بيليا)."""
    if len(words) >= len(name) or "".join(words) == "".join(name):
        return "full"
    n = len(words)
    starts = [i for i in range(len(name) - n + 1) if name[i : i + n] == words]
    if not starts:
        return "other"
    return "first" if starts == [0] and n == 1 else "surname"


def _give_to_fuller(
    conn: Connection,
    changes: sql.Changes,
    person: int,
    name: list[str],
    rows: list[tuple[int, int, int, str, int, int, str, str]],
) -> set[int]:
    """``مولود [جاويش أوغلو]``: the word before the part and the part make another person's
    name (one not of this person's words): the mentions go to that person, the word taken
    in; returns who got them."""
    got: set[int] = set()
    for _, start, end, surface, _, mid, left, _ in rows:
        before = word_before(left, start)
        if before is None or before[0] in name:
            continue
        fuller = f"{before[0]} {normalise(surface).strip()}"
        target = sql.entity_named(conn, fuller, besides=person, fewest=1, etype="PERSON")
        if target is not None:
            sql.respan_mentions(
                conn, changes, person, target, [(mid, before[1], end, before[2] + surface)]
            )
            got.add(target)
    return got


def _context(
    person: int,
    articles: set[int],
    named: dict[int, set[int]],
    totals: dict[int, int],
    everything: int,
) -> set[int]:
    """The entities named beside the person (in ``articles``) more often than at large."""
    seen = Counter(x for a in articles for x in named.get(a, ()) if x != person)
    n = len(articles)
    return {x for x, k in seen.items() if k / n >= ASSOCIATION * totals.get(x, 0) / everything}
