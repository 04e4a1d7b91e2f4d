"""Backup and restore of a whole marsad database, safe while it is being written.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies the database as of one
committed state, in one step under a read lock, so an ingest running at the same time
neither breaks the copy nor is stopped by it (it waits at most for the copy). The copy is a
single self-contained file (rollback journal, no ``-wal``), checked with
``PRAGMA integrity_check``. PostgreSQL: ``pg_dump -Fc`` (one consistent snapshot) and
``pg_restore --clean``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url

from marsad.errors import InputError, StoreError


@dataclass(frozen=True)
class BackupReport:
    path: Path
    bytes: int
    articles: int | None  # in the copy (SQLite); None for a pg_dump archive


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise StoreError("an in-memory database cannot be backed up or restored")
    return Path(parsed.database)


def _pg_url(url: str) -> str:
    """The libpq form of a SQLAlchemy PostgreSQL URL (no +driver)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise StoreError(f"backup knows SQLite and PostgreSQL, not {parsed.get_backend_name()}")
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise StoreError(f"{name} is not installed (it comes with the PostgreSQL client tools)")
    return found


def _check(path: Path) -> int:
    """Integrity check of a SQLite copy; its number of articles."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise StoreError(f"{path}: the copy is damaged ({result})")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "articles" not in tables or "meta" not in tables:
            raise InputError(f"{path}: not a marsad database (no articles or meta table)")
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path}: not a SQLite database ({exc})") from None
    finally:
        conn.close()


def backup(url: str, path: Path, *, force: bool = False) -> BackupReport:
    """Copy the database at ``url`` to ``path`` (refused if it exists, unless ``force``)."""
    if path.exists() and not force:
        raise InputError(f"{path} already exists: choose another name or use --force")
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.unlink(missing_ok=True)
    source = _sqlite_path(url)
    if source is None:
        result = subprocess.run(
            [_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(part), "-d", _pg_url(url)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            part.unlink(missing_ok=True)
            raise StoreError(f"pg_dump failed: {result.stderr.strip()}")
        os.replace(part, path)
        return BackupReport(path, path.stat().st_size, None)
    if not source.exists():
        raise StoreError(f"{source}: no such database")
    src = sqlite3.connect(source, timeout=60)
    dst = sqlite3.connect(part)
    try:
        src.backup(dst)  # all pages in one step: one committed state of the source
        dst.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
    finally:
        dst.close()
        src.close()
    try:
        articles = _check(part)
    except Exception:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, path)
    return BackupReport(path, path.stat().st_size, articles)


def _has_articles(url: str) -> bool:
    from marsad.store.database import Store

    store = Store(url)
    try:
        return store.stats()["articles"] > 0
    finally:
        store.close()


def restore(url: str, path: Path, *, force: bool = False) -> BackupReport:
    """Replace the database at ``url`` by the backup ``path``; a database that holds
    articles is only replaced with ``force``."""
    if not path.is_file():
        raise InputError(f"{path}: no such backup file")
    target = _sqlite_path(url)
    if (target is None or target.exists()) and not force and _has_articles(url):
        raise InputError(
            "the database already holds articles: restoring replaces all of them "
            "(use --force to go on)"
        )
    if target is None:
        result = subprocess.run(
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
             "-d", _pg_url(url), str(path)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise StoreError(f"pg_restore failed: {result.stderr.strip()}")
        return BackupReport(path, path.stat().st_size, None)
    articles = _check(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=60)
    try:
        src.backup(dst)  # through SQLite's pager: safe with the WAL and open readers
    finally:
        dst.close()
        src.close()
    return BackupReport(path, path.stat().st_size, articles)
