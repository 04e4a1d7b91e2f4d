"""HTML page → clean, dated, attributed article(s) (SPEC §2, §5).

One parse with lxml; page metadata (title, dates, author, canonical URL, site name) from
meta tags and JSON-LD; tag archives split by :mod:`marsad.extract.archive`; main text by
trafilatura (``fast=True, favor_precision=True``) with a <p> fallback; boilerplate and
datelines handled by their own modules.
"""

from __future__ import annotations

import json
import re
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Extractor

from marsad.arabic.normalise import normalise
from marsad.errors import InputError
from marsad.extract.boilerplate import strip_badge, strip_boilerplate
from marsad.extract.dateline import split_dateline
from marsad.extract.encoding import decode_bytes, repair_mojibake
from marsad.models import Article, Source

MAX_BYTES = 5 * 1024 * 1024
MIN_TEXT_CHARS = 40  # less than this after cleaning is "no article text"
HEAD_DATE_CHARS = 80  # a date this close to the start of the text dates the article

_BINARY_MAGIC = (
    b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"BZh",
    b"\x7fELF", b"MZ", b"RIFF", b"OggS", b"ID3", b"\x00\x00\x01\x00", b"fLaC", b"wOFF",
)  # fmt: skip
# Elements are found through their attributes (``//@rel[…]/..``, not ``//*[@rel…]``):
# libxml2 then tests only the attributes present, not every element — 4–6× faster on news
# pages, the same elements in the same order.
_AUTHOR_XPATH = etree.XPath('(//@rel[.="author"]|//@itemprop[.="author"])[1]/..')
_TIME_XPATH = etree.XPath("(//time/@datetime|//@itemprop[.='datePublished'])[1]/..")
_DATE_XPATH = etree.XPath(
    "//body//time|//body//abbr"
    "|//body//*/@class[contains(.,'date') or contains(.,'time') or contains(.,'publish')]/.."
    "|//body//*/@id[contains(.,'date')]/..|//body//*/@itemprop[contains(.,'date')]/.."
)
_SKELETON_HEAD = etree.XPath("//head/meta|//head/link|//script/@type[contains(., 'ld+json')]/..")
_JSON_LD = etree.XPath("//script/@type[contains(., 'ld+json')]/..")
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
_FEED = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)[\s>]", re.S)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:»«]{1,2}\s+|\s*\|\s*|\s+::\s+")
_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)[/_-](?P<m>0?[1-9]|1[0-2])[/_-](?P<d>0?[1-9]|[12]\d|3[01])(?!\d)"
    r"|(?<!\d)(?P<y2>(?:19|20)\d\d)(?P<m2>0[1-9]|1[0-2])(?P<d2>0[1-9]|[12]\d|3[01])(?!\d)"
)
_DATE_META = (
    "article:published_time", "og:article:published_time", "datepublished",
    "article:published", "publishdate", "publish-date", "pubdate", "publication_date",
    "sailthru.date", "parsely-pub-date", "dc.date.issued", "dc.date", "dcterms.created",
    "dcterms.date", "date", "og:published_time", "article.published", "created",
)  # fmt: skip
_AUTHOR_META = (
    "author",
    "article:author",
    "dc.creator",
    "byl",
    "sailthru.author",
    "parsely-author",
)
_BLOCKS = ("p", "div", "td", "th", "li", "section", "article", "blockquote", "dd", "center",
           "table", "tr", "ul", "ol", "dl", "main", "h1", "h2", "h3", "h4", "h5", "h6", "pre")  # fmt: skip
_NOT_CONTENT = {"script", "style", "noscript", "template", "svg", "nav", "footer", "aside", "form"}
_BOILER_CLASS = re.compile(
    r"comment|share|social|related|footer|sidebar|widget|cookie|newsletter|breadcrumb|menu|"
    r"nav\b|tags?\b|advert|promo|subscribe|popup|modal",
    re.I,
)


@dataclass
class PageMeta:
    """What the page says about itself, before reading its text."""

    title: str | None = None
    site_name: str | None = None
    canonical: str | None = None
    author: str | None = None
    published: datetime | None = None
    h1: str | None = None
    html_title: str | None = None


# --------------------------------------------------------------------------- input


def decode_page(
    data: bytes | str, declared_encoding: str | None = None, max_bytes: int = MAX_BYTES
) -> str:
    """Validated page text, or InputError saying why the input cannot be used."""
    if isinstance(data, str):
        if len(data) > max_bytes or (len(data) * 2 > max_bytes and len(data.encode()) > max_bytes):
            raise InputError(f"page too large: over {max_bytes} bytes (raise max_bytes to accept)")
        text = repair_mojibake(data)
    elif isinstance(data, (bytes, bytearray, memoryview)):
        data = bytes(data)
        if len(data) > max_bytes:
            raise InputError(
                f"page too large: {len(data)} bytes > {max_bytes} (raise max_bytes to accept)"
            )
        if not data.strip():
            raise InputError("empty page: no bytes to extract from")
        head = data[:8192]
        if head.startswith(_BINARY_MAGIC) or (
            b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))
        ):
            raise InputError("binary data, not an HTML page (PDF, image, archive or similar)")
        text = decode_bytes(data, declared_encoding)
    else:
        raise InputError(f"expected bytes or str, got {type(data).__name__}")
    if not text.strip():
        raise InputError("empty page: no text to extract from")
    if _FEED.match(text):
        raise InputError("a feed (RSS/Atom/RDF), not an HTML page: parse it as a feed")
    sample = text[:8192]
    if len(_CONTROL.findall(sample)) > 0.01 * len(sample) + 2:
        raise InputError("binary data, not an HTML page (control characters in the text)")
    return text


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """An lxml tree of (possibly malformed or truncated) HTML, or None if nothing parses."""
    text = _XML_DECL.sub("", text, count=1)
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


# --------------------------------------------------------------------------- metadata


def _clean(text: str | None) -> str | None:
    """Whitespace collapsed, bidi controls removed; None when nothing is left."""
    if text is None:
        return None
    text = " ".join(_BIDI.sub("", text).split())
    return text or None


def parse_iso(value: str | None) -> datetime | None:
    """A timezone-aware datetime from an ISO-8601-like string (naive → UTC)."""
    if not value:
        return None
    value = value.strip()
    if not value or not value[:4].isdigit():
        return None
    value = value.replace("Z", "+00:00").replace("z", "+00:00")
    value = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", value)  # +0300 → +03:00
    value = re.sub(r"(\d)\s+(\d\d:)", r"\1T\2", value, count=1)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        match = re.match(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", value)
        if not match:
            return None
        try:
            parsed = datetime(*map(int, match.groups()))
        except ValueError:
            return None
    if not 1990 <= parsed.year <= 2100:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _json_ld_objects(tree: lxml.html.HtmlElement) -> list[dict]:
    found: list[dict] = []
    for script in _JSON_LD(tree):
        try:
            data = json.loads(script.text or "")
        except (ValueError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
    return found


def _ld_name(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return value.get("name") if isinstance(value.get("name"), str) else None
    if isinstance(value, list) and value:
        names = [n for v in value if (n := _ld_name(v))]
        return "، ".join(names) if names else None
    return None


def read_metadata(tree: lxml.html.HtmlElement, url: str | None = None) -> PageMeta:
    """Title, site name, canonical URL, author and publication date from meta and JSON-LD."""
    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        content = element.get("content")
        if key and content and key.lower() not in meta:
            meta[key.lower()] = content.strip()
    page = PageMeta()
    articles = [
        obj
        for obj in _json_ld_objects(tree)
        if any(t in str(obj.get("@type", "")) for t in ("Article", "BlogPosting", "Report"))
    ]
    ld = articles[0] if articles else {}

    page.title = _clean(meta.get("og:title") or meta.get("twitter:title") or ld.get("headline"))
    page.site_name = _clean(meta.get("og:site_name") or _ld_name(ld.get("publisher")))
    h1 = next(tree.iter("h1"), None)
    page.h1 = _clean(h1.text_content()) if h1 is not None else None
    title = next(tree.iter("title"), None)
    page.html_title = _clean(title.text_content()) if title is not None else None

    canonical = None
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = link.get("href").strip()
            break
    canonical = (
        canonical
        or meta.get("og:url")
        or (ld.get("url") if isinstance(ld.get("url"), str) else None)
    )
    if canonical:
        canonical = urljoin(url, canonical) if url else canonical
        if urlsplit(canonical).scheme in ("http", "https"):
            page.canonical = canonical

    author = next((meta[k] for k in _AUTHOR_META if meta.get(k) and "://" not in meta[k]), None)
    author = author or _ld_name(ld.get("author"))
    if not author:
        for element in _AUTHOR_XPATH(tree):
            author = element.text_content()
    page.author = _clean(author)
    if page.author and len(page.author) > 80:
        page.author = None

    for value in [ld.get("datePublished"), *(meta.get(k) for k in _DATE_META)]:
        if isinstance(value, str) and (parsed := parse_iso(value)):
            page.published = parsed
            break
    if page.published is None:
        for element in _TIME_XPATH(tree):
            page.published = parse_iso(element.get("datetime") or element.get("content"))
    return page


def clean_title(title: str | None, site_name: str | None) -> str | None:
    """A headline without its site suffix/prefix ("العنوان - سانا" → "العنوان")."""
    if not title:
        return None
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    site = (site_name or "").strip().lower()
    kept = [p for p in parts if not site or (p.lower() != site and p.lower() not in site)]
    if len(kept) == len(parts):  # no site name seen: drop a short last (or first) part
        longest = max(parts, key=len)
        if len(parts[-1].split()) <= 4 and parts[-1] is not longest:
            kept = parts[:-1]
        elif len(parts[0].split()) <= 3 and parts[0] is not longest:
            kept = parts[1:]
    return " - ".join(kept) if kept else title


def page_title(meta: PageMeta) -> str | None:
    """og:title, else h1, else <title>, without the site's name."""
    for candidate in (meta.title, meta.h1, meta.html_title):
        if candidate:
            return clean_title(candidate, meta.site_name)
    return None


def source_from(url: str | None, site_name: str | None = None) -> Source:
    """A Source derived from the page's host (slug = host without "www.")."""
    host = (urlsplit(url).hostname or "") if url else ""
    host = host.lower().removeprefix("www.")
    if not host:
        return Source(slug="unknown", name=site_name or "unknown")
    scheme = urlsplit(url).scheme or "https"
    return Source(slug=host, name=site_name or host, url=f"{scheme}://{urlsplit(url).netloc}")


def date_from_url(url: str | None) -> datetime | None:
    """The date in a URL path ("/2017/11/25/", "20171125"), midnight UTC."""
    if not url:
        return None
    match = _URL_DATE.search(urlsplit(url).path)
    if not match:
        return None
    y, m, d = (match.group("y"), match.group("m"), match.group("d"))
    if y is None:
        y, m, d = match.group("y2"), match.group("m2"), match.group("d2")
    try:
        return datetime(int(y), int(m), int(d), tzinfo=UTC)
    except ValueError:
        return None


def date_from_text(texts: list[str], reference: datetime | None) -> datetime | None:
    """The first date understood in the given texts (date lines, then the text's head)."""
    try:
        from marsad.extract.dates import parse_date
    except ImportError:  # pragma: no cover - dates module not installed
        return None
    for text in texts:
        if text and (value := parse_date(text, reference)):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def date_from_head(text: str, reference: datetime | None) -> datetime | None:
    """A date opening the article text ("الأحد 25 شباط 2018 - ...", within HEAD_DATE_CHARS),
    never one in the future of ``reference``: dates further in are events, not publication."""
    try:
        from marsad.extract.dates import find_dates
    except ImportError:  # pragma: no cover - dates module not installed
        return None
    for match in find_dates(text[:HEAD_DATE_CHARS], reference):
        value = match.value if match.value.tzinfo else match.value.replace(tzinfo=UTC)
        if match.start <= 20 and (reference is None or value <= _aware(reference)):
            return value
    return None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _date_texts(elements: list[lxml.html.HtmlElement]) -> list[str]:
    """Short texts of the elements that look like a page's date line."""
    out = []
    for element in elements:
        text = _clean(element.text_content())
        if text and len(text) <= 80:
            out.append(text)
            if len(out) == 8:
                break
    return out


def date_skeleton(
    tree: lxml.html.HtmlElement, date_elements: list[lxml.html.HtmlElement] | None = None
) -> lxml.html.HtmlElement:
    """A small copy of the page holding only what htmldate's fast search reads: <head>
    meta/link/JSON-LD, and the <time>, <abbr> and date-classed elements of the body.
    htmldate deep-copies and cleans whatever it gets; on the skeleton that costs ~1 ms
    instead of ~7 ms on a 50 KB page, with the same answer for its fast search (its
    English/German "published on" text patterns aside)."""
    skeleton = lxml.html.document_fromstring("<html><head></head><body></body></html>")
    head, body = skeleton[0], skeleton[1]
    for element in _SKELETON_HEAD(tree):
        head.append(deepcopy(element))
    for element in (date_elements if date_elements is not None else _DATE_XPATH(tree))[:30]:
        copied = deepcopy(element)
        copied.tail = None
        body.append(copied)
    return skeleton


def htmldate_date(
    tree: lxml.html.HtmlElement, date_elements: list[lxml.html.HtmlElement] | None = None
) -> datetime | None:
    """htmldate's fast (non-extensive) search, run on the page's date skeleton."""
    from htmldate import find_date

    skeleton = date_skeleton(tree, date_elements)
    try:
        found = find_date(skeleton, original_date=True, extensive_search=False)
    except Exception:  # noqa: BLE001 - htmldate raises a zoo of errors on odd markup
        return None
    return parse_iso(found) if found else None


# --------------------------------------------------------------------------- text


# Elements trafilatura deletes whole while cleaning (its MANUALLY_CLEANED list, "form"
# excepted: it treats forms apart, and legacy ASP.NET pages wrap everything in one). Removed
# from the body beforehand, they no longer cost its XPath passes over the raw page.
_DELETED_BY_TRAFILATURA = (
    "script", "style", "noscript", "svg", "iframe", "nav", "aside", "footer",
    "embed", "object", "video", "audio", "canvas", "select", "textarea", "button",
)  # fmt: skip


@lru_cache(maxsize=1)
def _trafilatura_options() -> Extractor:
    """fast, precision-oriented, text only, no comments, tables or metadata (built once:
    trafilatura copies it before changing anything)."""
    return Extractor(
        output_format="txt",
        fast=True,
        precision=True,
        comments=False,
        tables=False,
        dedup=False,
        with_metadata=False,
    )


def trafilatura_paragraphs(tree: lxml.html.HtmlElement) -> list[str]:
    """Main-text paragraphs from trafilatura (fast, precision-oriented, no comments).
    The tree is pruned in place (by us and by trafilatura): what the fallback reads of it
    is left, and date elements must be collected before."""
    body = tree.find("body")
    if body is not None:
        etree.strip_elements(body, *_DELETED_BY_TRAFILATURA, with_tail=False)
    text = trafilatura.extract(tree, options=_trafilatura_options())
    return [line.strip() for line in (text or "").split("\n") if line.strip()]


def _inside_boilerplate(element: lxml.html.HtmlElement) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in _NOT_CONTENT or ancestor.tag == "header":
            return True
        marker = f"{ancestor.get('class', '')} {ancestor.get('id', '')}"
        if marker.strip() and _BOILER_CLASS.search(marker):
            return True
    return False


def _text_with_breaks(element: lxml.html.HtmlElement, parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        if not isinstance(child.tag, str) or child.tag in _NOT_CONTENT:
            pass
        elif child.tag == "br":
            parts.append("\n")
        else:
            _text_with_breaks(child, parts)
        if child.tail:
            parts.append(child.tail)


def _link_chars(element: lxml.html.HtmlElement) -> int:
    return sum(len(a.text_content().strip()) for a in element.iter("a"))


def fallback_paragraphs(tree: lxml.html.HtmlElement, min_chars: int = 30) -> list[str]:
    """Text of the innermost blocks (<p>, <td>, <div>, <li>…) split at <br>, outside
    navigation, footers, comments and share blocks, and not mostly links: the fallback
    for pages trafilatura finds nothing in (table layouts of legacy sites)."""
    body = next(tree.iter("body"), None)
    if body is None:
        return []
    out: list[str] = []
    for element in body.iter(*_BLOCKS):
        if any(isinstance(d.tag, str) and d.tag in _BLOCKS for d in element.iterdescendants()):
            continue
        if element.tag in _NOT_CONTENT or _inside_boilerplate(element):
            continue
        parts: list[str] = []
        _text_with_breaks(element, parts)
        text = "".join(parts)
        total = len(text.strip())
        if total < min_chars or _link_chars(element) > 0.5 * total:
            continue
        for line in text.split("\n"):
            line = " ".join(line.split())
            if len(line) >= min_chars:
                out.append(line)
    return out


def build_article(
    title: str | None,
    paragraphs: list[str],
    source: Source,
    *,
    url: str | None,
    published: datetime | None,
    author: str | None,
    reference: datetime | None = None,
) -> Article | None:
    """Clean paragraphs into an Article (boilerplate dropped, dateline split), or None."""
    paragraphs = strip_boilerplate([p for raw in paragraphs if (p := _clean(raw))])
    title = _clean(title)
    if title:
        title = strip_badge(title)  # "عاجل | …", as in text files
    if title and paragraphs and normalise(paragraphs[0]) == normalise(title):
        paragraphs = paragraphs[1:]
    text = "\n".join(paragraphs)
    place, agency, text = split_dateline(text)
    if len(text) < MIN_TEXT_CHARS:
        return None
    if published is None:
        published = date_from_head(text, reference)
    return Article(
        title=title or text.split("\n", 1)[0][:120],
        text=text,
        source=source,
        url=url,
        published=published,
        place=place,
        agency=agency,
        author=author,
        cleaned=True,
    )


def extract_articles(
    data: bytes | str,
    *,
    url: str | None = None,
    source: Source | None = None,
    declared_encoding: str | None = None,
    reference: datetime | None = None,
    max_bytes: int = MAX_BYTES,
) -> list[Article]:
    """The article(s) of an HTML page: one for an article page, several for a tag archive,
    none when the page holds no article text.

    Raises InputError for input that is not a page: binary data, empty, over ``max_bytes``.
    ``published`` comes from metadata (meta tags, JSON-LD, <time>), else the URL, else the
    page's date line (``marsad.extract.dates``), else htmldate's fast search, else the head
    of the article text; it stays None rather than being guessed.
    """
    text = decode_page(data, declared_encoding, max_bytes)
    tree = parse_html(text)
    if tree is None:
        return []
    meta = read_metadata(tree, url)
    page_url = meta.canonical or url
    source = source or source_from(page_url, meta.site_name)

    from marsad.extract.archive import split_archive

    items = split_archive(tree, page_url, meta.site_name)
    if items:
        articles = []
        for item in items:
            published = (
                item.published
                or date_from_url(item.url)
                or date_from_text(item.date_texts, reference)
            )
            article = build_article(
                item.title,
                item.paragraphs,
                source,
                url=item.url or page_url,
                published=published,
                author=item.author,
                reference=reference,
            )
            if article is not None:
                articles.append(article)
        if articles:
            return articles

    published = meta.published or date_from_url(page_url) or date_from_url(url)
    date_elements = _DATE_XPATH(tree) if published is None else []  # before any pruning
    paragraphs = trafilatura_paragraphs(tree)
    if sum(map(len, paragraphs)) < MIN_TEXT_CHARS:
        paragraphs = fallback_paragraphs(tree)
    if published is None:
        published = date_from_text(_date_texts(date_elements), reference) or htmldate_date(
            tree, date_elements
        )
    article = build_article(
        page_title(meta),
        paragraphs,
        source,
        url=page_url,
        published=published,
        author=meta.author,
        reference=reference,
    )
    return [article] if article else []
