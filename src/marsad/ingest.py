"""Ingest entry points shared by the CLI, the demo and the benchmarks."""

from __future__ import annotations

import sys
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
    articles_from_file,
    articles_from_jsonl_lines,
    format_suffix,
    iter_files,
    source_for,
)
from marsad.store.database import Store
from marsad.workers import LazyRecogniser, Tools, results_in_order

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
    """Ingest files and folders; a bad file is reported and skipped, nothing else is lost.
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
        for prepared, error in results_in_order(tasks, settings, workers, local):
            for item in prepared:
                pipeline.commit(item, report)
            if error:
                report.errors.append(error)
            since += len(prepared)
            done += len(prepared)
            if since >= COMMIT_EVERY:
                commit()
                since = 0
            if progress and done - told >= progress_every:
                told = done
                rate = done / max(time.monotonic() - started, 1e-9)
                progress(
                    f"{done} articles: {report.new} new, {report.duplicates} duplicates "
                    f"({rate:.0f}/s)"
                )
    settle(store, pipeline.touched)  # global resolution; names follow usage
    return report


# ---- tasks (marsad.workers) ---------------------------------------------------------------------
# A page-like file (.html, .htm, .txt) is read and extracted by its task; a streamed file
# (.jsonl, .csv, .warc) is read here and its articles are sent in batches. Each task returns
# its prepared articles (in order) and an error or None.
_Result = tuple[list[Prepared | None], str | None]
_FILE_ERRORS = (MarsadError, OSError, UnicodeError, ValueError)


def _file_error(path: Path, exc: Exception) -> str:
    return str(exc) if isinstance(exc, MarsadError) else f"{path}: {exc}"


def _prepare_all(tools: Tools, articles: Iterable[Article], defer: bool) -> list[Prepared | None]:
    recogniser, store = tools
    use = None if defer else recogniser  # None: analysis deferred
    return [prepare(a, use, store.article_by_hash) for a in articles]


def _prepare_file(tools: Tools, job: tuple[Path, Source | None, bool]) -> _Result:
    path, source, defer = job
    try:
        return _prepare_all(tools, articles_from_file(path, source), defer), None
    except _FILE_ERRORS as exc:
        return [], _file_error(path, exc)


def _prepare_batch(tools: Tools, job: tuple[list[Article], bool]) -> _Result:
    return _prepare_all(tools, *job), None


def _batches(
    articles: Iterable[Article], defer: bool
) -> Iterator[tuple[Callable, tuple[list[Article], bool]]]:
    """Batches of ``articles``; an error that ends the stream (a file's list of skipped
    records) is raised after the last batch, so the good articles before it still count."""
    batch: list[Article] = []
    failure: Exception | None = None
    try:
        for article in articles:
            batch.append(article)
            if len(batch) == BATCH:
                yield _prepare_batch, (batch, defer)
                batch = []
    except _FILE_ERRORS as exc:
        failure = exc
    if batch:
        yield _prepare_batch, (batch, defer)
    if failure is not None:
        raise failure


def _tasks(
    paths: list[Path],
    source: Source | None,
    report: IngestReport,
    progress: Callable[[str], None] | None,
    defer: bool,
) -> Iterator[tuple[Callable, object]]:
    if [str(p) for p in paths] == ["-"]:
        yield from _batches(articles_from_jsonl_lines(sys.stdin, "stdin", source), defer)
        return
    for number, path in enumerate(iter_files(paths), start=1):
        if format_suffix(path) not in STREAMED_SUFFIXES:
            yield _prepare_file, (path, source, defer)
        else:
            try:
                yield from _batches(articles_from_file(path, source), defer)
            except _FILE_ERRORS as exc:
                report.errors.append(_file_error(path, exc))
        if progress and number % 100 == 0:
            progress(f"{number} files, {report.new} new articles")
