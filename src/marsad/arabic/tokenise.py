"""Clitic-aware Arabic tokenisation with exact character offsets (SPEC §3).

Words and punctuation marks become tokens (the ANERcorp convention: clitics stay on
the word). Each word token also carries its analysis: the proclitics (و ف ب ل ك and
the article ال) and the normalised stem left when they are removed. Whether a leading
letter is a clitic or part of a name is decided from corpus counts
(``lexicons/wordfreq.tsv``): ``ولافروف`` → و + لافروف because لافروف is far more
frequent than ولافروف, while ``لبنان``, ``بوتين`` and ``كوفي`` keep their first letter.

``Token.name_start`` is the offset where a name written in this token begins: after
و ف ب ل ك but before ال (``بالأردن`` → ``الأردن``); for ``لل`` (ل + ال with the alef
dropped, ``للأمم``) the whole token is kept because no substring of it spells the name.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from marsad.arabic.normalise import normalise

WORDFREQ_PATH = Path(__file__).resolve().parent / "lexicons" / "wordfreq.tsv"

_HARAKAT = "\u064b-\u065f\u0670\u0610-\u061a\u06d6-\u06ed"
_TOKEN = re.compile(rf"[\w{_HARAKAT}]+|[^\w\s{_HARAKAT}]")

_CONJ = ("و", "ف")
_PREP = ("ب", "ل", "ك")
_MIN_STEM = 2
# ب/ل/ك are cut only when the rest is this many times more frequent than the whole word
# (ولافروف: 8 vs لافروف 459; but كيري 83 vs يري 672 is a name, not ك + a verb).
PREP_MARGIN = 10
# و/ف alone are cut only when the whole word is rarer than this share of the rest: a word
# takes و in front far less often than it stands alone (c[و+w]/c[w] over the 14k commonest
# words: median 0.03, 95th percentile 0.31; for ف 0.000 and 0.001), so a whole word more
# frequent than that is a word of its own: فادي 35 vs ادي 1577, فيصل 156 vs يصل 1136,
# وسام 112 vs سام 153 are names, ولافروف 8 vs لافروف 461 is و + لافروف.
CONJ_SHARE = {"و": 0.3, "ف": 0.01}


class Token(NamedTuple):
    """One token of the original text: ``text == source[start:end]``. (A named tuple: the
    tokeniser makes one per word of every article, four times faster than a dataclass.)"""

    text: str
    start: int
    end: int
    norm: str  # normalised form of the whole token
    prefix: str = ""  # normalised proclitics removed, e.g. "و", "وب", "ال", "بال", "لل"
    stem: str = ""  # normalised form without the proclitics
    name_start: int = -1  # where a name in this token starts (after و ف ب ل ك, keeps ال)
    name_norm: str = ""  # normalised name without و ف ب ل ك, with ال: بالاردن → الاردن

    @property
    def is_word(self) -> bool:
        return bool(self.norm) and self.norm[0].isalnum()


class WordCounts:
    """Corpus counts of normalised words, loaded lazily from the shipped lexicon."""

    def __init__(self, counts: dict[str, int]):
        self._counts = counts
        self.analyses: dict[str, tuple[str, str]] = {}  # memo for analyse()
        self.tokens: dict[str, tuple[str, str, str, int, str]] = {}  # memo for make_token()

    @classmethod
    def load(cls, path: Path = WORDFREQ_PATH) -> WordCounts:
        counts: dict[str, int] = {}
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    if line.startswith("#"):
                        continue
                    word, _, n = line.rstrip("\n").partition("\t")
                    counts[word] = int(n)
        return cls(counts)

    def __getitem__(self, word: str) -> int:
        return self._counts.get(word, 0)

    def __contains__(self, word: str) -> bool:
        return word in self._counts

    def __len__(self) -> int:
        return len(self._counts)


@lru_cache(maxsize=1)
def default_counts() -> WordCounts:
    return WordCounts.load()


def _has_preposition(prefix: str) -> bool:
    """ب/ل/ك directly on the word (بال/كال with the article are clear and exempt)."""
    rest = prefix[1:] if prefix[:1] in _CONJ else prefix
    return rest[:1] in _PREP and not rest.endswith(("ال", "لل"))


def _looks_conj_prefixed(stem: str, counts: WordCounts) -> bool:
    """True when ``stem`` itself reads better as و/ف + word (so ك+وفي is not a reading)."""
    return stem[0] in _CONJ and len(stem) - 1 >= _MIN_STEM and counts[stem[1:]] > 3 * counts[stem]


def _readings(norm: str) -> list[tuple[str, str, str]]:
    """Every (proclitics, stem, remaining surface form) split allowed by Arabic word order."""
    out = []
    for conj in ("", *_CONJ):
        if conj and not norm.startswith(conj):
            continue
        after_conj = norm[len(conj) :]
        for prep in ("", *_PREP):
            if prep and not after_conj.startswith(prep):
                continue
            rest = after_conj[len(prep) :]
            if rest.startswith("ال") and len(rest) - 2 >= _MIN_STEM:
                out.append((conj + prep + "ال", rest[2:], rest))
            elif conj or prep:
                out.append((conj + prep, rest, rest))
            if prep == "ل" and rest.startswith("ل"):  # لل = ل + ال, alef dropped
                out.append((conj + "لل", rest[1:], "ال" + rest[1:]))
    return [r for r in out if len(r[1]) >= _MIN_STEM]


def analyse(norm: str, counts: WordCounts | None = None) -> tuple[str, str]:
    """Split a normalised word into (proclitics, stem).

    The article is taken off whenever the rest has two letters or more; و/ف only when the
    whole word is rarer than ``CONJ_SHARE`` of the remaining form, ب/ل/ك only when the
    remaining form is ``PREP_MARGIN`` times more frequent.
    """
    counts = counts if counts is not None else default_counts()
    memo = counts.analyses.get(norm)
    if memo is not None:
        return memo
    result = _analyse(norm, counts)
    if len(counts.analyses) < 500_000:
        counts.analyses[norm] = result
    return result


def _analyse(norm: str, counts: WordCounts) -> tuple[str, str]:
    best_prefix, best_stem = "", norm
    best_score = counts[norm]
    for prefix, stem, remaining in _readings(norm):
        if prefix == "ال":  # the article alone is always taken off
            if best_prefix == "":
                best_prefix, best_stem = prefix, stem
            continue
        score = counts[remaining]
        if score <= best_score or score < 2:
            continue
        if prefix in CONJ_SHARE and counts[norm] >= CONJ_SHARE[prefix] * score:
            continue
        if _has_preposition(prefix) and score <= PREP_MARGIN * counts[norm]:
            continue  # كيري is not ك+يري, وليد is not و+ل+يد: names keep their letters
        if prefix[-1] in _PREP and _looks_conj_prefixed(remaining, counts):
            continue
        best_prefix, best_stem, best_score = prefix, stem, score
    return best_prefix, best_stem


def _name_prefix(prefix: str) -> str | None:
    """The part of the proclitics a name span leaves out; None when it cannot be cut."""
    if prefix.endswith("لل"):
        return None
    return prefix[:-2] if prefix.endswith("ال") else prefix


def original_length(text: str, n_normalised: int) -> int:
    """How many characters of ``text`` spell its first ``n_normalised`` normalised letters."""
    seen = 0
    for i, ch in enumerate(text):
        n = len(normalise(ch))
        if seen >= n_normalised and n:  # marks on the last clitic letter stay with it
            return i
        seen += n
    return len(text)


def make_token(surface: str, start: int = 0, counts: WordCounts | None = None) -> Token:
    """Analyse one already-split token (e.g. from a corpus file) that starts at ``start``."""
    counts = counts if counts is not None else default_counts()
    parts = counts.tokens.get(surface)
    if parts is None:
        parts = _analyse_surface(surface, counts)
        if len(counts.tokens) < 500_000:
            counts.tokens[surface] = parts
    norm, prefix, stem, offset, name_norm = parts
    return Token(
        surface, start, start + len(surface), norm, prefix, stem, start + offset, name_norm
    )


def _analyse_surface(surface: str, counts: WordCounts) -> tuple[str, str, str, int, str]:
    norm = normalise(surface).replace(" ", "") or surface
    if not norm[0].isalpha():
        return norm, "", norm, 0, norm
    prefix, stem = analyse(norm, counts)
    cut = _name_prefix(prefix)
    offset = original_length(surface, len(cut)) if cut else 0
    name_norm = "ال" + stem if prefix.endswith("ال") or prefix.endswith("لل") else stem
    return norm, prefix, stem, offset, name_norm


def tokenise(text: str, counts: WordCounts | None = None) -> list[Token]:
    """Split ``text`` into word and punctuation tokens with offsets and clitic analyses."""
    counts = counts if counts is not None else default_counts()
    memo = counts.tokens  # make_token() inlined: this loop runs once per token of the news
    out = []
    for m in _TOKEN.finditer(text):
        surface = m.group()
        start = m.start()
        parts = memo.get(surface)
        if parts is None:
            parts = _analyse_surface(surface, counts)
            if len(memo) < 500_000:
                memo[surface] = parts
        norm, prefix, stem, offset, name_norm = parts
        out.append(
            Token(
                surface, start, start + len(surface), norm, prefix, stem, start + offset, name_norm
            )
        )
    return out
