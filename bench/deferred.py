"""Deferred analysis on real news: the ANT corpus ingested twice — analysed at ingest, and
stored first (``--defer-analysis``) then analysed (``marsad analyse``) — timed, then the
two databases compared (articles, copies, mentions, quotes, every rollup).

    MARSAD_SHARED_DATA=/work/shared/data PYTHONPATH=src python bench/deferred.py [--tmp DIR]

The two ingests run at the same time, one process each (a 2-core machine: one core each).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from marsad.config import shared_data_dir  # noqa: E402
from marsad.entities.kb import load_kb  # noqa: E402
from marsad.generate.corpus import kb_records  # noqa: E402
from marsad.ingest import ingest_paths  # noqa: E402
from marsad.pipeline import Pipeline  # noqa: E402
from marsad.store.database import Store  # noqa: E402
from marsad_testing import make_settings, store_snapshot  # noqa: E402


def build(job: tuple[str, Path, Path]) -> str:
    mode, corpus, tmp = job
    settings = make_settings(tmp, f"{mode}.db")
    store = Store(settings.database_url)
    load_kb(store, kb_records())
    cpu, wall = time.process_time(), time.perf_counter()
    report = ingest_paths(store, settings, [corpus], defer_analysis=mode == "deferred")
    line = (
        f"{mode}: {report.new} new, {report.duplicates} duplicates stored in "
        f"{time.process_time() - cpu:.0f} CPU-s ({report.new / (time.process_time() - cpu):.0f}"
        f" articles/CPU-s, {time.perf_counter() - wall:.0f} s wall)"
    )
    if mode == "deferred":
        cpu, wall = time.process_time(), time.perf_counter()
        done = Pipeline(store, settings).analyse_pending()
        line += (
            f"; analysed {done} in {time.process_time() - cpu:.0f} CPU-s "
            f"({done / (time.process_time() - cpu):.0f} articles/CPU-s)"
        )
    store.close()
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="shared data folder")
    parser.add_argument("--tmp", type=Path, default=None, help="folder for the two databases")
    args = parser.parse_args()
    corpus = (args.data or shared_data_dir()) / "news" / "ant-multisource-v2.1.jsonl.gz"
    if not corpus.exists():
        print(f"{corpus} absent: nothing to check")
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.tmp or Path(scratch)
        with Pool(2) as pool:
            for line in pool.map(build, [(m, corpus, tmp) for m in ("inline", "deferred")]):
                print(line)
        snapshots = [
            store_snapshot(Store(make_settings(tmp, f"{m}.db").database_url))
            for m in ("inline", "deferred")
        ]
        for table, rows in snapshots[0].items():
            same = "equal" if rows == snapshots[1][table] else "DIFFERENT"
            print(f"  {table}: {len(rows):,} rows, {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
