"""The cost of the global pass on a whole corpus (issue #15: ≤ 60 s on the whole ANT corpus).

    MARSAD_SHARED_DATA=/work/shared/data PYTHONPATH=src python bench/global_pass.py \
        --work DIR [--input ant-multisource-v2.1.jsonl.gz] [--workers 2] [--runs 2] [--steps]

Ingests ``--input`` (default: the ANT corpus under the shared data) into DIR/held.db with
the global pass held back (once; kept for later runs), then, ``--runs`` times, copies it to
DIR/marsad.db and times ``consolidate.settle`` alone over the entities the ingest touched —
what ends the ingest of that corpus into an empty database. Prints wall and CPU seconds and
what the pass did. ``--steps``: also the CPU seconds of its steps (each timed where it
runs, nested steps inside their callers' figures too) and of the writes by statement and table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable
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


STEPS = {  # module → its steps timed by --steps
    "marsad.entities.fragments": ("repair", "retype_by_heads", "drop_common_words",
                                  "generic_bodies", "bare_brands"),
    "marsad.entities.senses": ("split_clubs",),
    "marsad.entities.consolidate": ("_targets", "_near", "rename_by_usage", "_retype"),
    "marsad.entities.confirmed": ("find_again",),
    "marsad.entities.contexts": ("check",),
    "marsad.store.edits": ("merge_groups",),
    "marsad.store.rollups": ("record_changes",),
}  # fmt: skip


def time_steps() -> Counter[str]:
    """Wrap the pass's steps (and the driver's writes) in CPU timers; the seconds by step."""
    import importlib

    from marsad.store import driver

    spent: Counter[str] = Counter()

    def timed(label: str, f: Callable) -> Callable:
        def step(*args, **kwargs):
            began = time.process_time()
            try:
                return f(*args, **kwargs)
            finally:
                spent[label] += time.process_time() - began

        return step

    for module, names in STEPS.items():
        mod = importlib.import_module(module)
        for name in names:
            setattr(mod, name, timed(f"{module.rsplit('.', 1)[1]}.{name}", getattr(mod, name)))
    write = driver.write

    def by_table(conn, sql, rows):  # the driver's writes, by statement and table
        words = sql.split()
        pairs = zip(words, words[1:], strict=False)
        table = next((b for a, b in pairs if a in ("INTO", "FROM", "UPDATE")), "")
        return timed(f"  write {words[0]} {table}", write)(conn, sql, rows)

    driver.write = by_table  # every module calls it as driver.write
    return spent


def main() -> None:
    ap = argparse.ArgumentParser()
    default = Path(os.environ.get("MARSAD_SHARED_DATA", "../shared/data"))
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--input", type=Path, default=default / "news/ant-multisource-v2.1.jsonl.gz")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--steps", action="store_true", help="CPU seconds of each step too")
    args = ap.parse_args()
    spent = time_steps() if args.steps else Counter()
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
        for label, seconds in spent.most_common():
            print(f"  {label:34s} {seconds:5.1f} CPU-s")
        spent.clear()
        store.close()


if __name__ == "__main__":
    main()
