"""Does the database depend on how the news arrived? (issue #15, docs/bench-entities.md)

    PYTHONPATH=src python bench/order.py NEWS.jsonl[.gz] --articles 3000 --first 1000 \
        [--shuffle-seed 7] [--workers 2] [--keep DIR]

Builds three databases from the same first ``--articles`` articles: all in one run; the
first ``--first`` in one run and then all of them in a second run (as crawl rounds do); and,
with ``--shuffle-seed``, all in one run in a shuffled order. Each is compared with the
first: entities with mentions, mentions, and the B-cubed agreement of the two partitions of
the shared mentions into entities (1.000 = the same entities, however they are numbered),
plus the entities named differently.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from marsad.config import load_settings
from marsad.ingest import ingest_paths
from marsad.store.database import Store


def read_lines(path: Path, n: int) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    out = []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append(line)
            if len(out) >= n:
                break
    return out


def build(folder: Path, runs: list[list[str]], workers: int) -> tuple[Store, float]:
    """A database in ``folder`` from one ingest per list of JSONL lines; seconds taken."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = load_settings({**os.environ, "MARSAD_DATA_DIR": str(folder)})
    store = Store(settings.database_url)
    started = time.perf_counter()
    for k, lines in enumerate(runs):
        part = folder / f"run{k}.jsonl"
        part.write_text("".join(lines), encoding="utf-8")
        ingest_paths(store, settings, [part], workers=workers)
    return store, time.perf_counter() - started


def assignment(store: Store) -> dict[tuple[str, int, int], tuple[str, str]]:
    """(article content hash, start, end) → (entity name, type) for every mention."""
    q = (
        'SELECT a.content_hash, m.start, m."end", e.name, e.type FROM mentions m '
        "JOIN articles a ON a.id = m.article_id JOIN entities e ON e.id = m.entity_id"
    )
    with store.engine.connect() as conn:
        return {(h, s, e): (name, t) for h, s, e, name, t in conn.exec_driver_sql(q)}


def b_cubed(a: dict, b: dict) -> tuple[float, float]:
    """B-cubed precision/recall of partition ``b`` against ``a`` over their shared keys."""
    keys = sorted(set(a) & set(b))
    if not keys:
        return 0.0, 0.0
    by_a: dict = defaultdict(set)
    by_b: dict = defaultdict(set)
    for k in keys:
        by_a[a[k]].add(k)
        by_b[b[k]].add(k)
    overlap: Counter = Counter((a[k], b[k]) for k in keys)
    p = sum(overlap[a[k], b[k]] / len(by_b[b[k]]) for k in keys) / len(keys)
    r = sum(overlap[a[k], b[k]] / len(by_a[a[k]]) for k in keys) / len(keys)
    return p, r


def compare(base: dict, other: dict) -> dict[str, float | int]:
    p, r = b_cubed(base, other)
    shared = set(base) & set(other)
    return {
        "mentions": len(other),
        "entities": len(set(other.values())),
        "mentions only here": len(set(other) - set(base)),
        "mentions missing": len(set(base) - set(other)),
        "other entity name": sum(base[k] != other[k] for k in shared),
        "B3 precision": round(p, 4),
        "B3 recall": round(r, 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("news", type=Path)
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--first", type=int, default=1000)
    ap.add_argument("--shuffle-seed", type=int)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="build the databases in this folder")
    args = ap.parse_args()
    lines = read_lines(args.news, args.articles)
    root = args.keep or Path(tempfile.mkdtemp(prefix="marsad-order-"))
    plans = {"one run": [lines], f"{args.first} then all": [lines[: args.first], lines]}
    if args.shuffle_seed is not None:
        shuffled = lines[:]
        random.Random(args.shuffle_seed).shuffle(shuffled)
        plans[f"shuffled (seed {args.shuffle_seed})"] = [shuffled]
    base = None
    for k, (label, runs) in enumerate(plans.items()):
        store, seconds = build(root / f"db{k}", runs, args.workers)
        got = assignment(store)
        if base is None:
            base = got
            print(
                f"{label}: {len(got)} mentions, {len(set(got.values()))} entities ({seconds:.0f} s)"
            )
            continue
        print(f"{label} ({seconds:.0f} s): {compare(base, got)}")
    print(f"databases in {root}", file=sys.stderr)


if __name__ == "__main__":
    main()
