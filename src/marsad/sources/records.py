"""One input record made into an article, every field checked in one place.

A JSONL object and a CSV row name the same fields (:data:`FIELDS`); the articles extracted
from pages (HTML, WARC, text files) pass the same checks (:func:`checked`). The rules:

* every field is text (a JSON string); absent, ``null`` or blank is "not given"; a field of
  another type (a list in ``place``, an object in ``agency``, a number in ``source_name``)
  makes the record unusable: :class:`RecordError`, the record is skipped and reported;
* a record needs text: ``{"title": "x"}`` alone is an error, not an article;
* every field has a length limit (:data:`MAX_CHARS`); a record over one is skipped;
* NUL characters are removed and lone surrogates (``"\\ud800"`` in JSON) become U+FFFD:
  neither can be stored (PostgreSQL refuses NUL, UTF-8 has no surrogates);
* ``published`` is ISO-8601 or RFC 822 with a zone, else dropped with a warning (the date
  stays unknown, never guessed);
* ``url`` and ``source_url`` are kept only when they are http(s) addresses, else dropped
  with a warning: no other scheme (``javascript:``, ``data:``) ever becomes a link.

Warnings leave the record stored; errors skip it. The caller says where (file and line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from marsad.errors import InputError
from marsad.models import Article, Source
from marsad.store.database import slugify

# field → the names it may have in a record, first given wins
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "text": ("text", "body", "content"),
    "source": ("source", "src"),
    "source_name": ("source_name",),
    "source_url": ("source_url",),
    "url": ("url",),
    "published": ("published", "time"),
    "place": ("place",),
    "agency": ("agency",),
    "author": ("author",),
}
MAX_CHARS: dict[str, int] = {
    "title": 1000,
    "text": 1_000_000,
    "url": 2048,
    "source_url": 2048,
    "published": 100,
}
MAX_SHORT_FIELD = 300  # source, source_name, place, agency, author
_SURROGATES = re.compile("[\ud800-\udfff]")
_NOT_IN_URL = re.compile(r"[\x00-\x20\x7f]")
_JSON_TYPES = {list: "a list", dict: "an object", bool: "true/false", int: "a number",
               float: "a number"}  # fmt: skip


class RecordError(InputError):
    """One record cannot be used; the message is the reason ("skipped, no text")."""


@dataclass(slots=True)
class Checked:
    """A usable article and what was dropped from it on the way."""

    article: Article
    warnings: list[str] = field(default_factory=list)


def clean_text(value: str) -> str:
    """``value`` without NUL characters and with lone surrogates replaced by U+FFFD."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")  # the usual case, at C speed
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", value)
    return value


def http_url(value: str | None) -> str | None:
    """``value`` when it is an absolute http(s) address, else None."""
    if not value:
        return None
    value = value.strip()
    if _NOT_IN_URL.search(value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:  # a bad IPv6 host, a bad port
        return None
    return value if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def _is_relative(value: str) -> bool:
    """A relative link (``/news/1``, ``item.html``): no scheme, no host."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return not parts.scheme and not parts.netloc and not _NOT_IN_URL.search(value.strip())


def parse_published(value: Any) -> datetime | None:
    """ISO-8601 or RFC 822 timestamps; anything else is unknown (None), never guessed."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return parsed if parsed.tzinfo else None


def source_for(value: str | None, name: str | None = None, url: str | None = None) -> Source:
    """The source of a slug or name: its readable name is ``name``, else the one of the
    source table (``alarabia`` → العربية, :mod:`marsad.sources.names`), else ``value``."""
    from marsad.sources.names import readable_name

    label = (name or (value and readable_name(value)) or value or "غير معروف").strip()
    return Source(slug=slugify(value or label), name=label, url=url)


def _field(rec: dict[str, Any], name: str) -> str | None:
    """The record's value for ``name`` (under any of its spellings): text or None."""
    for key in FIELDS[name]:
        value = rec.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            kind = _JSON_TYPES.get(type(value), type(value).__name__)
            raise RecordError(f"skipped, {name} must be text, not {kind}")
        value = clean_text(value)
        if not value.strip():
            continue
        _check_length(name, value)
        return value
    return None


def _check_length(name: str, value: str) -> None:
    limit = MAX_CHARS.get(name, MAX_SHORT_FIELD)
    if len(value) > limit:
        raise RecordError(f"skipped, {name} is {len(value)} characters, over the limit of {limit}")


def _kept_url(
    name: str, value: str | None, warnings: list[str], quiet_relative: bool = False
) -> str | None:
    url = http_url(value)
    if quiet_relative and value and url is None and _is_relative(value):
        return None
    if value and url is None:
        warnings.append(f"{name} {value[:60]!r} is not an http(s) address; not kept as a link")
    return url


def article_from_fields(rec: dict[str, Any], default_source: Source | None, name: str) -> Checked:
    """The article of a JSONL object or CSV row (fields of :data:`FIELDS`; others are
    ignored); raises :class:`RecordError` when it cannot be used. ``default_source`` is for
    records that name none (else a source named after the file ``name``)."""
    values = {key: _field(rec, key) for key in FIELDS}
    if values["text"] is None:
        raise RecordError("skipped, no title or text" if values["title"] is None else
                          "skipped, no text")  # fmt: skip
    warnings: list[str] = []
    url = _kept_url("url", values["url"], warnings)
    source_url = _kept_url("source_url", values["source_url"], warnings)
    if values["source"]:
        source = source_for(values["source"], values["source_name"], source_url)
    else:
        source = default_source or source_for(Path(name).stem)
    raw_date = values["published"]
    published = parse_published(raw_date)
    if raw_date and published is None:
        warnings.append(
            f"date {raw_date[:40]!r} not understood (ISO-8601 or RFC 822 with zone); "
            "kept as unknown"
        )
    article = Article(
        title=(values["title"] or "").strip(),
        text=values["text"],
        source=source,
        url=url,
        published=published,
        place=values["place"],
        agency=values["agency"],
        author=values["author"],
    )
    return Checked(article, warnings)


def checked(article: Article) -> Checked:
    """An extracted article (HTML, WARC, text file) under the same rules as a record:
    cleaned strings, bounded lengths, text required, only an http(s) ``url`` (a relative
    one, from a page read without its address, is dropped without a warning)."""
    strings = {
        key: clean_text(value) if isinstance(value, str) else None
        for key, value in (("title", article.title), ("text", article.text),
                           ("place", article.place), ("agency", article.agency),
                           ("author", article.author), ("url", article.url))
    }  # fmt: skip
    if not (strings["text"] or "").strip():
        raise RecordError("skipped, no text")
    for key, value in strings.items():
        if value:
            _check_length(key, value)
    warnings: list[str] = []
    url = _kept_url("url", strings["url"], warnings, quiet_relative=True)
    article = replace(
        article,
        title=strings["title"] or "",
        text=strings["text"] or "",
        place=strings["place"] or None,
        agency=strings["agency"] or None,
        author=strings["author"] or None,
        url=url,
    )
    return Checked(article, warnings)
