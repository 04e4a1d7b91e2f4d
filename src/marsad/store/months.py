"""Month sums of the daily rollups, so a year or all time reads a dozen rows, not hundreds.

``entity_months``, ``entity_source_months`` and ``pair_months`` hold, per calendar month
(``YYYY-MM``), the sum of ``entity_days``, ``entity_source_days`` and ``pair_days``. SQLite
triggers on the daily tables keep them equal whatever writes the days (ingest, deferred
analysis, operator edits, ``rollups.rebuild``, the bulk loader), so no writer has to know
about them. On PostgreSQL they do not exist and long periods read the daily tables.

A period [start, end] is read as its first days up to the first whole month, the whole
months, and its last days (``split``); a period without a whole month reads days only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, text

MONTHLY_FROM = 62  # days: shorter periods read the daily tables, as before

# (month table, daily table, key columns besides entity_id and the month, counted columns)
TABLES = (
    ("entity_months", "entity_days", (), ("articles", "stories")),
    ("entity_source_months", "entity_source_days", ("source_id",), ("articles",)),
    ("pair_months", "pair_days", ("other_id",), ("articles",)),
)


@dataclass(frozen=True)
class Split:
    """[start, end] as day ranges (at most two) and a month range (``None``: no whole month)."""

    days: tuple[tuple[str, str], ...]
    months: tuple[str, str] | None


def split(start: str, end: str) -> Split:
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    first = a if a.day == 1 else (a.replace(day=1) + timedelta(days=32)).replace(day=1)
    after = b + timedelta(days=1)
    last_end = after if after.day == 1 else after.replace(day=1)  # first day after the months
    if first >= last_end:
        return Split(((start, end),), None)
    days = []
    if a < first:
        days.append((start, (first - timedelta(days=1)).isoformat()))
    if last_end <= b:
        days.append((last_end.isoformat(), end))
    last_month = (last_end - timedelta(days=1)).isoformat()[:7]
    return Split(tuple(days), (first.isoformat()[:7], last_month))


def available(conn: Connection, start: str, end: str) -> Split | None:
    """How to read [start, end] through the month tables, or None: read the days."""
    if conn.dialect.name != "sqlite":
        return None
    try:
        length = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
    except ValueError:  # "0000-00-00" … "9999-99-99": every day, read as days
        return None
    if length < MONTHLY_FROM:
        return None
    parts = split(start, end)
    return parts if parts.months else None


def union(
    parts: Split, month_table: str, day_table: str, columns: str, where: str
) -> tuple[str, dict[str, str]]:
    """``SELECT columns FROM …`` over the days and months of ``parts`` (UNION ALL), with
    ``where`` (conditions on the tables' own columns) and the bound range parameters."""
    selects, params = [], {}
    for i, (lo, hi) in enumerate(parts.days):
        selects.append(
            f"SELECT {columns} FROM {day_table} WHERE {where} AND day BETWEEN :d{i}a AND :d{i}b"
        )
        params |= {f"d{i}a": lo, f"d{i}b": hi}
    assert parts.months is not None
    selects.append(
        f"SELECT {columns} FROM {month_table} WHERE {where} AND month BETWEEN :ma AND :mb"
    )
    params |= {"ma": parts.months[0], "mb": parts.months[1]}
    return " UNION ALL ".join(selects), params


def create(conn: Connection) -> None:
    """The month tables (clustered on their key), their triggers, filled from the days."""
    if conn.dialect.name != "sqlite":
        return
    for month_table, day_table, keys, counted in TABLES:
        key = ", ".join(("entity_id", "month", *keys))
        conn.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {month_table} (entity_id INTEGER NOT NULL, "
                "month VARCHAR(7) NOT NULL, "
                + "".join(f"{k} INTEGER NOT NULL, " for k in keys)
                + "".join(f"{c} INTEGER NOT NULL, " for c in counted)
                + f"PRIMARY KEY ({key})) WITHOUT ROWID"
            )
        )
        conn.execute(text(f"DELETE FROM {month_table}"))
        conn.execute(
            text(
                f"INSERT INTO {month_table} ({key}, {', '.join(counted)}) "
                f"SELECT entity_id, substr(day, 1, 7), {''.join(k + ', ' for k in keys)}"
                + ", ".join(f"sum({c})" for c in counted)
                + f" FROM {day_table} GROUP BY {', '.join(('entity_id', 'substr(day, 1, 7)', *keys))}"
            )
        )
    create_triggers(conn)


def create_triggers(conn: Connection) -> None:
    """The triggers that keep each month table the sum of its daily table. A row whose key
    stays (a count added to, the common write) changes its month in one statement; a row
    whose key changes (a merge moves a pair row to another entity) leaves its month and
    joins another, in three."""
    for month_table, day_table, keys, counted in TABLES:
        key = ", ".join(("entity_id", "month", *keys))
        new_key = ", ".join(("NEW.entity_id", "substr(NEW.day, 1, 7)", *(f"NEW.{k}" for k in keys)))
        day_key = ("entity_id", "day", *keys)
        match_old, match_new = (
            " AND ".join(
                [f"entity_id = {row}.entity_id", f"month = substr({row}.day, 1, 7)"]
                + [f"{k} = {row}.{k}" for k in keys]
            )
            for row in ("OLD", "NEW")
        )
        add = (
            f"INSERT INTO {month_table} ({key}, {', '.join(counted)}) VALUES ({new_key}, "
            + ", ".join(f"NEW.{c}" for c in counted)
            + f") ON CONFLICT ({key}) DO UPDATE SET "
            + ", ".join(f"{c} = {c} + excluded.{c}" for c in counted)
            + ";"
        )
        remove = (
            f"UPDATE {month_table} SET "
            + ", ".join(f"{c} = {c} - OLD.{c}" for c in counted)
            + f" WHERE {match_old}; DELETE FROM {month_table} WHERE {match_old} "
            + " ".join(f"AND {c} = 0" for c in counted)
            + ";"
        )
        recount = (
            f"UPDATE {month_table} SET "
            + ", ".join(f"{c} = {c} + NEW.{c} - OLD.{c}" for c in counted)
            + f" WHERE {match_new};"
        )
        moved = " OR ".join(f"NEW.{k} IS NOT OLD.{k}" for k in day_key)
        stays = " AND ".join(f"NEW.{k} IS OLD.{k}" for k in day_key)
        for name, event, when, body in (
            ("insert", "INSERT", "", add),
            ("update", "UPDATE", f" WHEN {moved}", remove + " " + add),
            ("recount", "UPDATE", f" WHEN {stays}", recount),
            ("delete", "DELETE", "", remove),
        ):
            conn.execute(
                text(
                    f"CREATE TRIGGER IF NOT EXISTS {day_table}_months_{name} "
                    f"AFTER {event} ON {day_table}{when} BEGIN {body} END"
                )
            )


def trigger_names(day_table: str) -> set[str]:
    """The names of the triggers :func:`create_triggers` makes on ``day_table``."""
    return {f"{day_table}_months_{e}" for e in ("insert", "update", "recount", "delete")}


@contextmanager
def untriggered(conn: Connection, day_table: str) -> Iterator[bool]:
    """Inside, ``day_table`` changes without its month triggers (yields True): whoever
    writes the days inside writes the month sums too — a few statements for thousands of
    rows, where the triggers ran one to three statements a row. Only on SQLite, in an open
    transaction (the triggers' removal is undone with it), where the triggers are exactly
    those of :func:`create_triggers`; otherwise yields False and the triggers run."""
    raw = conn.connection.dbapi_connection
    triggers: dict[str, str] = {}
    if conn.dialect.name == "sqlite" and getattr(raw, "in_transaction", False):
        triggers = dict(
            conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                (day_table,),
            ).all()
        )
    if set(triggers) != trigger_names(day_table):
        yield False
        return
    for name in sorted(triggers):
        conn.exec_driver_sql(f"DROP TRIGGER {name}")
    yield True
    for name in sorted(triggers):
        conn.exec_driver_sql(triggers[name])


def one_statement_recount(conn: Connection) -> None:
    """The update triggers of an older database (three statements for every row updated)
    replaced by the two of :func:`create_triggers`."""
    if conn.dialect.name != "sqlite":
        return
    for _, day_table, _, _ in TABLES:
        conn.execute(text(f"DROP TRIGGER IF EXISTS {day_table}_months_update"))
    create_triggers(conn)
