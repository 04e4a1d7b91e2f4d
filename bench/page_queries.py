"""Where a page's time goes: every SQL statement of a page, timed in process.

    PYTHONPATH=src python bench/page_queries.py --db /tmp/marsad-real1m/marsad.db \
        --page home --page search --page autocomplete [--repeat 3] [--read-only]

Calls the page functions of ``marsad.pages`` (no HTTP, no page cache) on the scenario URLs
of ``bench/scale_pages.py`` and prints, per page, the CPU and wall time per call and the
statements that took the most time in all (SQLAlchemy's cursor events around each one:
the time to the first row, which for SQLite includes any sort or GROUP BY, but not the
fetching of the rest). ``--read-only``: the database opened read-only and not migrated
(a database that must not change; its schema must be one the pages can read).
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import create_engine, event

from marsad import pages
from marsad.config import Settings, load_settings
from marsad.errors import NotFound
from marsad.store.database import Store
from marsad.web.app import TYPE_FILTERS
from scale_pages import scenario_urls


def call(store: Store, settings: Settings, url: str) -> Any:
    """The page data of a URL of bench/scale_pages.py (JSON-ready); None for a 404 (a page
    number past an entity's last, as the web benchmark also asks)."""
    try:
        return _call(store, settings, url)
    except NotFound:
        return None


def _call(store: Store, settings: Settings, url: str) -> Any:
    parts = urlsplit(url)
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if parts.path == "/":
        return pages.home_page(store, settings).model_dump(mode="json")
    if parts.path == "/search":
        return pages.search_page(
            store,
            q.get("q", ""),
            page=int(q.get("page", 1)),
            source=q.get("source"),
            date_from=q.get("from"),
            date_to=q.get("to"),
            entity=q.get("entity"),
        ).model_dump(mode="json")
    if parts.path == "/api/autocomplete":
        return pages.autocomplete(store, unquote(q.get("q", "")))
    if parts.path.startswith("/entity/"):
        return pages.entity_page(
            store,
            settings,
            unquote(parts.path.removeprefix("/entity/")),
            page=int(q.get("page", 1)),
            stories=q.get("stories") == "true",
            types={TYPE_FILTERS[q["type"]]} if "type" in q else None,
        ).model_dump(mode="json")
    if parts.path == "/compare":
        keys = [unquote(v) for v in parse_qs(parts.query)["e"]]
        return pages.compare_page(store, settings, keys).model_dump(mode="json")
    raise ValueError(url)


def read_only(db: Path) -> Store:
    """A Store on ``db`` opened read-only, without migrating it."""
    engine = create_engine(f"sqlite:///file:{db}?mode=ro&uri=true")
    store = Store.__new__(Store)
    store.url, store.engine, store.direct_engine, store._source_ids = str(db), engine, engine, {}
    return store


PAGES = ("home", "search", "autocomplete", "entity-big", "entity-median", "entity-tail", "compare")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--page", choices=PAGES, action="append")
    ap.add_argument("--read-only", action="store_true", help="open read-only, do not migrate")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--top", type=int, default=8)
    args = ap.parse_args()
    os.environ.setdefault("MARSAD_DATABASE_URL", f"sqlite:///{args.db}")
    settings = load_settings()
    store = read_only(args.db) if args.read_only else Store(f"sqlite:///{args.db}")
    spent: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])

    @event.listens_for(store.engine, "before_cursor_execute")
    def before(conn, cursor, statement, params, context, many):  # noqa: ANN001
        conn.info["t0"] = (time.perf_counter(), time.process_time())

    @event.listens_for(store.engine, "after_cursor_execute")
    def after(conn, cursor, statement, params, context, many):  # noqa: ANN001
        w0, c0 = conn.info.pop("t0")
        key = " ".join(statement.split())[:150]
        s = spent[key]
        s[0] += time.perf_counter() - w0
        s[1] += time.process_time() - c0
        s[2] += 1

    urls = scenario_urls(args.db)
    for page in args.page or PAGES:
        todo = urls[page]
        call(store, settings, todo[0])  # warm
        spent.clear()
        times = []
        w0, c0 = time.perf_counter(), time.process_time()
        for _ in range(args.repeat):
            for url in todo:
                t = time.perf_counter()
                call(store, settings, url)
                times.append(time.perf_counter() - t)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        times.sort()
        n = len(times)
        print(
            f"{page}: {n} calls, CPU {1000 * cpu / n:.1f} ms/call, wall {1000 * wall / n:.1f} "
            f"ms/call, p50 {1000 * times[n // 2]:.1f} p95 {1000 * times[int(n * 0.95)]:.1f} "
            f"max {1000 * times[-1]:.1f} ms"
        )
        for key, (w, c, k) in sorted(spent.items(), key=lambda kv: -kv[1][0])[: args.top]:
            print(f"  {1000 * w / n:7.2f} ms/call wall {1000 * c / n:7.2f} CPU  ×{k:<5} {key}")


if __name__ == "__main__":
    main()
