"""N analyse workers on one PostgreSQL server (issue 20), run as ``bench/scale.py workers``.

    PYTHONPATH=src python bench/scale.py workers [--articles 1200] [--batch 100] [--corpus F]

The generator's corpus (or the first ``--articles`` lines of a JSONL file, e.g. the ANT
corpus) is stored with ``--defer-analysis`` into two fresh databases of a throwaway
PostgreSQL server (tests/pgserver.py); one is analysed by one ``marsad analyse`` process,
the other by two at once (store/shared.py: claims with FOR UPDATE SKIP LOCKED and a
lease). Printed: wall time and articles/s of each, their ratio (measured in one run, one
after the other), whether the two databases are equal table by table, and the cost of a
claim (ms per batch of ``--batch`` articles, the article texts included) against the
plain read a single process does on SQLite (``pending_after``), and what the analysers'
PostgreSQL backends were doing (``pg_stat_activity`` sampled every 20 ms: on CPU, waiting
on the client, on a lock — and in which statement).
"""

from __future__ import annotations

import argparse
import collections
import gzip
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import create_engine, text  # noqa: E402

from marsad.config import load_settings  # noqa: E402
from marsad.entities.kb import load_kb  # noqa: E402
from marsad.generate.corpus import kb_records  # noqa: E402
from marsad.ingest import generated_articles, ingest_paths  # noqa: E402
from marsad.store import shared  # noqa: E402
from marsad.store.database import Store  # noqa: E402
from marsad_testing import differences, fresh_postgres_database, named_snapshot  # noqa: E402
from pgserver import PostgresServer  # noqa: E402


def write_corpus(path: Path, articles: int, corpus: Path | None) -> None:
    with path.open("w", encoding="utf-8") as out:
        if corpus is not None:
            opener = gzip.open if corpus.suffix == ".gz" else open
            with opener(corpus, "rt", encoding="utf-8") as lines:
                out.writelines(itertools.islice(lines, articles))
            return
        for a in generated_articles(articles, end=date(2026, 3, 1)):
            record = {"title": a.title, "text": a.text, "source": a.source.slug, "url": a.url,
                      "published": a.published.isoformat()}  # fmt: skip
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def stored(url: str, tmp: Path, jsonl: Path) -> Store:
    settings = load_settings({"MARSAD_DATA_DIR": str(tmp), "MARSAD_DATABASE_URL": url})
    store = Store(url)
    load_kb(store, kb_records())
    ingest_paths(store, settings, [jsonl], defer_analysis=True)
    return store


def analyse(url: str, tmp: Path, processes: int, batch: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the processes) for ``processes`` analysers at once."""
    env = {**os.environ, "MARSAD_DATABASE_URL": url, "MARSAD_DATA_DIR": str(tmp),
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [sys.executable, "-m", "marsad.cli", "analyse", "--batch", str(batch)]
    running = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        for _ in range(processes)
    ]
    for p in running:
        p.communicate()
        if p.returncode:
            raise SystemExit(f"marsad analyse failed ({p.returncode})")
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


class WaitSampler:
    """What the analysers' PostgreSQL backends are doing, sampled every 20 ms
    (``pg_stat_activity``: wait event and statement) while the block runs."""

    def __init__(self, url: str) -> None:
        self.url, self.seen = url, collections.Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> WaitSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        sql = (
            "SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU'), left(query, 50) "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state = 'active'"
        )
        engine = create_engine(self.url)
        with engine.connect() as conn:
            while not self._stop.wait(0.02):
                self.seen.update(tuple(r) for r in conn.execute(text(sql)))
                conn.commit()
        engine.dispose()


def claim_cost(store: Store, batch: int) -> tuple[list[float], list[float]]:
    """ms per claimed batch (until none is left), and ms per plain read of a batch."""
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE pending_analysis SET claimed_by = NULL, lease_until = NULL"))
    reads, last = [], 0
    while True:
        t = time.perf_counter()
        rows = store.pending_after(last, batch)
        reads.append((time.perf_counter() - t) * 1000)
        if not rows:
            break
        last = rows[-1]["id"]
    claims = []
    while True:
        t = time.perf_counter()
        rows = shared.claim_pending(store.direct_engine, batch)
        claims.append((time.perf_counter() - t) * 1000)
        if not rows:
            break
    return claims[:-1], reads[:-1]


def workers(args: argparse.Namespace) -> None:
    server = PostgresServer()
    base = server.start()
    try:
        with tempfile.TemporaryDirectory() as scratch:
            tmp = Path(scratch)
            jsonl = tmp / "corpus.jsonl"
            write_corpus(jsonl, args.articles, args.corpus)
            urls = {n: fresh_postgres_database(base) for n in (1, 2)}
            stores = {n: stored(url, tmp, jsonl) for n, url in urls.items()}
            waiting = stores[1].pending_count()
            print(f"{waiting} articles waiting for analysis (batch {args.batch})")
            walls = {}
            sampler = {}
            for n in (1, 2):
                with WaitSampler(urls[n]) as sampler[n]:
                    wall, cpu = analyse(urls[n], tmp, n, args.batch)
                walls[n] = wall
                print(f"{n} process(es): {wall:.1f} s wall, {waiting / wall:.1f} articles/s, "
                      f"{cpu:.1f} CPU-s ({waiting / cpu:.1f} articles/CPU-s)")  # fmt: skip
            print(f"speed-up 2 vs 1 processes: {walls[1] / walls[2]:.2f}")
            for n in (1, 2):
                total = sum(sampler[n].seen.values()) or 1
                print(f"backends of {n} process(es), {total} samples:")
                for (state, query), k in sampler[n].seen.most_common(args.waits):
                    print(f"  {100 * k / total:4.1f} % {state:28} {query}")
            diff = differences(named_snapshot(stores[2]), named_snapshot(stores[1]))
            print("databases equal table by table" if not diff else f"DIFFERENT: {diff}")
            probe = stored(fresh_postgres_database(base), tmp, jsonl)
            claims, reads = claim_cost(probe, args.batch)
            print(f"claim of {args.batch}: median {statistics.median(claims):.1f} ms "
                  f"(p90 {statistics.quantiles(claims, n=10)[-1]:.1f}), "
                  f"{statistics.median(claims) / args.batch:.3f} ms/article; "
                  f"plain read (one process): median {statistics.median(reads):.1f} ms")  # fmt: skip
            for s in [*stores.values(), probe]:
                s.close()
    finally:
        server.stop()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="bench/scale.py workers", description=__doc__.split("\n")[0]
    )
    parser.add_argument("what", choices=["workers"])
    parser.add_argument("--articles", type=int, default=1200)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--waits", type=int, default=6, help="backend states listed per run")
    parser.add_argument(
        "--corpus", type=Path, default=None, help="JSONL(.gz) instead of the generator"
    )
    workers(parser.parse_args(argv))


if __name__ == "__main__":
    main(["workers", *sys.argv[1:]])
