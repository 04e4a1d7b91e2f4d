"""Articles from files and folders: .txt, .html/.htm, .jsonl, .csv, .warc/.warc.gz (and stdin).

* ``.txt``: one article, or page text saved from a browser: menu, badge (``مباشر``),
  share and follow lines are skipped, the first line left is the title, a line near it
  that is only a date (``الأربعاء 25 شباط 2015``) becomes the publication date, and a
  dateline line (``موسكو-سانا``) opens the text (:mod:`marsad.sources.text_page`). A text tag
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

Every record's fields are checked in one place, :mod:`marsad.sources.records` (text
where text is expected, bounded lengths, text required, dates read or dropped, only
http(s) links).

Bad input never stops a folder: a file that cannot be used at all raises
:class:`InputError`; inside a usable file, each bad record (invalid JSON, a field of the
wrong type, no text, a WARC record cut short) is skipped and each dropped field (a date
that cannot be read, a link that is not http(s)) is a warning, both logged with the line,
row or record number; the rest is read, and the file ends with one :class:`SkippedRecords`
listing them, so the caller counts every one.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from marsad.errors import InputError
from marsad.models import Article, Source
from marsad.sources.records import (
    Checked,
    RecordError,
    article_from_fields,
    checked,
    parse_published,
    source_for,
)
from marsad.sources.text_archive import split_text_archive

__all__ = ["parse_published", "source_for"]  # kept importable from here

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024  # one .txt/.html file; streamed formats have no cap
MAX_RECORD_BYTES = 5 * 1024 * 1024  # one WARC record or CSV field
SUFFIXES = {".txt", ".html", ".htm", ".jsonl", ".csv", ".warc"}
STREAMED_SUFFIXES = {".jsonl", ".csv", ".warc"}  # many articles per file, read as a stream
MAX_LISTED_PROBLEMS = 5
PageTest = Callable[[bytes, str | None], bool]  # raw page, declared encoding: parse it?


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


class SkippedRecords(InputError):
    """A file was read, but some of its records were skipped (``errors``) or stored with a
    field dropped (``warnings``): each "file:where: reason"."""

    def __init__(self, message: str, errors: list[str], warnings: list[str]) -> None:
        super().__init__(message)
        self.errors, self.warnings = errors, warnings


class Problems:
    """Bad records of one file: each logged at once, summed up at the end."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[str] = []  # both kinds, in order, for the summary
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def add(self, where: str, reason: str) -> None:
        """A record skipped (or the rest of the file lost)."""
        log.warning("%s:%s: %s", self.name, where, reason)
        self.items.append(f"{where}: {reason}")
        self.errors.append(f"{self.name}:{where}: {reason}")

    def warn(self, where: str, reason: str) -> None:
        """A record stored without one of its fields."""
        log.warning("%s:%s: %s", self.name, where, reason)
        self.items.append(f"{where}: {reason}")
        self.warnings.append(f"{self.name}:{where}: {reason}")

    def kept(self, where: str, result: Checked) -> Article:
        for warning in result.warnings:
            self.warn(where, warning)
        return result.article

    def raise_if_any(self, stored: int) -> None:
        if not self.items:
            return
        listed = "; ".join(self.items[:MAX_LISTED_PROBLEMS])
        more = f" (+{len(self.items) - MAX_LISTED_PROBLEMS} more)" if len(self.items) > 5 else ""
        raise SkippedRecords(
            f"{self.name}: {len(self.items)} problem(s), {stored} article(s) read: {listed}{more}",
            self.errors,
            self.warnings,
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
    """One article of a text file: its title found among the menu, badge, date and share
    lines a saved page opens with (:mod:`marsad.sources.text_page`)."""
    from marsad.sources.text_page import read_text_page

    lines = [line.strip() for line in text.splitlines()]
    page = read_text_page([line for line in lines if line])
    if page is None:
        return None
    return Article(title=page.title, text="\n".join(page.lines), source=source, url=url,
                   published=page.published)  # fmt: skip


def articles_from_text_file(text: str, source: Source) -> list[Article]:
    """One article, or the items of a text tag archive."""
    from marsad.sources.text_page import skip_head

    lines = [line.strip() for line in text.splitlines()]
    items = split_text_archive(skip_head([line for line in lines if line]))
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
    problems: Problems,
) -> Article | None:  # fmt: skip
    """An Article from a JSONL object or CSV row (checked by
    :func:`marsad.sources.records.article_from_fields`), or None if unusable."""
    try:
        return problems.kept(where, article_from_fields(rec, default_source, name))
    except RecordError as exc:
        problems.add(where, str(exc))
        return None


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


def articles_from_stdin(default_source: Source | None) -> Iterator[Article]:
    """Articles of JSONL on standard input (UTF-8; lines bounded like a file's); raises
    :class:`SkippedRecords` at the end when some lines were skipped."""
    problems = Problems("stdin")
    stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    count = 0
    for article in articles_from_jsonl_lines(
        _bounded_lines(stream, problems), "stdin", default_source, problems
    ):
        count += 1
        yield article
    problems.raise_if_any(count)


_JSON_KINDS = {list: "a JSON array", str: "a JSON string", int: "a JSON number",
               float: "a JSON number", bool: "JSON true/false", type(None): "JSON null"}  # fmt: skip


def record_of_line(line: str) -> dict[str, Any]:
    """The JSON object of one JSONL line; :class:`RecordError` says why there is none."""
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RecordError(f"skipped, not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise RecordError("skipped, JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise RecordError(f"skipped, not valid JSON ({exc})") from None
    if not isinstance(rec, dict):
        raise RecordError(f"skipped, {_JSON_KINDS.get(type(rec), 'JSON value')}, not an object")
    return rec


def articles_from_jsonl_lines(
    lines: Iterable[str], name: str, default_source: Source | None,
    problems: Problems | None = None,
) -> Iterator[Article]:  # fmt: skip
    """Articles of JSONL lines; a bad line is logged with its number and skipped. Without
    ``problems``, raises :class:`SkippedRecords` at the end when some were."""
    own = problems is None
    problems = problems if problems is not None else Problems(name)
    count = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rec = record_of_line(line)
        except RecordError as exc:
            problems.add(str(number), str(exc))
            continue
        article = article_from_record(rec, str(number), default_source, name, problems)
        if article is not None:
            count += 1
            yield article
    if own:
        problems.raise_if_any(count)


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


def articles_from_warc(
    path: Path, source: Source | None, problems: Problems, keep: PageTest | None = None
) -> Iterator[Article]:
    """Articles of every HTML response record of a WARC (or .warc.gz) file; with ``keep``,
    only of the pages whose raw bytes it accepts (checked before parsing them)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from marsad.extract.html import extract_articles
    from marsad.sources.fetch import _charset

    with path.open("rb") as fh:
        try:
            records = ArchiveIterator(fh)
            for number, record in enumerate(records, start=1):
                url = record.rec_headers.get_header("WARC-Target-URI")
                where = f"record {number} <{url}>"
                if record.length is None:  # no Content-Length: the file ends in the headers
                    problems.add(f"record {number}", f"skipped, {CUT_RECORD}")
                    continue
                if not _is_page(record):
                    if _cut_short(record):
                        problems.add(where, f"not a page, and {CUT_RECORD}")
                    continue
                body = record.content_stream().read(MAX_RECORD_BYTES + 1)
                if len(body) > MAX_RECORD_BYTES:
                    problems.add(where, f"page over the {MAX_RECORD_BYTES}-byte limit, skipped")
                    continue
                if _cut_short(record):
                    problems.add(where, f"skipped, {CUT_RECORD}")
                    continue
                charset = _charset(record.http_headers.get_header("Content-Type"))[1]
                if keep is not None and not keep(body, charset):
                    continue
                reference = _warc_date(record.rec_headers.get_header("WARC-Date"))
                try:
                    articles = extract_articles(
                        body, url=url, source=source, declared_encoding=charset,
                        reference=reference,
                    )  # fmt: skip
                except InputError as exc:
                    problems.add(where, str(exc))
                    continue
                if not articles:
                    problems.add(where, "no article text on the page")
                yield from _checked_all(articles, where, problems)
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


CUT_RECORD = "the record is truncated (the file ends inside it)"


def _is_page(record: Any) -> bool:
    """A successful HTML response."""
    from marsad.sources.fetch import _charset

    http = record.http_headers
    if record.rec_type != "response" or http is None:
        return False
    media = _charset(http.get_header("Content-Type"))[0]
    status = http.get_statuscode() or ""
    return media in (None, "text/html", "application/xhtml+xml") and status.startswith("2")


def _cut_short(record: Any) -> bool:
    """Whether the file ends before the record's declared length (a plain .warc cut in the
    middle: warcio reads what there is without a word)."""
    raw = record.raw_stream
    remaining = getattr(raw, "limit", 0)
    while isinstance(remaining, int) and remaining > 0:  # e.g. a chunked body's trailer
        chunk = raw.read(min(remaining, 65536))
        if not chunk:
            return True
        remaining = raw.limit
    return False


def _checked_all(articles: Iterable[Article], where: str, problems: Problems) -> Iterator[Article]:
    """The extracted articles that pass :func:`marsad.sources.records.checked`."""
    many = isinstance(articles, list) and len(articles) > 1
    for index, article in enumerate(articles, start=1):
        place = " ".join(filter(None, [where, f"article {index}" if many else ""])) or "page"
        try:
            yield problems.kept(place, checked(article))
        except RecordError as exc:
            problems.add(place, str(exc))


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


# --------------------------------------------------------------------------- dispatch


def articles_from_file(
    path: Path, source: Source | None = None, *, keep: PageTest | None = None
) -> Iterator[Article]:
    """The articles of one file; raises InputError when the file cannot be used at all, and
    at the end when some of its records were skipped (after yielding the good ones).
    ``keep`` (raw page bytes, declared encoding) chooses the pages of a WARC to parse."""
    suffix = format_suffix(path)
    problems = Problems(str(path))
    count = 0
    if suffix == ".jsonl":
        records: Iterator[Article] = articles_from_jsonl(path, source, problems)
    elif suffix == ".csv":
        records = articles_from_csv(path, source, problems)
    elif suffix == ".warc":
        records = articles_from_warc(path, source, problems, keep)
    else:
        records = _articles_from_document(path, suffix, source, problems)
    for article in records:
        count += 1
        yield article
    problems.raise_if_any(count)


def _articles_from_document(
    path: Path, suffix: str, source: Source | None, problems: Problems
) -> Iterator[Article]:
    """The article(s) of a page or text file; an only article that fails the checks is
    the file's error, one of several is skipped and reported."""
    articles = _extracted(path, suffix, source)
    if len(articles) == 1:
        try:
            result = checked(articles[0])
        except RecordError as exc:
            raise InputError(f"{path}: {_file_reason(str(exc), suffix)}") from None
        yield problems.kept("page", result)
        return
    yield from _checked_all(articles, "", problems)


def _file_reason(reason: str, suffix: str) -> str:
    if reason == "skipped, no text" and suffix == ".txt":
        return "only a title line, no text (the first line is the title, the text follows)"
    return reason.removeprefix("skipped, ")


def _extracted(path: Path, suffix: str, source: Source | None) -> list[Article]:
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
