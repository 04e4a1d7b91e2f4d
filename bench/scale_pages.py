"""Page speed on a real-shaped database (issue 18): each page the targets name, under load.

Starts ``marsad serve`` on the database (as ``bench/web.py`` does, same load generator) and
measures, each for ``--seconds`` after a warm-up, with ``--clients`` connections:

* ``entity-big``: the entity with the most articles (page 1, 2, a deep page, stories, a
  type filter), ``entity-median``: 40 entities at the median article count of the entities
  named at least twice (half of all are named once), ``entity-tail``: 40 entities named in
  one article — the 30-day window (MARSAD_WINDOW_DAYS) of each;
* ``search``: the last word of 40 names of the 1,000 biggest entities and of 40 entities
  drawn at random, with a و clitic and a source filter, and common words with a date range,
  an entity filter and page 3 (bench/web.py's mix, sampled: the full list has a URL per
  entity);
* ``autocomplete``: 1–5-letter prefixes (with و/ب clitics) of 150 aliases drawn at random;
* ``home``: the home page (trending over all entities);
* ``compare``: five entities compared, drawn from the 200 biggest.

    MARSAD_PAGE_CACHE=0 python bench/scale_pages.py --db /tmp/marsad-real1m/marsad.db
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from web import LUA, serving

TARGETS_MS = {
    "entity-big": 150,
    "entity-median": 150,
    "entity-tail": 150,
    "search": 200,
    "autocomplete": 30,
    "home": 150,
    "compare": 200,
}


def scenario_urls(db: Path, seed: int = 18) -> dict[str, list[str]]:
    rng = random.Random(seed)
    con = sqlite3.connect(db)
    ranked = con.execute(
        "SELECT e.slug, e.name, t.articles FROM entity_totals t JOIN entities e "
        "ON e.id = t.entity_id WHERE e.merged_into IS NULL ORDER BY t.articles DESC, e.id"
    ).fetchall()
    n_aliases = con.execute("SELECT max(id) FROM aliases").fetchone()[0]
    aliases = [
        r[0]
        for r in con.execute(
            f"SELECT alias FROM aliases WHERE id IN ({','.join('?' * 150)})",
            rng.sample(range(1, n_aliases + 1), 150),
        )
    ]
    sources = [r[0] for r in con.execute("SELECT slug FROM sources")]
    days = [r[0] for r in con.execute("SELECT day FROM day_totals WHERE source_id = 0")]
    con.close()
    # most entities are named once (p50 = 1 article, the tail): the median entity is taken
    # among those named at least twice
    twice = [r for r in ranked if r[2] >= 2]
    median = twice[len(twice) // 2][2]
    at_median = [r for r in ranked if r[2] == median]
    once = [r for r in ranked if r[2] == 1]

    def entity_urls(rows: list[tuple], variants: bool) -> list[str]:
        urls = []
        for slug, _, n in rows:
            q = quote(slug)
            last = max(1, -(-n // 20))
            urls.append(f"/entity/{q}")
            if variants:
                urls += [
                    f"/entity/{q}?page={min(2, last)}",
                    f"/entity/{q}?page={rng.randint(1, min(50, last))}",
                    f"/entity/{q}?stories=true",
                    f"/entity/{q}?type=people",
                ]
        return urls

    search = []
    words = ["اتفاق", "الأزمة", "الحوار", "مجلس الأمن", "وزير الخارجية", "العقوبات", "جنيف"]
    for _, name, _ in rng.sample(ranked[:1000], 40) + rng.sample(ranked, 40):
        short = name.split()[-1]
        search.append(f"/search?q={quote(short)}")
        search.append(f"/search?q={quote('و' + short)}&source={rng.choice(sources)}")
    for w in words:
        lo, hi = sorted(rng.sample(days, 2))
        search.append(f"/search?q={quote(w)}")
        search.append(f"/search?q={quote(w)}&from={lo}&to={hi}")
        search.append(f"/search?q={quote(w)}&entity={quote(rng.choice(ranked)[0])}")
        search.append(f"/search?q={quote(w)}&page=3")
    complete = []
    for alias in aliases:
        complete += [f"/api/autocomplete?q={quote(alias[:n])}" for n in (1, 2, 3, 5)]
        complete.append(f"/api/autocomplete?q={quote('و' + alias[:4])}")
        complete.append(f"/api/autocomplete?q={quote('ب' + alias)}")
    compare = [
        "/compare?" + "&".join(f"e={quote(r[0])}" for r in rng.sample(ranked[:200], 5))
        for _ in range(20)
    ]
    out = {
        "entity-big": entity_urls(ranked[:1], True),
        "entity-median": entity_urls(rng.sample(at_median, min(40, len(at_median))), True),
        "entity-tail": entity_urls(rng.sample(once, min(40, len(once))), True),
        "search": search,
        "autocomplete": complete,
        "home": ["/"],
        "compare": compare,
    }
    for urls in out.values():
        rng.shuffle(urls)
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its waited-for children (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def measure(
    base: str, urls: list[str], clients: int, seconds: float, warmup: float, server: int
) -> tuple[int, float, float, float, float, float, int, float]:
    """wrk (1 thread) on the URLs: (requests, seconds, p50, p95, p99, mean ms, errors, server
    CPU ms per request). The server's CPU time per request does not depend on how loaded the
    machine is, so it is the figure to compare between database sizes."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA % ", ".join(f'"{u}"' for u in urls))
        script = fh.name
    common = ["wrk", "-t1", f"-c{clients}", "-s", script, "--timeout", "60s"]
    subprocess.run([*common, f"-d{max(1, int(warmup))}s", base], capture_output=True, check=True)
    cpu0 = cpu_seconds(server)
    out = subprocess.run(
        [*common, f"-d{int(seconds)}s", base], capture_output=True, text=True, check=True
    ).stdout
    cpu = cpu_seconds(server) - cpu0
    os.unlink(script)
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    n, secs, p50, p95, p99, mean, errors = line.split()[1:]
    return (
        int(n),
        float(secs),
        float(p50),
        float(p95),
        float(p99),
        float(mean),
        int(errors),
        1000 * cpu / max(int(n), 1),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--warmup", type=float, default=3)
    ap.add_argument("--only", choices=sorted(TARGETS_MS), action="append")
    args = ap.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} does not exist: run bench/build_real.py first")
    urls = scenario_urls(args.db)
    with serving(args.db, wait=120) as (server, base):
        cache = os.environ.get("MARSAD_PAGE_CACHE", "2048")
        print(
            f"database: {args.db}; page cache {'off' if cache == '0' else cache}; "
            f"wrk, 1 thread, {args.clients} connections, {args.seconds:.0f} s per scenario"
        )
        print(f"{'scenario':<14} {'URLs':>5} {'requests':>8} {'req/s':>7} {'p50':>8} {'p95':>8}")
        for name, scenario in urls.items():
            if args.only and name not in args.only:
                continue
            n, elapsed, p50, p95, p99, mean, errors, cpu = measure(
                base, scenario, args.clients, args.seconds, args.warmup, server.pid
            )
            verdict = "ok" if p95 < TARGETS_MS[name] else f"OVER {TARGETS_MS[name]} ms"
            print(
                f"{name:<14} {len(scenario):>5} {n:>8} {n / elapsed:>7.1f} {p50:>6.1f}ms "
                f"{p95:>6.1f}ms  p99 {p99:.1f} ms; server {cpu:.1f} CPU-ms/request; target {TARGETS_MS[name]} ms: {verdict}; "
                f"errors {errors}",
                flush=True,
            )


if __name__ == "__main__":
    main()
