"""Names the news confirmed are found again in every article (issue #15: misses).

The recogniser decides one sentence at a time and misses names it has no context for: on
the whole ANT corpus it names إدلب in 17 of the 331 articles that write it, ناسا in 40 of
138, جمال خاشقجي in 288 of 328 (a headline: «قضية جمال خاشقجي»). Names it once guessed are
not looked for in later articles (what an article yields must not depend on what came
before it), so the pages missed those articles whatever the corpus said. This pass, the last
of each global pass, makes a name the news has confirmed a name everywhere:

* **confirmed** — an entity the pipeline created, a person, organisation or place the
  recogniser named in ``FEWEST_ARTICLES`` articles or more, is confirmed under each way it
  wrote it in ``FORM_ARTICLES`` articles or more: for a person, two words at least, no
  title first and no ``بن``/``آل`` (``بن علي`` ends many names); for an organisation or a
  place, not adjectives alone (``الكورية الشمالية``) nor spelled-out letters alone (``بي
  إيه``), and one word only when it reads as a name (the news corpus writes it with the
  article, or without, not both: حمص, not العقبة or الوحدة), is no common or trigger word,
  and the recogniser named it in ``WORD_SHARE`` of the articles with the word at least. A
  name another entity bears too (a knowledge-base entity, or one in two articles or more)
  is nobody's, and so is a name many bodies share, told apart by an adjective of origin
  (``وزارة الخارجية``: the news has ``وزارة الخارجية الروسية`` and ``… الأمريكية``);
* **found again** — every article that writes a confirmed name and does not name its
  entity yet gets a mention of it where no mention stands, untyped (it does not vote on the
  type, and does not count towards confirming): unless a rare word stands right beside it
  (``محمد علي [جعفري]``: the name may go on), a person's name follows a first name or goes
  on with ``بن`` (``محمد [أحمد خليل]``), an organisation's name is followed by ``لل…`` or
  an adjective of origin (``الاتحاد الإسباني للطائفة اليهودية``, ``حزب الشعب الجمهوري``),
  a one-word name has no word before it that announces its kind (``محافظة``, ``في``,
  ``صحيفة``, a quote mark: ``دوما`` is also 'always'), or it reads better as ل + the
  article (``للحج`` is not ل + لحج);
* **no longer confirmed** — when an entity falls under the bar, is merged or loses the
  name, the mentions found again under it go.

The pass keeps the confirmed names (``confirmed_names``) so that a round decides again only
the names of the entities it touched (and the kept names those now bear; of an entity that
had confirmed names and was not merged into, only the ways its new articles write it: a big
entity's every mention is not read again each round), looks for the
names it newly confirmed in the articles that write them and do not name their entity (by
the full-text index), and for every confirmed name in its own new articles. The whole pass
(reprocess, a first ingest, a database from before these rules: ``RULES``) decides every
name and looks everywhere. Either way the mentions found again are those the corpus's
evidence gives, whatever order the articles came in (but for a name whose other bearer a
round did not touch: tests/entities/test_confirmed.py, docs/entities.md).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from collections import Counter, defaultdict, deque
from collections.abc import Container, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache

from sqlalchemy import Connection

from marsad.arabic.normalise import (
    WORD,
    fold_in_place,
    folded_words,
    normalise_word,
    written_pattern,
)
from marsad.arabic.tokenise import default_counts
from marsad.entities import fragments
from marsad.entities import roles as R
from marsad.ner.gazetteer import MAX_NAME_WORDS
from marsad.ner.lexicon import triggers
from marsad.ner.rules import letter_names
from marsad.store import confirmed as sql
from marsad.store import edits
from marsad.store.database import Store
from marsad.store.fragments import Changes, article_count, articles_with_word
from marsad.store.listing import word_forms

RULES = "2"  # change with the rules below: the next pass then decides every name anew
ASSOCIATES = 10  # a name many bodies bear: the entities its entity's news names most
FEWEST_ARTICLES = 5  # articles the recogniser named the entity in
FORM_ARTICLES = 2  # articles it wrote the name that way in
WORD_SHARE = 0.05  # a one-word name: of the articles with the word, the recogniser named it
OTHERS_FEWEST = 2  # another entity in this many articles bearing the name makes it nobody's
RARE = 100  # a word this rare in the news corpus beside a name may be more of the name
TYPES = frozenset({"PERSON", "ORGANIZATION", "LOCATION"})
NASAB_START = frozenset({"بن", "ابن", "بنت", "ال", "ولد"})  # a person's name goes on before


def find_again(
    store: Store,
    entity_ids: Iterable[int] | None = None,
    since: int = 0,
    grown: Iterable[int] = (),
) -> int:
    """Bring the confirmed names up to date and find them again: in every article when
    ``entity_ids`` is None (the whole pass), else for the entities a round touched, in the
    articles after ``since`` (the round's) and, for names newly confirmed, in every article.
    ``grown``: the entities the round merged others into or made whole (their old articles
    changed, so all their names are decided again). Returns how many mentions were found
    again."""
    scope = None if entity_ids is None else set(entity_ids)
    with store.engine.connect() as conn:
        renew = sql.rules_of(conn) != RULES  # a database from before this pass or these rules
    if renew:
        scope = None
    operator = edits.operator_entities(store)
    live = edits.live_entities(store, scope)
    with store.engine.begin() as conn:
        sql.set_rules(conn, RULES)
        before = sql.stored(conn)
        now = _confirmed(conn, before, scope, live, operator, (since, set(grown)))
        changes = Changes()
        for norm, eid in sorted(before.items()):
            if renew or now.get(norm) != eid:  # other rules: found again anew
                sql.drop_found_again(conn, changes, eid, norm)
        new = sql.article_ids_after(conn, since)
        wanted: dict[int, set[str] | None] = {}  # article → names to look for (None: all)
        if scope is None or len(new) * 2 > article_count(conn):  # a first ingest: all anyway
            wanted = dict.fromkeys(sql.article_ids_after(conn, 0))
        else:
            for norm, eid in sorted(now.items()):
                if before.get(norm) != eid:
                    for article in sql.articles_with(conn, norm, eid):
                        wanted.setdefault(article, set()).add(norm)  # type: ignore[union-attr]
            wanted.update(dict.fromkeys(new))
        found = _find(conn, now, wanted) if now and wanted else []
        sql.add_mentions(conn, found)
        sql.store(conn, now, before)
        changes.apply(conn)
    return len(found)


# ---- which names are confirmed ------------------------------------------------------------
def _confirmed(
    conn: Connection,
    before: dict[str, int],
    scope: set[int] | None,
    live: list[tuple[int, str, str, bool, int]],
    operator: set[int],
    round_: tuple[int, set[int]] = (0, set()),
) -> dict[str, int]:
    """Normalised name → entity, for every confirmed name: computed afresh for the ``live``
    entities of ``scope`` (all when None); the others keep what ``before`` says, if alive.
    In a round (``round_``: the newest article before it, the entities that grew by merges),
    an entity that had confirmed names and did not grow keeps them, and only the ways its
    new articles write it are looked at: a big entity's every mention is not read again."""
    kept: dict[str, int] = {}
    candidates = {
        eid: etype
        for eid, _, etype, kb, _ in live
        if not kb and eid not in operator and etype in TYPES
    }
    known: set[int] = set()  # confirmed before, not grown: their new ways of writing only
    if scope is not None:
        since, grown = round_
        owners = set(before.values())
        known = {e for e in candidates if e in owners and e not in grown}
        alive = sql.live_ids(conn, {e for e in owners if e not in scope} | known)
        kept = {n: e for n, e in before.items() if e in alive}
    fresh = [e for e in candidates if e not in known]
    recognised = sql.recognised_articles(conn, fresh)
    candidates = {
        e: t for e, t in candidates.items() if e in known or recognised.get(e, 0) >= FEWEST_ARTICLES
    }
    written = sql.written_forms(conn, [e for e in fresh if e in candidates])
    if known:

        def asked(eid: int, norm: str) -> bool:
            return norm not in kept and _may_confirm(norm, candidates[eid])

        written.update(sql.new_written_forms(conn, known, round_[0], asked))
        recognised.update(sql.recognised_articles(conn, _one_word_writers(written, known)))
    claims: dict[str, set[int]] = defaultdict(set)
    for eid, forms in sorted(written.items()):
        for norm, n in forms.items():
            if n >= FORM_ARTICLES and _may_confirm(norm, candidates[eid]):
                claims[norm].add(eid)
    decide = set(claims)  # a round: also the kept names an entity it touched bears now
    if scope is not None:
        decide |= set(kept) & sql.aliases_of(conn, scope)
    out = dict(kept)
    for norm in sorted(decide):
        owner = kept.get(norm)
        holders = set(claims.get(norm, ())) | ({owner} if owner is not None else set())
        passing = [
            eid
            for eid in sorted(holders)
            if not sql.others_named(conn, norm, eid, OTHERS_FEWEST)
            and (eid == owner or " " in norm or _word_named(conn, norm, recognised[eid]))
        ]
        if passing and _generic(conn, norm):
            passing = []
        if len(passing) == 1:
            out[norm] = passing[0]
        else:  # another entity bears the name too: nobody's
            out.pop(norm, None)
    return out


def _one_word_writers(written: dict[int, Counter[str]], entity_ids: set[int]) -> set[int]:
    """Those of the entities with a new one-word way of writing them (its share of the
    articles with the word needs their articles)."""
    return {e for e in entity_ids if any(" " not in n for n in written.get(e, {}))}


def _generic(conn: Connection, norm: str) -> bool:
    """A name many bodies share, told apart by an adjective of origin: the news has
    entities for it and two such adjectives at least (وزارة الخارجية الروسية / الأمريكية,
    مجلس الأمن الدولي / القومي): which one an article means, the name alone does not say."""
    return sum(R.is_nisba(w) for w in sql.longer_names(conn, norm, OTHERS_FEWEST)) >= 2


def _word_named(conn: Connection, word: str, recognised: int) -> bool:
    """Whether the recogniser named the entity in ``WORD_SHARE`` of the articles with the
    word at least."""
    enough = int(recognised / WORD_SHARE) + 1  # articles with the word: too many
    return articles_with_word(conn, word, cap=enough) < enough


def _may_confirm(norm: str, etype: str) -> bool:
    """Whether a way of writing an entity of ``etype`` may be confirmed as its name."""
    words = norm.split()
    if not words or len(words) > MAX_NAME_WORDS or R.is_not_name(words):
        return False
    if etype == "PERSON":  # not بن علي, آل سعود: the end of a longer name
        return len(words) >= 2 and not R.is_role_word(words[0]) and words[0] not in NASAB_START
    if len(words) >= 2:  # not adjectives alone (الكورية الشمالية: the media, the leadership)
        # nor spelled-out letters alone: بي إيه is a piece of إن بي إيه as often as not
        return not all(R.is_nisba(w) for w in words) and not set(words) <= letter_names()
    word = words[0]
    return _name_like(word) and fragments.joinable(word) and not fragments.bare_head(word)


def _name_like(word: str) -> bool:
    """The news corpus writes the word with the article or without it, not both (حمص,
    الليكود; not العقبة, 'the obstacle', nor الوحدة, 'unity')."""
    counts = default_counts()
    if word.startswith("ال"):
        return counts[word[2:]] <= max(2, counts[word] // 4)
    return counts["ال" + word] <= max(2, counts[word] // 4)


# ---- finding them again ---------------------------------------------------------------------
def _find(
    conn: Connection, names: dict[str, int], wanted: dict[int, set[str] | None]
) -> list[tuple[int, int, int, int, str]]:
    """(article, entity, start, end, surface) of the confirmed names written where no
    mention stands, in the articles ``wanted`` (each: the names to look for, None: all)
    that do not name their entity already, the longest name first where two would overlap.
    The articles are read (:class:`_Scan`) here, or by worker processes when there are
    many (:func:`_scanned`); a name many bodies bear is kept only in its entity's news."""
    types = sql.types_of(conn, set(names.values()))
    people: Container[str] = (
        sql.person_first_words(conn, OTHERS_FEWEST) if "PERSON" in types.values() else set()
    )
    scan = _Scan(names, types, _shared_names(names, types), people)
    near: dict[int, frozenset[int]] = {}  # entity → the entities its news names most
    rows = (
        (article, content, spans, named, wanted[article])
        for article, content, spans, named in sql.texts_and_spans(conn, sorted(wanted))
    )
    out = []
    for article, named, written in _scanned(scan, rows, len(wanted)):
        taken: list[tuple[int, int]] = []
        for norm, start, end, surface in written:
            if norm in scan.shared and not _among(conn, near, names[norm], named):
                continue
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            out.append((article, names[norm], start, end, surface))
    return sorted(out)


Row = tuple[int, str, list[tuple[int, int]], set[int], set[str] | None]
Written = list[tuple[str, int, int, str]]  # (name, start, end, surface), the longest first


class _Scan:
    """What an article writes of the confirmed names, read from its text alone (no
    database: worker processes run it too). A name is looked for with its pattern only in
    the articles whose normalised words hold it (:class:`_Keys`): most articles hold only
    names they name already."""

    def __init__(
        self,
        names: dict[str, int],
        types: dict[int, str],
        shared: set[str],
        people: Container[str],
    ) -> None:
        self.names, self.types, self.shared, self.people = names, types, shared, people
        self.keys = _Keys(names)

    def article(self, row: Row) -> tuple[int, set[int], Written] | None:
        """Where the article (``row``: id, text, its mentions' spans, the entities they
        name, the names to look for or None: all) writes a confirmed name it does not name
        yet, where no mention stands and the name does not go on (:func:`_goes_on`); None
        when nowhere."""
        article, content, spans, named, allowed = row
        in_place = fold_in_place(content)
        words = folded_words(in_place)
        folded = f" {' '.join(words)} "
        if allowed is None:  # every name: those whose keys the article holds
            present = self.keys.held(words, folded)
        else:  # the names asked for: their keys (a pair: two words side by side)
            held = set(words)
            present = {n for n in allowed if self.keys.written(n, held, folded)}
        names = self.names
        looked = [
            n
            for n in present
            if names[n] not in named
            and (n.count(" ") < 2 or _written(self.keys.first(n), words, folded))
        ]
        written: Written = []
        for norm in sorted(looked, key=lambda n: (-len(n), n)):
            for m in _finder(norm).finditer(in_place):
                start, end = m.span("name")
                if any(s < end and start < e for s, e in spans):
                    continue
                if _goes_on(content, start, end, norm, self.types[names[norm]], self.people):
                    continue
                written.append((norm, start, end, content[start:end]))
        return (article, named, written) if written else None


PARALLEL_ARTICLES = 4_000  # a scan of this many articles is shared among the cores
CHUNK = 200  # articles a worker reads at a time
_scan: _Scan | None = None  # the scan forked worker processes run


def _scanned(
    scan: _Scan, rows: Iterable[Row], count: int
) -> Iterator[tuple[int, set[int], Written]]:
    """:meth:`_Scan.article` of every row that writes a name, in row order: here, or —
    ``count`` rows or more, several cores, no other thread — by forked worker processes
    (they inherit the scan, read plain rows and send back what they found; the rows are
    read here, a few chunks ahead, so a large corpus is never held in memory). The whole
    pass on the whole ANT corpus reads 30,000 articles: 9.5 CPU-s on one core."""
    workers = _scan_workers(count)
    if workers <= 1:
        yield from filter(None, map(scan.article, rows))
        return
    global _scan
    _scan = scan
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            running: deque[Future] = deque()
            for chunk in _in_chunks(rows, CHUNK):
                running.append(pool.submit(_scan_chunk, chunk))
                if len(running) >= 2 * workers:
                    yield from running.popleft().result()
            while running:
                yield from running.popleft().result()
    finally:
        _scan = None


def _scan_workers(count: int) -> int:
    """Worker processes for a scan of ``count`` articles: one a core (four at most), none
    for a small scan, where fork is unavailable, or beside other threads (a fork copies
    only the calling thread: a lock another one held would never be released)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if count < PARALLEL_ARTICLES or threading.active_count() > 1:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(4, cores or 1)


def _scan_chunk(rows: list[Row]) -> list[tuple[int, set[int], Written]]:
    assert _scan is not None, "a worker forked without the scan"
    return [found for found in map(_scan.article, rows) if found]


def _in_chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Keys:
    """The confirmed names by what an article's normalised words must hold to write them:
    a one-word name, one of its forms (``word_forms``: with a clitic or not); a two-word
    name, its second word after a form of its first; a longer name, its last two words
    (its first word is checked after, :func:`_written`). The forms are made for the one-word
    names, and for the first words of the others only when an article holds their last word
    (the forms of every name, every round: 157,000 keys of 15,700 names at 100,000
    articles, 0.25 CPU-s). An article searched for a few names only (newly confirmed) is
    asked about those (:meth:`written`)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.forms_of: dict[str, frozenset[str]] = {}  # a first word's forms (محمد …)
        self.single: dict[str, list[str]] = defaultdict(list)  # a form → one-word names
        self.ending: dict[str, list[str]] = defaultdict(list)  # last word → longer names
        self.before: dict[str, dict[str, list[str]]] = {}  # last word → word before → names
        for norm in names:
            words = norm.split()
            if len(words) == 1:
                for form in self.forms(words[0]):
                    self.single[form].append(norm)
            else:
                self.ending[words[-1]].append(norm)

    def forms(self, word: str) -> frozenset[str]:
        forms = self.forms_of.get(word)
        if forms is None:
            forms = self.forms_of[word] = frozenset(word_forms(word))
        return forms

    def first(self, norm: str) -> tuple[frozenset[str], str]:
        """A name's first word's forms, and the rest of the name."""
        first, _, rest = norm.partition(" ")
        return self.forms(first), rest

    def written(self, norm: str, held: set[str], folded: str) -> bool:
        """Whether an article holds a key of the name (``held``: its words, ``folded``:
        them joined by spaces, with one before and after)."""
        words = norm.split()
        if len(words) > 2:
            return f" {words[-2]} {words[-1]} " in folded
        if len(words) == 1:
            return not held.isdisjoint(self.forms(norm))
        return any(f" {form} {words[1]} " in folded for form in self.forms(words[0]))

    def held(self, words: list[str], folded: str) -> set[str]:
        """The names whose key the words (an article's, in order; ``folded``: them joined
        by spaces, with one before and after) hold. A longer name's key is looked up at
        each place its last word stands (found in ``folded``), not at every word."""
        present = set(words)
        out = {n for w in present & self.single.keys() for n in self.single[w]}
        for last in present & self.ending.keys():
            before, key = self._before(last), f" {last} "
            at = folded.find(key)
            while at >= 0:
                space = folded.rfind(" ", 0, at)
                if space >= 0:
                    out.update(before.get(folded[space + 1 : at], ()))
                at = folded.find(key, at + 1)
        return out

    def _before(self, last: str) -> dict[str, list[str]]:
        """The word before ``last`` → the longer names it makes a key of with it: each form
        of a two-word name's first word, a longer name's word before its last."""
        found = self.before.get(last)
        if found is None:
            found = self.before[last] = defaultdict(list)
            for norm in self.ending[last]:
                words = norm.split()
                for word in self.forms(words[0]) if len(words) == 2 else (words[-2],):
                    found[word].append(norm)
        return found


def _shared_names(names: dict[str, int], types: dict[int, str]) -> set[str]:
    """The organisations' names many bodies may bear: a head noun and words (قوات الأمن,
    الحزب الاشتراكي الديمقراطي, مجلس الشيوخ, وزارة الزراعة)."""
    return {
        norm
        for norm, eid in names.items()
        if types.get(eid) == "ORGANIZATION" and fragments.body_name(norm)
    }


def _among(
    conn: Connection, near: dict[int, frozenset[int]], entity_id: int, named: set[int]
) -> bool:
    """Whether an article names one of the entities the entity's own articles name most
    (``ASSOCIATES``, in two articles at least): a name many bodies bear is found again only
    in its entity's news (Germany's SPD beside ألمانيا or ميركل, not Romania's)."""
    if entity_id not in near:
        near[entity_id] = frozenset(sql.associates(conn, entity_id, ASSOCIATES))
    return bool(near[entity_id] & named)


@lru_cache(maxsize=100_000)
def _finder(norm: str) -> re.Pattern[str]:
    """Where a confirmed name is written in raw text, a word to itself, after و ف and ب ك
    (ل too, when the name has no article: ل + الـ is written لل, a word of its own; not ك
    before a name of one word)."""
    clitics = "[وف]?[بك]?" if norm.startswith("ال") else "[وف]?[بلك]?"
    if " " not in norm:  # كنيس (a synagogue) is no ك + نيس: ك before one word, never
        clitics = clitics.replace("ك", "")
    edge = "[\\wـ]"  # a letter, or harakat folded in place
    return re.compile(f"(?<!{edge}){clitics}{written_pattern(norm)}(?!{edge})", re.IGNORECASE)


def _written(first: tuple[frozenset[str], str], words: list[str], folded: str) -> bool:
    """Whether the normalised text (``folded``, its ``words``) writes a name of three words
    or more: its first word, with a clitic or not, then the rest."""
    forms, rest = first
    return any(f" {form} {rest} " in folded for form in forms.intersection(words))


def _goes_on(
    content: str, start: int, end: int, norm: str, etype: str, firsts: Container[str]
) -> bool:
    """Whether the text around a name written at [start, end) may make it another name or no
    name: a rare word beside it (the name may go on), an organisation's name followed by
    ``لل…`` or an adjective of origin (``حزب الشعب [الجمهوري]``), a one-word name without
    a word before it that announces its kind (``محافظة``, ``في``, ``صحيفة``) or quotes
    (``دوما`` is also 'always', ``دمت`` a verb)."""
    counts = default_counts()
    before, after = content[max(0, start - 40) : start], content[end : end + 40]
    glued = re.search(r"\w+$", before)  # a clitic the gazetteer read off (و, ب, لل)
    if glued:
        token = normalise_word(glued.group() + content[start:end])
        one_word = " " not in norm and norm.startswith("ل") and token.startswith("لل")
        if one_word and counts["ال" + token[2:]] > counts[norm]:  # للحج: ل + الحج, not لحج
            return True
        before = before[: glued.start()]
    left = list(WORD.finditer(before))
    gap = before[left[-1].end() :] if left else before
    if left and fragments.GAP.fullmatch(gap) and _rare(left[-1].group()):
        return True
    first = normalise_word(left[-1].group()) if left and fragments.GAP.fullmatch(gap) else ""
    if etype == "PERSON" and first in firsts:  # محمد [أحمد خليل]: a longer name
        return True
    if " " not in norm and not _announced(left[-1].group() if left else "", gap, etype):
        return True
    right = WORD.match(after.lstrip(" \u00a0\u200f\u200e"))
    if right is None or not fragments.GAP.match(after):
        return False
    word = normalise_word(right.group())
    if etype == "ORGANIZATION" and (word.startswith("لل") or R.is_nisba(word)):
        return True
    if etype == "PERSON" and word in NASAB_START:  # [محمد بن سلمان] بن عبد العزيز
        return True
    return _rare(right.group())


def _announced(word: str, gap: str, etype: str) -> bool:
    """Whether the word before a one-word name (``gap`` between them) announces a name of
    its kind: a trigger word of that kind (مدينة, في, وكالة) or an opening quote."""
    if any(q in gap for q in "\"«“'"):
        return True
    kind = {"LOCATION": "L", "ORGANIZATION": "O"}.get(etype, "")
    return bool(fragments.GAP.fullmatch(gap)) and kind in triggers().get(normalise_word(word), "-")


def _rare(surface: str) -> bool:
    word = normalise_word(surface)
    return len(word) >= 2 and word[0].isalpha() and default_counts()[word] < RARE
