"""Autocomplete in-process on a real database: latency per prefix and what comes first.

    MARSAD_DATA_DIR=/tmp/ant PYTHONPATH=src python bench/autocomplete.py [--prefixes 150] [--seed 7]

Takes the aliases of the most covered entities of the database (build one with
``marsad ingest --workers 2 ant-multisource-v2.1.jsonl.gz``), types 2, 3 and 5 letters of
each and و + 4 letters, and prints p50/p95/p99 of ``marsad.pages.autocomplete`` (no HTTP, no
page cache), then the first suggestions for a few surnames.
"""

from __future__ import annotations

import argparse
import random
import time

from sqlalchemy import text

from marsad.config import load_settings
from marsad.pages import autocomplete
from marsad.store.database import Store

SURNAMES = ("ترامب", "بوتين", "ميركل", "صلاح", "م", "مص", "الس", "طيب")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefixes", type=int, default=150, help="aliases to type")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    store = Store(load_settings().database_url)
    with store.engine.connect() as conn:
        aliases = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT a.alias FROM aliases a JOIN entity_totals t "
                    "ON t.entity_id = a.entity_id ORDER BY t.articles DESC LIMIT 2000"
                )
            )
        ]
    if not aliases:
        print("no entities in this database: ingest something first")
        return 1
    rng = random.Random(args.seed)
    typed = []
    for alias in rng.sample(aliases, min(args.prefixes, len(aliases))):
        typed += [alias[:2], alias[:3], alias[:5], "و" + alias[:4]]
    for q in typed[:20]:  # warm the connection and SQLite's page cache
        autocomplete(store, q)
    times = []
    for q in typed:
        t0 = time.perf_counter()
        autocomplete(store, q)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p = lambda f: times[min(len(times) - 1, int(len(times) * f))]  # noqa: E731
    print(f"{len(typed)} prefixes: p50 {p(0.5):.1f} ms, p95 {p(0.95):.1f} ms, p99 {p(0.99):.1f} ms")
    for q in SURNAMES:
        print(
            f"  {q}: "
            + ", ".join(f"{r['name']} ({r['articles']})" for r in autocomplete(store, q)[:3])
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
