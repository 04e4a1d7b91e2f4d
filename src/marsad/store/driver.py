"""Statements as SQL strings, sent the cheapest way the database allows.

On SQLite they go straight to the driver: SQLAlchemy's own work per statement (40–60 µs,
statement compilation or not) is more than SQLite spends on an indexed lookup or a one-row
insert, and the ingest path runs some 30 small statements per article, the pages a few
dozen reads each. Elsewhere (PostgreSQL) they go through SQLAlchemy's ``text()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text


def run(conn: Connection, sql: str, params: dict | None = None) -> Any:
    """Execute a read whose rows are used as SQLAlchemy rows (``row._mapping``): without
    statement compilation on SQLite (this halves the cost of a page), text() elsewhere."""
    if conn.dialect.name == "sqlite":
        return conn.exec_driver_sql(sql, params or {})
    return conn.execute(text(sql), params or {})


def rows(conn: Connection, sql: str, params: dict | None = None) -> list[tuple]:
    """Every row of a read, as plain tuples: on SQLite straight from the driver (SQLAlchemy
    makes a row object of each, about a microsecond: the global pass reads millions of
    rows — mentions, their contexts, the articles' entities), text() elsewhere."""
    driver = _sqlite(conn)
    if driver is None:
        return [tuple(r) for r in conn.execute(text(sql), params or {})]
    return driver.execute(sql, params or {}).fetchall()


def dicts(rows: Any) -> list[dict[str, Any]]:
    """The rows of a result (or a list of its rows) as dicts, column → value: the names
    read once, not a mapping built per row (``dict(row._mapping)``, 3× the cost: the home
    page turns ~500 rows into dicts)."""
    if isinstance(rows, list):
        if not rows:
            return []
        keys = list(rows[0]._fields)
    else:
        keys = list(rows.keys())
        rows = rows.all()
    return [dict(zip(keys, row, strict=True)) for row in rows]


def _sqlite(conn: Connection) -> Any | None:
    """The sqlite3 connection under ``conn`` (None elsewhere), with ``conn``'s transaction
    begun: a commit of ``conn`` then commits what was written on it, also when nothing
    else went through SQLAlchemy since the last commit (``Store.batch``)."""
    if conn.dialect.name != "sqlite":
        return None
    if not conn.in_transaction():
        conn.begin()
    return conn.connection.driver_connection


def lookup(conn: Connection, sql: str, params: dict | None = None) -> tuple | None:
    """The first row of a query (or of an INSERT … RETURNING) as a tuple; None if none."""
    driver = _sqlite(conn)
    if driver is None:
        row = conn.execute(text(sql), params or {}).first()
        return tuple(row) if row is not None else None
    cursor = driver.execute(sql, params or {})
    try:
        return cursor.fetchone()
    finally:
        cursor.close()


def write(conn: Connection, sql: str, rows: dict | list[dict]) -> None:
    """Execute a statement whose result is not needed, once per row when given a list."""
    driver = _sqlite(conn)
    if driver is None:
        conn.execute(text(sql), rows)
    elif isinstance(rows, list):
        driver.executemany(sql, rows)
    else:
        driver.execute(sql, rows)


def insert_sql(table: str, columns: Sequence[str]) -> str:
    """``INSERT INTO table (columns) VALUES (:columns)``, the names quoted ("end" is SQL)."""
    names = ", ".join(f'"{c}"' for c in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + c for c in columns)})"


def insert_new(
    conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert rows (values in the order of ``columns``), keeping those there already (the
    same primary key: another process made the same row, or it was made before)."""
    if not rows:
        return
    sql = insert_sql(table, columns)
    named = [dict(zip(columns, r, strict=True)) for r in rows]
    if conn.dialect.name == "sqlite":
        write(conn, sql.replace("INSERT", "INSERT OR IGNORE", 1), named)
    else:
        write(conn, sql + " ON CONFLICT DO NOTHING", named)


def create_kept(conn: Connection, table: str, ddl: Sequence[str], triggers: dict[str, str]) -> bool:
    """Create, where missing, a table that triggers keep (SQLite): its statements (``ddl``,
    the table's first) and its triggers (name → body); whether ``table`` was new (its rows
    are then to be filled)."""
    new = not conn.dialect.has_table(conn, table)
    for sql in (*ddl, *(f"CREATE TRIGGER IF NOT EXISTS {n} {b}" for n, b in triggers.items())):
        conn.execute(text(sql))
    return new
