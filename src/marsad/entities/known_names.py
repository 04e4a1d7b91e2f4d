"""The names the resolver knows, read from the database by key as it needs them (issue 18).

The resolver looks names up in a dozen indexes: an exact alias, its transliteration fold,
its spelling skeleton, a place's fold and consonants, a person's first names and surnames
(and their skeletons), the fuzzy bucket of a first letter and word count, the words names
start with and are made of. Building them over every alias when a run started cost
3 CPU-s at 100,000 articles and grew with the database. Here each index is two parts:

* what the database held when the resolver (re)loaded — the aliases up to the newest id it
  saw — read by key through ``store.alias_keys`` when first asked and kept until the next
  reload, the keys made here once per norm (:func:`fill`);
* what the resolver added since (the names it created, those other processes created that
  it caught up on), in memory, as it always kept them.

A lookup answers with both, as the index over all of them did: the same entities, the same
fuzzy candidates in the same order. One difference is inherent: what a stored name may be
read as (which of its first words are a title) is decided with the words of every alias
the resolver saw, not only of those read before it.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from marsad.entities import roles as R
from marsad.entities.fuzzy import consonants, fold, fold_place, skeleton
from marsad.entities.given_names import CONNECTORS
from marsad.models import EntityType
from marsad.store import alias_keys as sql
from marsad.store.database import Store

FATHER_LINKS = frozenset({"بن", "ابن", "بنت"})  # what follows is the father's name
CACHE_MAX = 500_000  # keys read from the database kept at most (then read again)
log = logging.getLogger(__name__)


def name_parts(tokens: tuple[str, ...] | list[str]) -> list[tuple[bool, tuple[str, ...]]]:
    """Proper prefixes (True: first names) and suffixes (False: surnames) of a multi-word
    name that can stand for it alone; not what follows بن (the father's name: سلمان بن
    عبدالعزيز ends محمد بن سلمان بن عبدالعزيز, and is his father)."""
    tokens = tuple(tokens)
    out = []
    for n in range(1, len(tokens)):
        for first, part in ((True, tokens[:n]), (False, tokens[-n:])):
            if part[-1] in CONNECTORS or part[0] in CONNECTORS and len(part) == 1:
                continue
            if not first and tokens[-n - 1] in FATHER_LINKS:
                continue  # سلمان بن عبدالعزيز is محمد بن سلمان بن عبدالعزيز's father, not him
            if len("".join(part)) >= 3:
                out.append((first, part))
    return out


def person_parts(norm: str, is_name: Callable[[str], bool]) -> list[tuple[bool, tuple[str, ...]]]:
    """The parts a person's alias stands for, the title it starts with (if any) aside."""
    toks = norm.split()
    start = R.leading_role_words(list(toks), is_name)
    return name_parts(toks[start:] if start < len(toks) else toks)


# ---- keys -----------------------------------------------------------------------------------
def keys(norm: str) -> tuple[tuple, list[tuple[str, str]], list[tuple[str, str, bool, str]]]:
    """(row of ``alias_keys``, rows of ``alias_words``, rows of ``alias_parts``) of a norm.
    Parts are made from every word the name may start at after a title: which words are a
    title depends on what else is known, and is decided when they are read."""
    toks = norm.split()
    key, place = fold(norm), fold_place(norm)
    row = (norm, toks[0], key, skeleton(norm), place, consonants(place), key[:1], len(toks))
    words = [(w, norm) for w in dict.fromkeys(toks)]
    parts = {
        (fold(" ".join(part)), norm, first, skeleton(" ".join(part)))
        for start in range(len(toks))
        for first, part in name_parts(toks[start:])
    }
    return row, words, sorted(parts)


def fingerprint() -> str:
    """Changes when the functions keys are made with give other keys (then made again)."""
    names = ["سيرغي لافروف", "القدس", "عبد الله", "محمد بن سلمان", "ابو بكر البغدادي", "دي ميستورا"]
    probe = [chr(c) for c in range(0x621, 0x64B)] + names
    out = [repr(keys(" ".join(probe[i : i + 3]))) for i in range(0, len(probe), 2)]
    out += [repr(keys(" ".join(names))), *sorted(CONNECTORS)]
    return hashlib.sha1("\n".join(out).encode()).hexdigest()[:16]


def fill(store: Store) -> int:
    """Make the keys of the norms queued since the last fill; how many."""
    sql.check_fingerprint(store, fingerprint())
    norms = sql.pending(store)
    if len(norms) > 20_000:  # a database opened for the first time by this version
        log.info("making the keys of %d stored names (once; ~0.1 ms each)", len(norms))
    for i in range(0, len(norms), 5000):
        made = [keys(n) for n in norms[i : i + 5000] if n.split()]
        sql.write(
            store,
            [m[0] for m in made],
            [w for m in made for w in m[1]],
            [p for m in made for p in m[2]],
            done=norms[i : i + 5000],
        )
    return len(norms)


# ---- the indexes ----------------------------------------------------------------------------
class _Cache(dict):
    """Keys read from the database and their answers."""

    def read(self, key: Any, reader: Callable[[Any], Any]) -> Any:
        try:
            return self[key]
        except KeyError:
            if len(self) >= CACHE_MAX:
                self.clear()
            value = self[key] = reader(key)
            return value


class Listed:
    """An index of lists (an alias's entities, a fuzzy bucket's folds): the database's,
    then what was added since that it does not hold, each once."""

    def __init__(self, reader: Callable[[Any], list]) -> None:
        self.own: dict[Any, list] = defaultdict(list)
        self._reader = reader
        self._base = _Cache()

    def get(self, key: Any, default: Any = None) -> Any:
        base = self._base.read(key, self._reader)
        own = self.own.get(key)
        if own:
            seen = set(base)
            base = base + [x for x in dict.fromkeys(own) if x not in seen]
        return base or default

    def __contains__(self, key: Any) -> bool:
        return bool(self.own.get(key)) or bool(self._base.read(key, self._reader))

    def __getitem__(self, key: Any) -> list:
        return self.get(key, [])


class Grouped:
    """An index of sets: the database's and what was added since."""

    def __init__(self, reader: Callable[[Any], set]) -> None:
        self.own: dict[Any, set] = defaultdict(set)
        self._reader = reader
        self._base = _Cache()

    def get(self, key: Any, default: Any = None) -> Any:
        out = set(self._base.read(key, self._reader))
        own = self.own.get(key)
        if own:
            out |= own
        return out or default

    def __getitem__(self, key: Any) -> set:
        return self.get(key, set())

    def has(self, key: Any, value: Any) -> bool:
        return value in self.own.get(key, ()) or value in self._base.read(key, self._reader)


class Words:
    """A set of words: the database's (asked one word at a time) and those added since."""

    def __init__(self, reader: Callable[[str], bool]) -> None:
        self.own: set[str] = set()
        self._reader = reader
        self._base = _Cache()

    def __contains__(self, word: object) -> bool:
        return word in self.own or self._base.read(word, self._reader)

    def add(self, word: str) -> None:
        self.own.add(word)

    def update(self, words: Iterable[str]) -> None:
        self.own.update(words)


class Types:
    """Entity id → type of every entity with a known alias (``Mapping.get``)."""

    def __init__(self, reader: Callable[[int], str | None]) -> None:
        self.own: dict[int, EntityType] = {}
        self._reader = reader
        self._base = _Cache()

    def seen(self, rows: Iterable[tuple[int, str]]) -> None:
        """Types read with entity ids (an alias's, a fold's entities)."""
        for entity_id, etype in rows:
            self._base.setdefault(entity_id, EntityType(etype))

    def get(self, entity_id: int | None, default: Any = None) -> Any:
        if entity_id is None:
            return default
        found = self.own.get(entity_id)
        if found is None:
            found = self._base.read(entity_id, self._read)
        return default if found is None else found

    def _read(self, entity_id: int) -> EntityType | None:
        etype = self._reader(entity_id)
        return EntityType(etype) if etype is not None else None

    def __getitem__(self, entity_id: int) -> EntityType:
        found = self.get(entity_id)
        if found is None:
            raise KeyError(entity_id)
        return found

    def __contains__(self, entity_id: object) -> bool:
        return self.get(entity_id) is not None  # type: ignore[arg-type]

    def __bool__(self) -> bool:  # never empty: ``types or {}`` keeps it
        return True


class KnownNames:
    """The resolver's indexes over the aliases up to id ``seen`` (read by key) and the names
    indexed since (:meth:`index`)."""

    def __init__(self, store: Store, seen: int) -> None:
        self.read = read = sql.Reader(store, seen)
        self.types = Types(read.entity_type)
        self.by_alias = Listed(self._named)
        self.by_fold = Grouped(self._folded)
        self.by_place = Grouped(read.places)  # fold_place → places
        self.place_keys = Grouped(read.place_names)  # consonants → fold_place
        self.by_part = Grouped(lambda k: self._parts(k, first=False))  # surname → persons
        self.by_first = Grouped(lambda k: self._parts(k, first=True))  # first name(s) → persons
        self.by_skeleton = Grouped(read.skeleton_folds)  # skeleton → folded names
        self.part_skeleton = Grouped(self._part_folds)  # skeleton → folded surnames
        self.buckets = Listed(lambda b: read.bucket(*b))  # (first letter, words) → folds
        self.first_words = Words(read.first_word)
        self.name_words = Words(read.word)
        self._stored_words = _Cache()  # words of the stored aliases only
        self._stored_parts = _Cache()  # norm → its parts, as a stored person's alias

    # ---- reading the database's part ---------------------------------------------------------
    def _named(self, norm: str) -> list[int]:
        rows = self.read.named(norm)
        self.types.seen(rows)
        return [r[0] for r in rows]

    def _folded(self, key: str) -> set[int]:
        rows = self.read.folded(key)
        self.types.seen(rows)
        return {r[0] for r in rows}

    def _stored_name(self, word: str) -> bool:
        """``Resolver._is_name`` over the stored aliases' words."""
        known = self._stored_words.read(word, self.read.word)
        return known and word not in R.heads() and word not in R.qualifiers()

    def _folds_of(self, norm: str) -> dict[bool, set[str]]:
        """The folded parts a stored person's alias stands for (True: first names)."""

        def made(n: str) -> dict[bool, set[str]]:
            out: dict[bool, set[str]] = {True: set(), False: set()}
            for first, part in person_parts(n, self._stored_name):
                out[first].add(fold(" ".join(part)))
            return out

        return self._stored_parts.read(norm, made)

    def _parts(self, key: str, *, first: bool) -> set[int]:
        rows = self.read.parts(key, first=first)
        return {e for norm, part, e in rows if part in self._folds_of(norm)[first]}

    def _part_folds(self, key: str) -> set[str]:
        rows = self.read.parts(key, first=False, skeleton=True)
        return {part for norm, part, _ in rows if part in self._folds_of(norm)[False]}

    # ---- adding ------------------------------------------------------------------------------
    def index(self, norm: str, entity_id: int, etype: EntityType, is_name: Callable) -> None:
        """What ``Resolver._index`` did to its in-memory indexes, for a name added since."""
        if not norm:
            return
        self.types.own[entity_id] = etype
        if entity_id not in self.by_alias.get(norm, ()):
            self.by_alias.own[norm].append(entity_id)
        toks = norm.split()
        self.first_words.add(toks[0])
        self.name_words.update(toks)
        key = fold(norm)
        if etype == EntityType.LOCATION:
            self.by_place.own[fold_place(norm)].add(entity_id)
            self.place_keys.own[consonants(fold_place(norm))].add(fold_place(norm))
        if not self.by_fold.has(key, entity_id):
            self.by_fold.own[key].add(entity_id)
            self.by_skeleton.own[skeleton(norm)].add(key)
            self.buckets.own[(key[:1], len(toks))].append(key)
        if etype == EntityType.PERSON:
            for first, part in person_parts(norm, is_name):
                joined = " ".join(part)
                if first:
                    self.by_first.own[fold(joined)].add(entity_id)
                else:
                    self.by_part.own[fold(joined)].add(entity_id)
                    self.part_skeleton.own[skeleton(joined)].add(fold(joined))
