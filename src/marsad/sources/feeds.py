"""RSS 0.9x / 1.0 (RDF) / 2.0 and Atom feeds → :class:`Feed` with tz-aware item dates.

XML entity declarations (the "billion laughs" and external-entity attacks) are refused
before feedparser sees the document.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import defusedxml
import defusedxml.ElementTree as DefusedET
import feedparser

from marsad.arabic.normalise import normalise_digits
from marsad.errors import InputError


class FeedError(InputError):
    """A document is not a usable feed; ``reason`` says why."""

    def __init__(self, reason: str, url: str | None = None) -> None:
        self.reason = reason
        self.url = url
        super().__init__(f"{reason} ({url})" if url else reason)


@dataclass(frozen=True, slots=True)
class FeedItem:
    url: str
    title: str
    summary: str
    published: datetime | None  # timezone-aware (UTC when the feed gave no offset)
    guid: str


@dataclass(slots=True)
class Feed:
    title: str
    link: str | None
    items: list[FeedItem] = field(default_factory=list)
    version: str = ""  # feedparser's name: rss091u, rss10, rss20, atom10, …
    warning: str | None = None  # why feedparser found the XML malformed, if it did


# <!ENTITY in any of the usual byte encodings of an XML prolog.
_ENTITY_MARKERS = tuple(
    "<!ENTITY".encode(enc) for enc in ("ascii", "utf-16-le", "utf-16-be", "utf-32-le")
)
_WS = re.compile(r"\s+")
_TAG = re.compile(r"<[!/?]?[A-Za-z][^<>]*>|<!\[\w*\[?|\]\]>")  # tags, <![CDATA[ and ]]>


def _refuse_entities(data: bytes, url: str | None) -> None:
    """Raise FeedError if the document declares entities or refers to external ones."""
    try:
        DefusedET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden as exc:  # pragma: no cover - forbid_dtd is False
        raise FeedError(f"feed refused: DTD not allowed ({exc})", url) from None
    except defusedxml.EntitiesForbidden:
        raise FeedError(
            "feed refused: it declares XML entities (possible entity-expansion attack)", url
        ) from None
    except defusedxml.ExternalReferenceForbidden:
        raise FeedError("feed refused: it refers to external XML entities", url) from None
    except Exception:
        # Not well-formed XML: feedparser's lenient parser may still read it, but only
        # if nothing in it declares an entity.
        head = data[:1_000_000]
        if any(marker in head for marker in _ENTITY_MARKERS):
            raise FeedError(
                "feed refused: it declares XML entities (possible entity-expansion attack)",
                url,
            ) from None


def parse_feed(data: bytes, url: str | None = None, *, encoding: str | None = None) -> Feed:
    """Parse feed bytes. ``url`` (the feed's address) resolves relative links.

    ``encoding`` (the HTTP header's charset) is used only when the document declares none
    itself (no byte-order mark, no ``encoding=`` in the XML declaration).

    Raises :class:`FeedError` for entity declarations, and for documents that are
    malformed or not feeds and yield no items.
    """
    if not isinstance(data, bytes | bytearray):
        raise FeedError("feed data must be bytes", url)
    data = bytes(data)
    if not data.strip():
        raise FeedError("feed is empty", url)
    _refuse_entities(data, url)
    headers = {"content-type": "application/xml"}
    if encoding and not _declares_encoding(data):
        headers["content-type"] = f"application/xml; charset={encoding}"
    if url:
        headers["content-location"] = url
    # A file-like object: feedparser would treat bytes that look like a path as a file name.
    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    except (ValueError, LookupError) as exc:  # feedparser on a garbled encoding name (fuzzed)
        raise FeedError(f"the XML declaration's encoding cannot be used ({exc})", url) from None
    entries = parsed.get("entries") or []
    version = parsed.get("version") or ""
    warning = None
    if parsed.get("bozo"):
        warning = _describe(parsed.get("bozo_exception"))
    if not entries:
        if parsed.get("bozo"):
            raise FeedError(f"malformed feed with no items: {warning}", url)
        if not version:
            raise FeedError("not an RSS or Atom feed (no channel, no items)", url)
    meta = parsed.get("feed") or {}
    base = url or meta.get("link")
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in entries:
        item = _item(entry, base)
        if item is not None and item.url not in seen:
            seen.add(item.url)
            items.append(item)
    return Feed(
        title=_clean(meta.get("title", "")),
        link=_absolute(meta.get("link"), url),
        items=items,
        version=version,
        warning=warning,
    )


def _declares_encoding(data: bytes) -> bool:
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:200].lstrip()
    return head.startswith(b"<?xml") and b"encoding=" in head.split(b"?>", 1)[0]


def _describe(exc: object) -> str:
    if exc is None:
        return "unknown problem"
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _absolute(link: str | None, base: str | None) -> str | None:
    if not link:
        return None
    link = link.strip()
    try:
        absolute = urljoin(base, link) if base else link
        scheme = urlsplit(absolute).scheme.lower()
    except ValueError:  # "http://[::1": not a URL (found by bench/fuzz.py)
        return None
    if scheme not in ("http", "https"):
        return None
    return absolute


def _item(entry: Any, base: str | None) -> FeedItem | None:
    url = _absolute(entry.get("link"), base)
    guid = (entry.get("id") or "").strip()
    if url is None and guid:
        url = _absolute(guid, base)  # RSS <guid isPermaLink="true"> without <link>
    if url is None:
        for link in entry.get("links") or []:
            url = _absolute(link.get("href"), base)
            if url:
                break
    if url is None:
        return None
    summary = entry.get("summary") or ""
    if not summary and entry.get("content"):
        summary = entry["content"][0].get("value", "")
    return FeedItem(
        url=url,
        title=_clean(entry.get("title", "")),
        summary=_clean(_strip_tags(summary)),
        published=_published(entry),
        guid=guid or url,
    )


def _published(entry: Any) -> datetime | None:
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            try:
                return datetime(*parsed[:6], tzinfo=UTC)
            except (TypeError, ValueError):
                pass
    for key in ("published", "updated", "created", "dc_date"):
        raw = entry.get(key)
        if raw:
            value = _parse_date(str(raw))
            if value is not None:
                return value
    return None


def _parse_date(raw: str) -> datetime | None:
    """Fallback for dates feedparser missed, e.g. written with Arabic-Indic digits."""
    text = normalise_digits(raw).strip()
    value: datetime | None = None
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):  # a 100-digit zone (fuzzed)
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "p", "div", "li"):
            self.parts.append(" ")


def _strip_tags(html: str) -> str:
    if "<" not in html and "&" not in html:
        return html
    parser = _TextOnly()
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:  # html.parser on "<![CDAT[" (found by bench/fuzz.py): no markup
        return _TAG.sub(" ", html)
    return "".join(parser.parts)


def _clean(text: str) -> str:
    return _WS.sub(" ", text or "").strip()
