"""Writes on a big database (issue 18): ingest speed against an empty one, and a big merge.

Ingest: the same ``--articles`` ANT articles (a slice of the corpus, each title marked
"تحديث:" so they are new articles, not exact copies, and dated on the big database's last
day, as a crawler's newest articles are) go through ``marsad ingest`` (``ingest_paths``:
recognise, resolve, store, rollups, global resolution) into a fresh empty database and
into the big one, in this one run; the figure is articles per CPU-second of this process
(other load on the machine does not move it). The big database keeps those articles.

Merge: the two entities with the most articles that share a type, merged as the operator's
merge does (``edits._merge_in``, which moves the pair rows, and ``edits.refresh_rollups``
without them, in one transaction), timed,
then rolled back so the database is unchanged (``--merge``).

    PYTHONPATH=src python bench/scale_write.py --db /tmp/marsad-real1m/marsad.db --merge

Resolver start: ``Resolver(store)`` timed on the database opened read-only, and what
making the keys of its names costs (``--resolver-start --no-ingest``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import create_engine, event, text

import marsad.ingest
from marsad.config import load_settings, shared_data_dir
from marsad.entities.resolve import Resolver
from marsad.store import edits
from marsad.store.database import Store, _sqlite_pragmas


def write_articles(out: Path, corpus: Path, count: int, skip: int, day: str) -> None:
    with gzip.open(corpus, "rt", encoding="utf-8") as src, out.open("w") as dst:
        for number, line in enumerate(src):
            if number < skip:
                continue
            if number >= skip + count:
                break
            row = json.loads(line)
            row["title"] = "تحديث: " + row["title"]
            row["time"] = f"{day}T{8 + number % 12:02d}:{number % 60:02d}:00+00:00"
            row["url"] = (row.get("url") or f"https://ant.example/{number}") + "#scale"
            dst.write(json.dumps(row, ensure_ascii=False) + "\n")


class Clock:
    """CPU seconds spent in a few functions (wrapped in place, for the benchmark only): the
    resolver's load (once per run: it read every alias before issue 18, now only makes the
    keys of the names stored since the last run) and the global pass."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        for owner, name in ((Resolver, "_load"), (marsad.ingest, "settle")):
            self._wrap(owner, name)

    def _wrap(self, owner: object, name: str) -> None:
        inner = getattr(owner, name)

        def timed(*args: object, **kwargs: object) -> object:
            t0 = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                self.spent[name] = self.spent.get(name, 0.0) + time.process_time() - t0

        setattr(owner, name, timed)


CLOCK = Clock()


def ingest(db: Path, jsonl: Path, data_dir: Path) -> tuple[int, float, float]:
    """(new articles, CPU seconds, wall seconds) of one ``ingest_paths`` run."""
    CLOCK.spent.clear()
    settings = load_settings(
        {"MARSAD_DATA_DIR": str(data_dir), "MARSAD_DATABASE_URL": f"sqlite:///{db}"}
    )
    store = Store(settings.database_url)
    made, spent = keys_first(store)
    if made:
        print(
            f"  {db.name}: keys of {made:,} stored names made once: {spent:.1f} CPU-s", flush=True
        )
    kept, spent = span_words_first(store)
    if kept:
        print(
            f"  {db.name}: words beside {kept:,} stored mentions kept once: {spent:.1f} CPU-s",
            flush=True,
        )
    cpu0, wall0 = time.process_time(), time.perf_counter()
    report = marsad.ingest.ingest_paths(store, settings, [jsonl], workers=1)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    store.close()
    print(
        f"  {db.name}: resolver index load {CLOCK.spent.get('_load', 0):.1f} CPU-s, global pass "
        f"{CLOCK.spent.get('settle', 0):.1f} CPU-s, of {cpu:.1f}",
        flush=True,
    )
    return report.new, cpu, wall


def keys_first(store: Store) -> tuple[int, float]:
    """Make the resolver's keys of the names stored before they existed (once, when a
    database is first opened by a marsad that has them: entities.known_names), outside
    the figure; (how many, CPU-s). Nothing to do for a marsad without them."""
    try:
        from marsad.entities import known_names
    except ImportError:
        return 0, 0.0
    t0 = time.process_time()
    return known_names.fill(store), time.process_time() - t0


def span_words_first(store: Store) -> tuple[int, float]:
    """Keep the words beside the spans of the mentions stored before they were kept (what
    the rounds after an upgrade keep as they first read them: store/span_words.py), outside
    the figure; (how many, CPU-s). Nothing to do for a marsad that reads them from the text."""
    try:
        from marsad.store import span_words
    except ImportError:
        return 0, 0.0
    t0 = time.process_time()
    return span_words.fill(store), time.process_time() - t0


def resolver_start(db: Path) -> None:
    """The resolver's start on the database opened read-only (no migration: safe on a
    database that must not change): CPU-s of ``Resolver(store)``; where the database has no
    keys of the names yet (opened by a marsad older than issue 18's keys), what making them
    would cost in Python, and how many stored person names read otherwise by key (which of
    their first words are a title, told with every alias's words instead of those read
    before them)."""
    import resource

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    has_keys = con.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alias_keys'"
    ).fetchone()
    try:
        from marsad.entities import known_names
    except ImportError:
        known_names = None  # type: ignore[assignment]
    if known_names is None or has_keys:
        engine = create_engine(f"sqlite:///file:{db}?mode=ro&uri=true")
        store = Store.__new__(Store)
        store.url, store.engine, store.direct_engine, store._source_ids = (
            str(db),
            engine,
            engine,
            {},
        )
        t0, w0 = time.process_time(), time.perf_counter()
        Resolver(store)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"Resolver() on {db}: {time.process_time() - t0:.1f} CPU-s, "
            f"{time.perf_counter() - w0:.1f} s wall, peak RSS {rss:,.0f} MB",
            flush=True,
        )
    if known_names is None:
        return
    rows = con.execute(
        "SELECT a.norm, e.type FROM aliases a JOIN entities e ON e.id = a.entity_id "
        "ORDER BY a.entity_id, a.norm"
    ).fetchall()
    con.close()
    norms = sorted({norm for norm, _ in rows if norm})
    t0 = time.process_time()
    made = sum(1 + len(w) + len(p) for _, w, p in map(known_names.keys, norms))
    print(
        f"keys of {len(norms):,} norms ({made:,} rows): {time.process_time() - t0:.1f} CPU-s "
        "in Python (made once, when a database is first opened)",
        flush=True,
    )
    heads, qualifiers = known_names.R.heads(), known_names.R.qualifiers()
    every = {w for norm, _ in rows for w in norm.split()}
    so_far: set[str] = set()
    otherwise = 0
    for norm, etype in rows:
        so_far.update(norm.split())
        if etype == "PERSON" and norm:
            before = known_names.person_parts(
                norm, lambda w: w in so_far and w not in heads and w not in qualifiers
            )
            now = known_names.person_parts(
                norm, lambda w: w in every and w not in heads and w not in qualifiers
            )
            otherwise += before != now
    print(f"person aliases read otherwise by key: {otherwise} of {len(rows):,} aliases")


class Statements:
    """Wall and CPU seconds of each SQL statement a connection runs (``--statements``)."""

    def __init__(self) -> None:
        self.rows: list[tuple[float, float, str]] = []

    def listen(self, engine: object) -> None:
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, params, context, many) -> None:  # noqa: ANN001
        conn.info["t0"] = (time.perf_counter(), time.process_time())

    def _after(self, conn, cursor, statement, params, context, many) -> None:  # noqa: ANN001
        wall0, cpu0 = conn.info.pop("t0")
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        self.rows.append((wall, cpu, " ".join(statement.split())))

    def report(self, least: float = 0.1) -> None:
        for wall, cpu, statement in self.rows:
            if wall >= least or cpu >= least:
                print(f"  {wall:7.1f} s {cpu:6.1f} CPU-s  {statement[:150]}")
        rest = [r for r in self.rows if r[0] < least and r[1] < least]
        print(
            f"  {sum(r[0] for r in rest):7.1f} s {sum(r[1] for r in rest):6.1f} CPU-s  "
            f"{len(rest)} other statements"
        )


# a checksum of every row of the tables a merge changes (--checksum: compare two versions)
CHECKSUMS = {
    "pair_days": "entity_id * 2654435761 + other_id * 40503 "
    "+ CAST(replace(day, '-', '') AS INTEGER) * 97 + articles * 7919",
    "pair_months": "entity_id * 2654435761 + other_id * 40503 "
    "+ CAST(replace(month, '-', '') AS INTEGER) * 97 + articles * 7919",
    "entity_days": "entity_id * 2654435761 + CAST(replace(day, '-', '') AS INTEGER) * 97 "
    "+ articles * 7919 + stories * 31",
    "entity_source_days": "entity_id * 2654435761 + source_id * 40503 "
    "+ CAST(replace(day, '-', '') AS INTEGER) * 97 + articles * 7919",
    "entity_totals": "entity_id * 2654435761 + articles * 7919",
    "article_entities": "entity_id * 2654435761 + article_id * 40503 + mentions * 97 "
    "+ first_start * 7919 + first_end * 31",
    "mentions": "id * 2654435761 + entity_id * 40503",
}


def checksums(conn: object) -> dict[str, tuple[int, int]]:
    return {
        table: tuple(
            conn.execute(text(f"SELECT count(*), sum(({expr}) % 1000000007) FROM {table}")).one()
        )
        for table, expr in CHECKSUMS.items()
    }


def merge_timing(
    db: Path,
    statements: bool = False,
    checksum: bool = False,
    cache_mib: int | None = None,
    drop: Sequence[str] = (),
) -> None:
    con = sqlite3.connect(db)
    (a, na, name_a), (b, nb, name_b) = con.execute(
        "SELECT t.entity_id, t.articles, e.name FROM entity_totals t JOIN entities e "
        "ON e.id = t.entity_id WHERE e.type = (SELECT e2.type FROM entity_totals t2 "
        "JOIN entities e2 ON e2.id = t2.entity_id ORDER BY t2.articles DESC LIMIT 1) "
        "ORDER BY t.articles DESC LIMIT 2"
    ).fetchall()
    con.close()
    # not a Store: opening one migrates, and this measurement must leave the database as
    # it was (a merge needs no migration newer than the database's)
    engine = create_engine(f"sqlite:///{db}")
    event.listen(engine, "connect", _sqlite_pragmas)
    clock = Statements()
    if statements:
        clock.listen(engine)
    with engine.connect() as conn:
        trans = conn.begin()
        if drop:  # a write first: pysqlite begins no transaction for DDL (it would commit)
            conn.exec_driver_sql("UPDATE meta SET value = value WHERE 0")
            assert conn.connection.dbapi_connection.in_transaction
        for index in drop:  # inside the transaction: rolled back with it
            t0, cpu0 = time.perf_counter(), time.process_time()
            conn.exec_driver_sql(f"DROP INDEX {index}")
            print(
                f"  DROP INDEX {index}: {time.perf_counter() - t0:.1f} s wall, "
                f"{time.process_time() - cpu0:.1f} CPU-s (not in the merge's time)",
                flush=True,
            )
        clock.rows.clear()
        with edits.page_cache(conn, cache_mib or edits.MERGE_CACHE_MIB):  # as edits.merge
            t0, cpu0 = time.perf_counter(), time.process_time()
            result, days = edits._merge_in(conn, b, a)
            edits.refresh_rollups(conn, [b, a], days, pairs=False)
            moved = conn.execute(
                text("SELECT count(*) FROM article_entities WHERE entity_id = :a"), {"a": a}
            ).scalar()
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        if checksum:
            for table, (rows, total) in checksums(conn).items():
                print(f"  after the merge: {table} {rows:,} rows, checksum {total}")
        trans.rollback()
    engine.dispose()
    print(
        f"merge {name_b} ({nb:,} articles) into {name_a} ({na:,}): {elapsed:.1f} s wall, "
        f"{cpu:.1f} CPU-s (then {moved:,} articles; rolled back)",
        flush=True,
    )
    if statements:
        clock.report()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--skip", type=int, default=20_000, help="corpus lines to skip first")
    ap.add_argument("--merge", action="store_true", help="also time a merge of two big entities")
    ap.add_argument("--statements", action="store_true", help="with --merge: each statement's time")
    ap.add_argument(
        "--checksum", action="store_true", help="with --merge: checksums of the changed tables"
    )
    ap.add_argument("--cache-mib", type=int, help="with --merge: another SQLite page cache")
    ap.add_argument(
        "--drop-index",
        action="append",
        default=[],
        help="with --merge: drop it first (rolled back)",
    )
    ap.add_argument("--no-ingest", action="store_true")
    ap.add_argument(
        "--resolver-start", action="store_true", help="time the resolver's start, read-only"
    )
    args = ap.parse_args()
    if args.resolver_start:
        resolver_start(args.db)
    if args.merge:
        merge_timing(args.db, args.statements, args.checksum, args.cache_mib, args.drop_index)
    if args.no_ingest:
        return
    con = sqlite3.connect(args.db)
    last_day = con.execute("SELECT max(day) FROM day_totals").fetchone()[0]
    con.close()
    corpus = shared_data_dir() / "news" / "ant-multisource-v2.1.jsonl.gz"
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "articles.jsonl"
        write_articles(jsonl, corpus, args.articles, args.skip, last_day)
        empty = ingest(Path(tmp) / "empty.db", jsonl, Path(tmp))
        big = ingest(args.db, jsonl, Path(tmp))
    for label, (new, cpu, wall) in (("empty database", empty), (str(args.db), big)):
        print(
            f"ingest into {label}: {new} new articles, {new / cpu:.1f} articles/CPU-s "
            f"({cpu:.1f} CPU-s, {wall:.1f} s wall)"
        )
    print(f"big / empty: {(big[0] / big[1]) / (empty[0] / empty[1]):.2f} of the empty rate")


if __name__ == "__main__":
    main()
