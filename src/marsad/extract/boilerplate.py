"""Drop the paragraphs every page repeats (SPEC §2): follow-us prompts, cookie notices,
comment forms, "اقرأ أيضا" and related blocks, share rows, "مباشر" banners.

The phrases are data in ``marsad/arabic/lexicons/boilerplate.txt`` (one family per
section, format described at the top of that file); this module only loads and applies
them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from marsad.arabic.normalise import normalise

LEXICON = Path(__file__).resolve().parent.parent / "arabic" / "lexicons" / "boilerplate.txt"
SHORT_WORDS = 25  # "contains" rules only drop paragraphs up to this many words
HEAD_CHARS = 80  # longer than any "starts with" phrase
TEASER_WORDS = 20  # what counts as the short headline after an inline "اقرأ أيضا"


@dataclass
class Family:
    """One family of boilerplate rules (a section of the lexicon)."""

    name: str
    drops_rest: bool = False  # "+": the match starts a trailing block
    drops_next: bool = False  # ">": the next short paragraph is the teaser it announces
    contains: list[str] = field(default_factory=list)
    starts: list[str] = field(default_factory=list)
    equals: set[str] = field(default_factory=set)
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    _contains: re.Pattern[str] | None = field(default=None, repr=False)
    _starts: re.Pattern[str] | None = field(default=None, repr=False)

    def compile(self) -> None:
        """Fold the phrase lists into one regex each (called once, after loading)."""

        def alternation(phrases: list[str]) -> str:
            return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))

        self._contains = (
            re.compile(rf"(?<!\S)(?:{alternation(self.contains)})(?!\S)") if self.contains else None
        )
        self._starts = re.compile(rf"(?:{alternation(self.starts)})(?!\S)") if self.starts else None

    def matches(self, paragraph: str, norm: str, words: int) -> bool:
        if norm in self.equals:
            return True
        if self._starts is not None and self._starts.match(norm):
            return True
        if words <= SHORT_WORDS and self._contains is not None and self._contains.search(norm):
            return True
        return any(pattern.search(paragraph) for pattern in self.patterns)


def parse_families(lines: list[str]) -> list[Family]:
    """Parse the lexicon format (see boilerplate.txt) into families."""
    families: list[Family] = []
    for raw in lines:
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("[") and line.rstrip().endswith("]"):
            name = line.strip()[1:-1]
            families.append(
                Family(
                    name.rstrip("+>"), drops_rest=name.endswith("+"), drops_next=name.endswith(">")
                )
            )
            continue
        if not families:
            raise ValueError(f"boilerplate rule before any [family]: {line!r}")
        family = families[-1]
        if line.startswith("~"):
            family.patterns.append(re.compile(line[1:]))
        elif line.startswith("^"):
            family.starts.append(normalise(line[1:]))
        elif line.startswith("="):
            family.equals.add(normalise(line[1:]))
        else:
            family.contains.append(normalise(line))
    for family in families:
        family.compile()
    return families


@lru_cache(maxsize=4)
def load_families(path: Path = LEXICON) -> tuple[Family, ...]:
    """The boilerplate families from a lexicon file (cached)."""
    return tuple(parse_families(path.read_text(encoding="utf-8").splitlines()))


def boilerplate_family(paragraph: str, families: tuple[Family, ...] | None = None) -> Family | None:
    """The family a paragraph belongs to, or None when it is content."""
    # Long paragraphs can only match a "starts with" rule or a raw pattern: normalising
    # their head is enough (and most of the cost saved).
    words = paragraph.count(" ") + 1
    norm = normalise(paragraph if words <= SHORT_WORDS else paragraph[:HEAD_CHARS])
    if not norm:
        return None
    if words <= SHORT_WORDS:
        words = norm.count(" ") + 1
    for family in families if families is not None else load_families():
        if family.matches(paragraph, norm, words):
            return family
    return None


def strip_boilerplate(
    paragraphs: list[str], families: tuple[Family, ...] | None = None
) -> list[str]:
    """The paragraphs that are content, in order; boilerplate and trailing blocks dropped.

    A trailing-block family ("اترك تعليقاً", "أخبار ذات صلة") ends the article only when
    some content came before it, so a page that opens with a related strip keeps its text.
    """
    families = families if families is not None else load_families()
    kept: list[str] = []
    skip_teaser = False
    for paragraph in paragraphs:
        text = paragraph.strip()
        if not text:
            continue
        family = boilerplate_family(text, families)
        if family is None:
            if skip_teaser and len(text.split()) <= TEASER_WORDS and not text.endswith("."):
                skip_teaser = False
                continue
            skip_teaser = False
            kept.append(text)
            continue
        skip_teaser = family.drops_next
        if family.drops_rest and kept:
            break
    return kept


BADGE_FAMILIES = ("badge", "live")
_BADGE_MARK = re.compile(r"\s*[|:：\-–—»«/]\s*")


@lru_cache(maxsize=1)
def _badge_words() -> frozenset[str]:
    """The badges of the lexicon ("عاجل", "مباشر", "فيديو"…), normalised."""
    return frozenset(w for f in load_families() if f.name in BADGE_FAMILIES for w in f.equals)


def strip_badge(title: str) -> str:
    """The title without a leading badge ("عاجل | لافروف …" → "لافروف …")."""
    mark = _BADGE_MARK.search(title, 1, 30)
    if mark and normalise(title[: mark.start()]) in _badge_words() and title[mark.end() :]:
        return title[mark.end() :].strip()
    return title
