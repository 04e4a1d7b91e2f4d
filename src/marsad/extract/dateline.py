"""Datelines and agency attributions (SPEC §2): "موسكو سانا", "دمشق-سانا", "موسكو|",
"القاهرة (رويترز) -", "(د ب أ)", "المصدر: تاس", "ونقلت وكالة نوفوستي".

Agency names and dateline places are data (``arabic/lexicons/agencies.tsv`` and
``places.txt``); this module builds the patterns from them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from marsad.arabic.normalise import normalise

LEXICONS = Path(__file__).resolve().parent.parent / "arabic" / "lexicons"
HEAD_CHARS = 240  # a dateline sits in the first characters of the text
TAIL_CHARS = 300  # a source line ("المصدر: تاس") in the last ones

_FOLD = {
    "أ": "[أإآاٱ]",
    "إ": "[أإآاٱ]",
    "آ": "[أإآاٱ]",
    "ا": "[أإآاٱ]",
    "ى": "[ىي]",
    "ي": "[ىي]",
    "ة": "[ةه]",
    "ه": "[ةه]",
}
_WORD = "[\u0621-\u064a\u0671-\u06d3]+"
_DASH = "[-–—ـ]"


def _variant_pattern(variant: str) -> str:
    out = []
    for char in variant:
        if char.isspace() or char in "-.":
            out.append(r"[\s.\-]*")
        else:
            out.append(_FOLD.get(char, re.escape(char)))
    return "".join(out) + r"\.?"


def _key(text: str) -> str:
    return normalise(text).replace(" ", "")


@dataclass(frozen=True)
class Lexicon:
    """Agency variants → canonical names, the agency pattern and known places."""

    canonical: dict[str, str]
    agency: str  # a regex alternation matching any variant
    places: frozenset[str]


@lru_cache(maxsize=1)
def load_lexicon(directory: Path = LEXICONS) -> Lexicon:
    """Read agencies.tsv and places.txt."""
    canonical: dict[str, str] = {}
    variants: list[str] = []
    for line in (directory / "agencies.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, rest = line.partition("\t")
        for variant in {name.strip(), *(v.strip() for v in rest.split("|") if v.strip())}:
            canonical[_key(variant)] = name.strip()
            variants.append(variant)
    variants.sort(key=len, reverse=True)
    agency = "(?i:" + "|".join(_variant_pattern(v) for v in variants) + ")"
    places = frozenset(
        normalise(line)
        for line in (directory / "places.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
    return Lexicon(canonical, agency, places)


@dataclass(frozen=True)
class _Patterns:
    with_agency: re.Pattern[str]
    bare_agency: re.Pattern[str]
    place_bar: re.Pattern[str]
    place_dash: re.Pattern[str]
    source_head: re.Pattern[str]
    source_line: re.Pattern[str]
    trailing_agency: re.Pattern[str]
    mid_text: tuple[re.Pattern[str], ...]
    any_agency: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    ag = load_lexicon().agency
    agency = rf"(?<!\w)(?P<agency>{ag})(?!\w)"
    place = rf"(?P<place>{_WORD}(?:[ \t]+{_WORD}){{0,2}})"
    end = r"(?:\s*[-–—ـ:|/]+\s*|\s*\n\s*|\s+|\s*$)"
    return _Patterns(
        # موسكو سانا / دمشق - سانا / دمشق-سانا / القاهرة (رويترز) - / القاهرة، 25 مايو (رويترز) -
        with_agency=re.compile(
            rf"^\s*{place}(?P<sep>\s*{_DASH}+\s*|\s*\|\s*|\s*/\s*|[ \t]+|(?=[،,]))"
            rf"(?P<extra>[،,][^()\n]{{1,30}}?)?\(?\s*{agency}\s*\)?{end}"
        ),
        bare_agency=re.compile(rf"^\s*(?P<open>\()?\s*{agency}\s*(?(open)\)|{_DASH}){end}"),
        place_bar=re.compile(rf"^\s*{place}\s*\|\s*"),
        place_dash=re.compile(rf"^\s*{place}\s*(?:{_DASH}+|:)\s+"),
        # "أنقرة - المصدر: تاس وقال …": the source named right after the place
        source_head=re.compile(rf"^\s*(?:ال)?مصدر\s*[:：]\s*{agency}{end}"),
        source_line=re.compile(
            r"(?:^|\n)[ \t]*(?:ال)?مصدر\s*[:：]\s*(?P<value>[^\n]{1,80}?)[ \t.]*$"
        ),
        trailing_agency=re.compile(rf"\s*\(\s*{agency}\s*\)[ \t.]*$"),
        mid_text=tuple(
            re.compile(p)
            for p in (
                rf"(?<!\w)[وف]?[بل]?وكال(?:ة|ه|تا|تي)\s+(?:الأنباء\s+)?{agency}",
                rf"(?<!\w)[وف]?[بل]?وكال[ةه][^().\n]{{0,50}}\(\s*{agency}\s*\)",
                rf"(?<!\w)[وف]?(?:نقلت|ذكرت|أفادت|قالت|أوردت|بحسب|حسب|وفقا ل|وفقاً ل)\s+{agency}",
            )
        ),
        any_agency=re.compile(agency),
    )


def canonical_agency(name: str) -> str | None:
    """The canonical name of an agency as written in text ("د.ب.أ" → "د ب أ")."""
    return load_lexicon().canonical.get(_key(name))


def _is_place(text: str) -> bool:
    return normalise(text) in load_lexicon().places


def _agency_of(match: re.Match[str]) -> str:
    raw = match.group("agency")
    return canonical_agency(raw) or raw.strip()


def _split_head(text: str) -> tuple[str | None, str | None, str]:
    pats = _patterns()
    head = text[:HEAD_CHARS]
    match = pats.with_agency.match(head)
    if match:
        bare_space = not match.group("sep").strip() and not match.group("extra")
        # "القاهرة، 25 مايو (رويترز) -": after a comma the agency must be in parentheses,
        # else "انتقدت تركيا الأربعاء، البيان … الفرنسية" would read as a dateline
        in_parens = head[: match.start("agency")].rstrip().endswith("(")
        if match.group("extra") and not in_parens:
            match = None
    if match and (not bare_space or _is_place(match.group("place"))):
        return match.group("place").strip(), _agency_of(match), text[match.end() :]
    match = pats.bare_agency.match(head)
    if match:
        return None, _agency_of(match), text[match.end() :]
    match = pats.place_bar.match(head)
    if match:
        return match.group("place").strip(), None, text[match.end() :]
    match = pats.place_dash.match(head)
    if match and _is_place(match.group("place")):
        rest = text[match.end() :]
        source = pats.source_head.match(rest)
        if source:
            return match.group("place").strip(), _agency_of(source), rest[source.end() :]
        return match.group("place").strip(), None, rest
    return None, None, text


def _is_source_value(value: str) -> bool:
    """ "تاس", "وكالة تاس", "وكالات", "مواقع إلكترونية" — not a sentence that starts with a
    source ("المصدر: تاس وقال أردوغان إن …" is text, and must not be cut away)."""
    found = _patterns().any_agency.search(value)
    if found:
        return len(value) - len(found.group("agency")) <= 8
    return len(value.split()) <= 3


def _split_tail(text: str) -> tuple[str | None, str]:
    pats = _patterns()
    cut = max(0, len(text) - TAIL_CHARS)
    tail = text[cut:]
    match = pats.source_line.search(tail)
    if match and _is_source_value(match.group("value").strip()):
        value = match.group("value").strip()
        found = pats.any_agency.search(value)
        agency = (canonical_agency(found.group("agency")) if found else None) or value
        return agency, text[: cut + match.start()]
    match = pats.trailing_agency.search(tail)
    if match:
        before = text[: cut + match.start()]
        if not before or before[-1] in '.!?؟…\n"»”':  # a signature after the last sentence
            return _agency_of(match), before
        return _agency_of(match), text  # "… وكالة الأنباء الإيرانية (إرنا)." is a sentence
    return None, text


def split_dateline(text: str) -> tuple[str | None, str | None, str]:
    """(place, agency, text without the dateline) for an article's text.

    The dateline at the head ("دمشق-سانا", "موسكو|", "القاهرة (رويترز) -") and a source
    line at the tail ("المصدر: تاس", "(أ ف ب)") are removed; an attribution inside the
    text ("ونقلت وكالة نوفوستي") only records the agency and leaves the text as it is.
    A bare "Place -" counts only for places in ``places.txt``; "Place Agency" with no
    separator too, so "أعلنت الحكومة الفرنسية" is never read as a dateline.
    """
    place, agency, body = _split_head(text)
    tail_agency, body = _split_tail(body)
    agency = agency or tail_agency
    if agency is None:
        found = [m for p in _patterns().mid_text if (m := p.search(body))]
        if found:
            agency = _agency_of(min(found, key=lambda m: m.start()))
    return place, agency, body.strip()


_BYLINE_PARTS = re.compile(r"\s*[-–—ـ،,|/]\s*|\s+ل?(?=وكال[ةه]\s)")
_ID = re.compile(r"(?i)^[0-9a-f]{8}(?:-?[0-9a-f]{4}){3}-?[0-9a-f]{12}$")


def split_byline(
    author: str, is_publisher: Callable[[str], bool] = lambda _: False
) -> tuple[str | None, str | None, str | None]:
    """(place, agency, writer) of an author field that holds a dateline, as JSONL dumps
    give it: "مدريد - فرانس برس" → (مدريد, فرانس برس, None); "القاهرة - أحمد الريدي" →
    (القاهرة, None, أحمد الريدي); "العربية.نت، رويترز" → (None, رويترز, None) when
    ``is_publisher`` knows "العربية.نت" (the source itself, neither writer nor agency).
    The place is the first part when ``places.txt`` knows it; agencies come from
    ``agencies.tsv``. A field with neither stays the writer as it is; an id
    ("30174026-20d9-…") is no writer."""
    author = author.strip()
    if _ID.match(author):
        return None, None, None
    parts = [p.strip() for p in _BYLINE_PARTS.split(author) if p and p.strip()]
    kinds = []  # per part: "agency", "publisher" or "other"
    agency = None
    for part in parts:
        found = canonical_agency(part)
        if found is not None and agency is None:
            agency, kind = found, "agency"
        else:
            kind = "publisher" if is_publisher(part) else "other"
        kinds.append(kind)
    # the first part is the place when places.txt knows it, or when a short name is
    # followed by an agency or the publisher ("برشلونة - د ب أ", "دبي - العربية.نت")
    place = None
    if (
        len(parts) > 1
        and kinds[0] == "other"
        and (
            _is_place(parts[0])
            or (len(parts[0].split()) <= 2 and {"agency", "publisher"} & set(kinds[1:]))
        )
    ):
        place, kinds[0] = parts[0], "place"
    if place is None and agency is None and "publisher" not in kinds:
        return None, None, author
    writers = [p for p, kind in zip(parts, kinds, strict=True) if kind == "other"]
    return place, agency, " - ".join(writers) or None
