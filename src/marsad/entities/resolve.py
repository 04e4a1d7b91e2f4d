"""Mention → entity (SPEC §4): one entity per person, organisation or place, however named.

Within an article
  * titles and roles before a name are read as roles ("الرئيس الروسي فلاديمير بوتين",
    "نظيره الأمريكي جون كيري"); the name decides the entity;
  * a short form (surname, first names) that is part of a longer name in the same
    article joins it (سيرغي لافروف … لافروف), unless two names in the article contain it;
  * a role phrase without a name ("الوزير الروسي") joins the article's entity that holds
    (by apposition in the article, or in the KB on the article's day) a matching role;
    otherwise the KB's holder of that role on that day, when there is exactly one; otherwise
    it stays a role and is not counted.
Across the corpus
  * exact alias (normalised, clitics aside) → transliteration fold (:mod:`.fuzzy`) →
    a surname or name part of a known person → rapidfuzz over folded names;
  * where several entities fit (two "الأسد"), one must dominate the context: it shares
    articles with the article's other entities at least ``dominance`` times as often as
    the next; else the mention is left unlinked rather than merged wrongly;
  * an unknown name becomes a new entity (describable later).
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from marsad.arabic.normalise import drops_article, normalise, strip_clitics
from marsad.arabic.tokenise import default_counts
from marsad.entities import known_names, name_groups
from marsad.entities import roles as R
from marsad.entities.fuzzy import consonants, fold, fold_place, place_close, skeleton
from marsad.entities.known_names import CONNECTORS
from marsad.models import Entity, EntityType, Mention
from marsad.ner.landmarks import LANDMARK_HEADS
from marsad.store import edits as sql
from marsad.store import shared
from marsad.store.database import Store, StoredMention

_NOT_IN_NAMES = re.compile(r"[\s_#]+")  # hashtags: #محمد_بن_سلمان, سيرغي #لافروف
ORG_HEADS = ("تنظيم", "منظمه", "حركه", "جماعه")
_NONE = -1  # cached "no candidate"
_HAMZA_FIRST = re.compile(r"[وفبكل]*[أإآ]")  # ألمان, وإلفورد: the letters are not the article
# A one-word name the corpus writes this many times more often with the article is that
# name's entity when it has one (كويت → الكويت), and with twice as many no entity at all
ARTICLE_SHARE = 1.0
NOUN_SHARE = 2.0
CONTEXT_YEARS = 2  # co-occurrence evidence counts from articles this close in time


@dataclass
class _Item:
    """One recognised mention being resolved."""

    index: int
    mention: Mention
    tokens: tuple[str, ...]  # the name (title and clitics removed), normalised
    role: R.RoleSpan | None = None  # set for pure role mentions
    role_words: frozenset[str] = field(default_factory=frozenset)  # a title before the name
    core: tuple[str, ...] = ()  # the name without any title (for short forms)
    entity: int | None = None

    @property
    def norm(self) -> str:
        return " ".join(self.tokens)


class Resolver:
    """Links recognised mentions to entities of the store, creating entities it has not seen."""

    def __init__(self, store: Store, *, fuzzy_cutoff: float = 88.0, dominance: float = 3.0) -> None:
        self.store = store
        self.fuzzy_cutoff = fuzzy_cutoff
        self.dominance = dominance
        self._fuzzy_cache: OrderedDict[str, int] = OrderedDict()
        self._day: str | None = None  # the day of the article being resolved
        self._cooc: OrderedDict[tuple[int, int | None], dict[int, int]] = OrderedDict()
        self._cooc_years: dict[int, set[int | None]] = {}  # entity → its years in _cooc
        self.refresh_seconds = 1.0
        self._context: set[int] = set()  # the other entities of the article being resolved
        self._rechecking = False  # looking a name up again before creating it (PostgreSQL)
        self._checked = time.monotonic()
        self._load()

    def _load(self) -> None:
        """(Re)start the indexes: the store's aliases are read by key as they are needed
        (:mod:`.known_names`: the keys of names stored since the last load are made now),
        its roles read whole."""
        self._version = sql.resolution_version(self.store)
        known_names.fill(self.store)
        self.names = names = known_names.KnownNames(self.store, self._seen())
        self.types = names.types
        self.by_alias = names.by_alias
        self.by_fold = names.by_fold
        self.by_place = names.by_place  # fold_place → places
        self.place_keys = names.place_keys  # consonants → fold_place
        self.by_part = names.by_part  # folded surname → persons
        self.by_first = names.by_first  # folded first name(s) → persons
        self.by_skeleton = names.by_skeleton  # skeleton → folded names
        self.part_skeleton = names.part_skeleton  # skeleton → folded parts
        self.buckets = names.buckets  # (first letter, words) → folded names
        self.first_words = names.first_words
        self.name_words = names.name_words
        self._fuzzy_cache.clear()
        self.roles = R.RoleBook(sql.role_rows(self.store))

    def _seen(self) -> int:
        """The newest alias id the store held when last read (0: none)."""
        return (self._version[0] if self._version else None) or 0

    def refresh(self) -> None:
        """Pick up operator edits and KB loads made since (by this process or another);
        the store is asked at most every ``refresh_seconds``."""
        now = time.monotonic()
        if now - self._checked < self.refresh_seconds:
            return
        self._checked = now
        version = sql.resolution_version(self.store)
        if version == self._version:
            return
        old = self._version
        if not self.store.is_sqlite and old and version[1:] == old[1:] and old[0]:
            self._catch_up(version)  # only new names: other processes' (store/shared.py)
            return
        self._load()

    def _catch_up(self, version: tuple[Any, ...] | None = None) -> bool:
        """Add the names other processes created since this one read them (PostgreSQL,
        store/shared.py) to what this one knows; True if there were any. Not a reload: that
        would forget the forms this one indexed when it created an entity (``_create``),
        which one process analysing everything keeps."""
        version = version or sql.resolution_version(self.store)
        seen = self._version[0] if self._version else None
        if not seen or not version or not version[0] or version[0] <= seen:
            return False
        for norm, entity_id, etype in self.store.alias_table(after=seen):
            self._index(norm, entity_id, EntityType(etype))
        self._version = (version[0], *self._version[1:])
        return True

    # ---- indexes ---------------------------------------------------------------------------
    def _index(self, norm: str, entity_id: int, etype: EntityType) -> None:
        self.names.index(norm, entity_id, etype, self._is_name)

    def _joined(self, tokens: tuple[str, ...]) -> bool:
        """Two names joined by و in one span (روسيا والسعودية, مايكروسوفت وأمازون): a word
        with و after a known name, or before one (a country's name is one: البوسنة والهرسك)."""
        if " ".join(tokens) in name_groups.groups():
            return False
        for i in range(1, len(tokens)):
            word = tokens[i]
            if word.startswith("و") and len(word) > 3:
                after = " ".join((word[1:], *tokens[i + 1 :]))
                if " ".join(tokens[:i]) in self.by_alias or after in self.by_alias:
                    return True
        return False

    def _two_names(self, longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
        """``longer`` is a known person's full name followed by ``shorter``: two people the
        recogniser ran together (تيريزا ماي جيريمي هانت), not one longer name."""
        head = longer[: len(longer) - len(shorter)]
        if len(head) < 2 or len(shorter) < 2 or longer[len(head) :] != shorter:
            return False
        known = self.by_alias.get(" ".join(head), ())
        return any(self.types.get(e) == EntityType.PERSON for e in known)

    def _is_name(self, word: str) -> bool:
        return word in self.name_words and word not in R.heads() and word not in R.qualifiers()

    # ---- public ----------------------------------------------------------------------------
    def resolve(
        self, mentions: list[Mention], text: str | None = None, day: str | None = None
    ) -> list[StoredMention]:
        self._day = day
        self.refresh()
        items = [self._prepare(i, m) for i, m in enumerate(mentions)]
        names = [it for it in items if it.role is None and it.tokens]
        # 1. names that are not part of a longer name in this article (each distinct core
        # compared once: an article repeats its names)
        cores = {it.core for it in names}
        inner = {
            c for c in cores if any(_contains(o, c) and not self._two_names(o, c) for o in cores)
        }
        longs = [it for it in names if it.core not in inner]
        shorts = [it for it in names if it.core in inner]
        context: set[int] = set()
        pending: list[_Item] = []
        for it in longs:
            found = self._exact(it)
            if isinstance(found, int):
                it.entity = found
                context.add(found)
            else:
                pending.append(it)
        for it in pending:
            it.entity = self._lookup(it, context)
            if it.entity is not None:
                context.add(it.entity)
        # 2. short forms join the article's longer name that contains them
        for it in shorts:
            owners = {
                o.entity
                for o in names
                if o.entity is not None and o is not it and _contains(o.core, it.core)
            }
            if it.mention.type == EntityType.LOCATION:  # a place has no short form: القدس is
                owners = set()  # not القدس الشرقية, مدريد not ريال مدريد, إسرائيل not إسرائيل كاتس
            if len(owners) == 1:
                it.entity = owners.pop()
            elif not owners:
                it.entity = self._lookup(it, context)
            if it.entity is not None:
                context.add(it.entity)
        # 3. roles (a role's complement, "الأمين العام للأمم المتحدة", is part of the role)
        found = self._find_roles(items, text)
        pairs = _complements(found, items, text)  # role index → complement item index
        for r, i in pairs.items():  # "الأمين العام" + "للأمم المتحدة": whose office it is
            role = found[r]
            found[r] = replace(role, key=role.key | R.role_key(items[i].norm))
        dropped = set(pairs.values())
        out = [
            StoredMention(
                it.entity,
                it.mention.start,
                it.mention.end,
                it.mention.text,
                it.mention.type.value if it.mention.type else None,
            )
            for it in items
            if it.entity is not None and it.index not in dropped
        ]
        out.extend(self._roles(found, [it for it in items if it.index not in dropped], day, text))
        self._remember(context | {m.entity_id for m in out}, day)
        out.sort(key=lambda m: (m.start, m.end))
        return out

    # ---- preparing a mention ------------------------------------------------------------
    def _prepare(self, index: int, m: Mention) -> _Item:
        toks = normalise(m.text).split()
        if toks and toks[0] not in self.first_words:  # ولافروف → لافروف (only to a known word)
            for reading in strip_clitics(toks[0], self.first_words)[1:]:
                if not self._loses_article(m, toks, reading) and not _a_word(toks[0], reading):
                    toks = [reading, *toks[1:]]
                    break
        n = R.leading_role_words(toks, self._is_name)
        if n == 0 and m.type == EntityType.PERSON and len(toks) >= 3 and R.is_nisba(toks[0]):
            n = 1  # الويلزي غاريث بيل: the adjective of origin is a title, not the name
        item = _Item(index, m, tuple(toks), core=tuple(toks[n:]) if n < len(toks) else ())
        if n == 0 or " ".join(toks) in self.by_alias:
            item.core = item.core or item.tokens
            return item
        role_toks = toks[:n]
        if n == len(toks):  # the whole mention is a role: وزير الخارجية الروسي
            item.role = R.make_span(m.start, m.end, m.text, role_toks)
            item.tokens = item.core = ()
        else:
            item.role_words = R.role_key(" ".join(role_toks))
            item.tokens = tuple(toks[n:])
        return item

    def _loses_article(self, m: Mention, toks: list[str], reading: str) -> bool:
        """A reading that takes the article off a place's name: الجنين (the fetus) is not
        جنين, الجدة (the grandmother) not جدة, بالتيمور not تيمور (``R.lost_article``); an
        organisation or a person may take it (التايمز, الأرسنال). A hamza is no article
        (ألمان, وإلفورد)."""
        if not drops_article(toks[0], reading):
            return False
        if _HAMZA_FIRST.match(m.text):
            return True
        name = " ".join([reading, *toks[1:]])
        return self._placed(m, self.by_alias.get(name, ())) and not R.lost_article(name)

    def _placed(self, m: Mention, entities: Iterable[int]) -> bool:
        """The mention, or one of the entities it may join, is a place."""
        located = m.type == EntityType.LOCATION
        return located or any(self.types.get(e) == EntityType.LOCATION for e in entities)

    # ---- lookups -----------------------------------------------------------------------
    def _exact(self, it: _Item) -> int | None | list[int]:
        """The entity of an exact alias; a list when several entities share it."""
        cands = self.by_alias.get(it.norm)
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0]
        typed = [c for c in cands if self.types.get(c) == it.mention.type]
        return typed[0] if len(typed) == 1 else (typed or cands)

    def _lookup(self, it: _Item, context: set[int]) -> int | None:
        self._context = context
        norm = it.norm
        etype = it.mention.type
        found = self._exact(it)
        if isinstance(found, int):
            return found
        if isinstance(found, list):
            return self._dominant(found, context)
        share = R.article_share(norm) if norm not in name_groups.groups() else 0.0
        if share >= ARTICLE_SHARE:  # كويت is الكويت, سودان السودان: the article was lost
            definite = self.by_alias.get("ال" + norm)
            if definite and (R.lost_article(norm) or not self._placed(it.mention, definite)):
                return self._pick(set(definite), etype, context)
            if share >= NOUN_SHARE:
                return None  # حدودية, ماضي, خميس: a common word, no entity
        group = name_groups.groups().get(norm)
        if group is not None:  # الحوثي: the movement's other names, not عبد الملك الحوثي
            names = name_groups.member_norms()[group[0]]
            cands = {e for name in names for e in self.by_alias.get(name, ())}
            if cands:
                return self._pick(cands, EntityType(group[1]), context)
        if etype == EntityType.LOCATION:  # one letter apart: another place (المنيا, ألمانيا)
            key = fold_place(norm)
            close = [k for k in self.place_keys.get(consonants(key), ()) if place_close(key, k)]
            cands = {e for k in close for e in self.by_place[k]}
            return self._pick(cands, etype, context) if cands else self._new(it)
        for key in (fold(norm), *self._org_variants(norm, etype)):
            cands = self.by_fold.get(key)
            if cands:
                return self._pick(cands, etype, context)
        if etype in (EntityType.PERSON, None) or it.role_words:
            if len(it.tokens) >= 2:  # فلاديمير بوتن is فلاديمير بوتين spelt otherwise, before
                match = self._respelt(norm)  # a longer name containing it (… فلاديمير بوتين)
                if match is not None:
                    return self._pick(self.by_fold[match], etype, context)
            key = fold(norm)
            cands = set(self.by_part.get(key, ()))
            firsts = self.by_first.get(key, set())
            if it.role_words:  # الملك سلمان, الملكة إليزابيث: a first name after a title
                cands, firsts = cands | firsts, set()
            if not cands:  # ترمب ~ ترامب (a known surname, spelt differently)
                close = [
                    k for k in self.part_skeleton.get(skeleton(norm), ()) if words_close(key, k)
                ]
                cands = {e for k in close for e in self.by_part[k]}
            if firsts:  # a first name alone only where the article points to its person:
                found_first = self._dominant(list(cands | firsts), context)  # أوسكار is no
                if found_first is not None or cands:  # ماكدورماند, كاليا no إيليا سليمان
                    return found_first
            elif cands:
                if len(cands) == 1:
                    return next(iter(cands))
                return self._dominant(list(cands), context)
        match = self._fuzzy(norm)
        if match is not None:
            cands = {c for c in self.by_fold[match] if self.types.get(c) != EntityType.LOCATION}
            if cands:
                return self._pick(cands, etype, context)
        return self._new(it)

    def _new(self, it: _Item) -> int | None:
        """A new entity for a name no known one has, unless it is no name."""
        if R.is_generic(it.tokens):  # "الحلف", "العاصمة": a back-reference, not a new entity
            return None
        written = it.mention.text
        if (
            R.is_not_name(it.tokens)
            or R.cut_through_marks(written)
            or R.holds_no_name_word(written)
        ):
            return None  # ريال, نت, الثلاثاء, الأمريكية, منظمة (إس., أنا سعيد: no entity at all
        if self._joined(it.tokens):
            return None  # الولايات المتحدة وكندا, روسيا والسعودية: two names, no third entity
        if self.store.is_sqlite or self._rechecking:
            return self._create(it)
        # PostgreSQL: one process creates an entity at a time, after catching up on the names
        # the others created; if one of them is this name now, it is found as one process
        # analysing everything would find it (store/shared.py)
        with shared.creating_entities(self.store.direct_engine):
            if not self._catch_up():
                return self._create(it)
            self._rechecking = True
            try:
                return self._lookup(it, self._context)
            finally:
                self._rechecking = False

    def _org_variants(self, norm: str, etype: EntityType | None) -> list[str]:
        """تنظيم داعش ↔ داعش: an organisation's generic head word is optional."""
        if etype == EntityType.PERSON:
            return []
        first, _, rest = norm.partition(" ")
        out = []
        if first in ORG_HEADS and rest:
            out.append(fold(rest))
        out.extend(fold(f"{h} {norm}") for h in ORG_HEADS)
        return out

    def _pick(self, cands: set[int], etype: EntityType | None, context: set[int]) -> int | None:
        if len(cands) == 1:
            return next(iter(cands))
        typed = [c for c in cands if self.types.get(c) == etype]
        if len(typed) == 1:
            return typed[0]
        return self._dominant(sorted(typed or cands), context)

    def _respelt(self, norm: str) -> str | None:
        """The folded known name that ``norm`` spells otherwise (same skeleton, each word a
        spelling of the other, ratio ≥ cutoff − 5), if any: cheap, no scan of all names."""
        key = fold(norm)
        same = self.by_skeleton.get(skeleton(norm), ())
        scored = [(fuzz.ratio(key, k), k) for k in same if words_close(key, k)]
        scored = [x for x in scored if x[0] >= self.fuzzy_cutoff - 5]
        return max(scored)[1] if scored else None

    def _fuzzy(self, norm: str) -> str | None:
        """The folded known name closest to ``norm`` (rapidfuzz ratio ≥ cutoff), if any."""
        cached = self._fuzzy_cache.get(norm)
        if cached is not None:
            return None if cached == _NONE else cached  # type: ignore[return-value]
        key = fold(norm)
        best = self._respelt(norm)
        if best is None and len(key) >= 5:
            choices = self.buckets.get((key[:1], key.count(" ") + 1), [])
            hit = process.extractOne(
                key, choices, scorer=fuzz.ratio, score_cutoff=self.fuzzy_cutoff
            )
            if hit is not None and words_close(key, hit[0]):
                best = hit[0]
        self._fuzzy_cache[norm] = best if best is not None else _NONE  # type: ignore[assignment]
        if len(self._fuzzy_cache) > 50_000:
            self._fuzzy_cache.popitem(last=False)
        return best

    # ---- context -------------------------------------------------------------------------
    def _cooc_of(self, entity_id: int, day: str | None = None) -> dict[int, int]:
        """Articles the entity shared with others, within ``CONTEXT_YEARS`` of ``day``:
        evidence from the same period (حافظ الأسد's articles do not vote on 2018's الأسد)."""
        year = int(day[:4]) if day and day[:4].isdigit() else None
        key = (entity_id, year)
        if key in self._cooc:
            self._cooc.move_to_end(key)
            return self._cooc[key]
        if year is None:
            counts = sql.cooccurring(self.store, entity_id)
        else:
            counts = sql.cooccurring(
                self.store,
                entity_id,
                f"{year - CONTEXT_YEARS:04d}-01-01",
                f"{year + CONTEXT_YEARS:04d}-12-31",
            )
        self._cooc[key] = counts
        self._cooc_years.setdefault(entity_id, set()).add(year)
        if len(self._cooc) > 2000:
            (old, old_year), _ = self._cooc.popitem(last=False)
            self._cooc_years[old].discard(old_year)
        return counts

    def _remember(self, entities: set[int], day: str | None) -> None:
        """Articles being stored now count as context for the next ones."""
        year = int(day[:4]) if day and day[:4].isdigit() else None
        for e in entities:
            for y in self._cooc_years.get(e, ()):
                if y is None or year is None or abs(y - year) <= CONTEXT_YEARS:
                    counts = self._cooc[(e, y)]
                    for o in entities:
                        if o != e:
                            counts[o] = counts.get(o, 0) + 1

    def _dominant(self, cands: list[int], context: set[int]) -> int | None:
        """The candidate the article's other entities point to, when one clearly dominates."""
        cands = sorted(set(cands))
        others = context - set(cands)
        if not others:
            return None
        scores = sorted(
            ((sum(self._cooc_of(c, self._day).get(o, 0) for o in others), c) for c in cands),
            reverse=True,
        )
        top, second = scores[0][0], scores[1][0] if len(scores) > 1 else 0
        if top >= 1 and top >= self.dominance * second and top > second:
            return scores[0][1]
        return None

    # ---- roles -----------------------------------------------------------------------------
    def _find_roles(self, items: list[_Item], text: str | None) -> list[R.RoleSpan]:
        found: list[R.RoleSpan] = [it.role for it in items if it.role is not None]
        if text is not None:
            blocked = [(it.mention.start, it.mention.end) for it in items]
            for i, role in enumerate(found):
                end, more = R.words_after(text, role.end, blocked, self._is_name)
                if more:  # [الرئيس] الروسي فلاديمير بوتين: the recogniser cut the role
                    key = role.key | {R.role_word(w) for w in more}
                    role = replace(role, end=end, surface=text[role.start : end], key=key)
                    found[i] = role
                word = R.complement_after(text, role.end, blocked, self._is_name)
                if word is not None:
                    found[i] = replace(role, key=role.key | {R.role_word(word)})
            found.extend(R.find_roles(text, blocked=blocked, is_name=self._is_name))
        found.sort(key=lambda r: r.start)
        return found

    def _roles(
        self, found: list[R.RoleSpan], items: list[_Item], day: str | None, text: str | None
    ) -> list[StoredMention]:
        named = [it for it in items if it.role is None and it.entity is not None]
        if not found:
            return []
        local: dict[int, list[frozenset[str]]] = defaultdict(list)  # roles held in the article
        for it in named:
            if self.types.get(it.entity) != EntityType.PERSON:  # type: ignore[arg-type]
                continue
            if it.role_words:
                local[it.entity].append(it.role_words)  # type: ignore[index]
            local[it.entity].extend(self.roles.held_by(it.entity, day))  # type: ignore[arg-type]
        given = {  # start → the recogniser's role span (the role may have been lengthened)
            it.mention.start: it.mention for it in items if it.role is not None
        }
        named_at: dict[int, int] = {}  # entity → where the article first names it
        for it in named:
            named_at.setdefault(it.entity, it.mention.start)  # type: ignore[arg-type]
        people = sorted(  # (where, who): the persons the article names, in order
            (it.mention.start, it.entity)
            for it in named
            if self.types.get(it.entity) == EntityType.PERSON  # type: ignore[arg-type]
        )
        title_end = text.find("\n") if text is not None else -1
        out = []
        standalone = []
        for role in found:
            follower, commas = _next_name(role, named, text, self.types)
            if follower is not None and R.on_behalf_of_a_holder(role):
                follower = None  # المتحدث باسم رئيسة الوزراء تيريزا ماي: May is not it
            if follower is not None and len(role.key) == 1 and not commas:
                # a bare title that already stands for someone here keeps doing so:
                # "ووجه الملك الرزاز" (the king instructed al-Razzaz) is not apposition
                # (but "وقال النائب، بيتر بون،" is: the commas set the name off)
                bound = {
                    e for e, keys in local.items() if any(R.matches(role.key, k) for k in keys)
                }
                if len(bound) == 1 and follower.entity not in bound:
                    follower = None
            if follower is not None:  # apposition: "وزير الخارجية الروسي سيرغي لافروف"
                if not role.counterpart:
                    local[follower.entity].append(role.key)  # type: ignore[index]
                if role.start in given:  # a recogniser's role span is a mention
                    out.append(StoredMention(follower.entity, *_stored_span(role, given)))
                continue
            standalone.append(role)
        unresolved: list[frozenset[str]] = []
        for attempt in range(2):  # a second pass lets "الرئيس" follow "الرئيس المصري"
            waiting = []
            for role in standalone:
                before = named_at if role.start > title_end else {}  # a headline's role
                holder = self._holder(  # speaks of anyone the article names
                    role, local, unresolved, day, final=attempt == 1, named_at=before
                )
                if holder is not None and before and _another_between(people, holder, role, local):
                    holder = None  # وقال أردوغان … التقى ترامب … وقال الرئيس: which one?
                if holder is None:
                    waiting.append(role)
                    continue
                local[holder].append(role.key)
                out.append(StoredMention(holder, *_stored_span(role, given)))
            if attempt == 0:
                unresolved = [r.key for r in waiting if not _short(r, standalone)]
            standalone = waiting
        return out

    def _holder(
        self,
        role: R.RoleSpan,
        local: dict[int, list[frozenset[str]]],
        unresolved: list[frozenset[str]],
        day: str | None,
        final: bool,
        named_at: dict[int, int],
    ) -> int | None:
        """Who a role mention without a name refers to, if it can be told: a person named
        before it in the article holding the role ("رئيس" after "رئيس المجلس الأوروبي
        دونالد توسك" is not the president named further on), or the KB's holder."""
        if role.counterpart:
            return None  # "نظيره" without a name: whose counterpart is not ours to guess
        holders = {
            e
            for e, keys in local.items()
            if named_at.get(e, -1) < role.start and any(R.matches(role.key, k) for k in keys)
        }
        if len(holders) == 1:
            return holders.pop()
        if holders or not final and len(role.key) < 2:
            return None  # ambiguous in the article, or too short to look up before pass 2
        if any(R.matches(role.key, k) and k != role.key for k in unresolved):
            return None  # "المتحدث" after "المتحدث باسم الخارجية الروسية" (holder unknown)
        kb = {
            r.entity_id
            for r in self.roles.roles
            if day is not None and r.held_on(day) and R.matches(role.key, r.key)
        }
        return kb.pop() if len(kb) == 1 else None

    # ---- new entities ----------------------------------------------------------------------
    def _place_adjective(self, word: str) -> bool:
        """The adjective of a known place (الدمشقي: دمشق) ends a place's written name but is
        not its name (برزة الدمشقي → برزة; not الغوطة الشرقية: no place شرق)."""
        base = _place_base(word)
        return base is not None and any(
            self.types.get(e) == EntityType.LOCATION for e in self.by_alias.get(base, ())
        )

    def _create(self, it: _Item) -> int:
        etype = it.mention.type or EntityType.PERSON
        group = name_groups.groups().get(it.norm)
        if group is not None:  # a country, an organisation: whatever the model said
            etype = EntityType(group[1])
        words = display_form(it.mention.text).split()  # as normalise splits: #محمد_بن_سلمان
        if it.tokens:
            words = _last_words(words, len(it.tokens))
        if etype == EntityType.LOCATION and group is None:  # أبو ديس الفلسطينية → أبو ديس
            while (
                len(words) > 1
                and (_country_word(words[-1], words[-2]) or self._place_adjective(words[-1]))
                and not _no_name(words[:-1])
            ):
                words.pop()
        surface = " ".join(words) if it.tokens else it.mention.text
        surface = surface.strip(" \t\n.,،:؛\"'()«»") or it.mention.text.strip()
        entity_id = self.store.create_entity(Entity(name=surface, type=etype), new=True)
        if self.store.is_sqlite:  # our own change: no reload (on PostgreSQL other
            self._version = sql.resolution_version(self.store)  # processes' may be in it)
        self._index(normalise(surface), entity_id, etype)
        if it.norm != normalise(surface):
            self._index(it.norm, entity_id, etype)
        return entity_id


def _stored_span(role: R.RoleSpan, given: dict[int, Mention]) -> tuple[int, int, str]:
    """(start, end, surface) a role mention is stored with: the recogniser's span where it
    gave one (the role may have been lengthened past it), else the role's own."""
    m = given.get(role.start)
    return (role.start, role.end, role.surface) if m is None else (m.start, m.end, m.text)


def _another_between(
    people: list[tuple[int, int]],
    holder: int,
    role: R.RoleSpan,
    local: dict[int, list[frozenset[str]]],
) -> bool:
    """Whether a person of no known role is named between the holder's last name before a
    bare role and the role (وقال أردوغان … التقى ترامب … وقال الرئيس: either may be
    meant); one known to hold other roles only is no rival (الملك … رئيس الوزراء الرزاز
    … ووجه الملك: the king)."""
    last = max((at for at, who in people if who == holder and at < role.start), default=None)
    return last is not None and any(
        last < at < role.start and who != holder and not local.get(who) for at, who in people
    )


def _place_base(word: str) -> str | None:
    """الدمشقي → دمشق: the place a definite nisba is made from (its guess), or None."""
    norm = normalise(word)
    if not norm.startswith("ال") or len(norm) < 6:
        return None
    for end in ("يه", "ي"):
        if norm.endswith(end):
            return norm[2 : -len(end)]
    return None


def _last_words(words: list[str], n: int) -> list[str]:
    """The written words that make a name's last ``n`` normalised words (the role before it
    left out): a word with a hyphen is two (``مون جونغ-نام`` is three, not ``جونغ-نام``)."""
    out: list[str] = []
    count = 0
    for word in reversed(words):
        if count >= n:
            break
        out.append(word)
        count += max(len(normalise(word).split()), 1)
    return out[::-1]


def _country_word(word: str, before: str) -> bool:
    """A country's adjective, or its one-word name after a word without the article, ends
    a place's written name but is not its name: جدة السعودية → جدة (المملكة العربية
    السعودية keeps its last word)."""
    norm = normalise(word)
    if norm in R.place_nisbas():
        return True
    group = name_groups.groups().get(norm)
    return group is not None and group[1] == "LOCATION" and not normalise(before).startswith("ال")


def _no_name(words: list[str]) -> bool:
    """Words that name nothing by themselves: a head noun and its adjectives, ``شبه``
    ("quasi-") before it (مدينة الكويت, مطار الكويت, الجمهورية الإسلامية الإيرانية, شبه
    الجزيرة الكورية keep their last word; seed 29's page was named الجمهورية الإسلامية, and
    the Korean peninsula's شبه الجزيرة, 314 articles of the whole ANT corpus), a landmark's
    head noun (خليج المكسيك, ner/landmarks.py: not خليج, joined to الخليج)."""
    return all(
        R.is_generic([w]) or R.is_nisba(w) or w == "شبه" or w in LANDMARK_HEADS
        for w in map(normalise, words)
    )


def display_form(surface: str) -> str:
    """A written name as an entity's name shows it: no hashtag marks, single spaces."""
    return " ".join(_NOT_IN_NAMES.sub(" ", surface).split())


@lru_cache(maxsize=100_000)
def _folded(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(fold(w) for w in words)


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    """``shorter`` is a proper prefix or suffix of ``longer`` (folded, word by word)."""
    if not shorter or len(shorter) >= len(longer):
        return False
    f_long, f_short = _folded(longer), _folded(shorter)
    if f_short[-1] in CONNECTORS:
        return False
    n = len(f_short)
    return f_long[:n] == f_short or f_long[-n:] == f_short


def words_close(a: str, b: str) -> bool:
    """Same number of words, each pair a spelling of one word: a different first name is a
    different person, a different word a different ministry (وزارة العمل / العدل)."""
    wa, wb = a.split(), b.split()
    return len(wa) == len(wb) and all(map(_word_variants, wa, wb))


@lru_cache(maxsize=100_000)
def _word_variants(x: str, y: str) -> bool:
    """Two folded words that may spell one name: the same, or (the article aside) the same
    first letter and either long vowels added, dropped or swapped for one another
    (ترامب / ترمب, ناورت / نويرت), or, for words of five letters or more, a long vowel moved
    (أميركا / أمريكا) or one letter for another with a ratio of at least 85 (غوتيريش /
    غوتيريس). Two different words are not: العمل / العدل, السويدية / السودانية, النار /
    النهار, صالح / صلاح and كامل / كمال (a vowel moved in a short word), تشيلي / تشيلسي and
    كورية / جورجيا (a letter added)."""
    if x == y:
        return True
    if x.startswith("ال") and y.startswith("ال"):
        x, y = x[2:], y[2:]
    if not x or not y or x[0] != y[0]:
        return False
    if _two_arabic_names(x, y):
        return False
    if skeleton(x) == skeleton(y):
        short, long = sorted((x, y), key=len)
        letters = iter(long)
        if _vowel_shape(x) == _vowel_shape(y) or all(c in letters for c in short):
            return True
        if len(x) == len(y) >= 5:  # a vowel moved in a longer word: أميركا / أمريكا
            return True
    return len(x) == len(y) >= 5 and fuzz.ratio(x, y) >= 85  # a letter for another


def _two_arabic_names(x: str, y: str) -> bool:
    """Two folded words that spell two Arabic names, not one name twice: a name of three or
    four letters and the name of the pattern فعيل / فعول / مفعول made from it (ي or و
    before the last letter: حسن / حسين, سعد / سعيد, محمد / محمود; بوتن / بوتين, four letters
    and ي, stay one), the patterns فعول and فعيل (و or ي before the last letter: عبود /
    عبيد, سعود / سعيد), a name of three letters and one two letters longer (فرج / فاروق,
    folded فرج / فاروج), عبدالله / عبدالإله. ناورت / نويرت, ترمب / ترامب stay one."""
    short, long = sorted((x, y), key=len)
    n = len(short)
    if n <= 3 and len(long) >= n + 2:
        return True
    if {short, long} == {"عبداللا", "عبدالالا"}:  # folded: the final ه read as ا
        return True
    if (  # فعيل / فعول / مفعول made from the shorter name
        n in (3, 4)
        and len(long) == n + 1
        and long[: n - 1] == short[:-1]
        and long[-1] == short[-1]
        and (long[-2] == "و" or (long[-2] == "ي" and n == 3))
    ):
        return True
    return (
        len(x) == len(y) >= 4
        and x[:-2] == y[:-2]
        and x[-1] == y[-1]
        and {x[-2], y[-2]} == {"و", "ي"}
    )


def _vowel_shape(word: str) -> str:
    return "".join("V" if c in "اوي" else c for c in word)


def _complements(found: list[R.RoleSpan], items: list[_Item], text: str | None) -> dict[int, int]:
    """Organisations and places that complete a role phrase ("الأمين العام للأمم المتحدة",
    "المبعوث الأممي إلى سوريا"): they name the office, not a subject of the article."""
    if text is None or not found:
        return {}
    out: dict[int, int] = {}
    for r, role in enumerate(found):
        for it in items:
            if it.mention.type == EntityType.PERSON or it.role is not None:
                continue
            if it.mention.start < role.end:
                continue
            gap = text[role.end : it.mention.start]
            if len(gap) > 6 or "\n" in gap:
                continue
            between = normalise(gap)
            if (
                (role.directed and between in R.DIRECTED_LINKS)
                or (role.linked and not between)
                or (not between and normalise(it.mention.text).startswith("ل"))
                or between in ("ل", "لل")
            ):
                out[r] = it.index
                break
    return out


def _short(role: R.RoleSpan, others: list[R.RoleSpan]) -> bool:
    return any(o is not role and role.key < o.key for o in others)


def _next_name(
    role: R.RoleSpan, named: list[_Item], text: str | None, types: dict[int, EntityType]
) -> tuple[_Item | None, bool]:
    """The person mention right after a role phrase (apposition), if any, and whether a
    comma sets it off ("الجنرال الإيراني، قاسم سليماني")."""
    for it in named:
        if types.get(it.entity) != EntityType.PERSON or it.role_words:  # type: ignore[arg-type]
            continue
        gap = it.mention.start - role.end
        between = "" if text is None else text[role.end : it.mention.start].strip(" ")
        if 0 <= gap <= 4 and between in ("", "،", ","):
            return it, bool(between)
    return None, False


def _a_word(word: str, reading: str) -> bool:
    """فارك (FARC) is no ف + أرك (Arak, the one entity of that name), كشمير no ك + شمير:
    the word begins with ف, ك or ب and the news corpus writes it as it stands more often
    than without that letter (seed 33: FARC's 9 articles went to Arak's page, which its first
    article had made). Not و nor the article: وسلوفاكيا, a list's last country, is rarer
    written alone in the corpus than glued and still و + سلوفاكيا."""
    counts = default_counts()
    return len(word) == len(reading) + 1 and word[0] in "فكب" and counts[word] > counts[reading]
