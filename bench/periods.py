"""Service time of the period scenarios, one request at a time, in process (no HTTP, no
concurrency): what each page costs the server, whatever else loads the machine's cores.

Same URLs as ``bench/web.py`` (entity pages over the default 30 days, a year and all time;
compare of five entities over a year), page cache off, every URL once (each is new to the
server), answered by the app through Starlette's test client, HTML rendered.

    python bench/periods.py --db /tmp/marsad-big-year/marsad.db
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ["MARSAD_PAGE_CACHE"] = "0"
sys.path.insert(0, str(Path(__file__).parent))

from fastapi.testclient import TestClient  # noqa: E402

from marsad.config import load_settings  # noqa: E402
from marsad.store.database import Store  # noqa: E402
from marsad.web.app import create_app  # noqa: E402
from web import scenario_urls  # noqa: E402

SCENARIOS = ("entity", "entity-365", "entity-all", "compare-365")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=Path("/tmp/marsad-big-year/marsad.db"))
    args = ap.parse_args()
    settings = load_settings({"MARSAD_DATABASE_URL": f"sqlite:///{args.db}"})
    store = Store(settings.database_url)
    client = TestClient(create_app(store, settings))
    urls = scenario_urls(args.db)
    base = None
    for name in SCENARIOS:
        times = []
        for url in urls[name]:
            t0 = time.perf_counter()
            answer = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            if answer.status_code != 200:
                sys.exit(f"{url}: {answer.status_code}")
        times.sort()
        mean = statistics.mean(times)
        base = base or mean
        print(
            f"{name:<12} {len(times):>4} pages  mean {mean:6.1f} ms  p50 {times[len(times) // 2]:6.1f}"
            f"  p95 {times[int(len(times) * 0.95)]:6.1f} ms  mean / 30-day entity page "
            f"{mean / base:.2f}"
        )
    store.close()


if __name__ == "__main__":
    main()
