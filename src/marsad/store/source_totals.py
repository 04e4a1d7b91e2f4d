"""Articles ever per source, kept by triggers, for the source menu of every search page.

The search page lists every source, largest first; summing ``day_totals`` over all time
read ~250k rows a request at a million articles (40 ms). ``source_totals`` holds the sum of
each source's ``day_totals`` rows (source 0: every source), kept equal by SQLite triggers
on ``day_totals`` whatever writes it (ingest, ``rollups.rebuild``, day recounts, bulk
loaders). On PostgreSQL the table does not exist and the menu sums ``day_totals``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from marsad.store import driver

_ADD = (
    "INSERT INTO source_totals (source_id, articles) VALUES (NEW.source_id, NEW.articles) "
    "ON CONFLICT (source_id) DO UPDATE SET articles = articles + excluded.articles;"
)
_REMOVE = (
    "UPDATE source_totals SET articles = articles - OLD.articles WHERE source_id = OLD.source_id;"
)
_TRIGGERS = {
    "day_totals_sources_insert": f"AFTER INSERT ON day_totals BEGIN {_ADD} END",
    "day_totals_sources_update": (
        f"AFTER UPDATE OF source_id, articles ON day_totals BEGIN {_REMOVE} {_ADD} END"
    ),
    "day_totals_sources_delete": f"AFTER DELETE ON day_totals BEGIN {_REMOVE} END",
}


def create(conn: Connection) -> None:
    """The table and its triggers, filled from ``day_totals`` when new."""
    if conn.dialect.name != "sqlite":
        return
    table = (
        "CREATE TABLE IF NOT EXISTS source_totals "
        "(source_id INTEGER PRIMARY KEY, articles INTEGER NOT NULL)"
    )
    if driver.create_kept(conn, "source_totals", [table], _TRIGGERS):
        fill(conn)


def fill(conn: Connection) -> None:
    """Every row again from ``day_totals`` (what the triggers keep)."""
    conn.execute(text("DELETE FROM source_totals"))
    conn.execute(
        text(
            "INSERT INTO source_totals (source_id, articles) "
            "SELECT source_id, sum(articles) FROM day_totals GROUP BY source_id"
        )
    )


def menu(conn: Connection) -> list[Any] | None:
    """(slug, name, articles ever) of every source, largest first; None on PostgreSQL."""
    if conn.dialect.name != "sqlite":
        return None
    return conn.execute(
        text(
            "SELECT s.slug, s.name, coalesce(t.articles, 0) AS articles FROM sources s "
            "LEFT JOIN source_totals t ON t.source_id = s.id "
            "ORDER BY articles DESC, s.name"
        )
    ).all()
