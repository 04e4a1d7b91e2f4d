"""``marsad spark-ingest``: the Spark job, in the style of Common Crawl's cc-pyspark jobs.

Stages (the same code in local mode and on a cluster, ``--master`` or ``spark-submit``):

1. **read** (one task per input file, through Spark's own file systems: local, HDFS, S3…):
   the file's records are read and extracted by :func:`marsad.sources.files.articles_from_file`
   (with ``--arabic-only``, WARC pages that are not Arabic are left out by a byte-level
   check before parsing: :mod:`marsad.extract.language`), then cleaned, normalised, hashed
   and signed for story grouping by :func:`marsad.pipeline.prepare` — exactly as
   ``marsad ingest`` does;
2. **deduplicate and recognise** (partitioned by content hash): the copies of one content
   meet in one partition; the first in input order is recognised with
   :func:`marsad.pipeline.recogniser_of` (the knowledge base's names, read from the
   configured database once on the driver and broadcast, then the shipped model, loaded
   once per executor process), later copies are kept as further sources of it;
3. **write**: every row as Parquet (:mod:`marsad.spark.rows`), each part file sorted in
   input order (``marsad load`` merges them: no global sort, no sampling pass).

Resolution, story grouping and the rollups are not a second copy in Spark: ``marsad load``
runs the code ``marsad ingest`` runs (:mod:`marsad.spark.load`, docs/spark.md).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.config import Settings
from marsad.errors import ConfigError, InputError
from marsad.extract.language import PageFilter
from marsad.models import Source, content_of
from marsad.pipeline import prepare, recogniser_of
from marsad.sources.files import SUFFIXES, articles_from_file, format_suffix, iter_files
from marsad.spark import rows

log = logging.getLogger(__name__)

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # hdfs://…, s3a://…, file:/…


@dataclass
class JobReport:
    files: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # rows of each kind written
    dropped: int = 0  # pages left out by --arabic-only
    errors: list[str] = field(default_factory=list)


def spark_session(master: str | None, partitions: int | None, app: str = "marsad spark-ingest"):
    """The session (``master`` None: the one spark-submit or the environment chose, else
    local[*])."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError(
            "marsad spark-ingest needs PySpark and Java 17: pip install 'marsad[spark]'"
        ) from None
    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
    submitted = os.environ.get("PYSPARK_GATEWAY_PORT") is not None  # under spark-submit
    if (master or "local").startswith("local") and not submitted:
        builder = builder.config("spark.pyspark.python", sys.executable)  # this environment
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    builder = builder.config("spark.python.daemon.module", "marsad.spark.daemon")
    if partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # no Java, a master that cannot be reached
        raise ConfigError(f"Spark could not start ({type(exc).__name__}: {exc})") from None
    spark.sparkContext.setLogLevel("WARN")
    return spark


def run(
    spark,
    inputs: list[str],
    out: str,
    settings: Settings,
    names: list[tuple[str, str]],
    *,
    source: Source | None = None,
    arabic_only: bool = False,
    partitions: int | None = None,
) -> JobReport:
    """Read, extract, deduplicate and recognise ``inputs`` (paths, folders, globs or URIs) and
    write the rows as Parquet at ``out`` (replaced). ``names``: the recogniser's
    (normalised alias, type) names, from the database the Parquet will be loaded into."""
    from pyspark import StorageLevel

    sc = spark.sparkContext
    report = JobReport()
    files = list_files(spark, inputs, report.errors)
    report.files = len(files)
    parts = partitions or max(sc.defaultParallelism, 1)
    notes = [rows.note(-1, i, rows.ERROR, e) for i, e in enumerate(report.errors)]
    if files:
        index: dict[str, list[tuple[int, str]]] = {}  # a file given twice is read twice
        for number, (uri, shown) in enumerate(files):
            index.setdefault(uri, []).append((number, shown))
        token = hashlib.sha1(repr((names, settings.ner)).encode()).hexdigest()  # its recogniser
        shared = sc.broadcast((index, source, arabic_only, (token, names), settings))
        read = sc.binaryFiles(",".join(index), minPartitions=len(index))
        read = read.flatMap(lambda item: _read(shared.value, *item))
        found = (
            read.keyBy(_dedup_key)
            .groupByKey(parts, partitionFunc=_partition_of)
            .mapPartitions(lambda groups: _recognise(shared.value, groups))
        )
        if notes:
            found = found.union(sc.parallelize(notes, 1))
    else:
        found = sc.parallelize(notes, 1)
    found = found.persist(StorageLevel.MEMORY_AND_DISK)  # written, then counted: once
    schema = ", ".join(f"`{name}` {kind}" for name, kind in rows.COLUMNS.items())
    columns = list(rows.COLUMNS)
    frame = spark.createDataFrame(found.map(lambda r: tuple(r[c] for c in columns)), schema=schema)
    # each part file in input order; marsad load merges them (no global sort: no sampling)
    frame.sortWithinPartitions("file", "seq").write.mode("overwrite").parquet(out)
    for kind, count in found.map(_counted).reduceByKey(lambda a, b: a + b).collect():
        report.counts[kind] = count
    report.dropped = report.counts.pop(rows.DROPPED, 0)
    found.unpersist()
    return report


# ---- inputs ---------------------------------------------------------------------------------


def list_files(spark, inputs: list[str], errors: list[str]) -> list[tuple[str, str]]:
    """(URI as Spark's file systems name it, name shown in messages) of every ingestible
    file, in the order ``marsad ingest`` reads them: a local file or folder as
    :func:`marsad.sources.files.iter_files` lists it; a URI or glob through Hadoop's file
    system (folders recursively, sorted)."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    hadoop_path = jvm.org.apache.hadoop.fs.Path
    out: list[tuple[str, str]] = []
    for given in inputs:
        local = Path(given)
        if not _SCHEME.match(given) and local.exists():
            for path in iter_files([local]):
                qualified = hadoop_path(str(path.resolve()))
                uri = qualified.getFileSystem(conf).makeQualified(qualified).toString()
                out.append((uri, str(path)))
            continue
        pattern = hadoop_path(given)
        fs = pattern.getFileSystem(conf)
        matches = fs.globStatus(pattern) or []
        if not matches:
            errors.append(f"{given}: no such file or folder")
            continue
        found: list[str] = []
        for status in matches:
            if status.isDirectory():
                listing = fs.listFiles(status.getPath(), True)
                while listing.hasNext():
                    found.append(listing.next().getPath().toString())
            else:
                found.append(status.getPath().toString())
        out.extend((uri, uri) for uri in sorted(found) if format_suffix(Path(uri)) in SUFFIXES)
    return out


# ---- stage 1: read, extract, prepare --------------------------------------------------------


def _never_stored(_digest: str) -> None:
    return None  # the database is the loader's: every article is prepared as new here


def _read(shared: tuple, uri: str, data: bytes) -> Iterator[dict[str, Any]]:
    """The rows of one file, as often as it was given."""
    for number, shown in shared[0][uri]:
        yield from _read_one(shared, number, shown, uri, data)


def _read_one(
    shared: tuple, number: int, shown: str, uri: str, data: bytes
) -> Iterator[dict[str, Any]]:
    """The rows of one file: its articles prepared (not yet recognised), then its problems."""
    from marsad.ingest import _failure

    _index, source, arabic_only, _names, _settings = shared
    keep = PageFilter() if arabic_only else None
    seq = 0
    problems: tuple[list[str], list[str]] = ([], [])
    with tempfile.TemporaryDirectory(prefix="marsad-spark-") as tmp:
        name = Path(uri.rsplit("/", 1)[-1])
        folder = Path(shown).parent.name or "files"  # .txt files are named after their folder
        path = Path(tmp) / folder / name
        path.parent.mkdir()
        path.write_bytes(data)
        try:
            for article in articles_from_file(path, source, keep=keep):
                try:
                    prepared = prepare(article, None, _never_stored)
                except Exception as exc:  # noqa: BLE001 - as marsad ingest: one article
                    log.exception("%s: article %r could not be prepared", shown, article.title)
                    problems[0].append(
                        f"{shown}: article {article.title[:60]!r} skipped, internal error "
                        f"({type(exc).__name__}: {str(exc)[:200]}); please report it"
                    )
                    continue
                if prepared is None:
                    yield rows.note(number, seq, rows.EMPTY, "")
                else:
                    yield rows.article_row(number, seq, prepared)
                seq += 1
        except Exception as exc:  # noqa: BLE001 - one file must not stop the job
            errors, warnings = _failure(shown, exc)
            problems[0].extend(errors)
            problems[1].extend(warnings)
        where = str(path)
    for kind, lines in ((rows.ERROR, problems[0]), (rows.WARNING, problems[1])):
        for line in lines:
            yield rows.note(number, seq, kind, line.replace(where, shown))
            seq += 1
    if keep is not None and keep.dropped:
        yield rows.note(number, seq, rows.DROPPED, str(keep.dropped))


def _counted(row: dict[str, Any]) -> tuple[str, int]:
    """(kind, how many): rows, or pages left out for a DROPPED row."""
    return row["kind"], int(row["message"]) if row["kind"] == rows.DROPPED else 1


# ---- stage 2: deduplicate and recognise -----------------------------------------------------


def _dedup_key(row: dict[str, Any]) -> str:
    """Copies of one content meet; other rows are spread by their place in the input."""
    if row["kind"] == rows.ARTICLE:
        return row["digest"]
    return f"{row['file']:x}{row['seq']:08x}"


def _partition_of(key: str) -> int:
    """A stable hash (Python's ``hash`` of a string changes from one process to the next)."""
    return int(key[-8:], 16) if re.fullmatch(r"[0-9a-f]{8,}", key) else sum(key.encode())


_recogniser: tuple[str, Any] | None = None  # (token of the names, recogniser): one per process


def _recogniser_for(named: tuple[str, list[tuple[str, str]]], settings: Settings):
    """The recogniser, built once per executor process (Spark reuses its Python workers)."""
    global _recogniser
    token, names = named
    if _recogniser is None or _recogniser[0] != token:
        _recogniser = (token, recogniser_of(names, settings))
    return _recogniser[1]


def _recognise(
    shared: tuple, groups: Iterable[tuple[str, Iterable[dict[str, Any]]]]
) -> Iterator[dict[str, Any]]:
    """Each content's first copy in input order recognised; later copies marked as such."""
    _index, _source, _arabic_only, names, settings = shared
    for _key, group in groups:
        ordered = sorted(group, key=lambda r: (r["file"], r["seq"]))
        for position, row in enumerate(ordered):
            if row["kind"] != rows.ARTICLE:
                yield row
                continue
            if position:
                yield {**row, "first": False, "signature": None}
                continue
            content = content_of(row["title"], row["text"])
            found = _recogniser_for(names, settings).recognise(content)
            yield {**rows.with_names(row, found), "first": True}


def check_inputs(inputs: list[str]) -> None:
    if "-" in inputs:
        raise InputError("marsad spark-ingest reads files, not standard input ('-')")
