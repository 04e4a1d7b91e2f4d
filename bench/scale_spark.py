"""The Spark figures of bench/scale.py: ``marsad spark-ingest`` against ``marsad ingest``.

    PYTHONPATH=src python bench/scale.py spark [--articles 20000] [--shards 20] [--tmp DIR]
    MARSAD_SHARED_DATA=… PYTHONPATH=src python bench/scale.py spark --real 4000 [--shards 20]
    PYTHONPATH=src python bench/scale.py spark-equal [--ant 5000] [--tmp DIR]

``spark``: the same generated pages (JSONL shards, the generator's knowledge base loaded)
through ``marsad ingest`` (one process), then ``spark-ingest`` in local[1] and local[2]
(each in a fresh session; its start is timed apart), each followed by ``marsad load``:
the local[2]/local[1] speed-up, and articles/s per core of Spark (job, and job + load)
against ``marsad ingest``. Every database is compared with the ingest's, table by table.
``--real N``: the first N ANT articles instead (real news: longer, more names, so
recognition — the part that divides by the cores — weighs more than on generated pages).

``spark-equal``: the same equality on real news (the first N ANT articles, spark-ingest
in local[2]): every table row by row (ids included), and the JSON of the pages of the 20
biggest entities (``spark`` checks them on the generated pages too).
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from crash import snapshot  # noqa: E402
from marsad.config import Settings, shared_data_dir  # noqa: E402
from marsad.entities.kb import load_kb  # noqa: E402
from marsad.generate.corpus import generate, kb_records, sources  # noqa: E402
from marsad.ingest import ingest_paths  # noqa: E402
from marsad.store.database import Store  # noqa: E402
from marsad.store.edits import recogniser_names  # noqa: E402
from marsad_testing import SAMPLE_END, make_settings  # noqa: E402


def write_generated(n: int, shards: int, folder: Path) -> list[Path]:
    """``marsad generate``'s corpus of ``n`` articles as ``shards`` JSONL files."""
    folder.mkdir(parents=True, exist_ok=True)
    srcs = sources()
    paths = [folder / f"gen-{i:03d}.jsonl" for i in range(shards)]
    handles = [p.open("w", encoding="utf-8") for p in paths]
    per = -(-n // shards)
    for i, a in enumerate(generate(n, seed=7, end=SAMPLE_END)):
        rec = a.to_json() | {
            "source_name": srcs[a.source]["name"],
            "source_url": srcs[a.source]["url"],
        }
        handles[i // per].write(json.dumps(rec, ensure_ascii=False) + "\n")
    for h in handles:
        h.close()
    return paths


def write_ant(n: int, shards: int, folder: Path) -> list[Path]:
    """The first ``n`` articles of the ANT corpus as ``shards`` JSONL files."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = shared_data_dir() / "news" / "ant-multisource-v2.1.jsonl.gz"
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        lines = list(itertools.islice(fh, n))
    per = -(-len(lines) // shards)
    paths = []
    for i in range(shards):
        path = folder / f"ant-{i:03d}.jsonl"
        path.write_text("".join(lines[i * per : (i + 1) * per]), encoding="utf-8")
        paths.append(path)
    return paths


def _store(settings: Settings) -> Store:
    store = Store(settings.database_url)
    load_kb(store, kb_records())
    return store


def run_ingest(inputs: list[Path], tmp: Path, name: str = "ingest") -> tuple[Path, float, int]:
    """(database, seconds, articles read) of ``marsad ingest`` in one process."""
    settings = make_settings(tmp, f"{name}.db")
    store = _store(settings)
    began = time.perf_counter()
    report = ingest_paths(store, settings, inputs)
    return tmp / f"{name}.db", time.perf_counter() - began, report.new + report.duplicates


def run_spark(
    master: str, inputs: list[Path], tmp: Path, partitions: int, warm_up: list[Path] = ()
) -> dict:
    """Seconds of the session's start, of the job (after a ``warm_up`` job, uncounted) and
    of ``marsad load`` (and the database)."""
    from marsad.spark import job
    from marsad.spark.load import load

    name = master.replace("[", "").replace("]", "")
    settings = make_settings(tmp, f"spark-{name}.db")
    store = _store(settings)
    names = recogniser_names(store)
    began = time.perf_counter()
    spark = job.spark_session(master, partitions)
    started = time.perf_counter()
    if warm_up:  # JIT, class loading, Python workers: the first job pays for them
        job.run(spark, [str(p) for p in warm_up], str(tmp / "warm-up-parquet"), settings, names)
        started = time.perf_counter()
    out = tmp / f"parquet-{name}"
    busy = machine_cpu()
    done = job.run(spark, [str(p) for p in inputs], str(out), settings, names)
    ran = time.perf_counter()
    busy = machine_cpu() - busy
    master = spark.sparkContext.master
    spark.stop()
    report = load(store, settings, out)
    loaded = time.perf_counter()
    return {
        "db": tmp / f"spark-{name}.db",
        "master": master,
        "start": started - began,
        "job": ran - started,
        "job_cpu": busy,  # CPU seconds of the whole machine during the job (JVM + workers)
        "load": loaded - ran,
        "articles": done.counts.get("article", 0),
        "new": report.new,
    }


def machine_cpu() -> float:
    """CPU seconds the whole machine has spent busy since boot (Linux; 0 elsewhere): a
    Spark task in local mode keeps a JVM thread busy beside its Python worker, so the
    driver's own CPU time says nothing of the job's."""
    try:
        with open("/proc/stat") as fh:
            ticks = [int(v) for v in fh.readline().split()[1:]]
    except OSError:
        return 0.0
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # less idle, iowait


def compare(a: Path, b: Path) -> list[str]:
    """The tables that differ (row by row, ids included)."""
    one, two = snapshot(a), snapshot(b)
    return [t for t in sorted(set(one) | set(two)) if one.get(t) != two.get(t)]


def biggest_pages_equal(a: Path, b: Path, count: int = 20) -> tuple[int, list[str]]:
    """(pages compared, keys whose /api/entity JSON differs) of the ``count`` entities with
    the most articles in ``a``."""
    from fastapi.testclient import TestClient
    from sqlalchemy import text

    from marsad.web.app import create_app

    clients = []
    for db in (a, b):
        settings = make_settings(db.parent, db.name)
        store = Store(settings.database_url)
        clients.append((store, TestClient(create_app(store, settings))))
    with clients[0][0].engine.connect() as conn:
        ids = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT entity_id FROM entity_totals ORDER BY articles DESC, entity_id "
                    f"LIMIT {count}"
                )
            )
        ]
    differ = []
    for entity_id in ids:
        pages_ = [c.get(f"/api/entity/{entity_id}").json() for _, c in clients]
        if pages_[0] != pages_[1]:
            differ.append(str(entity_id))
    return len(ids), differ


def speed(articles: int, shards: int, tmp: Path, real: bool = False) -> None:
    write = write_ant if real else write_generated
    inputs = write(articles, shards, tmp / "in")
    warm_up = write_generated(200, 1, tmp / "warm-up")
    kind = "ANT (real news)" if real else "generated"
    print(f"input: {articles} {kind} articles in {shards} JSONL files", flush=True)
    ingest_db, ingest_s, read = run_ingest(inputs, tmp)
    rate = read / ingest_s
    print(f"marsad ingest (1 process): {ingest_s:.1f} s, {rate:.1f} articles/s", flush=True)
    runs = {}
    for master, cores in (("local[1]", 1), ("local[2]", 2)):
        r = run_spark(master, inputs, tmp, partitions=max(4, 2 * cores), warm_up=warm_up)
        runs[cores] = r
        differ = compare(ingest_db, r["db"])
        job_rate = r["articles"] / r["job"]
        print(
            f"spark-ingest {r['master']}: session start + warm-up job {r['start']:.1f} s, job {r['job']:.1f} s "
            f"({job_rate:.1f} articles/s, {job_rate / cores:.1f} per core; machine CPU "
            f"{r['job_cpu']:.1f} s, {r['job_cpu'] / r['job']:.2f} cores busy), "
            f"load {r['load']:.1f} s; tables differing from ingest: {differ or 'none'}",
            flush=True,
        )
    counted, pages_differ = biggest_pages_equal(ingest_db, runs[2]["db"])
    print(f"pages of the {counted} biggest entities differing: {pages_differ or 'none'}")
    one, two = runs[1], runs[2]
    print(f"speed-up local[2] / local[1] (job): {one['job'] / two['job']:.2f}")
    if one["job_cpu"] and two["job_cpu"]:  # the work divided: CPU per article alike?
        print(
            f"CPU seconds of the job, local[2] / local[1]: {two['job_cpu'] / one['job_cpu']:.2f} "
            f"(local[1] keeps {one['job_cpu'] / one['job']:.2f} cores busy: on a machine of "
            f"{os.cpu_count()} cores the speed-up can reach "
            f"{min(2, (os.cpu_count() or 2) * one['job'] / one['job_cpu']):.2f})"
        )
    print(
        f"Spark overhead per core, local[1] job vs marsad ingest: "
        f"{one['job'] / ingest_s - 1:+.0%}; job + load: "
        f"{(one['job'] + one['load']) / ingest_s - 1:+.0%}"
    )


def equal(ant: int, tmp: Path) -> None:
    inputs = write_ant(ant, 5, tmp / "ant")
    ingest_db, ingest_s, read = run_ingest(inputs, tmp)
    r = run_spark("local[2]", inputs, tmp, partitions=4)
    differ = compare(ingest_db, r["db"])
    counted, pages_differ = biggest_pages_equal(ingest_db, r["db"])
    tables = len(snapshot(ingest_db))
    print(
        f"ANT first {ant}: {read} articles read, {r['new']} stored; ingest {ingest_s:.0f} s, "
        f"spark job {r['job']:.0f} s + load {r['load']:.0f} s; tables differing: "
        f"{differ or f'none of {tables}'}; pages of the {counted} biggest entities "
        f"differing: {pages_differ or 'none'}",
        flush=True,
    )


def main(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="bench/scale.py spark")
    parser.add_argument("what", choices=["spark", "spark-equal"])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--shards", type=int, default=20)
    parser.add_argument("--ant", type=int, default=5000)
    parser.add_argument("--real", type=int, help="spark: the first N ANT articles")
    parser.add_argument("--tmp", type=Path)
    args = parser.parse_args(argv)
    tmp = args.tmp or Path(tempfile.mkdtemp(prefix="marsad-spark-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    if args.what == "spark":
        if args.real:
            speed(args.real, args.shards, tmp, real=True)
        else:
            speed(args.articles, args.shards, tmp)
    else:
        equal(args.ant, tmp)
