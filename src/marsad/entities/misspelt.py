"""A person's page whose name is a much more covered person's name with one consonant of
the surname left out or added is a misspelling of it: ``دونالد تراب`` (1 article) /
``دونالد ترامب`` (3,840), ``ديمتري بيسوف`` / ``بيسكوف``, ``بنيامين نتياهو`` / ``نتنياهو``,
``أفيغدور ليبرلمان`` / ``ليبرمان`` — on the whole ANT corpus 25 such pages, all typos.

Only a consonant of a surname of five letters or more, the first names the same, and the
name written right in ``FEWEST`` articles and ``SHARE`` times as many as the other: a long
vowel or ه is how transliterations differ between names (``الحسيني`` / ``الحسني``, two
families), and short names one letter apart are other names (``حسين`` / ``حسن``).

A letter of the surname written with the dots of its twin (س / ش, ج / ح / خ, ر / ز, ط / ظ:
:func:`dot_twins`) is one person however covered the two pages are: the commonest slip of
the keyboard and the commonest difference of transliteration (``أنطونيو غوتيريش`` 84
articles / ``غوتيريس`` 101, ``غابرييل خيسوس`` / ``جيسوس``, ``حسن روجاني`` / ``روحاني``,
``أحمد أبو الغيظ`` / ``الغيط`` — on the whole ANT corpus 34 such pairs, all one person);
the more covered page takes the other."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from marsad.arabic.normalise import normalise_name
from marsad.store import edits as sql
from marsad.store.database import Store

FEWEST = 20  # articles of the name written right, at least
SHARE = 20  # times the misspelt page's articles, at least
SHORTEST = 5  # letters of the surname, at least
NOT_CONSONANTS = frozenset("اويءئؤه")  # long vowels, hamza seats and ه (ة folded)
CONSONANTS = "بتثجحخدذرزسشصضطظعغفقكلمن"
TWINS = ("بتثن", "جحخ", "دذ", "رز", "سش", "صض", "طظ", "عغ", "فق")  # one shape, other dots
_TWIN = {letter: group for group in TWINS for letter in group}


def consonant_drops(norm: str) -> set[str]:
    """The name with one consonant of its last word left out (a word of ``SHORTEST``
    letters or more; none for a name of one word)."""
    *first, last = norm.split()
    if not first or len(last) < SHORTEST:
        return set()
    kept = " ".join(first)
    return {
        f"{kept} {last[:i]}{last[i + 1 :]}" for i, c in enumerate(last) if c not in NOT_CONSONANTS
    }


def consonant_additions(norm: str) -> set[str]:
    """The name with one consonant more in its last word: the names whose
    :func:`consonant_drops` give it."""
    *first, last = norm.split()
    if not first or len(last) + 1 < SHORTEST:
        return set()
    kept = " ".join(first)
    return {f"{kept} {last[:i]}{c}{last[i:]}" for i in range(len(last) + 1) for c in CONSONANTS}


def dot_twins(norm: str) -> set[str]:
    """The name with one letter of its last word (of ``SHORTEST`` letters or more) written
    with the dots of its twin: ``حسن روحاني`` → ``حسن روجاني``, ``حسن روخاني``, …"""
    *first, last = norm.split()
    if not first or len(last) < SHORTEST:
        return set()
    kept = " ".join(first)
    return {
        f"{kept} {last[:i]}{twin}{last[i + 1 :]}"
        for i, c in enumerate(last)
        for twin in _TWIN.get(c, "")
        if twin != c
    }


def merge_misspelt(
    store: Store, entity_ids: Iterable[int] | None = None
) -> list[tuple[list[int], int]]:
    """Merge the misspelt persons among ``entity_ids`` (or all) — and those that misspell
    a covered person among them, whichever came first — into the persons they misspell;
    returns the merges (sources, target)."""
    wanted = None if entity_ids is None else set(entity_ids)
    rows = sql.live_entities(store, wanted)
    if not any(etype == "PERSON" for _, _, etype, _, _ in rows):
        return []  # a round without a person: nothing to read (every covered person)
    covered = {eid: (normalise_name(name), n) for eid, name, n in sql.persons_in(store, FEWEST)}
    if wanted is not None:  # the misspellings of the covered persons touched, by name,
        spellings = set()  # and the dot twins of every person touched
        for eid, name, etype, _, _ in rows:
            if eid in covered:
                norm = covered[eid][0]
                spellings |= consonant_drops(norm) | consonant_additions(norm)
            if etype == "PERSON":
                spellings |= dot_twins(normalise_name(name))
        rows += sql.live_entities(store, sql.persons_named(store, spellings) - wanted)
    operator = sql.operator_entities(store)
    small = {
        eid: (normalise_name(name), n)
        for eid, name, etype, kb, n in rows
        if etype == "PERSON" and not kb and eid not in operator and n > 0
    }
    exact: dict[str, set[int]] = defaultdict(set)  # a covered person's name → them
    dropped: dict[str, set[int]] = defaultdict(set)  # … with a consonant left out → them
    for eid, (norm, _) in covered.items():
        exact[norm].add(eid)
        for variant in consonant_drops(norm):
            dropped[variant].add(eid)
    joining: dict[int, list[int]] = defaultdict(list)
    persons = {
        eid: (normalise_name(name), n) for eid, name, etype, _, n in rows if etype == "PERSON"
    }
    named: dict[str, set[int]] = defaultdict(set)  # a person's name → them
    for eid, (norm, _) in persons.items():
        named[norm].add(eid)
    for eid, (norm, n) in sorted(small.items()):
        found = set(dropped.get(norm, ())).union(
            *(exact.get(v, ()) for v in consonant_drops(norm))
        ) - {eid}
        if len(found) == 1 and covered[target := found.pop()][1] >= SHARE * n:
            joining[target].append(eid)
            continue
        twins = set().union(*(named.get(v, ()) for v in dot_twins(norm)))
        if len(twins) == 1 and persons[target := twins.pop()][::-1] > (n, norm):
            joining[target].append(eid)  # the more covered (of two alike: the same either way)
    sources = {s for group in joining.values() for s in group}
    groups = [(group, t) for t, group in sorted(joining.items()) if t not in sources]
    sql.merge_groups(store, groups)
    return groups
