"""Uncapped exports: rows per second and peak memory of a million-row export.

Builds (once) a SQLite database where one entity is named by ``--rows`` articles and a
second by one article in a hundred, then exports both entities' articles (CSV and JSONL)
and a search that finds every article, each in a fresh ``marsad export`` process, and the
big entity's articles from a running ``marsad serve`` over HTTP. For each it prints rows,
wall seconds and rows/s, CPU seconds and rows per CPU-second (the machine may be shared),
and the process's peak resident memory (``ru_maxrss`` of the CLI process;
``VmHWM`` of the server). Memory is constant when the big export peaks where the small
one (100× fewer rows) does.

    python bench/export.py --rows 1000000 --db /tmp/marsad-export/marsad.db

The database is ~0.6 GB at a million articles; keep it out of the repository. Articles
are written straight into the tables the pipeline fills (as bench/build_big.py does):
the benchmark measures the export, not ingest.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

from marsad.arabic.normalise import normalise
from marsad.store.database import Store

NAME, SMALL = "سيرغي لافروف", "جون كيري"
BODIES = [
    f"قال {NAME} إن جولة المفاوضات في جنيف انتهت دون اتفاق، وأضاف أن الحوار مستمر {i}.\n"
    f"وأكد الوزير أن بلاده تدعم الحل السياسي، فيما دعا {SMALL} إلى وقف إطلاق النار.\n"
    "وتأتي الجولة بعد أسابيع من الاتصالات بين الأطراف المعنية في المنطقة."
    for i in range(50)
]


def build(db: Path, rows: int) -> None:
    """Write ``rows`` articles naming NAME (every hundredth also naming SMALL)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    Store(f"sqlite:///{db}").close()  # schema and migrations as marsad makes them
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("INSERT INTO sources (id, slug, name) VALUES (1, 'sana', 'سانا'), (2, 'rt', 'RT')")
    for eid, name, slug in ((1, NAME, "lavrov"), (2, SMALL, "kerry")):
        con.execute(
            "INSERT INTO entities (id, slug, name, type) VALUES (?, ?, ?, 'PERSON')",
            (eid, slug, name),
        )
        con.execute(
            "INSERT INTO aliases (entity_id, alias, norm) VALUES (?, ?, ?)",
            (eid, name, normalise(name)),
        )
    norm_bodies = [normalise(b) for b in BODIES]
    batch: dict[str, list[tuple]] = {"a": [], "ae": [], "m": [], "f": []}

    def flush() -> None:
        con.executemany(
            "INSERT INTO articles (id, content_hash, story_id, source_id, url, title, text, "
            "published, day, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            batch["a"],
        )
        con.executemany(
            "INSERT INTO article_entities (entity_id, article_id, day, source_id, mentions, "
            "first_start, first_end) VALUES (?,?,?,?,1,?,?)",
            batch["ae"],
        )
        con.executemany(
            'INSERT INTO mentions (article_id, entity_id, start, "end", surface, type) '
            "VALUES (?,?,?,?,?,'PERSON')",
            batch["m"],
        )
        con.executemany("INSERT INTO articles_fts (rowid, title, body) VALUES (?,?,?)", batch["f"])
        con.commit()
        for rows_ in batch.values():
            rows_.clear()

    for n in range(1, rows + 1):
        title = f"جولة مفاوضات رقم {n} في جنيف"
        body = BODIES[n % len(BODIES)]
        day = f"{2016 + n * 10 // rows}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        source = 1 + n % 2
        digest = hashlib.sha1(f"{title}\n{body}".encode()).hexdigest()
        batch["a"].append(
            (
                n,
                digest,
                n,
                source,
                f"https://sana.example/{n}",
                title,
                body,
                f"{day} 08:00:00",
                day,
                f"{day} 09:00:00",
            )
        )
        at = len(title) + 1 + body.index(NAME)
        batch["ae"].append((1, n, day, source, at, at + len(NAME)))
        batch["m"].append((n, 1, at, at + len(NAME), NAME))
        if n % 100 == 0:
            at2 = len(title) + 1 + body.index(SMALL)
            batch["ae"].append((2, n, day, source, at2, at2 + len(SMALL)))
            batch["m"].append((n, 2, at2, at2 + len(SMALL), SMALL))
        batch["f"].append((n, normalise(title), norm_bodies[n % len(BODIES)]))
        if n % 20_000 == 0:
            flush()
            print(f"  built {n:,} articles", file=sys.stderr)
    flush()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def cli_export(env: dict[str, str], args: list[str], out: Path) -> tuple[int, float, float, int]:
    """(rows, wall seconds, CPU seconds, peak RSS in bytes) of one ``marsad export`` process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "marsad.cli", "export", *args, "--out", str(out)], env=env
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"marsad export {' '.join(args)} failed ({proc.returncode})")
    with out.open("rb") as fh:
        lines = sum(1 for _ in fh)
    header = 1 if out.suffix == ".csv" else 0
    return lines - header, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def http_export(env: dict[str, str], path: str) -> tuple[int, float, float, int]:
    """(rows, wall seconds, the server's CPU seconds, its peak RSS in bytes) of one streamed
    download from a fresh ``marsad serve``."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "marsad.cli", "serve", "--port", str(port)],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                httpx.get(base + "/api/stats", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        started, cpu = time.perf_counter(), _cpu(server.pid)
        lines = 0
        with httpx.stream("GET", base + path, timeout=600) as response:
            response.raise_for_status()
            for chunk in response.iter_bytes():
                lines += chunk.count(b"\n")
        seconds, cpu = time.perf_counter() - started, _cpu(server.pid) - cpu
        status = Path(f"/proc/{server.pid}/status").read_text()
        peak = int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1])
        return lines - (1 if path.endswith(".csv") else 0), seconds, cpu, peak * 1024
    finally:
        server.terminate()
        server.wait(30)


def _cpu(pid: int) -> float:
    """User + system CPU seconds a process has used (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/marsad-export/marsad.db"))
    args = parser.parse_args()
    db: Path = args.db
    if not db.exists():
        started = time.perf_counter()
        build(db, args.rows)
        print(
            f"built {args.rows:,} articles in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    env = dict(os.environ, MARSAD_DATABASE_URL=f"sqlite:///{db}", MARSAD_DATA_DIR=str(db.parent))
    env["MARSAD_PAGE_CACHE"] = "0"
    out = db.parent
    runs = [
        (
            "CLI  articles.csv   (big)",
            lambda: cli_export(env, ["articles", "lavrov"], out / "a.csv"),
        ),
        (
            "CLI  articles.jsonl (big)",
            lambda: cli_export(env, ["articles", "lavrov", "-f", "jsonl"], out / "a.jsonl"),
        ),
        (
            "CLI  articles.csv   (1/100)",
            lambda: cli_export(env, ["articles", "kerry"], out / "k.csv"),
        ),
        (
            "CLI  mentions.jsonl (big)",
            lambda: cli_export(env, ["mentions", "lavrov", "-f", "jsonl"], out / "m.jsonl"),
        ),
        (
            "CLI  search.csv     (every article)",
            lambda: cli_export(env, ["search", "مفاوضات"], out / "s.csv"),
        ),
        ("HTTP articles.jsonl (big)", lambda: http_export(env, "/entity/lavrov/articles.jsonl")),
        ("HTTP articles.jsonl (1/100)", lambda: http_export(env, "/entity/kerry/articles.jsonl")),
    ]
    print(
        f"{'export':<38} {'rows':>10} {'wall s':>7} {'rows/s':>9} {'CPU s':>7} "
        f"{'rows/CPU-s':>10} {'peak MB':>8}"
    )
    for label, run in runs:
        rows, seconds, cpu, peak = run()
        print(
            f"{label:<38} {rows:>10,} {seconds:>7.1f} {rows / seconds:>9,.0f} {cpu:>7.1f} "
            f"{rows / cpu:>10,.0f} {peak / 2**20:>8.0f}",
            flush=True,
        )
    for name in ("a.csv", "a.jsonl", "k.csv", "m.jsonl", "s.csv"):
        (out / name).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
