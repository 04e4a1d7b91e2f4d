"""A person's name written in part, read against the articles that name the person in full
(issue #15, part of the global pass of :mod:`.consolidate`).

A bare surname or first name is linked at ingest to the person whose name it ends or begins
(``شيرر`` → ديفيد شيرر), and the global pass joins it to the dominant full name. Most of the
time that is right; for the long tail it takes in other people of the same name (the
footballer Alan Shearer on the UN envoy's page) and common words (``الراهب``, the monk, on a
footballer's). This pass compares each article that writes a person's name only in part
with the articles that write it in full: the entities those name more often than the news
at large (``ASSOCIATION`` times their share of all articles) are the person's context. An
article that names other entities, none of them from that context, is about someone or
something else: its partial mentions of the person go.

Only persons the pipeline created, in ``MOST_ARTICLES`` articles at most and written in full
in ``FEWEST_FULL`` of them at least, are read: the most covered names are the persons'
(``بوتين``), and without full mentions there is no context to compare with.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from marsad.arabic.normalise import normalise
from marsad.store import edits
from marsad.store import fragments as sql
from marsad.store.database import Store

MOST_ARTICLES = 100  # persons in more articles than this are not read
FEWEST_FULL = 1  # articles writing the name in full, at least
ASSOCIATION = 2.0  # an entity is context when this many times as frequent beside the person


def check(store: Store, entity_ids: Iterable[int] | None = None) -> set[int]:
    """Drop the partial mentions of persons (of ``entity_ids``, or all) in articles that
    share none of the person's context; returns the persons that lost mentions."""
    operator = edits.operator_entities(store)
    wanted = None if entity_ids is None else set(entity_ids)
    persons = {
        eid: normalise(name)
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
        full: dict[int, set[int]] = defaultdict(set)  # person → articles naming them in full
        partial: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for eid, mid, article, surface in sql.person_mentions(conn, list(persons)):
            if _partial(normalise(surface), persons[eid]):
                partial[eid][article].append(mid)
            else:
                full[eid].add(article)
        alone = {
            eid: {a: ms for a, ms in arts.items() if a not in full[eid]}
            for eid, arts in partial.items()
            if len(full[eid]) >= FEWEST_FULL
        }
        alone = {eid: arts for eid, arts in alone.items() if arts}
        if not alone:
            return set()
        articles = {a for eid in alone for a in full[eid] | set(alone[eid])}
        named = sql.article_entity_sets(conn, articles)
        totals = sql.article_totals(conn, {x for xs in named.values() for x in xs})
        everything = sql.article_count(conn)
        for eid, arts in sorted(alone.items()):
            around = _context(eid, full[eid], named, totals, everything)
            for article, mids in sorted(arts.items()):
                others = named.get(article, set()) - {eid}
                if others and not others & around:
                    sql.drop_mentions(conn, changes, eid, mids)
                    changed.add(eid)
        changes.apply(conn)
    return changed


def _partial(surface: str, name: str) -> bool:
    """جونغ هوان of دو جونغ هوان, شيرر of ديفيد شيرر (not عبدالله الربيعة for عبد الله
    الربيعة: the same letters)."""
    words = surface.split()
    return len(words) < len(name.split()) and "".join(words) != name.replace(" ", "")


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
    return {
        x for x, k in seen.items() if k / n >= ASSOCIATION * totals.get(x, 0) / max(everything, 1)
    }
