"""Page text saved from a browser (a ``.txt`` file): find the title among the lines a page
puts around it (SPEC §2).

Text selected and saved from a news page does not start with its title: menu and
breadcrumb lines come first ("الرئيسية > أخبار"), then a badge ("مباشر", "عاجل"), the
title, a date line, a share row ("شارك", "فيسبوك تويتر واتساب"), and the dateline
("موسكو-سانا") opens the text. The lines are recognised with the rules the HTML extractor
uses, which are data: the boilerplate families of ``arabic/lexicons/boilerplate.txt``
(navigation, badge, live, share, follow…) and the agencies and places of the dateline
lexicons (:mod:`marsad.extract.dateline`)::

    الرئيسية | سياسة | اقتصاد | رياضة      navigation: skipped
    مباشر                                   badge: skipped
    لافروف يبحث مع المعلم الوضع في سوريا    the title
    الأربعاء 25 شباط 2015                   the publication date
    شارك                                    share row: skipped
    موسكو-سانا                              the dateline: opens the text (→ place, agency)
    بحث وزير الخارجية الروسي …              the text

A badge that opens the title line ("عاجل | …", "مباشر: …") is cut from the title. When no
short line comes before the first paragraph, the title is the paragraph's head, as the
HTML extractor does for a page without one. The rest of the lines (boilerplate after the
title, the closing "اقرأ أيضا" block) is cleaned by the pipeline with the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from marsad.extract.boilerplate import Family, boilerplate_family, load_families, strip_badge
from marsad.extract.dateline import split_dateline
from marsad.sources.text_archive import date_only

MAX_TITLE_CHARS = 200  # a longer line is a paragraph, not a title
TITLE_FROM_TEXT_CHARS = 120  # the head of the first paragraph, when there is no title
HEAD_LINES = 40  # menus and badges sit in the first lines


@dataclass(slots=True)
class TextPage:
    title: str
    lines: list[str]  # the text: dateline first when the page had one, then the body
    published: datetime | None = None


def is_dateline(line: str) -> bool:
    """A line that is only a dateline: "موسكو-سانا", "دمشق سانا", "موسكو|", "(أ ف ب)"."""
    place, agency, rest = split_dateline(line)
    return bool(place or agency) and not rest.strip(" -–—|:")


def _is_head_noise(line: str, families: tuple[Family, ...]) -> bool:
    return boilerplate_family(line, families) is not None


def skip_head(lines: list[str]) -> list[str]:
    """``lines`` without the menu, badge, share and follow lines that open them."""
    families = load_families()
    start = 0
    while start < min(len(lines), HEAD_LINES) and _is_head_noise(lines[start], families):
        start += 1
    return lines[start:]


def read_text_page(lines: list[str], reference: datetime | None = None) -> TextPage | None:
    """The title, date and text of a page's saved text (non-empty, stripped lines)."""
    families = load_families()
    datelines: list[str] = []
    published: datetime | None = None
    title: str | None = None
    body_from = len(lines)
    for i, line in enumerate(lines[:HEAD_LINES]):
        if (unbadged := strip_badge(line)) != line and not datelines:  # "مباشر: …"
            title, body_from = unbadged, i + 1
            break
        if _is_head_noise(line, families):
            continue
        if published is None and (found := date_only(line, reference)) is not None:
            published = found
            continue
        if is_dateline(line):
            datelines.append(line)
            continue
        if len(line) <= MAX_TITLE_CHARS and not datelines:
            title, body_from = line, i + 1
        else:  # the text starts here: a paragraph, or a line after the dateline
            body_from = i
        break
    rest = lines[body_from:]
    if title is not None and published is None:  # the date line under the title
        for j, line in enumerate(rest[:4]):
            if _is_head_noise(line, families):
                continue
            if (found := date_only(line, reference)) is not None:
                published = found
                del rest[j]
            break
    body = datelines + rest
    if title is None:
        first = next((line for line in rest if not _is_head_noise(line, families)), None)
        if first is None:
            return None
        title = _head_of(first)
    if not title and not body:
        return None
    return TextPage(title=title, lines=body, published=published)


def _head_of(paragraph: str) -> str:
    """A title from a paragraph: its first sentence, or its first words up to
    :data:`TITLE_FROM_TEXT_CHARS` characters."""
    sentence = re.split(r"(?<=[.!?؟])\s", paragraph, maxsplit=1)[0]
    if len(sentence) <= TITLE_FROM_TEXT_CHARS:
        return sentence
    cut = paragraph[:TITLE_FROM_TEXT_CHARS]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut
