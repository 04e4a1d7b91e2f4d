"""The cost of the global pass on a whole corpus (issue #15: ≤ 60 s on the whole ANT corpus).

    MARSAD_SHARED_DATA=/work/shared/data PYTHONPATH=src python bench/global_pass.py \
        --work DIR [--input ant-multisource-v2.1.jsonl.gz] [--workers 2] [--runs 2]

Ingests ``--input`` (default: the ANT corpus under the shared data) into DIR/held.db with
the global pass held back (once; kept for later runs), then, ``--runs`` times, copies it to
DIR/marsad.db and times ``consolidate.settle`` alone over the entities the ingest touched —
what ends the ingest of that corpus into an empty database. Prints wall and CPU seconds and
what the pass did.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

from marsad.config import load_settings
from marsad.entities import consolidate
from marsad.store.database import Store


def held_back(work: Path, source: Path, workers: int) -> Path:
    """DIR/held.db: the corpus ingested with the pass held back (built once)."""
    held = work / "held.db"
    if held.exists():
        return held
    from marsad import ingest

    ingest.settle_run = lambda *args, **kwargs: None  # the pass is what is measured
    settings = load_settings({**os.environ, "MARSAD_DATA_DIR": str(work / "build")})
    store = Store(settings.database_url)
    ingest.ingest_paths(store, settings, [source], workers=workers)
    store.close()
    shutil.move(str(work / "build" / "marsad.db"), held)
    return held


def main() -> None:
    ap = argparse.ArgumentParser()
    default = Path(os.environ.get("MARSAD_SHARED_DATA", "../shared/data"))
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--input", type=Path, default=default / "news/ant-multisource-v2.1.jsonl.gz")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    held = held_back(args.work, args.input, args.workers)
    for run in range(args.runs):
        db = args.work / "marsad.db"
        for old in (db, db.with_name("marsad.db-wal"), db.with_name("marsad.db-shm")):
            old.unlink(missing_ok=True)  # no write-ahead log of the last run is read again
        shutil.copy(held, db)
        store = Store(f"sqlite:///{db}")  # migrations run here, not in the timing
        with store.engine.connect() as conn:
            touched = [r[0] for r in conn.exec_driver_sql("SELECT id FROM entities")]
        wall, cpu = time.perf_counter(), time.process_time()
        done = consolidate.settle(store, touched)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"run {run + 1}: {wall:.1f} s wall, {cpu:.1f} CPU-s: {done}")
        store.close()


if __name__ == "__main__":
    main()
