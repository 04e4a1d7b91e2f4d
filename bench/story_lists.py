"""What one item per story costs the pages, and how many repeats it removes (issue #17).

Opens a COPY of a marsad database (opening a database migrates it: the story page needs schema 15)
and, for the largest entities and a random sample of the others, computes the entity page
with one item per story and with every article (``repeats=True``) in the same run,
alternating, so the ratio holds on a loaded machine. Also times the home page and the
story page of the stories shown, and counts how many list items the grouping removed.

    cp /tmp/antall/marsad.db /tmp/ant-copy.db
    PYTHONPATH=src python bench/story_lists.py --db /tmp/ant-copy.db --entities 40 --rounds 5
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from marsad import pages
from marsad.config import load_settings
from marsad.store.database import Store
from marsad.story_page import story_page


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--entities", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    settings = load_settings(
        {"MARSAD_DATABASE_URL": f"sqlite:///{args.db}", "MARSAD_DATA_DIR": str(args.db.parent)}
    )
    store = Store(settings.database_url)
    with store.engine.connect() as conn:
        sized = conn.exec_driver_sql(
            "SELECT entity_id, sum(articles) AS n FROM entity_days GROUP BY entity_id "
            "ORDER BY n DESC"
        ).all()
    top = [e for e, _ in sized[:10]]
    rest = [e for e, n in sized[10:] if n >= 20]
    chosen = top + random.Random(args.seed).sample(rest, max(0, min(len(rest), args.entities - 10)))
    grouped, every, shown, listed, stories = [], [], 0, 0, set()
    for eid in chosen:  # a warm-up: both variants then read the same pages from the cache
        pages.entity_page(store, settings, str(eid))
    for n in range(args.rounds):
        for eid in chosen:
            first = n % 2 == 0  # alternate which variant runs first
            if not first:
                ms, flat = timed(pages.entity_page, store, settings, str(eid), repeats=True)
                every.append(ms)
            ms, page = timed(pages.entity_page, store, settings, str(eid))
            grouped.append(ms)
            if first:
                ms, flat = timed(pages.entity_page, store, settings, str(eid), repeats=True)
                every.append(ms)
            shown += len(page.articles)
            listed += len(flat.articles)
            stories |= {a.story_id or a.id for a in page.articles if a.others}
    home = [timed(pages.home_page, store, settings)[0] for _ in range(args.rounds)]
    story = [timed(story_page, store, s)[0] for s in sorted(stories)[:200]]
    n = len(chosen)
    print(f"database: {args.db} ({sized[0][1]:,} articles for the largest entity)")
    print(f"entity pages, first page, {n} entities x {args.rounds} rounds:")
    print(
        f"  one item per story: median {statistics.median(grouped):.1f} ms, "
        f"p95 {p95(grouped):.1f} ms"
    )
    print(
        f"  every article:      median {statistics.median(every):.1f} ms, p95 {p95(every):.1f} ms"
    )
    ratio = statistics.median(grouped) / statistics.median(every)
    print(f"  ratio of medians: {ratio:.2f}")
    print(
        f"  list items: {shown / args.rounds:.0f} shown of {listed / args.rounds:.0f} "
        f"articles ({100 * (1 - shown / listed):.0f}% were repeats of a story)"
    )
    print(f"home page: median {statistics.median(home):.1f} ms")
    if story:
        print(
            f"story pages ({len(story)}): median {statistics.median(story):.1f} ms, "
            f"p95 {p95(story):.1f} ms"
        )


if __name__ == "__main__":
    main()
