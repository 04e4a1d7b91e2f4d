"""Kill `marsad ingest`, `marsad analyse` and `marsad crawl` with SIGKILL at random moments,
finish the work, and compare the database with a clean run, table by table.

    PYTHONPATH=src python bench/crash.py [--kills 20] [--articles 300] [--items 60] [--seed 16]
                                         [--only ingest,analyse,crawl] [--out /tmp/marsad-crash]

Input: the first ARTICLES articles of the ANT corpus (MARSAD_SHARED/news/
ant-multisource-v2.1.jsonl.gz) when present, else the generator's corpus. The crawl reads
an RSS feed of ITEMS of those articles from a local HTTP server on 127.0.0.1 (each item a
page of its own; MARSAD_ALLOW_PRIVATE_HOSTS=127.0.0.1 lets the crawler fetch it).

Every database first gets the generator's knowledge base (`marsad kb load`). For each
command: a clean run on the prepared database gives the reference; then trials, until
KILLS processes were killed: each starts from the same prepared database, starts the
command one to three times, each killed with SIGKILL after a random delay (seeded, uniform
between the time `marsad stats` takes to start and 1.1 × the clean run's duration; a run
that ends first is not counted as killed), and runs it once more to the end. Each trial's
database is compared with the clean one table by table: row count and a SHA-256 of the
sorted rows. Columns that hold the wall-clock time of the run (articles.ingested_at,
feeds.last_success/last_error_at, fetched_urls.at, edits.at) are left out, and so are
SQLite's own bookkeeping (sqlite_sequence, the FTS5 shadow tables: articles_fts itself is
compared); ids are compared as they are.

Reported per command: ``lost_or_repeated`` (tables the input alone decides — articles,
their sources, search index, pending analysis, the crawler's memory — that differ: work
lost or done twice), ``inconsistent`` (counts kept at ingest that disagree with the rows
they count) and ``differs`` (every table that differs), each with the number of trials.
Exit status 1 on anything lost, repeated or inconsistent; with ``--ner gazetteer``
(names from the knowledge base only, so no run creates entities) on any difference at all.
With the default model NER the analysis tables may differ for a reason that is not the
crash: see docs/reliability.md (the recogniser's names are read once per run).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_COLUMNS = {
    "articles": {"ingested_at"},
    "feeds": {"last_success", "last_error_at"},
    "fetched_urls": {"at"},
    "edits": {"at"},
}
SKIP_TABLES = ("sqlite_", "articles_fts_")
# What the input decides, whatever happens to the analysis: a difference here is work lost
# or done twice.
INPUT_TABLES = ("articles", "article_sources", "sources", "articles_fts", "pending_analysis",
                "fetched_urls", "feeds", "article_signatures", "meta")  # fmt: skip
# Counts kept at ingest against the rows they count: each query gives 0 on a sound database.
CONSISTENCY = {
    "entity_totals = article_entities per entity": (
        "SELECT COUNT(*) FROM (SELECT entity_id, COUNT(*) AS n FROM article_entities "
        "GROUP BY entity_id) c LEFT JOIN entity_totals t USING (entity_id) "
        "WHERE t.articles IS NOT c.n"
    ),
    "day_totals = articles per day": (
        "SELECT (SELECT COUNT(*) FROM articles WHERE day IS NOT NULL) - "
        "(SELECT COALESCE(SUM(articles), 0) FROM day_totals WHERE source_id = 0)"
    ),
    "mentions of stored articles": (
        "SELECT COUNT(*) FROM mentions WHERE article_id NOT IN (SELECT id FROM articles)"
    ),
}


# --------------------------------------------------------------------------- input


def read_articles(n: int) -> list[dict]:
    from marsad.config import shared_data_dir

    ant = shared_data_dir() / "news" / "ant-multisource-v2.1.jsonl.gz"
    if ant.exists():
        out = []
        with gzip.open(ant, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if rec.get("title") and rec.get("text"):
                    out.append({k: rec.get(k) for k in ("title", "text", "src", "url", "time")})
                if len(out) == n:
                    break
        return out
    from marsad.ingest import generated_articles

    return [
        {"title": a.title, "text": a.text, "src": a.source.slug, "url": a.url,
         "time": a.published.isoformat() if a.published else None}
        for a in generated_articles(n)
    ]  # fmt: skip


class FeedServer:
    """An RSS feed of the articles, each item a page, on 127.0.0.1."""

    def __init__(self, articles: list[dict]) -> None:
        self.articles = articles
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server API
                body, kind = server.answer(self.path)
                try:
                    self.send_response(200 if body else 404)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler was killed while reading

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"

    def answer(self, path: str) -> tuple[bytes, str]:
        from datetime import UTC, datetime, timedelta

        if path == "/feed.xml":
            start = datetime(2024, 5, 1, tzinfo=UTC)
            items = "".join(
                f"<item><title>{escape(a['title'])}</title><link>{self.base}/a/{i}</link>"
                f"<guid>{self.base}/a/{i}</guid>"
                f"<pubDate>{format_datetime(start + timedelta(minutes=i))}</pubDate></item>"
                for i, a in enumerate(self.articles)
            )
            rss = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>مرصد</title><link>{self.base}/</link>{items}</channel></rss>"
            )
            return rss.encode(), "application/rss+xml; charset=utf-8"
        if path.startswith("/a/") and path[3:].isdigit() and int(path[3:]) < len(self.articles):
            a = self.articles[int(path[3:])]
            paragraphs = "".join(f"<p>{escape(p)}</p>" for p in a["text"].split("\n") if p.strip())
            page = (
                '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
                f"<title>{escape(a['title'])}</title></head><body><article>"
                f"<h1>{escape(a['title'])}</h1>{paragraphs}</article></body></html>"
            )
            return page.encode(), "text/html; charset=utf-8"
        return b"", "text/plain"

    def close(self) -> None:
        self.httpd.shutdown()


# --------------------------------------------------------------------------- runs


NER = "model"  # MARSAD_NER of every run (--ner)


def environment(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["MARSAD_NER"] = NER
    env.pop("MARSAD_DATABASE_URL", None)
    env["MARSAD_DATA_DIR"] = str(folder)
    env["MARSAD_ALLOW_PRIVATE_HOSTS"] = "127.0.0.1"
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def marsad(folder: Path, *args: str, kill_after: float | None = None) -> tuple[int, float]:
    """Run one marsad command on the database in ``folder``; (exit status, seconds)."""
    began = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "marsad.cli", *args],
        env=environment(folder),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if kill_after is None:
        _, err = proc.communicate()
        if proc.returncode != 0:
            sys.stderr.write(err.decode(errors="replace")[-2000:])
        return proc.returncode, time.monotonic() - began
    try:
        proc.communicate(timeout=kill_after)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    return proc.returncode, time.monotonic() - began


def snapshot(db: Path) -> dict[str, tuple[int, str]]:
    """Each table: (rows, SHA-256 of its sorted rows without the wall-clock columns)."""
    conn = sqlite3.connect(db)
    out = {}
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for name in sorted(names):
            if name.startswith(SKIP_TABLES):
                continue
            cursor = conn.execute(f'SELECT * FROM "{name}"')
            columns = [d[0] for d in cursor.description]
            keep = [i for i, c in enumerate(columns) if c not in SKIP_COLUMNS.get(name, ())]
            rows = sorted(repr(tuple(row[i] for i in keep)) for row in cursor)
            out[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16])
    finally:
        conn.close()
    return out


def inconsistencies(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        found = {name: conn.execute(sql).fetchone()[0] for name, sql in CONSISTENCY.items()}
    finally:
        conn.close()
    return {name: n for name, n in found.items() if n}


def _copy(base: Path, folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(base, folder)


def crash_run(
    name: str, prepare: Callable[[Path], None], command: list[str], kills: int,
    rng: random.Random, out: Path,
) -> dict:  # fmt: skip
    """Trials until ``kills`` processes were killed: each trial starts from the prepared
    database, kills the command one to three times, finishes it and is compared."""
    base, clean = out / f"{name}-base", out / f"{name}-clean"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    prepare(base)
    _copy(base, clean)
    status, took = marsad(clean, *command)
    if status != 0:
        raise SystemExit(f"clean `marsad {' '.join(command)}` failed ({status})")
    shutil.rmtree(out / f"{name}-differs", ignore_errors=True)
    want = snapshot(clean / "marsad.db")
    _, startup = marsad(base, "stats")  # starting Python and marsad: nothing to kill yet
    killed = trials = 0
    differs: dict[str, int] = {}  # table → trials where it differs
    lost: dict[str, int] = {}
    inconsistent: dict[str, int] = {}
    while killed < kills:
        trials += 1
        crashed = out / f"{name}-crashed"
        _copy(base, crashed)
        for _ in range(rng.randint(1, 3)):
            status, _ = marsad(crashed, *command, kill_after=rng.uniform(startup, 1.1 * took))
            killed += status == -signal.SIGKILL
        status, _ = marsad(crashed, *command)
        if status != 0:
            raise SystemExit(f"`marsad {' '.join(command)}` after the kills failed ({status})")
        got = snapshot(crashed / "marsad.db")
        if got != want and not (out / f"{name}-differs").exists():
            shutil.copytree(crashed, out / f"{name}-differs")  # the first trial that differs
        for table in sorted(t for t in want.keys() | got.keys() if want.get(t) != got.get(t)):
            differs[table] = differs.get(table, 0) + 1
            if table in INPUT_TABLES:
                lost[table] = lost.get(table, 0) + 1
        for check in inconsistencies(crashed / "marsad.db"):
            inconsistent[check] = inconsistent.get(check, 0) + 1
    return {
        "command": f"marsad {' '.join(command)}",
        "ner": NER,
        "clean_seconds": round(took, 1),
        "startup_seconds": round(startup, 1),
        "trials": trials,
        "killed": killed,
        "tables": len(want),
        "rows": sum(n for n, _ in want.values()),
        "lost_or_repeated": lost,  # table → trials
        "inconsistent": inconsistent,  # check → trials
        "differs": differs,  # table → trials
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--items", type=int, default=60, help="feed items for the crawl")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--only", default="ingest,analyse,crawl")
    parser.add_argument(
        "--ner",
        choices=["model", "gazetteer"],
        default="model",
        help="gazetteer: knowledge-base names only (no entity is created during a run)",
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/marsad-crash"))
    args = parser.parse_args()
    global NER
    NER = args.ner
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    articles = read_articles(args.articles)
    source = args.out / "input.jsonl"
    source.write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8"
    )
    from marsad.generate.corpus import kb_records

    kb = args.out / "kb.jsonl"
    kb.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kb_records()))

    def with_kb(folder: Path) -> None:
        marsad(folder, "kb", "load", str(kb))

    results = []
    only = args.only.split(",")
    if "ingest" in only:
        results.append(crash_run("ingest", with_kb, ["ingest", str(source)],
                                 args.kills, rng, args.out))  # fmt: skip
    if "analyse" in only:

        def deferred(folder: Path) -> None:
            with_kb(folder)
            marsad(folder, "ingest", "--defer-analysis", str(source))

        results.append(crash_run("analyse", deferred, ["analyse", "--batch", "20"],
                                 args.kills, rng, args.out))  # fmt: skip
    if "crawl" in only:
        server = FeedServer(articles[: args.items])

        def with_feed(folder: Path) -> None:
            with_kb(folder)
            marsad(folder, "feeds", "add", f"{server.base}/feed.xml", "--name", "مرصد المحلي")

        try:
            crawl = ["crawl", "--delay", "0", "--max-items", str(args.items)]
            results.append(crash_run("crawl", with_feed, crawl, args.kills, rng, args.out))
        finally:
            server.close()
    failed = False
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
        failed |= bool(result["lost_or_repeated"] or result["inconsistent"])
        failed |= NER == "gazetteer" and bool(result["differs"])
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
