"""Global resolution: after each round, decide per name from all its evidence (issue #15).

Resolution at ingest (:mod:`.resolve`) sees one article at a time and what came before it,
so a bare surname met before the full name becomes an entity of its own (بوتين beside
فلاديمير بوتين), a name glued to a preposition another one (للرياض beside الرياض), and an
entity keeps the type of the mention that created it. After each ingest, analysis, crawl
round and reprocess, this pass looks at every entity the pipeline created (never at the
knowledge base's nor at those an operator edited) with the whole database as evidence:

* **type** — the type most of its mentions were recognised as (60 % of 3 or more), or the
  type of its group (below);
* **groups** — names of one country or organisation (``name_groups.tsv``: CLDR's Arabic
  country names and our list: السعودية / المملكة العربية السعودية, الناتو / حلف شمال
  الأطلسي) are one entity;
* **spacing** — names written with and without a space are one (عبد الفتاح السيسي /
  عبدالفتاح السيسي, أبو ظبي / أبوظبي, فيس بوك / فيسبوك);
* **spellings** — two names of one type (not places) that spell the same words
  (تشيلسي / تشلسي, سان جيرمان / سان جرمان: :func:`.resolve.words_close`) are one;
* **clitics** — a name that is another entity's name with و ف ب ك ل لل glued on
  (للرياض, لحزب الله, والسعودية) joins it when that one is at least twice as covered
  (three articles at least; a one-word name only loses a clitic to a word of four letters);
* **lineages** — a person's long name and the same without its family or lineage are one
  (محمد بن زايد آل نهيان / محمد بن زايد, محمد بن سلمان بن عبدالعزيز / محمد بن سلمان),
  unless two long names end the same short one; so are a name and the same without its
  middle names (عمر حسن البشير / عمر البشير), unless many may bear the short name (محمد
  أحمد علي is no محمد علي: :mod:`.given_names`) or two long names differ in the middle;
* **head nouns** — a name and the same after a head noun of its type are one (منظمة
  غرينبيس / غرينبيس, مدينة حمص / حمص: :func:`.name_groups.head_pairs`);
* **the article** — a one-word name the news corpus writes with the article at least as
  often as without joins the entity of its form with the article (كويت → الكويت: the
  tokeniser lost it; not جنين, which the corpus writes without);
* **short forms** — a surname (or a two-word short name) used alone joins the person whose
  full name ends with it (بوتين → فلاديمير بوتين, ترمب → دونالد ترمب, spellings aside) when
  that person has at least three times the articles of any other candidate (رونالدو stays
  apart when two players share it); a name after بن / أبو is a father's, not a surname
  (سلمان is not محمد بن سلمان). An organisation's last word used alone joins it the same
  way (يونايتد → مانشستر يونايتد, سيتي → مانشستر سيتي; not برس, which two agencies end with);
* **cut names and first names** — :mod:`.fragments` first makes whole the one-word names
  the recogniser cut (``[بيونغ] يانغ``) and takes bare first names (جون, خالد) off the
  pages, from their mentions in context;
* **types from head nouns** — an entity of the long tail whose mentions mostly follow head
  nouns of one type (``lexicons/type_heads.tsv``) takes that type: ``ملعب [ثاني بن جاسم]`` is
  a place, ``صحيفة [شارلي إيبدو]`` an organisation;
* **partial names out of context** — after the merges, :mod:`.contexts` takes a person's
  name written in part (``شيرر``, ``الراهب``) out of the articles that share nothing with
  the articles naming the person in full (the footballer Alan Shearer off the UN envoy's
  page); last, :func:`.fragments.drop_common_words`;
* **names found again** — after the names have followed usage, :mod:`.confirmed` looks for
  the names the news confirmed in every article and gives their entity the mentions the
  recogniser missed (``إدلب`` in 276 articles of the ANT corpus, not 17).

Each merge goes to the most covered entity of its kind (KB and operator entities first).
The decisions are a function of the database's names and counts only, so they do not depend
on the order the articles came in (a merge made on a first round's evidence stays made:
docs/entities.md, "However the news arrives"). An incremental round looks for merges among
the entities it touched and those their names relate to. Operator edits and KB entries are
never moved or retyped.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache

from marsad.arabic.normalise import PROCLITICS, normalise_name
from marsad.entities import (
    confirmed,
    contexts,
    fragments,
    misspelt,
    name_groups,
    neighbours,
    senses,
)
from marsad.entities import roles as R
from marsad.entities.fuzzy import fold, skeleton
from marsad.entities.naming import rename_by_usage
from marsad.entities.resolve import ARTICLE_SHARE, CONNECTORS, words_close
from marsad.ner.lexicon import LEXICON_DIR, read_word_kinds
from marsad.store import edits as sql
from marsad.store import name_keys, shared
from marsad.store.database import Store

# Proclitics glued to a name (not the bare article: الرياض is not ال + رياض's entity)
GLUED = tuple(c for c in PROCLITICS if c != "ال")
TYPE_SHARE = 0.6  # a type carried by this share of the mentions decides the entity's type
TYPE_VOTES = 3  # and by at least this many
GLUE_MARGIN = 2.0  # the bare name is at least this many times as covered as the glued one
DOMINANCE = 3.0  # a full name at least this many times as covered as the next candidate
FEWEST = 3  # articles the full name has at least
ROUNDS = 3  # passes over the merges a pass made possible
AGAIN = 2  # passes more of settle over what a pass changed
EVERY_KEY_SHARE = 10  # a round touching a tenth of the live entities reads every key at once


@dataclass
class _Entity:
    id: int
    name: str
    norm: str
    type: str
    locked: bool  # from the KB or edited by an operator: never moved or retyped
    articles: int

    @property
    def rank(self) -> tuple[bool, int, str]:
        return (self.locked, self.articles, self.norm)


def settle(store: Store, entity_ids: Iterable[int] | None = None) -> dict[str, int]:
    """What runs after every ingest, analysis, crawl round (``entity_ids``: the entities it
    named) and reprocess (all): :func:`consolidate`, then names follow usage
    (:func:`.naming.rename_by_usage`), then confirmed names are found again
    (:func:`.confirmed.find_again`) — and again over what that changed, until nothing
    changes (:data:`AGAIN`). On PostgreSQL one process runs it at a time, once no article
    waits for analysis, also on what other processes noted (store/shared.py). First the
    home page's kept period follows the newest dated day (store/window_totals.py)."""
    store.keep_window()
    # PostgreSQL: one process at a time
    with shared.settling(store) as waiting, _no_cycle_collection():
        if waiting is None:  # articles wait for analysis: whoever finishes them settles
            return {"retyped": 0, "merged": 0, "renamed": 0, "found again": 0}
        since, newest = sql.unsettled(store)  # also what a killed run left unsettled
        since |= waiting
        ids = None if entity_ids is None else set(entity_ids) | since
        before = _state(store, ids)
        done, scope = _settle_once(store, ids, sql.last_settled(store))
        for _ in range(AGAIN):  # a rule's change is another rule's evidence
            after = _state(store, scope)
            changed = {e for e, now in after.items() if before.get(e) != now}
            if not changed:
                break
            before = after
            again, scope = _settle_once(store, changed, newest)
            done = {k: done[k] + again[k] for k in done}
        sql.mark_settled(store, newest)
    return done


def _state(store: Store, entity_ids: set[int] | None) -> dict[int, tuple[str, str, int]]:
    """Name, type and articles of the live entities among ``entity_ids`` (all when None)."""
    return {e: (name, etype, n) for e, name, etype, _, n in sql.live_entities(store, entity_ids)}


def _settle_once(
    store: Store, ids: set[int] | None, since: int
) -> tuple[dict[str, int], set[int] | None]:
    """One pass of :func:`settle` over ``ids`` (all when None), names found again in the
    articles after ``since``; returns what it did and the entities it looked at and grew
    (None: all)."""
    # a pass's lookups by the entities' own names, read once for both consolidations:
    # it renames only entities both look at (name_keys.entities_with)
    known: dict[tuple[str, str], set[int]] | None = None if ids is None else {}
    done, targets = consolidate(store, ids, known=known)
    done["renamed"] = rename_by_usage(store, None if ids is None else ids | targets)
    if done["renamed"]:  # a new name can be another's glued or spelt otherwise
        again, more = consolidate(
            store, targets if ids is None else ids | targets, in_context=False, known=known
        )
        done = {k: done[k] + again.get(k, 0) for k in done}
        targets |= more
    scope = None if ids is None else ids | targets
    done["found again"] = confirmed.find_again(store, scope, since, grown=targets)
    return done, scope


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The pass makes millions of small objects (rows, entities, the lists that index
    them) and almost no reference cycles: Python's cycle collector, left on, walked every
    live object in 39 full collections (≈ 4 of 47 CPU-s on the whole ANT corpus) to free
    some 17,000. Reference counting frees what the pass drops either way."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def consolidate(
    store: Store,
    entity_ids: Iterable[int] | None = None,
    in_context: bool = True,
    known: dict[tuple[str, str], set[int]] | None = None,
) -> tuple[dict[str, int], set[int]]:
    """Retype (``entity_ids``, or all) and merge the created entities that are one;
    returns how many were retyped and merged, and the entities merged into (or made
    whole: :func:`.fragments.repair` runs first). ``in_context``: also the passes that
    read mentions in context (fragments, head nouns, partial names, common words); a
    second consolidation after renames leaves them out (they found what there was).
    ``known``: lookups by the entities' own names made before (:func:`_near`)."""
    repaired = fragments.repair(store, entity_ids) if in_context else set()
    misspellings: list[tuple[list[int], int]] = []
    if in_context:  # before the types vote: the city's and the club's mentions are apart
        repaired |= senses.split_clubs(store, entity_ids)
        misspellings = misspelt.merge_misspelt(store, entity_ids)  # دونالد تراب
        repaired |= {target for _, target in misspellings}
    operator = sql.operator_entities(store)
    touched = None if entity_ids is None else set(entity_ids)
    ents: dict[int, _Entity] = {}
    live = sql.live_count(store) if touched is not None else 0
    everything = touched is None or len(touched) * 2 > live
    every: dict[tuple[str, str], set[int]] | None = None  # every key, read at once
    if everything:  # reprocess, or a round that touched most of the database (a first
        # ingest): every entity, read at once (cheaper than their neighbours one by one)
        _add(ents, sql.live_entities(store), operator)
        aliases = [(norm, eid) for norm, eid, _ in store.alias_table()]
    else:  # a round: what it touched and their neighbours, read by index (issue 18)
        neighbours.refresh(store)
        _add(ents, name_keys.live_entities(store, touched), operator)
        if len(touched) * EVERY_KEY_SHARE > live:  # thousands to look up
            every = name_keys.every_key(store)
    retyped = _retype(store, ents, entity_ids)
    known = {} if known is None else known  # a merge renames nothing: asked once a call
    merged = sum(len(sources) for sources, _ in misspellings)
    into = set(repaired)
    moved = {s: t for sources, t in misspellings for s in sources}  # merged → where it went
    for _ in range(ROUNDS):  # a merge can make another (its counts grow): settle them
        if everything:
            near = [(n, _where(moved, e)) for n, e in aliases]
        else:
            near = _near(store, ents, touched, operator, known, every)
        targets = _targets(ents, near, None if everything else touched)
        touched = None if touched is None else touched | {_where(moved, e) for e in touched}
        joining: dict[int, list[int]] = defaultdict(list)  # entity → those merged into it
        for source in sorted(targets, key=lambda e: ents[e].rank):
            target = _where(targets, source)  # a chain: join where it ends
            if target != source:
                joining[target].append(source)
        groups = sorted(joining.items())  # the rollups counted once per entity
        sql.merge_groups(store, [(sources, target) for target, sources in groups])
        for target, sources in groups:
            for source in sources:
                ents[target].articles += ents.pop(source).articles
                moved[source] = target
            merged += len(sources)
            into.add(target)
        if not targets:
            break
    if in_context:
        scope = None if entity_ids is None else touched
        retyped += fragments.retype_by_heads(store, scope)
        contexts.check(store, scope)
        fragments.drop_common_words(store, scope)
        fragments.generic_bodies(store, scope)
        fragments.bare_brands(store, scope)
    _name_groups(store, ents)
    return {"retyped": retyped, "merged": merged}, into


def _add(
    ents: dict[int, _Entity], rows: Iterable[tuple[int, str, str, bool, int]], operator: set[int]
) -> None:
    """Entities read from the store join ``ents`` (those there already keep what the pass
    changed of them), which stays in id order, as the whole pass reads them."""
    new = {
        eid: _Entity(eid, name, normalise_name(name), etype, kb or eid in operator, n)
        for eid, name, etype, kb, n in rows
        if eid not in ents
    }
    if new:
        merged = sorted([*ents.items(), *new.items()])
        ents.clear()
        ents.update(merged)


def _near(
    store: Store,
    ents: dict[int, _Entity],
    touched: set[int],
    operator: set[int],
    known: dict[tuple[str, str], set[int]] | None = None,
    every: dict[tuple[str, str], set[int]] | None = None,
) -> list[tuple[str, int]]:
    """Read into ``ents`` the entities the touched ones may join or be joined by, and every
    entity the rules compare those with (:mod:`.neighbours`); the aliases of the names
    looked up, as (norm, entity id). ``known``: the lookups by the entities' own names
    made before in this pass (merges since only made some of those entities dead, which
    ``ents`` leaves out; a rename, only of entities ``touched``), kept and added to;
    ``every``: every key, read at once (:func:`.name_keys.every_key`). The aliases are read
    once: nothing is written while it reads."""
    asked = neighbours.Keys()
    for eid in touched:
        if eid in ents:
            asked.related(ents[eid].norm, ents[eid].type)
    aliases: dict[str, list[tuple[str, int]]] = {}  # norm → its aliases' rows, read once
    related = asked.found(store, known, aliases, every) | touched
    _add(ents, name_keys.live_entities(store, related - ents.keys()), operator)
    evidence = neighbours.Keys()
    for eid in related:
        if eid in ents:
            evidence.evidence(ents[eid].norm, ents[eid].type)
    found = evidence.found(store, known, aliases, every)
    _add(ents, name_keys.live_entities(store, found - ents.keys()), operator)
    groups = name_groups.groups()  # a group's entities all (the most covered names it)
    done: set[str] = set()
    while todo := {groups[e.norm][0] for e in ents.values() if e.norm in groups} - done:
        complete = neighbours.Keys()
        complete.norms = {n for key in todo for n in neighbours.group_names(key)}
        done |= todo
        found = complete.found(store, known, every=every) - ents.keys()
        _add(ents, name_keys.live_entities(store, found), operator)
    rows = (row for norm in asked.norms | evidence.norms for row in aliases[norm])
    return sorted(rows, key=lambda r: (r[1], r[0]))  # in the order the whole pass reads them


def _name_groups(store: Store, ents: dict[int, _Entity]) -> None:
    """Every name of its group is an alias of the entity a group became: the page is found
    (search, autocomplete) under المملكة العربية السعودية as under السعودية."""
    groups = name_groups.groups()
    named: dict[str, _Entity] = {}
    for e in ents.values():
        if e.norm in groups and not e.locked:
            key = groups[e.norm][0]
            if key not in named or e.rank > named[key].rank:
                named[key] = e
    with store.batch():  # one transaction, not a commit per group (463 on the ANT corpus)
        for key, e in sorted(named.items()):
            store.add_aliases(e.id, name_groups.members()[key])


def _retype(store: Store, ents: dict[int, _Entity], entity_ids: Iterable[int] | None) -> int:
    ids = None if entity_ids is None else [e for e in entity_ids if e in ents]
    groups = name_groups.groups()
    # the mentions of an entity its lock, group or last word types do not vote (a country's
    # thousands were counted for nothing each round)
    voting = ids and [
        e for e in ids if not (ents[e].locked or ents[e].norm in groups or _tail_type(ents[e].norm))
    ]
    votes = sql.mention_types(store, voting)
    changed = 0
    with store.batch():  # one transaction, not a commit per entity retyped
        for eid in sorted(ents if ids is None else ids):
            e = ents[eid]
            if e.locked:
                continue
            if e.norm in groups:
                new = groups[e.norm][1]
            else:
                new = _tail_type(e.norm) or _voted(votes.get(eid, {}))
                if (new or e.type) == "PERSON":  # منظمة إيتا: no person's name
                    new = fragments.head_type(e.norm) or new
            if new is not None and new != e.type:
                store.update_entity(eid, type=new)
                e.type = new
                changed += 1
    return changed


@cache
def type_tails() -> dict[str, str]:
    """Normalised word → the type of a name it ends (``lexicons/type_tails.tsv``)."""
    return read_word_kinds(LEXICON_DIR / "type_tails.tsv")


def _tail_type(norm: str) -> str | None:
    """داوننغ ستريت: a place; جونسون آند جونسون: an organisation (آند after its first word)."""
    words = norm.split()
    if len(words) < 2:
        return None
    tails = type_tails()
    joined = [tails[w] for w in words[1:-1] if tails.get(w) == "ORGANIZATION"]
    return tails.get(words[-1]) or (joined[0] if joined else None)


def _voted(votes: dict[str, int]) -> str | None:
    total = sum(votes.values())
    if total < TYPE_VOTES:
        return None
    n, etype = max((n, t) for t, n in votes.items())
    return etype if n >= TYPE_SHARE * total else None


def _targets(
    ents: dict[int, _Entity], aliases: list[tuple[str, int]], touched: set[int] | None = None
) -> dict[int, int]:
    """Created entity → the entity it is (one step; chains are followed by the caller): for
    every entity, or only for those ``touched`` and the ones their names relate to."""
    by_norm: dict[str, list[_Entity]] = defaultdict(list)  # every name an entity bears
    by_letters: dict[str, list[_Entity]] = defaultdict(list)  # the name without spaces
    by_skeleton: dict[tuple[str, str], list[_Entity]] = defaultdict(list)
    for norm, eid in aliases:
        if eid in ents and ents[eid] not in by_norm[norm]:
            by_norm[norm].append(ents[eid])
    for e in ents.values():
        if e not in by_norm[e.norm]:
            by_norm[e.norm].append(e)
        by_letters[e.norm.replace(" ", "")].append(e)
        if e.type != "LOCATION":
            by_skeleton[e.type, skeleton(e.norm)].append(e)
    groups = name_groups.groups()
    by_group: dict[str, list[_Entity]] = defaultdict(list)
    for e in ents.values():
        if e.norm in groups:
            by_group[groups[e.norm][0]].append(e)
    parts = _PartIndex(e for e in ents.values() if e.type == "PERSON")
    clubs = _PartIndex((e for e in ents.values() if e.type == "ORGANIZATION"), last_only=True)
    if touched is None:
        sources = list(ents.values())
    else:
        longer: dict[str, list[_Entity]] = defaultdict(list)  # a short name's long ones
        for e in ents.values():
            if e.type == "PERSON":
                for base, _ in name_groups.shorter_names(e.norm):
                    longer[base.replace(" ", "")].append(e)
        near = [by_norm, by_letters, by_skeleton, by_group, longer]
        sources = [ents[i] for i in sorted(_related(touched, ents, *near)) if i in ents]
    out: dict[int, int] = {}
    for e in sources:
        if e.locked:
            continue
        target = (
            _best(by_group[groups[e.norm][0]], e)
            if e.norm in groups
            else _best(by_letters[e.norm.replace(" ", "")], e)  # عبدالفتاح / عبد الفتاح
            or _unglued(e, by_norm)
            or _definite(e, by_norm)
            or _respelt(e, by_skeleton)
            or _headed(e, by_norm)  # before: [الصدر] of مدينة الصدر is no مقتدى الصدر
            or parts.owner(e)
            or (_short_org(e, clubs, by_norm) if e.type == "ORGANIZATION" else None)
        )
        if target is not None and target.rank > e.rank:
            out[e.id] = target.id
    _lineages(sources, ents.values(), by_letters, out)
    return out


def _lineages(
    sources: Iterable[_Entity],
    everyone: Iterable[_Entity],
    by_letters: dict[str, list[_Entity]],
    out: dict[int, int],
) -> None:
    """A person's long name and the same without its initials, family, lineage or middle
    names are one person (محمد بن زايد آل نهيان / محمد بن زايد, سلمان بن عبدالعزيز آل سعود /
    سلمان بن عبد العزيز, دونالد جيه ترامب / دونالد ترامب, عمر حسن البشير / عمر البشير:
    :func:`.name_groups.shorter_names`), the more covered taking the other — unless another
    long name of the short one, which may not be the same person (محمد بن راشد آل مكتوم and
    … آل خليفة, سيف محمد السويدي and سيف علي السويدي: :func:`.name_groups.one_lineage`), is
    in a third of the long one's articles at least (حمد بن جاسم بن حمد, 1 article, does not
    keep حمد بن جاسم بن جبر آل ثاني, 10, from حمد بن جاسم)."""
    # a short name's letters → what its long names say beyond it (name_groups.lineage_marks)
    # and in how many articles
    longer: dict[str, list[tuple[tuple[tuple[str, ...], str, str], int]]] = defaultdict(list)
    shorter: dict[int, list[tuple[str, tuple[tuple[str, ...], str, str]]]] = {}
    for e in everyone:
        if e.type == "PERSON" and (names := name_groups.shorter_names(e.norm)):
            shorter[e.id] = [(base.replace(" ", ""), marks) for base, marks in names]
            for letters, marks in shorter[e.id]:
                longer[letters].append((marks, e.articles))
    for e in sources:
        for letters, mine in shorter.get(e.id, ()):
            short = [c for c in by_letters[letters] if c.type == "PERSON" and c.id != e.id]
            if not short:
                continue
            if len(short) == 1 and not any(
                n * DOMINANCE >= e.articles and not name_groups.one_lineage(mine, marks)
                for marks, n in longer[letters]
            ):
                a, b = sorted((e, short[0]), key=lambda x: x.rank)
                if not a.locked and a.id not in out:
                    out[a.id] = b.id
            break  # the longest short name found decides


def _short_org(e: _Entity, clubs: _PartIndex, by_norm: dict[str, list[_Entity]]) -> _Entity | None:
    """The organisation ``e`` is the last word of, unless that word with the article (or
    ذا) is another one's name: تايمز is التايمز (The Times), not نيويورك تايمز."""
    top = clubs.owner(e)
    if top is None:
        return None
    names = (by_norm.get(prefix + e.norm, ()) for prefix in ("ال", "ذا "))
    return None if {x.id for xs in names for x in xs} - {e.id, top.id} else top


def _headed(e: _Entity, by_norm: dict[str, list[_Entity]]) -> _Entity | None:
    """The entity of ``e``'s name with its head noun left out or written, of its type and in
    ``FEWEST`` articles at least (منظمة غرينبيس / غرينبيس, مدينة حمص / حمص:
    :func:`.name_groups.head_pairs`); the more covered one takes the other. ``e`` itself
    when it bears that name too (الصدر, which took مدينة الصدر: a place, no مقتدى الصدر's
    surname)."""
    cands = [
        c
        for name in name_groups.head_pairs(e.norm, e.type)
        for c in by_norm.get(name, ())
        if c.type == e.type and (c.locked or c.articles >= FEWEST)
    ]
    return max(cands, key=lambda c: c.rank) if cands else None


def _related(
    touched: set[int],
    ents: dict[int, _Entity],
    by_norm: dict[str, list[_Entity]],
    by_letters: dict[str, list[_Entity]],
    by_skeleton: dict[tuple[str, str], list[_Entity]],
    by_group: dict[str, list[_Entity]],
    longer: dict[str, list[_Entity]],
) -> set[int]:
    """The entities a round's own may join or be joined by: each touched one, the names
    it is with a clitic glued on, written without spaces, spelt otherwise, in its group, a
    person's surnames and long names (``longer``: a short name's letters → the persons whose
    long name it shortens) — what makes an incremental pass cost what the round touched."""
    groups = name_groups.groups()
    out: set[int] = set()
    for eid in touched:
        e = ents.get(eid)
        if e is None:
            continue
        out.add(eid)
        first, _, rest = e.norm.partition(" ")
        glued = {_glue(c, first) for c in GLUED} - {None}  # what _unglued takes apart
        names = [f"{g} {rest}".strip() for g in glued] + [e.norm]
        if not rest:  # كويت / الكويت: a name and the same with its article
            names.append(e.norm[2:] if e.norm.startswith("ال") else "ال" + e.norm)
        if e.type == "PERSON":
            words = e.norm.split()
            names += [" ".join(words[-k:]) for k in range(1, len(words))]
        names += name_groups.head_pairs(e.norm, e.type)  # منظمة غرينبيس / غرينبيس
        found = [x for n in names for x in by_norm.get(n, ())]
        found += by_letters.get(e.norm.replace(" ", ""), [])
        found += longer.get(e.norm.replace(" ", ""), [])
        for n in names:
            for etype in ("PERSON", "ORGANIZATION"):
                found += by_skeleton.get((etype, skeleton(n)), [])
        if e.norm in groups:
            found += by_group.get(groups[e.norm][0], [])
        out.update(x.id for x in found)
    return out


def _where(moved: dict[int, int], eid: int) -> int:
    while eid in moved:
        eid = moved[eid]
    return eid


def _respelt(e: _Entity, by_skeleton: dict[tuple[str, str], list[_Entity]]) -> _Entity | None:
    """The entity of the same type (not a place) whose name is another spelling of the
    same words (تشيلسي / تشلسي, سان جيرمان / سان جرمان: ``words_close``)."""
    if e.type == "LOCATION":
        return None
    key = fold(e.norm)
    same = [
        c
        for c in by_skeleton.get((e.type, skeleton(e.norm)), ())
        if c.id != e.id and words_close(key, fold(c.norm)) and _long_words_differ(key, fold(c.norm))
    ]
    return max(same, key=lambda c: c.rank) if same else None


def _long_words_differ(a: str, b: str) -> bool:
    """The words two spellings differ in have five letters or more: حسين and حسن, إكس and
    أياكس are other names, not other spellings."""
    return all(
        x == y or min(len(x), len(y)) >= 5 for x, y in zip(a.split(), b.split(), strict=True)
    )


def _best(cands: list[_Entity], besides: _Entity) -> _Entity | None:
    others = [c for c in cands if c.id != besides.id]
    return max(others, key=lambda c: c.rank) if others else None


def _unglued(e: _Entity, by_norm: dict[str, list[_Entity]]) -> _Entity | None:
    """The entity whose name ``e``'s is with a proclitic glued on (للرياض → الرياض)."""
    first, _, rest = e.norm.partition(" ")
    for clitic in GLUED:
        if not first.startswith(clitic) or len(first) - len(clitic) < 2:
            continue
        bare = first[len(clitic) :]
        if clitic.endswith(("ال", "لل")):
            bare = "ال" + bare
        elif len(bare) < 4 and not rest:
            continue  # كيو is not ك + يو, فارك not ف + أرك (لحزب الله is ل + حزب الله)
        found = _best(by_norm.get(f"{bare} {rest}".strip(), []), e)
        enough = max(GLUE_MARGIN * e.articles, FEWEST)
        if found is not None and (found.locked or found.articles >= enough):
            return found
    return None


def _definite(e: _Entity, by_norm: dict[str, list[_Entity]]) -> _Entity | None:
    """The entity of ``e``'s one-word name with the article, when the news corpus writes it
    with the article at least as often (كويت → الكويت, سودان → السودان), and, for a place,
    has lost it (not جنين / الجنين: ``R.lost_article``)."""
    if R.article_share(e.norm) < ARTICLE_SHARE:
        return None
    found = _best(by_norm.get("ال" + e.norm, []), e)
    if found is None or found.rank <= e.rank:
        return None
    placed = "LOCATION" in (e.type, found.type)
    return found if not placed or R.lost_article(e.norm) else None


def _glue(clitic: str, word: str) -> str | None:
    """``word`` with ``clitic`` glued on as Arabic writes it (ل + الرياض → للرياض), or None
    when the clitic does not go with it (لل before a word without the article)."""
    if clitic.endswith(("ال", "لل")):
        return clitic + word[2:] if word.startswith("ال") else None
    return clitic + word


@lru_cache(maxsize=200_000)
def _short_forms(norm: str, last_only: bool) -> tuple[tuple[str, str], ...]:
    """(fold, skeleton) of the surnames and two-word short names of a person's full name, or
    (``last_only``) of an organisation's last word: those :class:`_PartIndex` indexes it by
    (the pass builds the index three times a round over the same names)."""
    words = norm.split()
    start = R.leading_role_words(words)
    words = words[start:] if start < len(words) else words
    if len(words) < 2:
        return ()
    if last_only and (R.is_nisba(words[-1]) or R.is_role_word(words[-1])):
        return ()  # الأوروبي, الدولي: an adjective, not a short name
    out = []
    for n in range(1, 2 if last_only else len(words)):
        part = words[-n:]
        if words[-n - 1] in CONNECTORS or part[0] in CONNECTORS and n == 1:
            continue  # بن سلمان's سلمان is his father's name
        key = fold(" ".join(part))
        if len(key.replace(" ", "")) >= 3:
            out.append((key, skeleton(" ".join(part))))
    return tuple(out)


class _PartIndex:
    """Surnames (and two-word short names) of persons with a full name → those persons; or,
    with ``last_only``, the last word of organisations' names → those organisations (يونايتد
    is مانشستر يونايتد when that club dominates the others of the name)."""

    def __init__(self, persons: Iterable[_Entity], last_only: bool = False) -> None:
        self.owners: dict[str, list[_Entity]] = defaultdict(list)
        self.by_skeleton: dict[str, set[str]] = defaultdict(set)
        for p in persons:
            if p.articles < 1:
                continue
            for key, skel in _short_forms(p.norm, last_only):
                self.owners[key].append(p)
                self.by_skeleton[skel].add(key)

    def owner(self, e: _Entity) -> _Entity | None:
        """The one person ``e`` is the short form of, if one clearly dominates."""
        words = e.norm.split()
        if not 1 <= len(words) <= 2 or R.is_generic(words) or e.norm in name_groups.groups():
            return None
        key = fold(e.norm)
        keys = {key}
        if e.type == "PERSON" and len(words) == 1 and len(key) >= 5:  # ترمب / ترامب
            close = self.by_skeleton.get(skeleton(e.norm), ())
            keys |= {k for k in close if words_close(key, k)}
        cands = {c.id: c for k in keys for c in self.owners.get(k, ()) if c.id != e.id}
        if not cands:
            return None
        ranked = sorted(cands.values(), key=lambda c: c.rank, reverse=True)
        top = ranked[0]
        second = ranked[1].articles if len(ranked) > 1 else 0
        if top.articles < FEWEST or top.articles < DOMINANCE * second:
            return None
        if e.type != "PERSON" and (
            top.articles < DOMINANCE * e.articles or not top.norm.endswith(" " + e.norm)
        ):  # ليفربول (the club) is no short form of a wrongly cut name, البريج no البريك
            return None
        return top
