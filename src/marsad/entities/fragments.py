"""Names the recogniser cut short or took from a first name, judged from their mentions in
context (issue #15, part of the global pass of :mod:`.consolidate`).

The recogniser decides one sentence at a time, so it sometimes keeps only a piece of a
name: ``[بيونغ] يانغ``, ``مانشستر [سيتي]``, ``فرانس [برس]``, ``بيلو [أوريزانتي]``. Each
piece then becomes an entity of its own, with a page that mixes whatever the piece is part
of. Read across the whole database, such a piece shows itself: most of its mentions stand
next to the same word. This pass looks at the one-word entities the pipeline created:

* **cut names** — when a word stands on the same side of at least ``SHARE`` of a name's
  mentions (``FEWEST`` of them at least) and could be part of a name (not a trigger such as
  مدينة or في, not a title, not a country's adjective), the mentions with it are the longer
  name: they go to the entity that bears it (``[بيونغ] يانغ`` → بيونغ يانغ) with their span
  made whole; where no entity bears it yet, the entity itself takes the longer name
  (``[أوريزانتي]`` → بيلو أوريزانتي) and keeps the mentions without the word (``سيتي`` alone
  is مانشستر سيتي as well, where the article writes the whole name too: not منغ [هونغ]
  وي on Hong Kong's page). Several such words split the mentions among their names
  (``بيونغ`` → بيونغ يانغ, بيونغ تشانغ). A longer name that is no name (``كرة [القدم]``)
  takes the mentions away from any entity. However few they are, the mentions of a
  one-word name written inside the name another entity bears (in ``FEWEST`` articles or
  more) go to it: ``أتلتيكو [مدريد]``, ``الأهلي [جدة]``, ``[ديلي] تلغراف`` leave the city's
  and the fragment's pages, which keep the rest;
* **first names** — a one-word person name that begins the names of ``FIRST_NAMES`` persons
  or more (جون, بشار, خالد) names nobody by itself: each mention goes to the person of
  that first name the same article names, if there is exactly one, and is dropped otherwise;
* **glued lists** — ``ولاتفيا`` is و + ``لاتفيا`` when the news corpus writes the bare word at
  least as often and an entity of that type bears it, whichever is more covered;
* **first letters read as clitics** — ``ب[اقر نوبخت]`` is باقر نوبخت: the same letter (ب ك ف)
  on nearly every mention of a name is the name's own;
* **two names run together** — ``[سيتي بيب غوارديولا]`` of «مدرب سيتي بيب غوارديولا»,
  ``[حماس فوزي برهوم]``: a person's name that is a person's name of two words or more after
  an organisation's or a place's name (in ``FEWEST`` articles or more), or after the surname
  of a person in ``RUN_ON_OWNER`` articles, each ``RUN_ON_SURNAME`` times as covered as the
  persons whose names begin with that word, is the two side by side: the mentions lose the
  first and go to the person;
* **common words** (:func:`drop_common_words`, at the end of the pass) — a one-word name that
  the articles containing the word seldom name (``شبه``, ``الولايات``), or an organisation's
  head noun left without its name (``لحزب``), names nothing: its mentions go.

Entities from the knowledge base or edited by an operator are never changed. The decisions
read only the database's mentions and names, so they do not depend on the order the
articles came in.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Container, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from sqlalchemy import Connection

from marsad.arabic.normalise import (
    GAP,
    WORD,
    normalise,
    normalise_name,
    normalise_word,
    strip_clitics,
)
from marsad.arabic.tokenise import default_counts
from marsad.entities import name_groups
from marsad.entities import roles as R
from marsad.entities.fuzzy import consonants
from marsad.entities.naming import CONJUNCTIONS
from marsad.ner.lexicon import LEXICON_DIR, read_word_kinds, read_word_list, triggers
from marsad.ner.rules import org_heads, weekdays
from marsad.store import edits
from marsad.store import fragments as sql
from marsad.store.confirmed import longer_bodies
from marsad.store.database import Store

SHARE = 0.5  # the words beside a name stand by this share of its mentions, together
GROUP_SHARE = 0.25  # and each of them by this share at least
FEWEST = 3  # mentions with the word, at least
FIRST_NAMES = 2  # persons whose names begin with a one-word person name: a first name
MANY_FIRST = 5  # this many persons: a first name whatever their articles (its own at most:)
MANY_FIRST_ARTICLES = 20
SHARED_SURNAME_ARTICLES = 150  # a one-word name that ends MANY_FIRST persons' names and is
# in this many articles at most names whichever of them its article names (كروز: Ted Cruz,
# Tom Cruise, Penélope Cruz), or nobody
MOST_ARTICLES = 500  # names in more articles than this are not looked at (they are right)
LONGER_ARTICLES = 50  # nor names of two words or more in more articles than this
CUT_SHARE = 0.8  # a longer name that stands by this share of a name's mentions is its own
PERSON_WORD_COMMON = 8_000  # a word this common in the news corpus begins no person's name
# before another (هو 8,573, أمام 10,283; the commonest first name, محمد, 6,230)
NAMED_BESIDE = 50  # articles of a one-word name that is another name beside a person's
STRIP_RATIO = 10  # a word is read without a clitic when that is this many times as common
TITLED = 0.4  # a first name after a title this often is someone's name (الأمير هاري)
HEAD_ARTICLES = 50  # entities in more articles keep the type their mentions vote for
HEAD_SHARE = 0.5  # mentions after a head noun of one type
NAME_WORDS_FEWEST = 3  # a longer name nobody bears takes a word of the names in as many articles
# the first words of Levantine and Iraqi place names, common nouns otherwise ("house", "monastery",
# "village", "spring", "hill", "head", "inn", "mother"): بيت لاهيا, دير حافر, كفر نبل, عين
# ترما, تل رفعت, رأس العين, خان شيخون, أم قصر — a place's name after one is cut short
TOPONYM_HEADS = frozenset({"بيت", "دير", "كفر", "عين", "تل", "راس", "خان", "ام"})
SINGLE_CLITICS = "وفبكل"  # one-letter proclitics
NAME_LETTERS = "بكف"  # of them, those that begin names as well (باول, كيلور, فوليا)
GLUED_SHARE = 0.8  # a name's mentions with the same one of them on their first word
NAME_HEADS = frozenset({"عبد", "ابو", "ابن", "بن", "وادي", "جبل", "نهر", "بحر"})  # after ب: "in"
COMMON = 20_000
WORD_ARTICLES = 100  # a word in this many articles or more
CORPUS_COMMON = 30  # and this many times in the shipped news corpus's word counts
NAME_SHARE = 0.02  # that names the entity in fewer than this share of them is a common word
BRAND_RATIO = 5  # an organisation in this many times the articles of a longer name that
# begins with its name takes its name's bare mentions from it
GENERIC_ORIGINS = 2  # bodies of this many countries bear a name and their adjective of origin
FEWEST_BODY = 2  # each of them in this many articles
# adjectives of kind after a portfolio, not of origin: التعليم العالي, الصحة العامة
PORTFOLIO_KINDS = frozenset({"العالي", "العام", "العامه", "المدنيه"})  # الخدمة المدنية
RUN_ON_SURNAME = 10  # a name's articles, times those of the persons whose names it begins
RUN_ON_OWNER = 100  # articles of the covered person (فريد زكريا, 20: زكريا is a first name)
PARTICLES = frozenset({"دو", "دي", "دا", "فان", "فون", "ديل", "لا", "لو", "ال", "بن", "ابن"})
_QUOTES = re.compile(r"[\s\"'«»“”]+$")  # what stands between a head noun and the name it quotes


@dataclass
class _Mention:
    id: int
    article: int
    start: int
    end: int
    surface: str
    left: tuple[str, int, str] | None = None  # (word's reading, new start, surface before)
    right: tuple[str, int, str] | None = None  # (word's reading, new end, surface after)
    glued: str = ""  # a letter written on the span's first word, read as a clitic (ب[اول])


@dataclass
class _Name:
    id: int
    norm: str
    type: str
    mentions: list[_Mention] = field(default_factory=list)


def repair(store: Store, entity_ids: Iterable[int] | None = None) -> set[int]:
    """Make cut names whole (of one word, or longer names of the long tail), unglue list names
    and drop bare first names, among the entities the pipeline created (of ``entity_ids``, or
    all); returns the entities that changed."""
    operator = edits.operator_entities(store)
    wanted = None if entity_ids is None else set(entity_ids)
    live = edits.live_entities(store, wanted)
    articles = {eid: n for eid, _, _, _, n in live}
    names = {
        eid: _Name(eid, normalise_name(name).strip(), etype)
        for eid, name, etype, kb, n in live
        if not kb
        and eid not in operator
        and n <= (MOST_ARTICLES if " " not in name.strip() else LONGER_ARTICLES)
    }
    if not names:
        return set()
    with store.engine.begin() as conn:  # one transaction; the counts are rebuilt once
        changes = sql.Changes()
        surfaces: dict[str, str] = {}
        for eid, start, end, surface, article, mid, left, right in sql.mention_contexts(
            conn, list(names)
        ):
            written = surfaces.get(surface)
            if written is None:  # a name is written a few ways: each normalised once
                written = surfaces[surface] = normalise(surface).strip()
            norm = names[eid].norm
            if (" " in written) if " " not in norm else (written != norm):
                continue  # الشرق الروسي is not the one word الشرق looked at
            m = _Mention(mid, article, start, end, surface)
            m.left, m.right = _head_unglued(word_before(left, start)), word_after(right, end)
            m.glued = _name_letter(left)
            names[eid].mentions.append(m)
        changed = _first_names(conn, changes, names, articles)
        for name in names.values():
            if name.mentions and name.id not in changed:
                changed |= _unglue(conn, changes, name) or _reglue(conn, changes, name)
        changed |= _run_ons(
            conn, changes, [n for n in names.values() if n.mentions and n.id not in changed]
        )
        words = cache(lambda: sql.name_words(conn, NAME_WORDS_FEWEST))  # read when needed
        for name in names.values():
            if name.mentions and name.id not in changed:
                changed |= _complete(conn, changes, name, words)
        changes.apply(conn)
    return changed


# ---- glued clitics ---------------------------------------------------------------------------
def _unglue(conn: Connection, changes: sql.Changes, name: _Name) -> set[int]:
    """ولاتفيا is و + لاتفيا when the news corpus writes لاتفيا at least as often and an
    entity of that name exists (in lists, "إستونيا ولاتفيا وليتوانيا", the glued form can be
    the more covered one, which the global pass's clitic rule leaves alone): the mentions
    lose the letter and go to it."""
    norm = name.norm
    if norm[:1] not in SINGLE_CLITICS or len(norm) < 5 or " " in norm:
        return set()
    bare = norm[1:]
    counts = default_counts()
    if counts[bare] < max(counts[norm], 1):
        return set()
    target = sql.entity_named(conn, bare, besides=name.id, fewest=FEWEST, etype=name.type)
    if target is None:
        return set()
    spans = [
        (m.id, m.start + 1, m.end, m.surface[1:])
        if normalise_word(m.surface[:1]) == norm[:1]
        else (m.id, m.start, m.end, m.surface)
        for m in name.mentions
    ]
    sql.respan_mentions(conn, changes, name.id, target, spans)
    return {name.id, target}


def _reglue(conn: Connection, changes: sql.Changes, name: _Name) -> set[int]:
    """ب[اول] is باول (Powell), ب[نظير بوتو] بنظير بوتو, ك[يلور نافاس] كيلور نافاس: where
    the same letter stands on the name's first word in ``GLUED_SHARE`` of its mentions
    (``FEWEST`` at least), the tokeniser took the name's first letter for a preposition; a
    preposition does not come before nearly every mention of a name. The mentions take the
    letter back and go to the entity that bears the whole name, or the entity takes it; a
    conjunction may stand before the letter (وب[اير ليفركوزن], وك[ايل ووكر]). Not
    before the article (ب[القصيم] is "in Qassim") or a word that begins many names (ب[عبد
    حمود], ب[وادي النطرون]), nor ل, a preposition names take often (لكارلو تافيكيو, "to Carlo
    Tavecchio")."""
    letters = Counter(m.glued for m in name.mentions if m.glued)
    if not letters or name.norm.startswith("ال"):
        return set()
    letter, n = letters.most_common(1)[0]
    if n < FEWEST or n < GLUED_SHARE * len(name.mentions):
        return set()
    whole = normalise_word(letter) + name.norm
    first = whole.split()[0]
    if R.is_not_name(whole.split()) or default_counts()[first] >= COMMON:
        return set()
    if first[1:] in NAME_HEADS or first[1:] in TOPONYM_HEADS or first[1:] in type_heads():
        return set()
    spans = [
        (m.id, m.start - 1, m.end, m.glued + m.surface) for m in name.mentions if m.glued == letter
    ]
    target = sql.entity_named(conn, whole, besides=name.id, etype=name.type)
    sql.respan_mentions(conn, changes, name.id, target or name.id, spans)
    if target is None:
        sql.rename(conn, name.id, Counter(sp[3] for sp in spans).most_common(1)[0][0])
        return {name.id}
    return {name.id, target}


def _run_ons(conn: Connection, changes: sql.Changes, names: Iterable[_Name]) -> set[int]:
    """«مدرب [سيتي بيب غوارديولا]», «ومؤسس [ويكيميديا جيمي ويلز]»: a person's name of three
    words or more whose last words are another person's name (two words or more, not after a
    particle: إيل [دو فرانس]) and whose first words name something much more covered than the
    persons whose names begin so (:func:`_named_apart`) is two names side by side: its
    mentions lose the first and go to that person. Not «[عباس مصطفى كامل]» (عباس begins
    as many persons' names as محمود عباس ends), nor «[أبو محمد الجولاني]» (a kunya)."""
    found: list[tuple[_Name, int, str, int]] = []  # (name, words of the first, the first, person)
    for name in names:
        words = name.norm.split()
        if name.type != "PERSON" or len(words) < 3 or words[0] in NAME_HEADS | {"ام"}:
            continue
        for k in (1, 2):
            if len(words) - k < 2 or words[k] in PARTICLES or R.is_not_name(words[:k]):
                continue
            rest = " ".join(words[k:])
            person = sql.entity_named(conn, rest, besides=name.id, etype="PERSON")
            if person is not None:
                found.append((name, k, " ".join(words[:k]), person))
    if not found:
        return set()
    apart = _named_apart(conn, {(first, name.id) for name, _, first, _ in found})
    changed: set[int] = set()
    for name, k, first, person in found:
        if name.id in changed or (first, name.id) not in apart:
            continue
        spans = []
        for m in name.mentions:
            cut = [w.start() for w in re.finditer(r"\S+", m.surface)]
            if len(cut) == len(name.norm.split()):
                spans.append((m.id, m.start + cut[k], m.end, m.surface[cut[k] :]))
        if spans:
            sql.respan_mentions(conn, changes, name.id, person, spans)
            changed |= {name.id, person}
    return changed


def _named_apart(conn: Connection, firsts: set[tuple[str, int]]) -> set[tuple[str, int]]:
    """Of (first words, the name they begin), those that name an organisation or a place (in
    ``FEWEST`` articles or more), or are the surname of a person in ``RUN_ON_OWNER`` (one word
    of four letters or more: ترامب, بوتين), in ``RUN_ON_SURNAME`` times the articles of the
    persons whose names begin with their first word — whose first name it is not (عباس:
    محمود عباس 172 articles, عباس عراقجي, عباس كامل … 60; أحمد, زكريا: places' and bodies'
    names too)."""
    named: dict[tuple[str, int], list[int]] = {
        (first, besides): [
            e
            for etype in ("ORGANIZATION", "LOCATION")
            if (e := sql.entity_named(conn, first, besides=besides, fewest=FEWEST, etype=etype))
        ]
        for first, besides in firsts
    }
    begin, end = sql.person_name_words(conn, {first.split()[0] for first, _ in firsts})
    ids = {e for es in named.values() for e in es}.union(*begin.values(), *end.values())
    totals = sql.article_totals(conn, ids)
    out = set()
    for first, besides in firsts:
        owner = max([totals.get(e, 0) for e in named[first, besides]] + [0])
        if " " not in first and len(first) >= 4:
            surname = end.get(first, set()) - {besides}
            if max([totals.get(e, 0) for e in surname] + [0]) >= RUN_ON_OWNER:
                owner = max(owner, sum(totals.get(e, 0) for e in surname))
        begins = begin.get(first.split()[0], set()) - {besides}
        if owner >= FEWEST and owner >= RUN_ON_SURNAME * sum(totals.get(e, 0) for e in begins):
            out.add((first, besides))
    return out


def _name_letter(left: str) -> str:
    """The letter a mention's first word carries that may be its name's first (ب[اول]), after
    a conjunction too (وب[اير ليفركوزن] is و + باير, وك[ايل ووكر] و + كايل); "" if none."""
    if len(left) == 2 and left[0] in CONJUNCTIONS:
        left = left[1]
    return left if len(left) == 1 and left in NAME_LETTERS else ""


# ---- cut names -----------------------------------------------------------------------------
def word_before(context: str, start: int) -> tuple[str, int, str] | None:
    """The word just before a mention (its reading without و ف ب ل ك, the offset where the
    longer name would start, and the text from there to the mention)."""
    found = _last_word(context)
    return None if found is None else (found[0], start - len(found[1]), found[1])


@lru_cache(maxsize=65_536)
def _last_word(context: str) -> tuple[str, str] | None:
    """(reading, text from it to the end) of the last word of ``context`` (a mention's
    words beside it repeat: في, قال, رئيس …)."""
    words = list(WORD.finditer(context))
    if not words or not GAP.fullmatch(context[words[-1].end() :]):
        return None
    word = words[-1]
    norm = normalise_word(word.group()).replace(" ", "")
    reading = _reading(norm)
    cut = len(norm) - len(reading)  # the clitics are the word's first letters
    return reading, context[word.start() + cut :]


def _head_unglued(
    before: tuple[str, int, str] | None,
) -> tuple[str, int, str] | None:
    """لوكالة [الأنباء السعودية]: an organisation's head noun with a preposition glued on is
    read as the head, the longer name starting after the preposition (whole ANT corpus: the
    Saudi agency's page was named الأنباء السعودية, 9 articles)."""
    if before is not None and before[0][:1] in "لبك" and before[0][1:] in org_heads():
        return before[0][1:], before[1] + 1, before[2][1:]
    return before


def word_after(context: str, end: int) -> tuple[str, int, str] | None:
    found = _first_word(context)
    return None if found is None else (found[0], end + len(found[1]), found[1])


@lru_cache(maxsize=65_536)
def _first_word(context: str) -> tuple[str, str] | None:
    """(normalised, text up to its end) of the first word of ``context``."""
    word = WORD.search(context)
    if word is None or not GAP.fullmatch(context[: word.start()]):
        return None
    return normalise_word(word.group()).replace(" ", ""), context[: word.end()]


def _has_clitic(norm: str) -> bool:
    """بولاية, لغينيا, وجزر: the word read without its first letter is as common: a name
    does not go on into a preposition or a conjunction."""
    counts = default_counts()
    return norm[:1] in SINGLE_CLITICS and counts[norm[1:]] >= max(counts[norm], 1)


def _reading(norm: str) -> str:
    """ومانشستر → مانشستر: the word without a conjunction the news corpus says it carries
    (ten times as common without it: not وست, which is وست هام's)."""
    counts = default_counts()
    rest = norm[1:]
    if norm[:1] in "وف" and len(rest) >= 3 and counts[rest] >= STRIP_RATIO * max(counts[norm], 1):
        return rest
    return norm


def joinable(word: str) -> bool:
    """Could ``word`` be part of a name beside another word?"""
    return (
        len(word) >= 2
        and word[0].isalpha()
        and word not in triggers()
        and not R.is_role_word(word)
        and word not in R.generic_nouns()
        and word not in weekdays()
        and not _has_clitic(word)
        and default_counts()[word] < COMMON
    )


def _complete(
    conn: Connection,
    changes: sql.Changes,
    name: _Name,
    name_words: Callable[[], Container[str]],
) -> set[int]:
    total = len(name.mentions)
    sides: Counter[tuple[str, str]] = Counter()
    for m in name.mentions:
        if m.left is not None:
            sides["left", m.left[0]] += 1
        if m.right is not None:
            sides["right", m.right[0]] += 1
    groups = []  # (mentions, side, word, the longer name, who bears it)
    for (side, word), n in sides.items():
        headed = side == "left" and (
            (word in org_heads() and _described(name))
            or (name.type == "LOCATION" and word in TOPONYM_HEADS)  # بيت [لاهيا]
        )
        joined = f"{word} {name.norm}" if side == "left" else f"{name.norm} {word}"
        if n >= FEWEST and not (joinable(word) or headed):
            headed = _cut_nearly_everywhere(conn, name, side, word, joined)
        if n < FEWEST or not (joinable(word) or headed):
            continue
        club = _club_before(conn, name, side, word)
        if club is not None:  # أياكس [أمستردام]: the club's name, whatever the city's
            groups.append((n, side, word, joined, club))
            continue
        if n < GROUP_SHARE * total:  # a few: only a one-word name, into the name an
            inside = (
                " " not in name.norm
                and word in name_words()
                and sql.entity_named(conn, joined, besides=name.id, fewest=FEWEST)
            )
            if inside:  # entity bears (أتلتيكو [مدريد]: the club's, whatever the city's)
                groups.append((n, side, word, joined, inside))
            continue
        target = sql.entity_named(conn, joined, besides=name.id)
        if target is not None or R.is_not_name(joined.split()) or headed:
            groups.append((n, side, word, joined, target))  # حكومة [الوفاق الوطني]: the head
        elif word in name_words() and (  # not أعلنت [بيونغ]: no name's word; a longer name
            " " not in name.norm  # only where an entity bears it (not الأمم المتحدة [داني
            or _cut_nearly_everywhere(conn, name, side, word, joined)  # دانون]) or
        ):  # where the word stands by it nearly everywhere ([جونز لانج] لاسال)
            groups.append((n, side, word, joined, target))
    groups.sort(key=lambda g: (g[4] is None, -g[0], g[1], g[2]))
    owned: dict[int, tuple[str, str]] = {}  # mention id → the group that takes it
    for _, side, word, _, _ in groups:
        for m in name.mentions:
            near = m.left if side == "left" else m.right
            if m.id not in owned and near is not None and near[0] == word:
                owned[m.id] = (side, word)
    if len(owned) < SHARE * total:  # the name stands mostly alone: it stays, but the
        # mentions inside another entity's name go to it (أتلتيكو [مدريد], ريال [مدريد])
        groups = [g for g in groups if g[4] is not None]
        owned = {m: g for m, g in owned.items() if any(g == (x[1], x[2]) for x in groups)}
        if not owned:
            return set()
    changed = {name.id}
    by_group: dict[tuple[str, str], list[_Mention]] = defaultdict(list)
    for m in name.mentions:
        if m.id in owned:
            by_group[owned[m.id]].append(m)
    renamed = False
    first_target: int | None = None
    for _, side, word, joined, target in groups:
        moved = by_group.get((side, word))
        if not moved:
            continue
        spans = [_whole(m, side) for m in moved]
        if R.is_not_name(joined.split()):  # كرة القدم: no name at all
            sql.drop_mentions(conn, changes, name.id, [m.id for m in moved])
            continue
        if target is None and not renamed:  # the entity itself is the longer name
            sql.respan_mentions(conn, changes, name.id, name.id, spans)
            sql.rename(conn, name.id, Counter(s[3] for s in spans).most_common(1)[0][0])
            renamed = True
            continue
        if target is None:  # a second longer name nobody bears: they stay as they are
            continue
        sql.respan_mentions(conn, changes, name.id, target, spans)
        changed.add(target)
        first_target = first_target or target
    whole = {m.article for m in name.mentions if m.id in owned}  # articles with the name whole
    rest = [m for m in name.mentions if m.id not in owned]
    if not renamed and first_target is not None and rest and len(rest) * 3 <= total:
        sql.respan_mentions(  # the few without the word are the same name, written short,
            conn,  # where their article writes it whole too (not منغ [هونغ] وي, elsewhere)
            changes,
            name.id,
            first_target,
            [(m.id, m.start, m.end, m.surface) for m in rest if m.article in whole],
        )
    return changed


def _cut_nearly_everywhere(
    conn: Connection, name: _Name, side: str, word: str, joined: str
) -> bool:
    """A name of two words or more the recogniser cut short: ``word`` stands on the same side
    of ``CUT_SHARE`` of its mentions, and the longer name is an entity's (``[عبدالله صالح]``
    after علي, ``[حزب الشعوب] الديمقراطي``: a nisba or a common word), or an organisation's
    head noun stands before a person's name (``قوات [صلاح الدين الأيوبي]``, ``مركز [والتر
    ريد]``: the longer name is a body's), or the word could be part of the name (a word of
    other names, :func:`joinable`, in no other mention in most articles: ``[جونز لانج] لاسال``,
    ``رزان [أشرف النجار]``; not ``[حكومة الوفاق الوطني] [فايز السراج]``) — but not a title
    or an adjective of origin before it (اللواء الركن, الإستونية), a particle after it, a
    name a preposition is glued to, another word before an organisation (its head noun is no
    part of the name: ``شركة [أبل الأمريكية]`` stays Apple's), nor before or after a person's
    name the name of someone or something in ``NAMED_BESIDE`` articles (مفتي مصر [شوقي علام],
    [محرم إنجة منافس] أردوغان: two names side by side), nor before it a word with the article
    or a common word (``PERSON_WORD_COMMON`` in the news corpus): الأمم المتحدة [داني دانون],
    هو."""
    near = [m.left if side == "left" else m.right for m in name.mentions]
    beside = [m for m, w in zip(name.mentions, near, strict=True) if w is not None and w[0] == word]
    first = name.norm.split()[0]
    glued = first.startswith("لل") or _unglued(first, org_heads()) not in (None, first)
    if " " not in name.norm or len(beside) < CUT_SHARE * len(name.mentions) or glued:
        return False  # [لمنظمة التحرير] الفلسطينية: the bare name takes it (consolidate: clitics)
    if side == "left" and (R.is_role_word(word) or word in R.generic_nouns() - org_heads()):
        return False
    if sql.entity_named(conn, joined, besides=name.id) is not None:
        return True
    if word in org_heads():
        return side == "left" and name.type == "PERSON"
    if not joinable(word) or side == "left" and name.type == "ORGANIZATION":
        return False
    if side == "right" and word in PARTICLES:
        return False  # [عبد العزيز بن عبد الله] آل …: the name goes on past it
    common = word.startswith("ال") or default_counts()[word] >= PERSON_WORD_COMMON
    if side == "left" and name.type == "PERSON" and common:
        return False
    if name.type == "PERSON" and sql.entity_named(conn, word, besides=name.id, fewest=NAMED_BESIDE):
        return False
    spans = [(m.article, *_word_span(m, side)) for m in beside]
    return sql.in_mentions(conn, spans) * 2 < len(spans)  # not [حكومة الوفاق الوطني] فايز السراج


def _word_span(m: _Mention, side: str) -> tuple[int, int]:
    """Where the word beside a mention stands in its article's text."""
    if side == "left":
        assert m.left is not None
        return m.left[1], m.start
    assert m.right is not None
    return m.end, m.right[1]


def _club_before(conn: Connection, name: _Name, side: str, word: str) -> int | None:
    if side != "left" or name.type != "LOCATION" or " " in name.norm:
        return None
    return club_written_before(conn, name.id, name.norm, word)


def club_written_before(conn: Connection, place: int, norm: str, word: str) -> int | None:
    """The organisation of one word (``FEWEST`` articles or more) whose name stands before a
    one-word place's, when no entity bears the two together: ``أياكس [أمستردام]`` is Ajax,
    written in full (also read by :mod:`.senses`: Ajax's mentions are no "club" of the city's)."""
    if sql.entity_named(conn, f"{word} {norm}", besides=place) is not None:
        return None  # أتلتيكو مدريد: the entity of the whole name takes them
    return sql.entity_named(conn, word, besides=place, fewest=FEWEST, etype="ORGANIZATION")


def _described(name: _Name) -> bool:
    """An organisation named by a common noun and an adjective (الوفاق الوطني, التنمية
    الدولية, الدفاع المدني): without the head noun before it (حكومة, وزارة, جهاز) it names
    nothing, unlike a proper name the head only describes (شركة سيمنز, صحيفة ليبراسيون)."""
    words = name.norm.split()
    return (
        name.type == "ORGANIZATION"
        and len(words) >= 2
        and words[0].startswith("ال")
        and R.is_nisba(words[-1])
    )


def _whole(m: _Mention, side: str) -> tuple[int, int, int, str]:
    """(mention id, start, end, surface) of the mention with the word beside it."""
    if side == "left":
        assert m.left is not None
        return m.id, m.left[1], m.end, m.left[2] + m.surface
    assert m.right is not None
    return m.id, m.start, m.right[1], m.surface + m.right[2]


# ---- types from head nouns ---------------------------------------------------------------------
@cache
def type_heads() -> dict[str, str]:
    """Normalised head noun → the type of the names after it (``lexicons/type_heads.tsv``)."""
    return read_word_kinds(LEXICON_DIR / "type_heads.tsv")


def retype_by_heads(store: Store, entity_ids: Iterable[int] | None = None) -> int:
    """An entity of the long tail (``HEAD_ARTICLES`` articles at most) whose mentions mostly
    (``HEAD_SHARE``, and ``FEWEST`` of them at least) follow head nouns of one type takes that
    type: ``ملعب [ثاني بن جاسم]`` is a place, ``صحيفة [شارلي إيبدو]`` an organisation, whatever
    the recogniser called them; returns how many changed."""
    operator = edits.operator_entities(store)
    wanted = None if entity_ids is None else set(entity_ids)
    heads = type_heads()
    types = {
        eid: etype
        for eid, name, etype, kb, n in edits.live_entities(store, wanted)
        if not kb
        and eid not in operator
        and 0 < n <= HEAD_ARTICLES
        and not _headed(normalise_name(name), heads)
    }
    if not types:
        return 0
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    total: Counter[int] = Counter()
    changed = 0
    with store.engine.begin() as conn:
        for eid, start, _, _, _, _, left, _ in sql.mention_contexts(conn, list(types)):
            total[eid] += 1
            before = word_before(_QUOTES.sub(" ", left), start)  # شركة "لوكهيد مارتن"
            if before is not None:
                word = before[0]
                head = _unglued(word, heads)
                if head is not None:
                    votes[eid][heads[head]] += 1
        for eid, counted in sorted(votes.items()):
            etype, n = max(counted.items(), key=lambda kv: (kv[1], kv[0]))
            if n >= FEWEST and n >= HEAD_SHARE * total[eid] and etype != types[eid]:
                sql.set_type(conn, eid, etype)
                changed += 1
    return changed


def head_type(norm: str) -> str | None:
    """The type a name's first word gives it when that word is a head noun (``منظمة إيتا``,
    ``حزب الخضر``: organisations; ``شارع الحمراء``: a place; ``دولة الإمارات``: a place): a
    name that begins so is no person's, whatever the recogniser called its mentions."""
    words = norm.split()
    if len(words) < 2 or R.is_head(words[0]):  # اللواء الشهري: a title, not لواء (a brigade)
        return None
    heads = type_heads()
    if words[0] in heads:
        return heads[words[0]]
    if words[0] == _STATE:
        return "LOCATION"
    return "ORGANIZATION" if words[0].removeprefix("ال") in org_heads() else None


_STATE = normalise("دولة")  # دولة قطر; الدولة الإسلامية is an organisation


def _headed(norm: str, heads: dict[str, str]) -> bool:
    """جامعة الملك سعود: a name that begins with a head noun carries its own type."""
    first = norm.split()[0].removeprefix("ال") if norm.split() else ""
    return first in heads or first in org_heads()


# ---- common words -------------------------------------------------------------------------
def drop_common_words(store: Store, entity_ids: Iterable[int] | None = None) -> set[int]:
    """One-word names the pipeline created that stand for a common word: the articles that
    contain the word (``WORD_ARTICLES`` at least) name the entity in fewer than
    ``NAME_SHARE`` of them (شبه, بلاده, الولايات, فيلم: the recogniser took the word for a
    name a few times in hundreds), or the head noun of an organisation's name without its
    article (لحزب: the name that followed was lost). Their mentions go; returns the
    entities emptied."""
    operator = edits.operator_entities(store)
    wanted = None if entity_ids is None else set(entity_ids)
    dropped: set[int] = set()
    live = edits.live_entities(store, wanted)
    with store.engine.begin() as conn:
        changes = sql.Changes()
        for eid, name, etype, kb, n in live:
            if kb or eid in operator or n < 1:
                continue
            norm = normalise_name(name).strip()
            if R.is_not_name(norm.split()):  # المنظمة الدولية: a description, no name
                sql.drop_entity_mentions(conn, changes, eid)
                dropped.add(eid)
                continue
            if " " in norm:
                continue
            common = _common_twin(conn, eid, norm, etype, n)
            if (
                common is not None
                and common not in operator
                and not _after_place_head(conn, common)
            ):
                sql.drop_entity_mentions(conn, changes, common)
                dropped.add(common)
                continue
            if n > MOST_ARTICLES:
                continue
            if default_counts()[norm] < CORPUS_COMMON and not bare_head(norm):
                continue  # rare in the news corpus: no common word (and no index query)
            enough = max(WORD_ARTICLES, n * round(1 / NAME_SHARE) + 1)  # articles: common
            if bare_head(norm) or sql.articles_with_word(conn, norm, cap=enough) >= enough:
                sql.drop_entity_mentions(conn, changes, eid)
                dropped.add(eid)
        changes.apply(conn)
    return dropped


def _common_twin(conn: Connection, eid: int, norm: str, etype: str, n: int) -> int | None:
    """Of a place and the same word with the article (جنين / الجنين the fetus, جدة / الجدة
    the grandmother, مشهد / المشهد the scene), the one with the article when the place's
    name has not lost it (``R.lost_article``): a common noun the recogniser took for the
    place. Looked at from either side, whichever a round touched."""
    if etype != "LOCATION":
        return None
    if norm.startswith("ال"):
        bare = norm[2:]
        if R.lost_article(bare):
            return None
        place = sql.entity_named(conn, bare, besides=eid, fewest=FEWEST, etype=etype)
        return None if place is None else eid
    if n < FEWEST or R.lost_article(norm):
        return None
    return sql.entity_named(conn, "ال" + norm, besides=eid, fewest=1, etype=etype, kb=False)


def _after_place_head(conn: Connection, entity_id: int) -> bool:
    """Whether a mention of the entity follows a place's head noun (بمدينة [الجبيل]: Jubail,
    not Byblos's name with the article)."""
    heads = type_heads()
    for _, start, _, _, _, _, left, _ in sql.mention_contexts(conn, [entity_id]):
        before = word_before(_QUOTES.sub(" ", left), start)
        head = None if before is None else _unglued(before[0], heads)
        if head is not None and heads[head] == "LOCATION":
            return True
    return False


def _unglued(word: str, known: Collection[str]) -> str | None:
    """``word``, or ``word`` without a one-letter clitic (وحزب, لصحيفة), if ``known`` has it."""
    if word in known:
        return word
    rest = word[1:]
    return rest if word[:1] in SINGLE_CLITICS and rest in known else None


def bare_head(norm: str) -> bool:
    """لحزب, حزب, بوزارة: the head noun of an organisation's name without the article (the
    recogniser kept it and lost the name that followed), a preposition glued on or not."""
    return _unglued(norm, org_heads()) is not None


def generic_bodies(store: Store, entity_ids: Iterable[int] | None = None) -> set[int]:
    """A body's name that bodies of several countries bear (``وزارة الداخلية``, ``البنك
    المركزي``: the news has entities for it with adjectives of origin, ``GENERIC_ORIGINS`` of
    them at least, each in ``FEWEST_BODY`` articles; a ministry or a body every country has,
    named without its country: ``وزارة الزراعة``, ``الحرس الوطني``) names no one body by
    itself: each of its mentions goes to the one of those its article names (``وزارة الداخلية المصرية`` … then
    ``وزارة الداخلية``) and is dropped where the article names none or several, as a title
    is. A round also looks at the bare name of the bodies it touched. Returns the entities
    that changed."""
    operator = edits.operator_entities(store)
    wanted = None if entity_ids is None else set(entity_ids)
    live = edits.live_entities(store, wanted)
    changed: set[int] = set()
    with store.engine.begin() as conn:
        changes = sql.Changes()
        bare: dict[int, str] = {}
        for eid, name, etype, kb, n in live:
            norm = normalise_name(name).strip()
            if etype != "ORGANIZATION" or not body_name(norm):
                continue
            if not kb and eid not in operator and n >= 1:
                bare[eid] = norm
            words = norm.split()
            if wanted is not None and len(words) > 1 and words[-1] in R.place_nisbas():
                shorter = " ".join(words[:-1])  # وزارة الداخلية المصرية → وزارة الداخلية
                other = sql.entity_named(conn, shorter, besides=eid, fewest=1, kb=False)
                if other is not None and other not in operator and body_name(shorter):
                    bare[other] = shorter
        for eid, norm in sorted(bare.items()):
            bodies = {
                other
                for word, other in longer_bodies(conn, norm, FEWEST_BODY)
                if word in R.place_nisbas() and other != eid
            }
            if len(bodies) >= GENERIC_ORIGINS or _every_country(norm):
                changed |= {eid} | sql.give_to_named(conn, changes, eid, bodies)
        changes.apply(conn)
    return changed


def bare_brands(store: Store, entity_ids: Iterable[int] | None = None) -> set[int]:
    """An organisation's name written alone on the page of a longer name that begins with it
    (``غوغل`` on غوغل إيرث's, ``فيسبوك`` on فيسبوك ماسنجر's, ``ليفربول`` on ليفربول إيكو's,
    ``الاتحاد الأوروبي`` on الاتحاد الأوروبي للتجارة's): within an article a short form joins
    the longer name, as a surname does, but a short name that an organisation bears in
    ``BRAND_RATIO`` times as many articles is that organisation's. The whole longer name is
    that organisation where the rest describes it (:func:`_all_of_it`) and the organisation
    is in as many articles at least (``إنترفاكس للأنباء``, 16 articles, is إنترفاكس's, 70).
    Not where a body's name goes on with ل (``الاتحاد الأوروبي لكرة القدم``, ``الاتحاد الدولي للسيارات``: there
    the bare name is the body's short form). Of the created organisations among
    ``entity_ids`` (or all); returns the entities that changed."""
    operator = edits.operator_entities(store)
    wanted = None if entity_ids is None else set(entity_ids)
    longer: dict[int, tuple[list[str], int]] = {}
    for eid, name, etype, kb, n in edits.live_entities(store, wanted):
        words = normalise_name(name).split()
        if etype == "ORGANIZATION" and not kb and eid not in operator and n and len(words) > 1:
            longer[eid] = words, n
    changed: set[int] = set()
    with store.engine.begin() as conn:
        changes = sql.Changes()
        owners: dict[int, dict[str, int]] = {}  # longer name → its bare beginnings' owners
        whole: dict[int, int] = {}  # longer name → the organisation all of it names
        for eid, (words, n) in longer.items():
            for k in range(1, len(words)):
                short = " ".join(words[:k])
                if words[k].startswith("ل") and body_name(short):  # لكرة القدم: the body's
                    break  # own complement
                owner = sql.entity_named(
                    conn,
                    short,
                    besides=eid,
                    fewest=max(FEWEST, BRAND_RATIO * n),
                    etype="ORGANIZATION",
                )
                described = False  # less covered than the name it describes: إنترفاكس
                if owner is None and _describes(words, k):  # للأنباء (16 articles, 70)
                    owner = sql.entity_named(
                        conn, short, besides=eid, fewest=max(FEWEST, n), etype="ORGANIZATION"
                    )
                    described = owner is not None and _all_of_it(conn, words, k, owner)
                    owner = owner if described else None
                if owner is None or owner in operator:
                    continue
                owners.setdefault(eid, {})[short] = owner
                if described or _all_of_it(conn, words, k, owner):
                    whole[eid] = owner
        mentions = sql.entity_mentions(conn, sorted(owners)) if owners else []
        shorts = {eid: frozenset(found) for eid, found in owners.items()}
        moves: dict[tuple[int, int], list[int]] = defaultdict(list)
        for eid, mid, _, surface in mentions:
            if eid in whole:
                moves[eid, whole[eid]].append(mid)
                continue
            written = normalise(surface).strip()
            for reading in strip_clitics(written, shorts[eid]):
                if reading in owners[eid]:
                    moves[eid, owners[eid][reading]].append(mid)
                    break
        for (eid, owner), mids in sorted(moves.items()):
            sql.move_mentions(conn, changes, eid, owner, mids)
            changed |= {eid, owner}
        changes.apply(conn)
    return changed


def _all_of_it(conn: Connection, words: list[str], k: int, owner: int) -> bool:
    """Whether a longer name, the name of ``owner`` in its first ``k`` words, is ``owner``
    all of it: the rest is another of its names (``حلف شمال الأطلسي الناتو``, the
    apposition without brackets), or describes it — a complement with ل after a name that
    is no body's (``رويترز للأنباء``, ``فيسبوك للتواصل``), or an adjective of origin or kind
    (:func:`_described_by_origin`)."""
    rest = " ".join(words[k:])
    if sql.entity_named(conn, rest, besides=0, etype="ORGANIZATION") == owner:
        return True
    if words[k].startswith("ل"):
        return True  # a body's name with ل never gets here
    return k == len(words) - 1 and _described_by_origin(conn, words)


def _describes(words: list[str], k: int) -> bool:
    """Whether the words of a name after its first ``k`` say what it is whatever the name:
    a complement with ل and the article or a common word (``للأنباء``, ``للاتصالات``: not
    the name ``لانج`` of جونز لانج), or an adjective after a proper name (``داو جونز
    الصناعي``, not the common noun of ``العفو الرئاسي``, the presidential pardon, which is
    not منظمة العفو)."""
    word = words[k]
    if word.startswith("ل"):
        return word.startswith("لل") or _has_clitic(word)
    return not words[0].startswith("ال")


def _described_by_origin(conn: Connection, words: list[str]) -> bool:
    """``أبل الأميركية``, ``بشكتاش التركي``, ``أرامكو النفطية``: a name that is no body's
    (not ``مجلس الأمن القومي``, ``الحزب الديمقراطي الكردستاني``) and an adjective after it,
    unless the name and a place, or its adjective, name the bodies of two places at least,
    each in ``FEWEST_BODY`` articles (``الأهلي السعودي``, ``الأهلي دبي``: Egypt's al-Ahly is
    another club)."""
    name, tail = " ".join(words[:-1]), words[-1]
    if not R.is_nisba(tail) or body_name(name):
        return False
    origins = {
        consonants(word.removesuffix("ه"))  # الأميركية, الأمريكي: one country
        for word, _ in longer_bodies(conn, name, FEWEST_BODY)
        if word in R.place_nisbas()
        or sql.entity_named(conn, word, besides=0, fewest=FEWEST, etype="LOCATION") is not None
    }
    return len(origins) < GENERIC_ORIGINS


def _every_country(norm: str) -> bool:
    """وزارة الزراعة, وزارة التعليم العالي, الحرس الوطني: a ministry every country has
    (``ministry_portfolios.txt``), named without an adjective of origin or a country (not
    وزارة الدفاع الأفغانية, وزارة خارجية روسيا), or a body every country has
    (``generic_bodies.txt``)."""
    words = norm.split()
    places = name_groups.groups()
    return norm in every_country_bodies() or (
        len(words) > 1
        and words[0] == "وزاره"
        and words[1] in portfolios()
        and not any(
            (R.is_nisba(w) and w not in portfolios() and w not in PORTFOLIO_KINDS)
            or places.get(w, ("", ""))[1] == "LOCATION"
            for w in words[2:]
        )
    )


@cache
def portfolios() -> frozenset[str]:
    return frozenset(read_word_list(LEXICON_DIR / "ministry_portfolios.txt"))


@cache
def every_country_bodies() -> frozenset[str]:
    return frozenset(read_word_list(LEXICON_DIR / "generic_bodies.txt"))


def body_name(norm: str) -> bool:
    """وزارة الخارجية, البنك المركزي: an organisation's head noun and words."""
    words = norm.split()
    return len(words) > 1 and words[0].removeprefix("ال") in org_heads()


# ---- first names ---------------------------------------------------------------------------
def _first_names(
    conn: Connection, changes: sql.Changes, names: dict[int, _Name], articles: dict[int, int]
) -> set[int]:
    persons = [n for n in names.values() if n.type == "PERSON" and " " not in n.norm]
    if not persons:
        return set()
    first, last = sql.person_name_words(conn, {n.norm for n in persons})
    changed: set[int] = set()
    for name in persons:
        people = first.get(name.norm, set()) - {name.id}
        surnames = last.get(name.norm, set()) - {name.id}
        own = articles.get(name.id, 0)
        shared = len(surnames) >= MANY_FIRST and own <= SHARED_SURNAME_ARTICLES  # صالح, كروز
        if not shared:
            if len(people) < FIRST_NAMES or len(people) < 3 * len(surnames):
                continue  # عباس: محمود عباس's name as well as عباس عراقجي's first
            many = len(people) >= MANY_FIRST and own <= MANY_FIRST_ARTICLES  # عائشة: ten women
            missing = people - articles.keys()  # a round read only what it touched
            if missing:
                articles.update(sql.article_totals(conn, missing))
            if not many and sum(articles.get(p, 0) for p in people) < 2 * own:
                continue  # إيسكو, مارسيلو: one player known by that name alone
        titled = sum(1 for m in name.mentions if m.left and _title(m.left[0]))
        if titled >= TITLED * max(len(name.mentions), 1):
            continue  # الأمير هاري, الملكة إليزابيث
        changed |= {name.id} | sql.give_to_named(conn, changes, name.id, people | surnames)
    return changed


def _title(word: str) -> bool:
    """الأمير, الملكة, البابا (not قال, which also says a person follows)."""
    return R.is_role_word(word)
