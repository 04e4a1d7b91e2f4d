"""Who said what (SPEC §7): quoted and reported speech attributed to the speaking entity.

Arabic news reports speech with a verb of saying and a named speaker, mostly verb first:

* ``وقال وزير الخارجية الروسي سيرغي لافروف إن …`` / ``وأكد لافروف أن …`` (reported speech,
  up to the end of the sentence);
* ``وقال لافروف: «…»`` (quoted, up to the closing mark, across sentences);
* ``لافروف: لا حل عسكري في سوريا`` (a headline) and ``لافروف قال إن …`` (speaker first);
* ``وأضاف …`` / ``وتابع …`` with no name: the previous speaker goes on;
  ``بدوره قال …`` / ``من جهته أكد …``: the other party answers — the last entity named
  before, other than the previous speaker.

The speaker must be a mention the pipeline already resolved, so a quote always belongs to
an entity page. A verb with no speaker or no opening (``:``, a quote mark, ``إن``/``أن``)
yields nothing: this module would rather miss a quote than invent one. An unnamed speaker
(``وقال مسؤول سعودي على صلة بقضية خاشقجي إن …``, ``وأضاف المصدر أن …``) and a name the
words are about (``قضية مقتل خاشقجي``, ``عائلة خاشقجي``) are told by the words in
``quote_not_speakers.tsv``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from marsad.arabic.normalise import normalise, normalise_word
from marsad.models import content_of
from marsad.ner.lexicon import read_word_kinds, triggers
from marsad.store.database import Store

LEXICONS = Path(__file__).resolve().parents[1] / "arabic" / "lexicons"
SPEAKER_WITHIN = 80  # characters between the verb and its speaker's name (titles, roles)
OPENING_WITHIN = 160  # characters between the speaker and ":" / «…» / إن
LONGEST = 500  # characters of quote kept (cut at a word, with …)
FEWEST_WORDS = 3
SHORT_QUOTED = 4  # «…» of this many words or fewer, not after ":", is a name, not words
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?؟\n]")
_MARKS = {"«": "»", "“": "”", '"': '"', "„": "“"}
# ":", a quote mark, or إن/أن/بأن — also with a pronoun: إنه، أنها، بأنهم (he/she/they …)
_OPENER = re.compile(r"[:«“\"„]|(?<!\w)(?:ب?[إأا]ن|ف?إن)(?:ه|ها|هم|هما|ني|نا)?(?!\w)")
# "وفق ما ذكرت وكالة …", "حسبما أفاد …": a source cited, not a new speaker
_CITING = re.compile(r"(?:(?:وفق|حسب)\s+ما|حسبما|(?:وفقا|طبقا)\s+لما)\s*$")
_NAMED = frozenset({"يدعي", "تدعي", "يدعون", "اسمه", "اسمها"})  # normalised: "… called X"
_COUNTS = frozenset({"عده", "بعض", "اثنان", "ثلاثه", "اربعه", "خمسه"})  # normalised
_TURN = ("بدوره", "بدورها", "من جهته", "من جهتها", "من جانبه", "من جانبها", "بدورهم")


@dataclass(frozen=True)
class Quote:
    """What one entity said in one article; offsets into the article content."""

    entity_id: int
    speaker_start: int  # where the speaker's mention starts (its row in ``mentions``)
    start: int
    end: int
    text: str


class _Mention(Protocol):  # what the finder needs of a stored mention
    entity_id: int
    start: int
    end: int


def _word_kinds(name: str) -> dict[str, str]:
    """A ``word<TAB>kind`` lexicon: normalised word → kind."""
    return read_word_kinds(LEXICONS / name)


@cache
def speech_verbs() -> dict[str, str]:
    """Normalised verb → ``say`` or ``continue``."""
    return _word_kinds("speech_verbs.tsv")


@cache
def not_before_speaker() -> frozenset[str]:
    """Words after which a name is not the speaker (``quote_blockers.txt``)."""
    lines = (LEXICONS / "quote_blockers.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(normalise(w) for w in lines if w.strip() and not w.startswith("#"))


@cache
def not_speakers() -> dict[str, str]:
    """Normalised word → ``unnamed``, ``about`` or ``kin`` (``quote_not_speakers.tsv``)."""
    return _word_kinds("quote_not_speakers.tsv")


def _not_speaker(word: str) -> str | None:
    """``unnamed``, ``about``, ``kin`` or None for a word of the text (with or without a
    proclitic)."""
    norm = normalise_word(word)
    table = not_speakers()
    return table.get(norm) or (table.get(norm[1:]) if norm[:1] in "وفبلك" else None)


def _about(words: list[str]) -> bool:
    """Whether a name after these words (between a verb and the name) is whom the words are
    about: after an ``about`` word, or a ``kin`` word followed by titles and nisbas only."""
    for i, word in enumerate(words):
        kind = _not_speaker(word)
        if kind == "about":
            return True
        if kind == "kin" and all(_title_or_nisba(w) for w in words[i + 1 :]):
            return True
    return False


def _title_or_nisba(word: str) -> bool:
    norm = normalise_word(word)
    nisba = len(norm) >= 6 and norm.startswith("ال") and norm.endswith("ي")  # not الفتى
    return nisba or "P" in triggers().get(norm, "")


def _subject(content: str, end: int) -> tuple[str, str]:
    """The word after the verb ending at ``end`` (normalised) and its trigger kinds: ``P``
    for a title or role ("قال وزير الدفاع إن"), ``O`` for an organisation head ("أفاد
    الجيش أن"); none for "وأضاف، في لقاء مع قناة …"."""
    words = content[end : end + 40].split()[:1]
    word = normalise_word(words[0]) if words else ""
    return word, triggers().get(word, "")


def _unnamed_subject(content: str, end: int) -> bool:
    """Whether the verb ending at ``end`` is followed by an unnamed speaker ("قال مسؤول",
    "كشفت 3 مصادر", "وأضاف المصدر"); a count may come first."""
    words = content[end : end + 60].split()[:4]
    if words and (words[0].isdigit() or normalise_word(words[0]) in _COUNTS):
        words = words[1:]
    if any(normalise_word(w) in _NAMED for w in words):
        return False  # "وقال شاهد عيان يدعى يوسف نجاح إنه"
    return bool(words) and _not_speaker(words[0]) == "unnamed"


def _verb(word: str) -> str | None:
    norm = normalise_word(word)
    verbs = speech_verbs()
    if norm in verbs:
        return verbs[norm]
    if norm[:1] in ("و", "ف") and norm[1:] in verbs:
        return verbs[norm[1:]]
    return None


def find_quotes(
    content: str, mentions: Sequence[_Mention], types: Mapping[int, str] | None = None
) -> list[Quote]:
    """The quotes of one article (``content`` = title, newline, text) by its resolved
    ``mentions``, in reading order, none overlapping. ``types``: entity id → PERSON,
    ORGANIZATION or LOCATION (unknown ids count as people). Only people may have titles
    between the verb and the name; an organisation or a place speaks right after the verb
    (``وأعلنت أنقرة أن``, ``وقالت وزارة الخارجية``), never as a complement
    (``وقال لاعب برشلونة``, ``وقالت شرطة لندن``: the player, the police, unnamed)."""
    types = types or {}
    named = {m.entity_id for m in mentions}  # not every entity of ``types``: it grows with the KB
    places = {e for e in named if types.get(e) == "LOCATION"}
    groups = {e for e in named if types.get(e, "PERSON") != "PERSON"}
    ordered = sorted(mentions, key=lambda m: m.start)
    out: list[Quote] = []
    taken_to = unnamed_at = -1
    for match in _WORD.finditer(content):
        kind = _verb(match.group())
        if kind is None or match.start() < taken_to:
            continue
        if _CITING.search(content, max(0, match.start() - 12), match.start()):
            continue
        if _unnamed_subject(content, match.end()):
            unnamed_at = match.start()  # "وقال المصدر": "وتابع" after it is not the last speaker
            continue
        last_turn = out if out and out[-1].end > unnamed_at else []
        speaker, after = _speaker(content, ordered, match, kind, last_turn, groups, places)
        if speaker is None:
            word, kinds = _subject(content, match.end())
            if "O" in kinds or ("P" in kinds and not word.startswith("ال")):
                unnamed_at = match.start()  # "وقال رئيس الشرطة في كييف إن": someone unnamed
            continue
        span = _quoted(content, after)
        if span is None:
            continue
        quote = _make(speaker, *span, content)
        if quote is not None:
            out.append(quote)
            taken_to = quote.end
    out += _headline_quotes(content, [m for m in ordered if m.entity_id not in places], out)
    return sorted(out, key=lambda q: q.start)


def _speaker(
    content: str,
    mentions: list[_Mention],
    verb: re.Match,
    kind: str,
    before: list[Quote],
    groups: Collection[int],
    places: Collection[int],
) -> tuple[_Mention | None, int]:
    """The speaker of a verb of saying and where the words may start after it."""
    end = verb.end()
    for m in mentions:  # verb first: the first name after it, titles allowed between
        if m.start < end:
            continue
        if m.start - end > SPEAKER_WITHIN or _SENTENCE_END.search(content, end, m.start):
            break
        gap = content[end : m.start]
        if _OPENER.search(gap):  # the words began before this name: not its speaker
            break
        words = gap.split()
        if words and normalise_word(words[-1]) in not_before_speaker():
            break  # "وقال مسؤول في الخارجية": the speaker has no name here
        if m.entity_id in groups and words:
            continue  # "وقالت شرطة لندن" is the police, unnamed; "وقال مدرب ليفربول يورغن
            # كلوب" is the person named next (a group right after the verb speaks: أنقرة)
        if _about(words):
            return None, end  # "قالت عائلة خاشقجي": the speaker is the family, unnamed
        return m, m.end
    for m in mentions:  # speaker first: "لافروف قال إن", "كان بومبيو قد قال"
        between = content[m.end : verb.start()]
        if m.end <= verb.start() and between.strip() in ("", "قد") and "\n" not in between:
            return m, end  # not the title's last word before the text's first verb
    head = content[max(0, verb.start() - 15) : verb.start()]
    if any(head.rstrip(" ،,").endswith(t) for t in _TURN) and not _subject(content, end)[1]:
        # the other party answers (not "من جهته، قال وزير الدفاع إن": a role, unnamed)
        previous = before[-1].entity_id if before else None
        for m in reversed(mentions):
            if m.end <= verb.start() and m.entity_id not in (previous, *places):
                return m, end
        return None, end
    if (
        kind == "continue"
        and before
        and verb.start() - before[-1].end < 600
        and "O" not in _subject(content, end)[1]  # "وأوضحت وكالة فارس": another speaker
    ):
        last = before[-1]
        return next((m for m in mentions if m.start == last.speaker_start), None), end
    return None, end


def _quoted(content: str, after: int) -> tuple[int, int] | None:
    """(start, end) of the words introduced at ``after``: to the closing mark, or to the
    end of the sentence."""
    limit = after + OPENING_WITHIN
    opener = _OPENER.search(content, after, limit)
    while opener is not None and opener.group() in _MARKS:  # لشبكة "سي إن إن" is a name
        close = content.find(_MARKS[opener.group()], opener.end(), opener.end() + 3000)
        if close == -1 or len(content[opener.end() : close].split()) > SHORT_QUOTED:
            break
        opener = _OPENER.search(content, close + 1, limit)
    if opener is None or _SENTENCE_END.search(content, after, opener.start()):
        return None
    mark, start = opener.group(), opener.end()
    if mark == ":":  # وقال لافروف: «…»
        rest = content[start : start + 3]
        first = rest.lstrip()[:1]
        if first in _MARKS:
            mark, start = first, start + len(rest) - len(rest.lstrip()) + 1
    if mark in _MARKS:
        close = content.find(_MARKS[mark], start, start + 3000)
        if close != -1:
            return start, close
    stop = _SENTENCE_END.search(content, start)
    return start, stop.start() if stop else len(content)


def _unwrapped(text: str) -> str:
    """Without the quote marks at its ends that have no partner inside ("«…»" → "…", but
    '"من الممكن" أن …' keeps its pair)."""
    while text:
        first, last = text[0], text[-1]
        if first in _MARKS and _MARKS[first] not in text[1:]:
            text = text[1:].strip()
        elif last in _MARKS.values() and not any(
            o in text[:-1] for o, c in _MARKS.items() if c == last
        ):
            text = text[:-1].strip()
        elif (
            first in _MARKS
            and text.endswith(_MARKS[first])
            and text.count(first) == 1 + (first == _MARKS[first])
        ):
            text = text[1:-1].strip()
        else:
            return text
    return text


def _make(speaker: _Mention, start: int, end: int, content: str) -> Quote | None:
    raw = content[start:end]
    text = _unwrapped(raw.strip(" \t:،,"))
    if len(text.split()) < FEWEST_WORDS:
        return None
    start += raw.find(text)
    end = start + len(text)
    if len(text) > LONGEST:
        text = text[:LONGEST].rsplit(" ", 1)[0] + " …"
    return Quote(speaker.entity_id, speaker.start, start, end, text)


def _headline_quotes(content: str, mentions: list[_Mention], found: list[Quote]) -> list[Quote]:
    """``لافروف: لا حل عسكري`` — a name, a colon and the words, on the title line (not a
    place: ``الشارقة: رفع الرواتب`` is where, not who)."""
    title_end = content.find("\n")
    title_end = len(content) if title_end == -1 else title_end
    out = []
    for m in mentions:
        if m.end >= title_end or any(q.start <= m.start < q.end for q in found):
            continue
        colon = content[m.end : title_end].lstrip(" ")
        if colon.startswith(":"):
            start = title_end - len(colon) + 1
            quote = _make(m, start, title_end, content)
            if quote is not None:
                out.append(quote)
    return out


def refill(store: Store, batch: int = 500) -> int:
    """Find the quotes of every stored article again (after an upgrade that added them, or a
    better finder); returns how many were stored. Idempotent."""
    from marsad.store import driver
    from marsad.store.database import INSERT_QUOTE, StoredMention, quote_row

    stored, last = 0, 0
    while articles := store.articles_after(last, batch):
        last = articles[-1]["id"]
        ids = ",".join(str(int(a["id"])) for a in articles)
        with store.engine.begin() as conn:
            found: dict[int, list[StoredMention]] = {}
            for aid, eid, start, end, surface in driver.run(
                conn,
                'SELECT m.article_id, m.entity_id, m.start, m."end", m.surface FROM mentions m '
                f"WHERE m.article_id IN ({ids})",
            ):
                found.setdefault(aid, []).append(StoredMention(eid, start, end, surface))
            types = dict(
                driver.run(
                    conn,
                    "SELECT DISTINCT e.id, e.type FROM entities e JOIN mentions m "
                    f"ON m.entity_id = e.id WHERE m.article_id IN ({ids})",
                ).all()
            )
            rows = [
                quote_row(a["id"], a["day"], q)
                for a in articles
                for q in find_quotes(
                    content_of(a["title"], a["text"]), found.get(a["id"], []), types
                )
            ]
            driver.write(conn, f"DELETE FROM quotes WHERE article_id IN ({ids})", {})
            if rows:
                driver.write(conn, INSERT_QUOTE, rows)
        stored += len(rows)
    return stored
