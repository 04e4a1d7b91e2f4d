"""A gazetteer recogniser: finds the known aliases of a knowledge base in text.

Clitics are handled on the first word of a name (ولافروف → لافروف, بالقاهرة → القاهرة)
only when the remainder is a known name, so names beginning with clitic-like letters
(لافروف, بوتين) are never cut. Offsets always point into the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

from marsad.arabic.normalise import (
    WORD,
    drops_article,
    normalise,
    normalise_word,
    strip_clitics,
)
from marsad.arabic.tokenise import default_counts
from marsad.models import EntityType, Mention

MAX_NAME_WORDS = 6
WORD_OF_ITS_OWN = 3  # corpus count from which ك + a name is a word of its own
_fold = cache(normalise)  # one character at a time: a dictionary lookup after the first


@lru_cache(maxsize=200_000)
def _word_norm(surface: str) -> str:
    return normalise_word(surface).replace(" ", "")


def words(text: str) -> tuple[list[re.Match[str]], list[str]]:
    """The words of ``text`` (as matches: offsets, surface) and their normalised forms, in
    two parallel lists; words that normalise to nothing (a lone tatweel) are left out."""
    matches, norms = [], []
    for m in WORD.finditer(text):
        norm = _word_norm(m.group())
        if norm:
            matches.append(m)
            norms.append(norm)
    return matches, norms


def _offset(word: re.Match[str], cut: int) -> int:
    """Original offset of the ``cut``-th normalised character of ``word``."""
    seen = 0
    for i, ch in enumerate(word.group()):
        if seen >= cut:
            return word.start() + i
        seen += len(_fold(ch))
    return word.start()


class GazetteerRecogniser:
    """Longest-match lookup of alias word sequences, clitic-aware on the first word."""

    def __init__(self, names: Iterable[tuple[str, EntityType | str]]) -> None:
        self.names: dict[tuple[str, ...], EntityType] = {}
        for name, etype in names:
            key = tuple(normalise(name).split())
            if key and len(key) <= MAX_NAME_WORDS:
                self.names.setdefault(key, EntityType(etype))
        self.first_words = frozenset(k[0] for k in self.names)
        # word → its readings (itself, clitics off) that can start a name; most words: none
        self._starts: dict[str, tuple[str, ...]] = {}

    def recognise(self, text: str) -> list[Mention]:
        matches, norms = words(text)
        found: list[Mention] = []
        starts = self._starts
        i = 0
        while i < len(norms):
            readings = starts.get(norms[i])
            if readings is None:
                readings = self._readings(norms[i])
            match = self._match_at(norms, i, readings) if readings else None
            if match is None:
                i += 1
                continue
            length, cut, etype = match
            first, last = matches[i], matches[i + length - 1]
            start = _offset(first, cut) if cut else first.start()
            found.append(Mention(start, last.end(), text[start : last.end()], etype))
            i += length
        return found

    def _readings(self, word: str) -> tuple[str, ...]:
        """The readings of ``word`` (itself, clitics off) that can start a name; most: none.
        The article is no clitic: السورية (Syrian) is not سورية, المالي (financial) not مالي;
        nor is ك on a word the news writes (كنيس, a synagogue, is not ك + نيس).
        Remembered in ``_starts``, which ``recognise`` reads first."""
        known = self.first_words
        found = tuple(
            r
            for r in strip_clitics(word, known)
            if r in known and not drops_article(word, r) and not _a_word_of_its_own(word, r)
        )
        if len(self._starts) < 500_000:
            self._starts[word] = found
        return found

    def _match_at(
        self, norms: list[str], i: int, readings: tuple[str, ...]
    ) -> tuple[int, int, EntityType] | None:
        rest = tuple(norms[i + 1 : i + MAX_NAME_WORDS])
        for reading in readings:
            for length in range(len(rest) + 1, 0, -1):
                etype = self.names.get((reading, *rest[: length - 1]))
                if etype is not None:
                    return length, _cut(norms[i], reading), etype
        return None


def _a_word_of_its_own(word: str, reading: str) -> bool:
    """``word`` is ك + ``reading`` and a word of its own in the news corpus (كنيس: 9 times;
    ك before a name, "like Nice", is all but unwritten: كروما 0)."""
    return word == "ك" + reading and default_counts()[word] >= WORD_OF_ITS_OWN


def _cut(word: str, reading: str) -> int:
    """How many normalised characters of ``word`` are clitics before ``reading``.

    For "وللامم" read as "الامم" the span keeps "لل" (the article with its alif elided).
    """
    return max(len(word) - len(reading), 0)
