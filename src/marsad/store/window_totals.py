"""The default period's counts, kept by triggers, for the home page (trending and sources).

The home page ranks trending entities over the default period (the last ``days`` days up to
the newest dated article) and counts every source's articles in it. Summed from the daily
rollups that is ~7,000 entity-days of the last three days, the earlier days of ~400
candidates and ~6,000 source-days a request at a million articles (~10 CPU-ms). These
tables hold the sums themselves:

* ``window_bounds``: one row, the period they are kept for: ``days``, its first day
  (``start``), the first of its last :data:`RECENT_DAYS` days (``split``) and its last day
  (``end``); NULL days when no article is dated.
* ``window_entities``: per entity, its articles (``entity_days``) on the days in [split,
  end] (``recent``) and in [start, split) (``earlier``); entities with neither are left out.
* ``window_sources``: per source (0: every source), its articles (``day_totals``) in [start,
  end]; sources with none are left out.

SQLite triggers on ``entity_days`` and ``day_totals`` keep the sums equal to the rollups for
the stored bounds, whatever writes them (ingest, merges, deletes, edits, reprocess, rebuilds,
bulk loaders). Moving the bounds to a newer end day (:func:`keep`) reads only the days that
change part; it runs after every ingest, analysis and crawl round (``settle``) and when the
server starts. A page asks for its own period's bounds: other bounds (another period, a day
that has begun with no article yet, a stale row) find nothing, and the page sums the rollups
as before. On PostgreSQL the tables do not exist.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, text

from marsad.store import driver

RECENT_DAYS = 3  # trending compares the last three days of the period with the rest
DEFAULT_DAYS = 30  # the configured window's default (config.Settings.window_days)

Bounds = tuple[str, str, str]  # start, split, end (YYYY-MM-DD)


def _change(table: str, key: str, sign: str, parts: dict[str, str], where: str) -> str:
    """Add (``sign`` "") or take off ("-") one rollup row's articles to the kept sums of its
    key (``parts``: column → the SQL of its share), then drop the key's row if it is 0."""
    columns = ", ".join(parts)
    shares = ", ".join(f"{sign}({share})" for share in parts.values())
    sums = ", ".join(f"{c} = {c} + excluded.{c}" for c in parts)
    zero = " AND ".join(f"{c} = 0" for c in parts)
    row = "OLD" if sign else "NEW"
    return (
        f"INSERT INTO {table} ({key}, {columns}) SELECT {row}.{key}, {shares} "
        f"FROM window_bounds w WHERE {where} ON CONFLICT ({key}) DO UPDATE SET {sums}; "
        f"DELETE FROM {table} WHERE {key} = {row}.{key} AND {zero};"
    )


def _triggers(rollup: str, table: str, key: str, columns: str) -> dict[str, str]:
    def change(sign: str) -> str:
        r = "OLD" if sign else "NEW"
        inside = f'{r}.day >= w.start AND {r}.day <= w."end"'
        if table == "window_entities":
            parts = {
                "recent": f"CASE WHEN {r}.day >= w.split THEN {r}.articles ELSE 0 END",
                "earlier": f"CASE WHEN {r}.day < w.split THEN {r}.articles ELSE 0 END",
            }
        else:
            parts = {"articles": f"{r}.articles"}
        return _change(table, key, sign, parts, inside)

    return {
        f"{rollup}_window_insert": f"AFTER INSERT ON {rollup} BEGIN {change('')} END",
        f"{rollup}_window_update": (
            f"AFTER UPDATE OF {columns} ON {rollup} BEGIN {change('-')} {change('')} END"
        ),
        f"{rollup}_window_delete": f"AFTER DELETE ON {rollup} BEGIN {change('-')} END",
    }


_TRIGGERS = {
    **_triggers("entity_days", "window_entities", "entity_id", "entity_id, day, articles"),
    **_triggers("day_totals", "window_sources", "source_id", "source_id, day, articles"),
}


_TABLES = (
    "CREATE TABLE IF NOT EXISTS window_bounds (id INTEGER PRIMARY KEY CHECK (id = 1), "
    'days INTEGER NOT NULL, start TEXT, split TEXT, "end" TEXT)',
    "CREATE TABLE IF NOT EXISTS window_entities (entity_id INTEGER PRIMARY KEY, "
    "recent INTEGER NOT NULL, earlier INTEGER NOT NULL)",
    # trending reads the entities with enough recent articles from this index alone
    "CREATE INDEX IF NOT EXISTS ix_window_entities_recent ON window_entities (recent, earlier)",
    "CREATE TABLE IF NOT EXISTS window_sources "
    "(source_id INTEGER PRIMARY KEY, articles INTEGER NOT NULL)",
)


def available(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def create(conn: Connection, days: int = DEFAULT_DAYS) -> None:
    """The tables, their triggers, and the sums for the newest ``days`` days (a database
    that has them keeps them: the triggers kept them)."""
    if not available(conn):
        return
    driver.create_kept(conn, "window_bounds", _TABLES, _TRIGGERS)
    if bounds(conn) is None:
        conn.execute(text("INSERT INTO window_bounds (id, days) VALUES (1, :d)"), {"d": days})
        keep(conn)


def bounds(conn: Connection) -> tuple[int, Bounds | None] | None:
    """(days, (start, split, end) or None when nothing is dated) kept; None: no row."""
    row = driver.run(conn, 'SELECT days, start, split, "end" FROM window_bounds').first()
    if row is None:
        return None
    return row[0], (row[1], row[2], row[3]) if row[3] is not None else None


def bounds_for(end: str | None, days: int) -> Bounds | None:
    """The period of ``days`` days ending on ``end`` and its recent days' first day."""
    if end is None:
        return None
    last = date.fromisoformat(end)
    start = last - timedelta(days=days - 1)
    split = max(last - timedelta(days=RECENT_DAYS - 1), start)
    return start.isoformat(), split.isoformat(), end


def keep(conn: Connection, days: int | None = None) -> bool:
    """Move the kept sums to the newest dated article's period (of ``days`` days, or as
    many as kept); returns whether they moved. Only the days whose part changes are read:
    the day that leaves, the day that turns from recent to earlier, the day that enters."""
    if not available(conn):
        return False
    kept = bounds(conn)
    if kept is None:  # a database from before the tables: create() makes them
        return False
    days = days or kept[0]
    newest = driver.run(conn, "SELECT max(day) FROM articles WHERE published IS NOT NULL")
    new = bounds_for(newest.scalar(), days)
    if (days, new) == kept:
        return False
    old = kept[1]
    conn.execute(
        text('UPDATE window_bounds SET days = :d, start = :s, split = :p, "end" = :e'),
        {"d": days, "s": None, "p": None, "e": None}
        | (dict(zip("spe", new, strict=True)) if new else {}),
    )
    if old is None or new is None or new[0] > old[2] or new[2] < old[0]:  # no day shared
        conn.execute(text("DELETE FROM window_entities"))
        conn.execute(text("DELETE FROM window_sources"))
        if new is not None:
            _add(conn, new[0], _next(new[2]), None, new)
        return True
    points = sorted({old[0], old[1], _next(old[2]), new[0], new[1], _next(new[2])})
    for a, b in itertools.pairwise(points):
        if _part(a, old) != _part(a, new):
            _add(conn, a, b, old, new)
    for table, zero in (
        ("window_entities", "recent = 0 AND earlier = 0"),
        ("window_sources", "articles = 0"),
    ):
        conn.execute(text(f"DELETE FROM {table} WHERE {zero}"))
    return True


def _next(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def _part(day: str, b: Bounds) -> int:
    """0: outside the period, 1: its earlier days, 2: its recent days."""
    if not b[0] <= day <= b[2]:
        return 0
    return 2 if day >= b[1] else 1


def _share(b: Bounds | None, prefix: str) -> tuple[str, str, str]:
    """SQL of a row's recent, earlier and in-period articles under bounds ``b`` (its
    parameters named ``prefix``s, ``prefix``p, ``prefix``e); zeros when there are none."""
    if b is None:
        return "0", "0", "0"
    s, p, e = (f":{prefix}{c}" for c in "spe")
    return (
        f"CASE WHEN day >= {p} AND day <= {e} THEN articles ELSE 0 END",
        f"CASE WHEN day >= {s} AND day < {p} THEN articles ELSE 0 END",
        f"CASE WHEN day >= {s} AND day <= {e} THEN articles ELSE 0 END",
    )


def _add(conn: Connection, a: str, b: str, old: Bounds | None, new: Bounds) -> None:
    """Add to the kept sums what the rollup rows of the days in [a, b) count under the new
    bounds and take off what they counted under the old ones."""
    (nr, ne, nw), (orr, oe, ow) = _share(new, "n"), _share(old, "o")
    params: dict[str, Any] = {"a": a, "b": b} | dict(zip(("ns", "np", "ne"), new, strict=True))
    if old is not None:
        params |= dict(zip(("os", "op", "oe"), old, strict=True))
    for sql in (
        "INSERT INTO window_entities (entity_id, recent, earlier) "
        f"SELECT entity_id, sum({nr}) - sum({orr}), sum({ne}) - sum({oe}) FROM entity_days "
        "WHERE day >= :a AND day < :b GROUP BY entity_id "
        "ON CONFLICT (entity_id) DO UPDATE SET recent = recent + excluded.recent, "
        "earlier = earlier + excluded.earlier",
        "INSERT INTO window_sources (source_id, articles) "
        f"SELECT source_id, sum({nw}) - sum({ow}) FROM day_totals "
        "WHERE day >= :a AND day < :b GROUP BY source_id "
        "ON CONFLICT (source_id) DO UPDATE SET articles = articles + excluded.articles",
    ):
        conn.execute(text(sql), params)
    if old is None:  # a fresh fill: no row of zeros
        conn.execute(text("DELETE FROM window_entities WHERE recent = 0 AND earlier = 0"))
        conn.execute(text("DELETE FROM window_sources WHERE articles = 0"))


def fill(conn: Connection) -> None:
    """Every sum again from the rollups for the kept bounds (what the triggers keep)."""
    kept = bounds(conn)
    conn.execute(text("DELETE FROM window_entities"))
    conn.execute(text("DELETE FROM window_sources"))
    if kept is not None and kept[1] is not None:
        _add(conn, kept[1][0], _next(kept[1][2]), None, kept[1])


def entity_sums(
    conn: Connection,
    start: str,
    split: str,
    end: str,
    min_recent: int,
    rise: tuple[int, int] = (1, 1),
    limit: int = -1,
) -> list[tuple[int, int, int]] | None:
    """(entity id, recent articles, earlier articles) of the entities with at least
    ``min_recent`` recent ones, when the kept bounds are these (None when they are not):
    the ``limit`` first (-1: all) by their rise, ``(recent / rise[0] + 1) / (earlier /
    rise[1] + 1)`` in floating point as Python computes it, more recent first, lower id."""
    if not available(conn):
        return None
    rows = driver.run(
        conn,
        "SELECT e.entity_id, e.recent, e.earlier FROM window_bounds w "
        "LEFT JOIN window_entities e ON e.recent >= :m "
        'WHERE w.start = :s AND w.split = :p AND w."end" = :e '
        "ORDER BY (e.recent * 1.0 / :r + 1) / (e.earlier * 1.0 / :b + 1) DESC, "
        "e.recent DESC, e.entity_id LIMIT :n",
        {"s": start, "p": split, "e": end, "m": min_recent, "r": rise[0], "b": rise[1]}
        | {"n": limit},
    ).all()
    if not rows:
        return None
    return [(r[0], r[1], r[2]) for r in rows if r[0] is not None]


def source_counts(conn: Connection, start: str, end: str) -> list[Any] | None:
    """(slug, name, articles) of every source in [start, end], largest first, when the kept
    bounds are these; None when they are not (or no source exists)."""
    if not available(conn):
        return None
    rows = driver.run(
        conn,
        "SELECT s.slug, s.name, coalesce(t.articles, 0) AS articles FROM window_bounds w "
        "JOIN sources s LEFT JOIN window_sources t ON t.source_id = s.id "
        'WHERE w.start = :a AND w."end" = :b ORDER BY articles DESC, s.name',
        {"a": start, "b": end},
    ).all()
    return rows or None
