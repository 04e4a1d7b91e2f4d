"""Ingest entry points shared by the CLI, the demo and the benchmarks."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

from marsad.config import Settings
from marsad.entities.consolidate import settle
from marsad.errors import MarsadError
from marsad.generate.corpus import generate, sources
from marsad.models import Article, Source
from marsad.pipeline import IngestReport, Pipeline, Prepared, prepare
from marsad.sources.files import (
    STREAMED_SUFFIXES,
    SkippedRecords,
    articles_from_file,
    articles_from_stdin,
    format_suffix,
    iter_files,
    source_for,
)
from marsad.store.database import Store
from marsad.workers import LazyRecogniser, Tools, results_in_order

log = logging.getLogger(__name__)

BATCH = 16  # articles of a JSONL/CSV/WARC file sent to a worker at once
COMMIT_EVERY = 64  # articles stored per database transaction


def generated_articles(n: int, *, seed: int = 7, end: date | None = None) -> Iterator[Article]:
    """The sample corpus as articles."""
    srcs = sources()
    for g in generate(n, seed=seed, end=end):
        s = srcs[g.source]
        yield Article(
            title=g.title,
            text=g.text,
            source=Source(g.source, s["name"], s["url"], s["country"]),
            url=g.url,
            published=g.published,
        )


def ingest_paths(
    store: Store,
    settings: Settings,
    paths: list[Path],
    *,
    source_name: str | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int = 1,
    progress_every: int = 1000,
    defer_analysis: bool = False,
) -> IngestReport:
    """Ingest files and folders (``-``: JSONL on stdin); a bad file, a missing path or a bad
    record is reported in ``errors`` (one line each, with file and line) and skipped, a
    dropped field (unreadable date, non-http link) in ``warnings``; nothing else is lost.
    ``progress`` hears every ``progress_every`` articles (and every 100 files).
    ``defer_analysis``: store the articles without recognising their names (see
    ``Pipeline.analyse_pending``, ``marsad analyse``).

    With ``workers`` > 1, that many processes extract pages and recognise names while this
    one resolves and stores, in input order: the database ends up the same. (Workers are
    spawned: a script that calls this needs the ``if __name__ == "__main__":`` guard.)"""
    pipeline = Pipeline(store, settings, defer_analysis=defer_analysis)
    source = source_for(source_name) if source_name else None
    report = IngestReport()
    tasks = _tasks(paths, source, report, progress, defer_analysis)
    local = lambda: (LazyRecogniser(lambda: pipeline.recogniser), store)  # noqa: E731
    started, done, told = time.monotonic(), 0, 0
    with store.batch() as commit:
        since = 0
        for prepared, errors, warnings in results_in_order(tasks, settings, workers, local):
            for item in prepared:
                pipeline.commit(item, report)
            report.errors.extend(errors)
            report.warnings.extend(warnings)
            since += len(prepared)
            done += len(prepared)
            if since >= COMMIT_EVERY:
                commit()
                since = 0
            if progress and done - told >= progress_every:
                told = done
                tell_progress(progress, report, done, started)
    settle_run(store, pipeline, progress)
    return report


def tell_progress(
    progress: Callable[[str], None], report: IngestReport, done: int, started: float
) -> None:
    """The progress line of a long run: articles done, new and duplicate, and the rate."""
    rate = done / max(time.monotonic() - started, 1e-9)
    progress(f"{done} articles: {report.new} new, {report.duplicates} duplicates ({rate:.0f}/s)")


def settle_run(
    store: Store, pipeline: Pipeline, progress: Callable[[str], None] | None = None
) -> None:
    """What ends a run that stored articles: the global resolution of the entities it
    named (names follow usage), reported to ``progress``."""
    started = time.monotonic()
    done = settle(store, pipeline.touched)
    if progress:
        progress(
            f"global resolution: {done['retyped']} retyped, {done['merged']} merged, "
            f"{done['renamed']} renamed, {done['found again']} names found again ({time.monotonic() - started:.1f} s)"
        )


# ---- tasks (marsad.workers) ---------------------------------------------------------------------
# A page-like file (.html, .htm, .txt) is read and extracted by its task; a streamed file
# (.jsonl, .csv, .warc) and stdin are read here and their articles are sent in batches. Each
# task returns its prepared articles (in order), its errors and its warnings.
_Result = tuple[list[Prepared | None], list[str], list[str]]
_FILE_ERRORS = (MarsadError, OSError, UnicodeError, ValueError)  # what bad input raises


def _failure(name: str, exc: Exception) -> tuple[list[str], list[str]]:
    """(errors, warnings) of an exception that ended a file: one line per skipped record
    (:class:`SkippedRecords`), else one for the file. Any other exception is a bug met on
    this file: logged with its traceback and listed, and the next file is read."""
    if isinstance(exc, SkippedRecords):
        return exc.errors, exc.warnings
    if isinstance(exc, MarsadError):
        return [str(exc)], []
    if isinstance(exc, _FILE_ERRORS):
        return [f"{name}: {exc}"], []
    log.error("%s: stopped reading", name, exc_info=exc)
    return [f"{name}: stopped reading, internal error ({type(exc).__name__}: "
            f"{str(exc)[:200]}); please report it"], []  # fmt: skip


def _prepare_all(
    tools: Tools, articles: Iterable[Article], defer: bool, name: str, errors: list[str],
    out: list[Prepared | None] | None = None,
) -> list[Prepared | None]:  # fmt: skip
    """The prepared articles (appended to ``out``, kept if ``articles`` raises at the end);
    one that fails unexpectedly (a bug, not bad input: inputs are checked before) is logged
    with its traceback, listed in ``errors`` and skipped."""
    recogniser, store = tools
    use = None if defer else recogniser  # None: analysis deferred
    out = out if out is not None else []
    for article in articles:
        try:
            out.append(prepare(article, use, store.article_by_hash))
        except Exception as exc:  # noqa: BLE001 - one article must not stop the ingest
            log.exception("%s: article %r could not be prepared", name, article.title[:60])
            errors.append(
                f"{name}: article {article.title[:60]!r} skipped, internal error "
                f"({type(exc).__name__}: {str(exc)[:200]}); please report it"
            )
    return out


def _prepare_file(tools: Tools, job: tuple[Path, Source | None, bool]) -> _Result:
    path, source, defer = job
    prepared: list[Prepared | None] = []
    errors: list[str] = []
    try:
        _prepare_all(tools, articles_from_file(path, source), defer, str(path), errors, prepared)
    except Exception as exc:  # noqa: BLE001 - one file must not stop the ingest
        more, warnings = _failure(str(path), exc)
        return prepared, errors + more, warnings  # the articles read before it are kept
    return prepared, errors, []


def _prepare_batch(tools: Tools, job: tuple[list[Article], bool, str]) -> _Result:
    articles, defer, name = job
    errors: list[str] = []
    return _prepare_all(tools, articles, defer, name, errors), errors, []


def _batches(
    articles: Iterable[Article], defer: bool, name: str, report: IngestReport
) -> Iterator[tuple[Callable, tuple[list[Article], bool, str]]]:
    """Batches of ``articles``; an error that ends the stream (a file's list of skipped
    records) is recorded in ``report`` after the last batch is sent, so the good articles
    before it still count."""
    batch: list[Article] = []
    failure: Exception | None = None
    try:
        for article in articles:
            batch.append(article)
            if len(batch) == BATCH:
                yield _prepare_batch, (batch, defer, name)
                batch = []
    except Exception as exc:  # noqa: BLE001 - one file must not stop the ingest
        failure = exc
    if batch:
        yield _prepare_batch, (batch, defer, name)
    if failure is not None:
        errors, warnings = _failure(name, failure)
        report.errors.extend(errors)
        report.warnings.extend(warnings)


def _tasks(
    paths: list[Path],
    source: Source | None,
    report: IngestReport,
    progress: Callable[[str], None] | None,
    defer: bool,
) -> Iterator[tuple[Callable, object]]:
    """The tasks of every path in turn: ``-`` is stdin; a path that does not exist is an
    error and the next path is read."""
    number = 0
    for given in paths:
        if str(given) == "-":
            yield from _batches(articles_from_stdin(source), defer, "stdin", report)
            continue
        if not given.exists():
            report.errors.append(f"{given}: no such file or folder")
            continue
        try:
            for path in iter_files([given]):
                number += 1
                if format_suffix(path) not in STREAMED_SUFFIXES:
                    yield _prepare_file, (path, source, defer)
                else:
                    articles = articles_from_file(path, source)
                    yield from _batches(articles, defer, str(path), report)
                if progress and number % 100 == 0:
                    progress(f"{number} files, {report.new} new articles")
        except OSError as exc:  # a folder that cannot be listed
            report.errors.append(f"{given}: cannot be read ({exc})")
