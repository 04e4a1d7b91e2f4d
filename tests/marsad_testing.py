"""Shared test constants and helpers (import as ``from marsad_testing import …``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import text

from marsad.config import Settings, load_settings
from marsad.store.database import Store

DATA = Path(__file__).parent / "data"
SAMPLE_END = date(2026, 11, 20)


def make_settings(tmp: Path, name: str = "marsad.db") -> Settings:
    return load_settings(
        {
            "MARSAD_DATA_DIR": str(tmp),
            "MARSAD_DATABASE_URL": f"sqlite:///{tmp / name}",
            "MARSAD_TIMEZONE": "Asia/Damascus",
        }
    )


def fresh_postgres_database(url: str) -> str:
    """A new, empty database on the same server (other tests may share the given one)."""
    from uuid import uuid4

    from sqlalchemy import create_engine, make_url, text

    name = f"marsad_test_{uuid4().hex[:8]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


ROLLUP_TABLES = {
    "entity_days": "entity_id, day, articles, stories",
    "entity_source_days": "entity_id, source_id, day, articles",
    "pair_days": "entity_id, other_id, day, articles",
    "day_totals": "source_id, day, articles, stories",
}


def rollup_snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every pre-aggregated count, sorted: equal snapshots mean equal pages."""
    with store.engine.connect() as conn:
        return {
            t: sorted(tuple(r) for r in conn.execute(text(f"SELECT {cols} FROM {t}")))
            for t, cols in ROLLUP_TABLES.items()
        }


def whose_task(tools: object, argument: int) -> tuple[int, int]:
    """A marsad.workers task: the argument and the process that ran it."""
    import os

    return argument, os.getpid()


def die(tools: object, argument: int) -> None:
    """A marsad.workers task whose process ends abruptly (as when killed for memory)."""
    import os

    os._exit(1)


def nap(tools: object, seconds: float) -> None:
    """A marsad.workers task that takes its time."""
    import time

    time.sleep(seconds)
