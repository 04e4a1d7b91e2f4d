"""Plain-text tag archives: one file, several articles (SPEC §2).

A text copied from a tag archive starts with a heading such as "أرشيف الوسم : لافروف"
(any marker of ``arabic/lexicons/archive.txt``, the list HTML archive detection uses) and
then lists items, each a title line, optionally a date line, a dateline ("موسكو|",
"دمشق سانا", alone on its line or opening the first body line) and body lines::

    أرشيف الوسم : لافروف
    لافروف يلتقي المعلم في موسكو
    موسكو|
    التقى وزير الخارجية الروسي سيرغي لافروف …
    كيري ولافروف يبحثان الهدنة
    الأربعاء 25 شباط 2015
    جنيف سانا
    بحث وزير الخارجية …

An item starts at each dateline: the line before it is its title (and the line before
that when it is a date line). Fewer than two items → not an archive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from marsad.arabic.normalise import normalise
from marsad.extract.archive import archive_markers
from marsad.extract.dateline import split_dateline
from marsad.extract.dates import find_dates

_SEGMENTS = re.compile(r"\s[|\-–—:»«]+\s|[|:»«]")
MAX_TITLE_CHARS = 200
MAX_DATELINE_HEAD = 40  # a dateline that opens a body line is at most this long


@dataclass(slots=True)
class TextItem:
    title: str
    lines: list[str]  # the body, dateline included (the pipeline moves it to place/agency)
    published: datetime | None = None


def is_archive_heading(line: str) -> bool:
    """Whether a line announces a listing ("أرشيف الوسم : لافروف", "نتائج البحث عن …")."""
    whole, prefix = archive_markers()
    for segment in _SEGMENTS.split(line):
        norm = normalise(segment)
        if norm and (norm in whole or any(norm == p or norm.startswith(p + " ") for p in prefix)):
            return True
    return False


def date_only(line: str, reference: datetime | None = None) -> datetime | None:
    """The date of a line that is nothing but a date ("الأربعاء 25 شباط 2015")."""
    found = find_dates(line, reference)
    if found and sum(m.end - m.start for m in found) >= 0.6 * len(line.strip()):
        return found[0].value
    return None


def _is_dateline(line: str) -> bool:
    place, agency, rest = split_dateline(line)
    if not (place or agency):
        return False
    head = len(line) - len(rest)
    return not rest or head <= MAX_DATELINE_HEAD


def split_text_archive(lines: list[str], reference: datetime | None = None) -> list[TextItem]:
    """The items of a text tag archive (non-empty, stripped lines), or [] if it is not one."""
    if len(lines) < 5 or not is_archive_heading(lines[0]):
        return []
    starts: list[tuple[int, int, datetime | None]] = []  # (title index, body index, date)
    i = 2
    while i < len(lines):
        if _is_dateline(lines[i]) and len(lines[i - 1]) <= MAX_TITLE_CHARS:
            title_at, published = i - 1, None
            found = date_only(lines[i - 1], reference)
            if found is not None and i - 2 >= 1:
                title_at, published = i - 2, found
            if title_at >= 1 and (not starts or title_at > starts[-1][1]):
                starts.append((title_at, i, published))
        i += 1
    if len(starts) < 2:
        return []
    items = []
    for n, (title_at, body_at, published) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        body = lines[body_at:end]
        if body and not any(_is_body(line) for line in body):
            continue
        items.append(TextItem(title=lines[title_at], lines=body, published=published))
    return items if len(items) >= 2 else []


def _is_body(line: str) -> bool:
    place, agency, rest = split_dateline(line)
    return len(rest if (place or agency) else line) >= 20
