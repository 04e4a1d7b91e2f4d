"""``marsad load PATH``: store the Parquet written by ``marsad spark-ingest``.

The rows are read in input order and go through the code ``marsad ingest`` runs after its
workers have prepared the articles: :meth:`marsad.pipeline.Pipeline.commit` (entity
resolution, story grouping, quotes, per-day/pair/source counts, in transactions of
:data:`marsad.ingest.COMMIT_EVERY` articles), then the global resolution
(:func:`marsad.entities.consolidate.settle`). Both read the database as they go and depend
on input order, so they are run once, here, not copied into Spark: the database equals
the one ``marsad ingest`` builds from the same inputs (tests/spark, docs/spark.md).
Needs pyarrow (``pip install 'marsad[spark]'``), not Spark.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from marsad.config import Settings
from marsad.errors import ConfigError, InputError
from marsad.ingest import COMMIT_EVERY, settle_run, tell_progress
from marsad.pipeline import IngestReport, Pipeline
from marsad.spark import rows
from marsad.store.database import Store


@dataclass
class LoadReport(IngestReport):
    dropped: int = 0  # pages the job's --arabic-only left out


def read_rows(path: Path, batch: int = 512) -> Iterator[dict[str, Any]]:
    """The rows of a spark-ingest output folder (or one Parquet file), in input order: its
    part files, each sorted, merged."""
    try:
        import pyarrow.parquet  # noqa: F401 - said here, used by _part_rows
    except ImportError:
        raise ConfigError("marsad load needs pyarrow: pip install 'marsad[spark]'") from None
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    parts = sorted(path.glob("part-*.parquet")) if path.is_dir() else [path]
    if not parts:
        raise InputError(f"{path}: no Parquet part files (is it marsad spark-ingest's --out?)")
    last = (-(2**31), -1)
    place = itemgetter("file", "seq")
    for row in heapq.merge(*(_part_rows(part, batch) for part in parts), key=place):
        if place(row) <= last:
            raise InputError(
                f"{path}: row {place(row)} twice or out of order "
                "(write it with marsad spark-ingest, which sorts each part file)"
            )
        last = place(row)
        yield row


def _part_rows(part: Path, batch: int) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    table = pq.ParquetFile(part)
    missing = set(rows.COLUMNS) - set(table.schema_arrow.names)
    if missing:
        raise InputError(f"{part}: not written by marsad spark-ingest (no {sorted(missing)})")
    for chunk in table.iter_batches(batch_size=batch, columns=list(rows.COLUMNS)):
        yield from chunk.to_pylist()


def load(
    store: Store,
    settings: Settings,
    path: Path,
    *,
    progress: Callable[[str], None] | None = None,
    progress_every: int = 1000,
) -> LoadReport:
    """Store the articles of ``path`` (see the module's docstring)."""
    pipeline = Pipeline(store, settings)
    report = LoadReport()
    started, done, since = time.monotonic(), 0, 0
    with store.batch() as commit:
        for row in read_rows(path):
            kind = row["kind"]
            if kind == rows.ARTICLE:
                pipeline.commit(rows.prepared_of(row), report)
            elif kind == rows.EMPTY:
                pipeline.commit(None, report)
            elif kind == rows.ERROR:
                report.errors.append(row["message"])
                continue
            elif kind == rows.WARNING:
                report.warnings.append(row["message"])
                continue
            elif kind == rows.DROPPED:
                report.dropped += int(row["message"])
                continue
            done += 1
            since += 1
            if since >= COMMIT_EVERY:
                commit()
                since = 0
            if progress and done % progress_every == 0:
                tell_progress(progress, report, done, started)
    settle_run(store, pipeline, progress)  # global resolution; names follow usage
    return report
