"""``marsad spark-ingest`` and ``marsad load``: thin CLI glue over marsad.spark.job/load."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from marsad.config import load_settings
from marsad.store.database import Store


def _list(kind: str, lines: list[str], shown: int = 20) -> None:
    for line in lines[:shown]:
        typer.echo(f"  {kind}: {line}", err=True)
    if len(lines) > shown:
        typer.echo(f"  … {len(lines) - shown} more {kind}s", err=True)


def spark_ingest(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files, folders, globs or URIs (hdfs://, s3a://…) of .warc(.gz) .jsonl(.gz) "
            ".csv .html .htm .txt"
        ),
    ],
    out: Annotated[str, typer.Option(help="Parquet folder to write (replaced)")],
    master: Annotated[
        str | None,
        typer.Option(
            help="Spark master (local[2], spark://host:7077, yarn…); default: "
            "spark-submit's, else local[*]"
        ),
    ] = None,  # fmt: skip
    partitions: Annotated[
        int | None, typer.Option(min=1, help="Partitions of the recognising stage")
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Source name for files that do not say")
    ] = None,
    arabic_only: Annotated[
        bool,
        typer.Option(
            "--arabic-only",
            help="Parse only Arabic WARC pages (a byte-level check before parsing; for CC-NEWS)",
        ),
    ] = False,
) -> None:
    """Extract, deduplicate and recognise archives on Apache Spark, writing Parquet for
    `marsad load`. The knowledge base is read from the configured database: load into it."""
    from marsad.sources.files import source_for
    from marsad.spark import job
    from marsad.store.edits import recogniser_names

    job.check_inputs(inputs)
    settings = load_settings()
    names = recogniser_names(Store(settings.database_url))
    spark = job.spark_session(master, partitions)
    try:
        report = job.run(
            spark,
            inputs,
            out,
            settings,
            names,
            source=source_for(source) if source else None,
            arabic_only=arabic_only,
            partitions=partitions,
        )
    finally:
        spark.stop()
    counts = ", ".join(f"{kind} {n}" for kind, n in sorted(report.counts.items()))
    typer.echo(f"{report.files} files → {out}: {counts or 'no rows'}")
    if arabic_only:
        typer.echo(f"{report.dropped} non-Arabic pages left out before parsing")
    _list("error", report.errors)
    typer.echo(f"load it with: marsad load {out}")
    if report.errors:
        raise typer.Exit(1)


def load(
    path: Annotated[Path, typer.Argument(help="The --out folder of marsad spark-ingest")],
) -> None:
    """Store what marsad spark-ingest wrote: resolution, stories and counts exactly as
    `marsad ingest`. Exit status 1 when some input or record had failed (listed)."""
    from marsad.spark.load import load as run_load

    settings = load_settings()
    store = Store(settings.database_url)
    report = run_load(store, settings, path, progress=lambda msg: typer.echo(msg, err=True))
    typer.echo(
        f"new {report.new}, duplicates {report.duplicates}, empty {report.empty}, "
        f"errors {len(report.errors)}, warnings {len(report.warnings)}"
        + (f", non-Arabic pages left out {report.dropped}" if report.dropped else "")
    )
    _list("error", report.errors)
    _list("warning", report.warnings)
    if report.errors:
        raise typer.Exit(1)
