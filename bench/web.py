"""Web speed under load: entity page, search and autocomplete, from a separate client process.

Starts ``marsad serve`` (``--workers`` uvicorn processes, default 1) on the given database in its own process, then
drives it from this process with an asyncio httpx client holding ``--clients`` concurrent
connections, cycling through a fixed list of URLs per scenario. Prints p50/p95/p99
latency and throughput per scenario (after a warm-up), and checks every answer is 200.

    python bench/build_big.py --articles 1000000 --db /tmp/marsad-big/marsad.db
    python bench/web.py --db /tmp/marsad-big/marsad.db --clients 8 --seconds 20

Entity pages are measured over the default period (30 days), a year and all time
(``--only entity-365`` …), and the compare page with five entities over a year.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx

TARGETS_MS = {
    "entity": 150,  # the default period: 30 days
    "entity-365": 300,
    "entity-all": 300,
    "compare-365": 300,  # five entities over a year
    "search": 200,
    "autocomplete": 30,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(
    db: Path, workers: int = 1, wait: float = 60.0
) -> Iterator[tuple[subprocess.Popen, str]]:
    """A ``marsad serve`` of ``db`` on a free port, answering before this yields (the
    process, its base URL); stopped on leaving."""
    port = free_port()
    env = dict(os.environ, MARSAD_DATABASE_URL=f"sqlite:///{db}")
    server = subprocess.Popen(
        [sys.executable, "-m", "marsad.cli", "serve", "--port", str(port)]
        + ["--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + wait
        while time.time() < deadline:
            try:
                if httpx.get(base + "/api/stats", timeout=wait / 2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            sys.exit("server did not start")
        yield server, base
    finally:
        server.terminate()
        server.wait(timeout=10)


def scenario_urls(db: Path, seed: int = 1) -> dict[str, list[str]]:
    """URLs per scenario, drawn from the database's own entities, aliases and sources."""
    rng = random.Random(seed)
    con = sqlite3.connect(db)
    ents = con.execute("SELECT slug, name FROM entities ORDER BY id").fetchall()
    aliases = [r[0] for r in con.execute("SELECT alias FROM aliases")]
    sources = [r[0] for r in con.execute("SELECT slug FROM sources")]
    days = sorted(r[0] for r in con.execute("SELECT day FROM day_totals WHERE source_id = 0"))
    newest = date.fromisoformat(days[-1])
    periods = {  # (query, first day) as the server resolves them (bench/build_big.py: no
        "entity": ("", newest - timedelta(days=29)),  # article is newer than today)
        "entity-365": ("period=365&", newest - timedelta(days=364)),
        "entity-all": ("period=all&", date.fromisoformat(days[0])),
    }
    in_period = {
        name: dict(
            con.execute(
                "SELECT e.slug, sum(d.articles) FROM entities e JOIN entity_days d "
                "ON d.entity_id = e.id WHERE d.day >= ? GROUP BY e.id",
                (first.isoformat(),),
            ).fetchall()
        )
        for name, (_, first) in periods.items()
    }
    con.close()
    by_period: dict[str, list[str]] = {}
    for name, (period, _) in periods.items():
        urls = by_period[name] = []
        for slug, _ in ents:
            q = quote(slug)
            last = max(1, -(-in_period[name].get(slug, 0) // 20))
            urls += [
                f"/entity/{q}?{period}".rstrip("?&"),
                f"/entity/{q}?{period}page={min(2, last)}",
                f"/entity/{q}?{period}page={rng.randint(1, min(50, last))}",
                f"/entity/{q}?{period}stories=true",
                f"/entity/{q}?{period}type=people",
            ]
    compare = []
    for _ in range(100):
        chosen = rng.sample([slug for slug, _ in ents], 5)
        view = "&view=share" if rng.random() < 0.3 else ""
        compare.append("/compare?period=365&" + "&".join(f"e={quote(s)}" for s in chosen) + view)
    words = ["اتفاق", "الأزمة", "الحوار", "مجلس الأمن", "وزير الخارجية", "العقوبات", "جنيف"]
    search = []
    for _, name in ents:
        short = name.split()[-1]
        search.append(f"/search?q={quote(short)}")
        search.append(f"/search?q={quote('و' + short)}&source={rng.choice(sources)}")
    for w in words:
        lo, hi = sorted(rng.sample(days, 2))
        search.append(f"/search?q={quote(w)}")
        search.append(f"/search?q={quote(w)}&from={lo}&to={hi}")
        search.append(f"/search?q={quote(w)}&entity={quote(rng.choice(ents)[0])}")
        search.append(f"/search?q={quote(w)}&page=3")
    complete = []
    for alias in aliases:
        for n in (1, 2, 3, 5):
            prefix = alias[:n]
            complete.append(f"/api/autocomplete?q={quote(prefix)}")
        complete.append(f"/api/autocomplete?q={quote('و' + alias[:4])}")
        complete.append(f"/api/autocomplete?q={quote('ب' + alias)}")
    for urls in (*by_period.values(), compare, search, complete):
        rng.shuffle(urls)
    return {
        **by_period,
        "compare-365": compare,
        "search": search,
        "autocomplete": complete,
    }


async def run_load(
    base: str, urls: list[str], clients: int, seconds: float, warmup: float
) -> tuple[list[float], int, float]:
    """(latencies in ms after warm-up, errors, elapsed seconds of the measured part)."""
    latencies: list[float] = []
    errors = 0
    cursor = 0
    start = time.perf_counter()
    measure_from = start + warmup
    stop = measure_from + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal cursor, errors
        while True:
            now = time.perf_counter()
            if now >= stop:
                return
            url = urls[cursor % len(urls)]
            cursor += 1
            t0 = time.perf_counter()
            r = await client.get(url)
            t1 = time.perf_counter()
            if r.status_code != 200:
                errors += 1
            if t0 >= measure_from:
                latencies.append((t1 - t0) * 1000)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(clients)))
    return latencies, errors, time.perf_counter() - measure_from


LUA = """
local urls = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", urls[(i %% #urls) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%.3f %%.3f %%.3f %%.3f %%.3f %%d\\n", summary.requests,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000,
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def run_wrk(
    base: str, urls: list[str], clients: int, seconds: float, warmup: float
) -> tuple[int, float, float, float, float, float, int]:
    """(requests, seconds, p50, p95, p99, mean in ms, errors) from wrk (1 thread)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA % ", ".join(f'"{u}"' for u in urls))
        script = fh.name
    common = ["wrk", "-t1", f"-c{clients}", "-s", script, "--timeout", "30s"]
    subprocess.run([*common, f"-d{max(1, int(warmup))}s", base], capture_output=True, check=True)
    out = subprocess.run(
        [*common, f"-d{int(seconds)}s", base], capture_output=True, text=True, check=True
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    n, secs, p50, p95, p99, mean, errors = line.split()[1:]
    os.unlink(script)
    return int(n), float(secs), float(p50), float(p95), float(p99), float(mean), int(errors)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=Path("/tmp/marsad-big/marsad.db"))
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--warmup", type=float, default=3)
    ap.add_argument("--only", choices=sorted(TARGETS_MS), action="append")
    ap.add_argument(
        "--tool",
        choices=["wrk", "httpx"],
        default="wrk" if shutil.which("wrk") else "httpx",
        help="load generator: wrk (apt-get install wrk; light on CPU) or Python httpx",
    )
    args = ap.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} does not exist: run bench/build_big.py first")
    con = sqlite3.connect(args.db)
    n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    n_mentions = con.execute("SELECT max(id) FROM mentions").fetchone()[0]
    con.close()
    with serving(args.db, args.workers) as (_server, base):
        client = "wrk, 1 thread" if args.tool == "wrk" else "httpx asyncio"
        cache = os.environ.get("MARSAD_PAGE_CACHE", "2048")
        print(
            f"database: {n_articles:,} articles, {n_mentions:,} mentions; "
            f"server: {args.workers} uvicorn worker(s), page cache {'off' if cache == '0' else cache}; "
            f"client: {client}, {args.clients} connections, separate process"
        )
        print(f"{'scenario':<13} {'requests':>8} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7}")
        for name, urls in scenario_urls(args.db).items():
            if args.only and name not in args.only:
                continue
            if args.tool == "wrk":
                n, elapsed, p50, p95, p99, mean, errors = run_wrk(
                    base, urls, args.clients, args.seconds, args.warmup
                )
            else:
                lat, errors, elapsed = asyncio.run(
                    run_load(base, urls, args.clients, args.seconds, args.warmup)
                )
                n, p50, p95, p99 = len(lat), pct(lat, 50), pct(lat, 95), pct(lat, 99)
                mean = statistics.mean(lat)
            verdict = "ok" if p95 < TARGETS_MS[name] else f"OVER {TARGETS_MS[name]} ms"
            print(
                f"{name:<13} {n:>8} {n / elapsed:>7.1f} {p50:>5.1f}ms "
                f"{p95:>5.1f}ms {p99:>5.1f}ms  p95 target {TARGETS_MS[name]} ms: "
                f"{verdict}; errors {errors}; mean {mean:.1f} ms"
            )


if __name__ == "__main__":
    main()
