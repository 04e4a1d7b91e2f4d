"""Product conventions applied on top of the CRF's ANERcorp-style tags at recognise() time.

ANERcorp never tags ministries (``وزارة الخارجية`` is O in all 33 training occurrences);
marsad reports them as organisations. A head from ``lexicons/ner_org_phrase_heads.txt``
followed by definite words (``الخارجية الروسية``) becomes one ORG span, unless the CRF
already tagged any of those tokens.

A span's edges lose words that never begin or end a name (``ner_not_name_edges.txt``:
``برئاسة دونالد ترامب`` → ``دونالد ترامب``) and a last word in the accusative with tanween,
an adverb (``محمد صلاح مغرداً`` → ``محمد صلاح``); a person span is cut before a word that
carries و ف ب ل ك (``دونالد ترامب لمايك بومبيو`` → two people, ``ترامب ومون`` → two):
one such span would otherwise become an entity that later mentions of the name are
resolved to.

Names are joined and completed where the model stops short: a person's name written with a
hyphen is one name (``هانس-يواكيم فاتسكه``, ``مون جيه-إن``), and an organisation span that
starts with an adjective takes the head noun before it (``اللجنة [الأولمبية الدولية]``),
and a spelled-out one its first letter with a clitic on it (``ل[بي بي سي]``, the clitic left
out of the mention: ``span_start``) or, when it spells fewer than three letters, the letters
written before it (``إن [بي سي نيوز]`` is NBC News, ``الإف [بي آي]`` the FBI).
A person span is also cut before a word that is و + a more frequent word (``تيلرسون
ويعين``: و + يعين "and appoints"; ``ويليامز`` is no و + يليامز).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import takewhile

from marsad.arabic.normalise import normalise
from marsad.arabic.tokenise import Token, default_counts, original_length
from marsad.ner.lexicon import LEXICON_DIR, name_form, read_word_list
from marsad.ner.scoring import spans

MAX_PHRASE = 4  # definite words after the head


@lru_cache(maxsize=1)
def org_phrase_heads() -> frozenset[str]:
    return frozenset(read_word_list(LEXICON_DIR / "ner_org_phrase_heads.txt"))


def _definite(tok: Token) -> bool:
    return tok.prefix in ("ال", "لل") and len(tok.stem) >= 2


@lru_cache(maxsize=1)
def org_heads() -> frozenset[str]:
    """Head nouns of organisation names without their article (لجنه, منظمه, حزب)."""
    words = read_word_list(LEXICON_DIR / "ner_org_heads.txt")
    return frozenset(w.removeprefix("ال") for w in words if " " not in w)


@lru_cache(maxsize=1)
def letter_names() -> frozenset[str]:
    """Latin letters as Arabic spells them out (``ner_letter_names.txt``: بي, سي, إم),
    normalised."""
    return frozenset(read_word_list(LEXICON_DIR / "ner_letter_names.txt"))


def _glued_letter(tok: Token) -> bool:
    """A spelled-out letter with a clitic glued on: لبي (in لبي بي سي)."""
    return tok.norm[:1] in "لبوفك" and tok.norm[1:] in letter_names()


# spelled-out letters that are words of their own, before a name: في (in), أو (or)
_NOT_LETTERS = frozenset({"في", "او"})
FULL_SPELLING = 3  # letters: a name spelled with these is whole (قال إن [بي بي سي])


def _spelled_start(sentence: list[Token], tags: list[str], a: int, b: int) -> int:
    """Where an organisation spelled out in letters from word ``a`` begins: on its first
    letter with a clitic glued on (``ل[بي بي سي]``), or, when it spells fewer than
    ``FULL_SPELLING`` letters, on the letters before it tagged O (``إن [بي سي نيوز]``,
    ``الإف [بي آي]``, ``إيه [سي ميلان]``). Not over في and أو; the particle إن (أن) before
    a whole spelling stays outside it: ``قال إن بي بي سي`` is "said that the BBC"."""
    if a >= 1 and _glued_letter(sentence[a - 1]):
        return a - 1
    letters = len(list(takewhile(lambda tok: tok.norm in letter_names(), sentence[a:b])))
    while a >= 1 and letters < FULL_SPELLING and tags[a - 1] == "O":
        tok = sentence[a - 1]
        definite = tok.prefix == "ال" and tok.stem in letter_names()  # الإف بي آي
        if not definite and (tok.norm not in letter_names() or tok.norm in _NOT_LETTERS):
            break
        a, letters = a - 1, letters + 1
        if definite:
            break
    return a


def span_start(sentence: list[Token], a: int, b: int) -> int:
    """Where the name of the span ``a``..``b`` begins in the text: after و ف ب ل ك
    (``Token.name_start``), and in a name spelled out in letters, after the clitic or the
    article on its first letter (``ل[بي بي سي]``, ``ال[إف بي آي]``: no acronym takes them)."""
    tok = sentence[a]
    if b - a < 2 or sentence[a + 1].norm not in letter_names():
        return tok.name_start
    if _glued_letter(tok):
        return tok.start + original_length(tok.text, 1)
    if tok.prefix.endswith("ال") and tok.stem in letter_names():
        return tok.start + original_length(tok.text, len(tok.prefix))
    return tok.name_start


_OPEN_QUOTES = frozenset("\"«“'")
_QUOTES = frozenset("\"»”'")
MAX_TITLE = 8  # words in a quoted title


@lru_cache(maxsize=1)
def work_nouns() -> frozenset[str]:
    return frozenset(read_word_list(LEXICON_DIR / "ner_work_nouns.txt"))


def drop_titles(sentence: list[Token], tags: list[str]) -> list[str]:
    """Tags with the spans inside a quoted title set to O: مسلسل "[أيوب]", فيلم "ليدي
    [بيرد]", عملية "[غصن الزيتون]" are a work or an operation, nobody and nowhere."""
    out = list(tags)
    for q in range(1, len(sentence)):
        if sentence[q].text not in _OPEN_QUOTES or not _work(sentence[q - 1]):
            continue
        end = q + 1
        while end < len(sentence) and end - q <= MAX_TITLE and sentence[end].text not in _QUOTES:
            end += 1
        if end < len(sentence) and sentence[end].text in _QUOTES:
            out[q + 1 : end] = ["O"] * (end - q - 1)
    return out


def _work(tok: Token) -> bool:
    return (tok.stem or tok.norm) in work_nouns()


def _adjective(tok: Token) -> bool:
    """A definite relative adjective (الأولمبية, الدولي): what does not open a name."""
    return tok.prefix.endswith("ال") and tok.stem.endswith(("ي", "يه")) and len(tok.stem) >= 4


def _org_head(tok: Token) -> bool:
    """The definite head noun of an organisation (اللجنة, المنظمة; للجنة is ل + اللجنة)."""
    if tok.prefix.endswith("ال"):
        return tok.stem in org_heads()
    return tok.stem.startswith("لل") and bool({tok.stem[1:], tok.stem[2:]} & org_heads())


TEAM_HEADS = frozenset({"منتخب", "نادي", "فريق"})  # a place's name after them is a team's


def _team(tok: Token) -> bool:
    """منتخب, لنادي, وفريق: a team's head noun (a preposition or a conjunction glued on)."""
    return (tok.name_norm or tok.norm) in TEAM_HEADS


@lru_cache(maxsize=1)
def place_heads() -> frozenset[str]:
    """Words that begin a place's name and name no place alone (``ner_place_heads.txt``)."""
    return frozenset(read_word_list(LEXICON_DIR / "ner_place_heads.txt"))


def complete_names(sentence: list[Token], tags: list[str]) -> list[str]:
    """Tags with hyphenated names joined, a place's first word given the next word,
    organisation spans that start with an adjective given their head noun, and a place after
    a team's head noun made the team (only over words tagged O)."""
    out = _complete_places(sentence, _join_hyphenated(sentence, tags))
    for a, b, etype in spans(out):
        full = etype == "PERS" and b - a >= 2  # a full name: قمة ترامب-كيم is two
        while (
            a >= 2
            and _joined(sentence, a - 2, out, _HYPHENS)
            and (full or _rare(sentence[a - 2].norm))
        ):
            a -= 2
        while (
            b + 1 < len(sentence)
            and _joined(sentence, b - 1, out, _HYPHENS)
            and (full or _rare(sentence[b + 1].norm))
        ):
            b += 2
        if etype == "LOC" and a >= 1 and out[a - 1] == "O" and _team(sentence[a - 1]):
            a, etype = a - 1, "ORG"  # [منتخب البرتغال], [نادي روما]: a team, not the place
        elif etype == "ORG" and a >= 1 and out[a - 1] == "O":
            if _adjective(sentence[a]):
                a -= _org_head(sentence[a - 1])  # اللجنة [الأولمبية الدولية]
            elif sentence[a].norm in letter_names():
                a = _spelled_start(sentence, out, a, b)
        out[a:b] = ["B-" + etype] + ["I-" + etype] * (b - a - 1)
    return out


_HYPHENS = ("-", "\u2010", "\u2011")


def _complete_places(sentence: list[Token], tags: list[str]) -> list[str]:
    """A place (or organisation) span of one word that begins place names and names none
    alone takes the next word, tagged O or a name of one word: ``[شرم] الشيخ``, ``[بني]
    [وليد]`` → one place; with no such word after it (``[سان]-مور``, ``في [بني].``) it is no
    name. A span after such a word tagged O takes it: ``ببني [سويف]``."""
    out = list(tags)
    for a, b, etype in spans(tags):
        if etype != "PERS" and a >= 1 and tags[a - 1] == "O" and _place_head(sentence[a - 1]):
            out[a - 1 : b] = ["B-" + etype] + ["I-" + etype] * (b - a)  # بني [سويف]
            continue
        if b - a != 1 or etype == "PERS" or name_form(sentence[a]) not in place_heads():
            continue
        if not _place_head(sentence[a]):
            out[a] = "O"  # ل[سان] حالهم: لسان, "tongue", a word of its own
            continue
        following = tags[b + 1] if b + 1 < len(tags) else "O"
        one_word = b < len(tags) and (
            tags[b] == "O" or (tags[b].startswith("B-") and not following.startswith("I-"))
        )
        if one_word and sentence[b].is_word and not _not_first(sentence[b]):
            out[a : b + 1] = ["B-" + etype, "I-" + etype]
        else:
            out[a] = "O"
    return out


WORD_COUNT = 100  # a head word with a clitic this frequent in the news is a word of its own


def _rare(word: str) -> bool:
    """A normalised word the news writes fewer than ``WORD_COUNT`` times, so no word of its
    own: ``فولتير`` of ``فيرني-فولتير`` (not ``تغيير`` of ``يوتيوب-تغيير``), ``بني`` with a
    clitic (not ``لسان``)."""
    return default_counts()[word] < WORD_COUNT


def _place_head(tok: Token) -> bool:
    """A place's first word, not a word that only looks like one with a clitic (لسان) or
    the verb بنى ("built", بني once normalised: «بنى العليان»)."""
    if name_form(tok) not in place_heads() or _MARKS.sub("", tok.text).endswith("ى"):
        return False
    word = _without_and(tok)
    return word == tok.name_norm or _rare(word)


def _join_hyphenated(sentence: list[Token], tags: list[str]) -> list[str]:
    """Two spans written as one with a hyphen are one person's name when it has three words
    at least with them: ``هانز-[يواكيم فاتسكه]``, ``[جاكي دويل]-[برايس]`` (not ``قمة
    [ترامب]-[كيم]``)."""
    out = list(tags)
    for i in range(len(sentence) - 2):
        mark = sentence[i + 1]
        if not (
            mark.text in _HYPHENS
            and sentence[i].end == mark.start
            and mark.end == sentence[i + 2].start
            and out[i] != "O"
            and out[i + 2].startswith("B-")
        ):
            continue
        a, b = i, i + 3
        while a > 0 and out[a].startswith("I-"):
            a -= 1
        while b < len(out) and out[b].startswith("I-"):
            b += 1
        if "PERS" in (out[a][2:], out[i + 2][2:]) and b - a >= 4:  # the mark is one of them
            out[a:b] = ["B-PERS"] + ["I-PERS"] * (b - a - 1)
    return out


def _joined(sentence: list[Token], i: int, tags: list[str], marks: Iterable[str]) -> bool:
    """Words ``i`` and ``i + 2`` are written as one with a mark between them (no spaces)
    and the one outside the span is a word tagged O."""
    if i < 0 or i + 2 >= len(sentence):
        return False
    left, mark, right = sentence[i], sentence[i + 1], sentence[i + 2]
    return (
        mark.text in marks
        and left.end == mark.start
        and mark.end == right.start
        and left.is_word
        and right.is_word
        and not left.norm.isdigit()
        and not right.norm.isdigit()
        and "O" in (tags[i], tags[i + 2])
        and tags[i + 1] == "O"
    )


def apply_org_phrases(sentence: list[Token], tags: list[str]) -> list[str]:
    heads = org_phrase_heads()
    out = list(tags)
    for i, tok in enumerate(sentence):
        if out[i] != "O" or name_form(tok) not in heads:
            continue
        j = i + 1
        while (
            j < len(sentence) and j - i <= MAX_PHRASE and out[j] == "O" and _definite(sentence[j])
        ):
            j += 1
        if j > i + 1:
            out[i:j] = ["B-ORG"] + ["I-ORG"] * (j - i - 1)
    return out


_MARKS = re.compile("[\u0640\u064b-\u0652]")  # tatweel and harakat (tanween included)


@lru_cache(maxsize=1)
def not_name_edges() -> frozenset[str]:
    lines = (LEXICON_DIR / "ner_not_name_edges.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def _not_first(tok: Token) -> bool:
    """A word that never begins a name, or a mark (``#`` of a hashtag)."""
    word = _MARKS.sub("", tok.text)
    return word in not_name_edges() or not any(ch.isalnum() for ch in word)


_SPELT_ENDS = frozenset({"إن", "أن", "ان"})  # سي إن إن، تي في إن، مون جاي إن end with them


@lru_cache(maxsize=1)
def weekdays() -> frozenset[str]:
    """Weekday names, normalised (``weekdays.tsv``): a day never ends a name
    (``وزارة الخارجية الفرنسية الثلاثاء``)."""
    lines = (LEXICON_DIR / "weekdays.tsv").read_text(encoding="utf-8").splitlines()
    return frozenset(normalise(x.split("\t")[0]) for x in lines if x and not x.startswith("#"))


def _not_last(tok: Token) -> bool:
    if tok.text.endswith(("اً", "ًا", "ً")) or tok.name_norm in weekdays():
        return True
    return _not_first(tok) and _MARKS.sub("", tok.text) not in _SPELT_ENDS


def _letters(tok: Token) -> int:
    return len(_MARKS.sub("", tok.text))


_ARABIC = re.compile("[\u0621-\u064a]")
_LATIN = re.compile("[A-Za-z]")


def _latin(tok: Token) -> bool:
    """A word in Latin letters only: beside an Arabic name, a gloss of it (``ناريندرا مودي
    Narendra Modi``, ``غوغل Google``), never part of the name as the news writes it."""
    return bool(_LATIN.search(tok.text)) and not _ARABIC.search(tok.text)


def trim_edges(sentence: list[Token], tags: list[str]) -> list[str]:
    """Tags with the edge words of each span set to O (a span of nothing else disappears),
    words in Latin letters at the edges of a span with Arabic words, and a hashtag of
    several words that starts a longer span. An edge word next to a letter name stays:
    ``سي إن إن``, ``إن بي سي`` are spelt out."""
    out = list(tags)
    for a, b, etype in spans(tags):
        if any(_ARABIC.search(tok.text) for tok in sentence[a:b]):
            while _latin(sentence[a]):
                out[a] = "O"
                a += 1
            while _latin(sentence[b - 1]):
                out[b - 1] = "O"
                b -= 1
        while a < b and _not_first(sentence[a]) and (a + 1 == b or _letters(sentence[a + 1]) > 2):
            out[a] = "O"
            a += 1
        if b - a >= 2 and "_" in sentence[a].text:  # #كوريا_الشمالية كيم يونغ أون: a hashtag
            out[a] = "O"  # of several words is a name of its own, not the start of the next
            a += 1
        while (
            b > a and _not_last(sentence[b - 1]) and (b - 1 == a or _letters(sentence[b - 2]) > 2)
        ):
            out[b - 1] = "O"
            b -= 1
        if a < b:
            out[a] = "B-" + etype
    return out


def split_persons(sentence: list[Token], tags: list[str]) -> list[str]:
    """Tags with a person span cut before each of its words that carries a proclitic other
    than the article: names join no و/ل inside them, lists of names do. ل with the article
    ends the name: what follows it is what the person said or gave it to (``سارة ساندرز
    للصحفيين``, ``ترامب للغولف``), never more of the name."""
    out = list(tags)
    for a, b, etype in spans(tags):
        if etype != "PERS":
            continue
        for i in range(a + 1, b):
            prefix = sentence[i].prefix
            if _to_the(sentence[i]):
                out[i:b] = ["O"] * (b - i)
                break
            if prefix and prefix.removesuffix("ال"):
                out[i] = "B-PERS"
            elif _and_word(sentence[i]):
                out[i:b] = ["O"] * (b - i)  # تيلرسون ويعين: the verb is not a name
                break
    return out


def _to_the(tok: Token) -> bool:
    """ل + the article (للصحفيين, وللأسد), read from the letters: the analyser keeps the
    clitic on a word it counted rarely without it."""
    word = _without_and(tok)
    return tok.prefix.endswith("لل") or (word.startswith("لل") and len(word) >= 5)


def _without_and(tok: Token) -> str:
    """The normalised word without a leading و or ف (وللأسد → للأسد, ولسان → لسان)."""
    return tok.norm[1:] if tok.norm[:1] in "وف" else tok.norm


def _and_word(tok: Token) -> bool:
    """و + a word more frequent than the whole (ويعين: يعين 46, ويعين 26; ويليامز stays)."""
    counts = default_counts()
    rest = tok.norm[1:]
    return tok.norm.startswith("و") and len(rest) >= 3 and counts[rest] > counts[tok.norm]
