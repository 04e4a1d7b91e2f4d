"""Articles from files and folders: .txt, .html/.htm, .jsonl (and stdin).

* ``.txt``: one article; the first non-empty line is the title. A line near the top that
  is only a date (``الأربعاء 25 شباط 2015``) becomes the publication date.
* ``.html``/``.htm``: extracted with :func:`marsad.extract.html.extract_articles`; archive
  pages yield several articles.
* ``.jsonl``: one object per line with ``title`` and ``text`` (or ``body``/``content``),
  optional ``source`` (or ``src``), ``source_name``, ``url``, ``published`` (or ``time``;
  ISO-8601 or RFC 822), ``place``, ``agency``, ``author``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from marsad.errors import InputError
from marsad.extract.dates import find_dates
from marsad.models import Article, Source
from marsad.store.database import slugify

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024
SUFFIXES = {".txt", ".html", ".htm", ".jsonl"}


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Every ingestible file under the given files and folders, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
            )
        elif path.exists():
            yield path
        else:
            raise InputError(f"{path}: no such file or folder")


def source_for(value: str | None, name: str | None = None, url: str | None = None) -> Source:
    label = (name or value or "غير معروف").strip()
    return Source(slug=slugify(value or label), name=label, url=url)


def parse_published(value: Any) -> datetime | None:
    """ISO-8601 or RFC 822 timestamps; anything else is unknown (None), never guessed."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError):
            return None
    return parsed if parsed.tzinfo else None


def read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"{path}: {size // (1024 * 1024)} MB is over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit for one file"
        )
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: binary data, not a text, HTML or JSONL file")
    return data


def articles_from_text(text: str, source: Source, url: str | None = None) -> Article | None:
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return None
    title, body = lines[0], lines[1:]
    published = None
    for i, line in enumerate(body[:3]):
        found = find_dates(line)
        if found and sum(m.end - m.start for m in found) >= 0.6 * len(line):
            published = found[0].value
            del body[i]
            break
    return Article(title=title, text="\n".join(body), source=source, url=url, published=published)


def articles_from_jsonl(path: Path, default_source: Source | None) -> Iterator[Article]:
    with path.open(encoding="utf-8", errors="replace") as fh:
        yield from articles_from_jsonl_lines(fh, str(path), default_source)


def articles_from_jsonl_lines(
    lines: Iterable[str], name: str, default_source: Source | None
) -> Iterator[Article]:
    """Articles of JSONL lines; a bad line is logged with its number and skipped."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                log.warning("%s:%d: skipped, not valid JSON (%s)", name, number, exc.msg)
                continue
            if not isinstance(rec, dict):
                continue
            text = rec.get("text") or rec.get("body") or rec.get("content") or ""
            title = rec.get("title") or ""
            if not isinstance(text, str) or not isinstance(title, str) or not (text or title):
                log.warning("%s:%d: skipped, no title or text", name, number)
                continue
            src_value = rec.get("source") or rec.get("src")
            source = (
                source_for(str(src_value), rec.get("source_name"), rec.get("source_url"))
                if src_value
                else default_source or source_for(Path(name).stem)
            )
            yield Article(
                title=title.strip(),
                text=text,
                source=source,
                url=rec.get("url"),
                published=parse_published(rec.get("published") or rec.get("time")),
                place=rec.get("place"),
                agency=rec.get("agency"),
                author=rec.get("author") or None,
            )


def articles_from_file(path: Path, source: Source | None = None) -> Iterator[Article]:
    """The articles of one file; raises InputError when the file cannot be used at all."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from articles_from_jsonl(path, source)
        return
    data = read_bytes(path)
    if suffix in {".html", ".htm"}:
        from marsad.extract.html import extract_articles

        for article in extract_articles(data, source=source):
            yield article
        return
    from marsad.extract.encoding import decode_bytes

    article = articles_from_text(
        decode_bytes(data), source or source_for(path.parent.name or "files")
    )
    if article is None:
        raise InputError(f"{path}: empty file")
    yield article
