"""Articles from files and folders: .txt, .html/.htm, .jsonl, .csv, .warc/.warc.gz (and stdin).

* ``.txt``: one article; the first non-empty line is the title. A line near the top that
  is only a date (``الأربعاء 25 شباط 2015``) becomes the publication date. A text tag
  archive (first line "أرشيف الوسم : لافروف", then items of title, dateline, body) is
  split into its articles (:mod:`marsad.sources.text_archive`).
* ``.html``/``.htm``: extracted with :func:`marsad.extract.html.extract_articles`; archive
  pages yield several articles.
* ``.jsonl`` (or ``.jsonl.gz``): one object per line with ``title`` and ``text`` (or ``body``/``content``),
  optional ``source`` (or ``src``), ``source_name``, ``url``, ``published`` (or ``time``;
  ISO-8601 or RFC 822), ``place``, ``agency``, ``author``.
* ``.csv``: a header row naming the same fields as JSONL (``title,text[,source,url,published…]``);
  UTF-8 (with or without BOM) or windows-1256.
* ``.warc``/``.warc.gz``: every HTML ``response`` record is extracted with its target URI
  (and its HTTP charset); other records are skipped.

Bad input never stops a folder: a file that cannot be used at all raises
:class:`InputError`; inside a usable file, each bad record (invalid JSON, no title or
text, a date that cannot be read, a WARC record that is not a page) is logged with its
line, row or record number, the rest is read, and the file ends with one InputError
listing what was skipped, so the caller counts it.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any

from marsad.errors import InputError
from marsad.models import Article, Source
from marsad.sources.text_archive import date_only, split_text_archive
from marsad.store.database import slugify

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024  # one .txt/.html file; streamed formats have no cap
MAX_RECORD_BYTES = 5 * 1024 * 1024  # one WARC record or CSV field
SUFFIXES = {".txt", ".html", ".htm", ".jsonl", ".csv", ".warc"}
STREAMED_SUFFIXES = {".jsonl", ".csv", ".warc"}  # many articles per file, read as a stream
MAX_LISTED_PROBLEMS = 5


def format_suffix(path: Path) -> str:
    """The format suffix: '.warc' for both .warc and .warc.gz, '.jsonl' for .jsonl.gz."""
    name = path.name.lower()
    if name.endswith((".warc.gz", ".warc")):
        return ".warc"
    if name.endswith(".jsonl.gz"):
        return ".jsonl"
    return path.suffix.lower()


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Every ingestible file under the given files and folders, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and format_suffix(p) in SUFFIXES
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
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else None


class Problems:
    """Bad records of one file: each logged at once, summed up at the end."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[str] = []

    def add(self, where: str, reason: str) -> None:
        log.warning("%s:%s: %s", self.name, where, reason)
        self.items.append(f"{where}: {reason}")

    def raise_if_any(self, stored: int) -> None:
        if not self.items:
            return
        listed = "; ".join(self.items[:MAX_LISTED_PROBLEMS])
        more = f" (+{len(self.items) - MAX_LISTED_PROBLEMS} more)" if len(self.items) > 5 else ""
        raise InputError(
            f"{self.name}: {len(self.items)} problem(s), {stored} article(s) read: {listed}{more}"
        )


def read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"{path}: {size // (1024 * 1024)} MB is over the "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB limit for one file"
        )
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: binary data, not a text, HTML or JSONL file")
    return data


# --------------------------------------------------------------------------- .txt


def articles_from_text(text: str, source: Source, url: str | None = None) -> Article | None:
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return None
    title, body = lines[0], lines[1:]
    published = None
    for i, line in enumerate(body[:3]):
        published = date_only(line)
        if published is not None:
            del body[i]
            break
    return Article(title=title, text="\n".join(body), source=source, url=url, published=published)


def articles_from_text_file(text: str, source: Source) -> list[Article]:
    """One article, or the items of a text tag archive."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    items = split_text_archive(lines)
    if items:
        return [
            Article(
                title=item.title,
                text="\n".join(item.lines),
                source=source,
                published=item.published,
            )  # fmt: skip
            for item in items
        ]
    article = articles_from_text(text, source)
    return [article] if article is not None else []


# --------------------------------------------------------------------------- records


def article_from_record(
    rec: dict[str, Any], where: str, default_source: Source | None, name: str,
    problems: Problems | None = None,
) -> Article | None:  # fmt: skip
    """An Article from a JSONL object or CSV row (same field names), or None if unusable."""
    text = rec.get("text") or rec.get("body") or rec.get("content") or ""
    title = rec.get("title") or ""
    if (
        not isinstance(text, str)
        or not isinstance(title, str)
        or not (text.strip() or title.strip())
    ):
        reason = "skipped, no title or text"
        if problems is not None:
            problems.add(where, reason)
        else:
            log.warning("%s:%s: %s", name, where, reason)
        return None
    src_value = rec.get("source") or rec.get("src")
    source = (
        source_for(str(src_value), rec.get("source_name") or None, rec.get("source_url") or None)
        if src_value
        else default_source or source_for(Path(name).stem)
    )
    raw_date = rec.get("published") or rec.get("time")
    published = parse_published(raw_date)
    if raw_date and published is None:
        reason = f"date {str(raw_date)[:40]!r} not understood (ISO-8601 or RFC 822 with zone); kept as unknown"
        if problems is not None:
            problems.add(where, reason)
        else:
            log.warning("%s:%s: %s", name, where, reason)
    url = rec.get("url")
    return Article(
        title=title.strip(),
        text=text,
        source=source,
        url=url if isinstance(url, str) and url else None,
        published=published,
        place=rec.get("place") or None,
        agency=rec.get("agency") or None,
        author=rec.get("author") or None,
    )


def articles_from_jsonl(
    path: Path, default_source: Source | None, problems: Problems | None = None
) -> Iterator[Article]:
    """Articles of a .jsonl or .jsonl.gz file (read as a stream, one bounded line at a time)."""
    problems = problems if problems is not None else Problems(str(path))
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
        lines = _bounded_lines(fh, problems)
        yield from articles_from_jsonl_lines(lines, str(path), default_source, problems)


def _bounded_lines(fh: IO[str], problems: Problems) -> Iterator[str]:
    """The lines of a text stream, none over MAX_RECORD_BYTES characters (a longer one, e.g.
    from a decompression bomb, is skipped as a blank line so numbering stays right); a
    truncated or corrupt gzip stream ends the file with a problem, after the good lines."""
    number = 0
    try:
        while line := fh.readline(MAX_RECORD_BYTES + 1):
            number += 1
            if len(line) > MAX_RECORD_BYTES and not line.endswith("\n"):
                while (rest := fh.readline(MAX_RECORD_BYTES)) and not rest.endswith("\n"):
                    pass
                problems.add(str(number), f"skipped, longer than {MAX_RECORD_BYTES} characters")
                line = "\n"
            yield line
    except (EOFError, OSError, zlib.error) as exc:
        problems.add(str(number + 1), f"the compressed file is truncated or corrupt ({exc})")


def articles_from_jsonl_lines(
    lines: Iterable[str], name: str, default_source: Source | None,
    problems: Problems | None = None,
) -> Iterator[Article]:  # fmt: skip
    """Articles of JSONL lines; a bad line is logged with its number and skipped."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            reason = f"skipped, not valid JSON ({exc.msg})"
            if problems is not None:
                problems.add(str(number), reason)
            else:
                log.warning("%s:%d: %s", name, number, reason)
            continue
        if not isinstance(rec, dict):
            if problems is not None:
                problems.add(str(number), "skipped, not a JSON object")
            continue
        article = article_from_record(rec, str(number), default_source, name, problems)
        if article is not None:
            yield article


def _csv_text(path: Path) -> io.TextIOBase:
    """The CSV as text: UTF-8 (BOM or not), else windows-1256."""
    with path.open("rb") as fh:
        head = fh.read(65536)
    if b"\x00" in head:
        raise InputError(f"{path}: binary data, not a CSV file")
    try:
        head.decode("utf-8-sig")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        encoding = "utf-8-sig" if exc.start > len(head) - 4 else "cp1256"
    return path.open(encoding=encoding, errors="replace", newline="")


def articles_from_csv(
    path: Path, default_source: Source | None, problems: Problems
) -> Iterator[Article]:
    """Articles of a CSV file whose header names the JSONL fields."""
    csv.field_size_limit(MAX_RECORD_BYTES)
    with _csv_text(path) as fh:
        sample = fh.read(8192)
        fh.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(fh, dialect=dialect)
        fields = {(f or "").strip().lower() for f in reader.fieldnames or []}
        if not fields & {"text", "body", "content", "title"}:
            raise InputError(
                f"{path}: the CSV header must name at least title and text "
                f"(found: {', '.join(sorted(fields)) or 'nothing'})"
            )
        row_number = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                row_number += 1
                problems.add(f"row {row_number}", f"skipped, broken CSV ({exc})")
                continue
            row_number += 1
            rec = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()
                   if isinstance(v, str)}  # fmt: skip
            article = article_from_record(rec, f"row {row_number}", default_source, str(path),
                                          problems)  # fmt: skip
            if article is not None:
                yield article


# --------------------------------------------------------------------------- .warc


def articles_from_warc(path: Path, source: Source | None, problems: Problems) -> Iterator[Article]:
    """Articles of every HTML response record of a WARC (or .warc.gz) file."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from marsad.extract.html import extract_articles
    from marsad.sources.fetch import _charset

    with path.open("rb") as fh:
        try:
            records = ArchiveIterator(fh)
            for number, record in enumerate(records, start=1):
                if record.rec_type != "response":
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                http = record.http_headers
                if http is None:
                    continue
                media, charset = _charset(http.get_header("Content-Type"))
                status = http.get_statuscode() or ""
                if media not in (None, "text/html", "application/xhtml+xml"):
                    continue
                if not status.startswith("2"):
                    continue
                body = record.content_stream().read(MAX_RECORD_BYTES + 1)
                if len(body) > MAX_RECORD_BYTES:
                    problems.add(f"record {number} <{url}>",
                                 f"page over the {MAX_RECORD_BYTES}-byte limit, skipped")  # fmt: skip
                    continue
                reference = _warc_date(record.rec_headers.get_header("WARC-Date"))
                try:
                    articles = extract_articles(
                        body, url=url, source=source, declared_encoding=charset,
                        reference=reference,
                    )  # fmt: skip
                except InputError as exc:
                    problems.add(f"record {number} <{url}>", str(exc))
                    continue
                if not articles:
                    problems.add(f"record {number} <{url}>", "no article text on the page")
                yield from articles
            read_to = getattr(records, "offset", None)
            size = path.stat().st_size
            if isinstance(read_to, int) and 0 < read_to < size:
                problems.add(
                    "end",
                    f"WARC file truncated or damaged: the last {size - read_to} bytes "
                    "could not be read as records",
                )
        except ArchiveLoadFailed as exc:
            raise InputError(f"{path}: not a readable WARC file ({exc})") from None
        except Exception as exc:  # warcio on truncated gzip or broken headers
            problems.add(
                "end",
                f"WARC file truncated or damaged, stopped reading ({type(exc).__name__}: {exc})",
            )


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


# --------------------------------------------------------------------------- dispatch


def articles_from_file(path: Path, source: Source | None = None) -> Iterator[Article]:
    """The articles of one file; raises InputError when the file cannot be used at all, and
    at the end when some of its records were skipped (after yielding the good ones)."""
    suffix = format_suffix(path)
    problems = Problems(str(path))
    count = 0
    if suffix == ".jsonl":
        records: Iterator[Article] = articles_from_jsonl(path, source, problems)
    elif suffix == ".csv":
        records = articles_from_csv(path, source, problems)
    elif suffix == ".warc":
        records = articles_from_warc(path, source, problems)
    else:
        records = iter(_articles_from_document(path, suffix, source))
    for article in records:
        count += 1
        yield article
    problems.raise_if_any(count)


def _articles_from_document(path: Path, suffix: str, source: Source | None) -> list[Article]:
    data = read_bytes(path)
    if suffix in {".html", ".htm"}:
        from marsad.extract.html import extract_articles

        try:
            articles = extract_articles(data, source=source)
        except InputError as exc:
            raise InputError(f"{path}: {exc}") from None
        if not articles:
            raise InputError(f"{path}: no article text found in the page")
        return articles
    from marsad.extract.encoding import decode_bytes

    articles = articles_from_text_file(
        decode_bytes(data), source or source_for(path.parent.name or "files")
    )
    if not articles:
        raise InputError(f"{path}: empty file")
    return articles
