"""Ingest entry points shared by the CLI, the demo and the benchmarks."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from marsad.config import Settings
from marsad.errors import MarsadError
from marsad.generate.corpus import generate, sources
from marsad.models import Article, Source
from marsad.pipeline import IngestReport, Pipeline
from marsad.sources.files import (
    articles_from_file,
    articles_from_jsonl_lines,
    iter_files,
    source_for,
)
from marsad.store.database import Store


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
) -> IngestReport:
    """Ingest files and folders; a bad file is reported and skipped, nothing else is lost."""
    pipeline = Pipeline(store, settings)
    source = source_for(source_name) if source_name else None
    report = IngestReport()
    if [str(p) for p in paths] == ["-"]:
        pipeline.ingest(articles_from_jsonl_lines(sys.stdin, "stdin", source), report)
        return report
    for number, path in enumerate(iter_files(paths), start=1):
        try:
            pipeline.ingest(articles_from_file(path, source), report)
        except MarsadError as exc:
            report.errors.append(str(exc))
        except (OSError, UnicodeError, ValueError) as exc:
            report.errors.append(f"{path}: {exc}")
        if progress and number % 100 == 0:
            progress(f"{number} files, {report.new} new articles")
    return report
