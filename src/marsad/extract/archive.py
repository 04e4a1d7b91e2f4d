"""Pages holding several articles (SPEC §2): tag archives ("أرشيف الوسم : لافروف"),
category and search listings whose items each carry a title, a dateline and a body.

A page is split when it says it is an archive (markers in ``archive.txt``, or a
WordPress ``archive``/``tag``/``category`` body class) and lists at least two items with
a heading and body text, or, without any marker, when it lists at least three items each
with a full body (teaser strips of related links are too short to qualify).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin

import lxml.html

from marsad.arabic.normalise import normalise

LEXICON = Path(__file__).resolve().parent.parent / "arabic" / "lexicons" / "archive.txt"
MIN_ITEM_CHARS = 40  # body text an item needs on a page that says it is an archive
MIN_UNMARKED_ITEM_CHARS = 200  # ... and on a page that does not
_ITEM_CLASS = re.compile(
    r"(?<![\w-])(post|entry|news-item|story|article|card|result)(?![\w-])", re.I
)
_BODY_ARCHIVE_CLASS = re.compile(
    r"(?<![\w-])(archive|tag|category|search|search-results)(?![\w-])", re.I
)
_SEGMENTS = re.compile(r"\s[|\-–—:»«]+\s|[|:»«]")
_SKIP_CLASS = re.compile(
    r"entry-meta|post-meta|byline|share|social|tags|more-link|read-more|footer|comments?", re.I
)
_HEADINGS = ("h1", "h2", "h3", "h4")
_SKIP_TAGS = {"script", "style", "noscript", "nav", "aside", "footer", "form", "header", *_HEADINGS}


@dataclass
class ArchiveItem:
    """One article listed on a multi-article page."""

    title: str | None
    paragraphs: list[str]
    url: str | None = None
    published: datetime | None = None
    author: str | None = None
    date_texts: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def archive_markers(path: Path = LEXICON) -> tuple[frozenset[str], tuple[str, ...]]:
    """(markers a title segment must equal, markers it may start with), normalised.

    In archive.txt a phrase ending in " …" is a prefix marker ("نتائج البحث عن …");
    others must be a whole segment of the <title>/<h1> ("أرشيف", "تصنيف").
    """
    whole: set[str] = set()
    prefix: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.rstrip().endswith("…"):
            prefix.append(normalise(line.rstrip().removesuffix("…")))
        else:
            whole.add(normalise(line))
    return frozenset(whole), tuple(prefix)


def is_marked_archive(tree: lxml.html.HtmlElement) -> bool:
    """Whether the page calls itself a listing: its <title> or first <h1> has a segment
    (between "|", "-", ":", "»" …) that is an archive marker, or WordPress gave its body
    an archive/tag/category/search class."""
    body = next(tree.iter("body"), None)
    body_class = (body.get("class") or "") if body is not None else ""
    if _BODY_ARCHIVE_CLASS.search(body_class) and "single" not in body_class:
        return True
    whole, prefix = archive_markers()
    for tag in ("title", "h1"):
        element = next(tree.iter(tag), None)
        if element is None:
            continue
        for segment in _SEGMENTS.split(element.text_content()):
            norm = normalise(segment)
            if norm in whole or any(norm == p or norm.startswith(p + " ") for p in prefix):
                return True
    return False


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _skipped(element: lxml.html.HtmlElement, item: lxml.html.HtmlElement) -> bool:
    node = element
    while node is not None and node is not item:
        if node.tag in _SKIP_TAGS or _SKIP_CLASS.search(node.get("class") or ""):
            return True
        node = node.getparent()
    return False


def _paragraphs(item: lxml.html.HtmlElement) -> list[str]:
    out = []
    for element in item.iter("p"):
        if not _skipped(element, item) and (text := _text(element)):
            out.append(text)
    if not out:
        for element in item.xpath(
            ".//*[contains(@class,'entry-content') or contains(@class,'entry-summary')"
            " or contains(@class,'excerpt') or contains(@class,'summary')]"
        ):
            if text := _text(element):
                out.append(text)
                break
    return out


def _heading(item: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    for tag in _HEADINGS:
        found = item.find(f".//{tag}")
        if found is not None and _text(found):
            return found
    return None


def _candidates(tree: lxml.html.HtmlElement, marked: bool) -> list[lxml.html.HtmlElement]:
    found = [e for e in tree.iter("article") if _heading(e) is not None]
    if len(found) < 2 and marked:
        found = [
            e
            for e in tree.iter("div", "li", "section")
            if _ITEM_CLASS.search(e.get("class") or "") and _heading(e) is not None
        ]
    if len(found) < 2:
        return []
    ids = {id(e) for e in found}
    # keep the innermost items: drop a candidate that contains another one
    inner = [e for e in found if not any(id(d) in ids for d in e.iterdescendants())]
    return [
        e for e in inner if not any(a.tag in ("aside", "nav", "footer") for a in e.iterancestors())
    ]


def _published(item: lxml.html.HtmlElement) -> datetime | None:
    from marsad.extract.html import parse_iso

    for element in item.xpath(".//time[@datetime]|.//*[@itemprop='datePublished']"):
        if value := parse_iso(element.get("datetime") or element.get("content")):
            return value
    return None


def _date_texts(item: lxml.html.HtmlElement) -> list[str]:
    out = []
    for element in item.xpath(".//time|.//*[contains(@class,'date')]"):
        text = _text(element)
        if text and len(text) <= 80:
            out.append(text)
    return out


def _author(item: lxml.html.HtmlElement) -> str | None:
    for element in item.xpath(".//*[@rel='author' or contains(@class,'author')]"):
        text = _text(element)
        if text and len(text) <= 60:
            return text
    return None


def split_archive(
    tree: lxml.html.HtmlElement, url: str | None = None, site_name: str | None = None
) -> list[ArchiveItem]:
    """The items of a multi-article page, or [] when the page is a single article."""
    marked = is_marked_archive(tree)
    candidates = _candidates(tree, marked)
    if len(candidates) < (2 if marked else 3):
        return []
    minimum = MIN_ITEM_CHARS if marked else MIN_UNMARKED_ITEM_CHARS
    items = []
    items_elements = []
    for element in candidates:
        paragraphs = _paragraphs(element)
        if sum(map(len, paragraphs)) < minimum:
            continue
        items_elements.append(element)
        heading = _heading(element)
        title = _text(heading) if heading is not None else None
        link = heading.find(".//a[@href]") if heading is not None else None
        href = link.get("href") if link is not None else None
        items.append(
            ArchiveItem(
                title=title,
                paragraphs=paragraphs,
                url=urljoin(url or "", href) if href else None,
                published=_published(element),
                author=_author(element),
                date_texts=_date_texts(element),
            )
        )
    if len(items) < (2 if marked else 3):
        return []
    if not marked and not _looks_like_listing(items_elements):
        return []
    return items


def _looks_like_listing(elements: list[lxml.html.HtmlElement]) -> bool:
    """Unmarked pages: the items share a parent and none dwarfs the others (a single
    article followed by long teasers is not a listing)."""
    if len({id(e.getparent()) for e in elements}) != 1:
        return False
    sizes = sorted((len(e.text_content()) for e in elements), reverse=True)
    return sizes[0] < 3 * sizes[1]
