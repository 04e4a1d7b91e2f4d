"""The month sums follow every write to the daily rollups (SQLite triggers, store/months.py):
a row counted again in place changes its month in one statement, a row whose key changes
(a merge moves a pair row) leaves its month and joins another; an older database's
three-statement update triggers are replaced (migration 30) with the same sums."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from marsad.store import months
from marsad.store.database import Store
from marsad.store.migrations import MIGRATIONS, _month_recount_triggers
from marsad_testing import make_settings

OLD_UPDATE = (  # the update trigger of pair_days before migration 30, as created then
    "CREATE TRIGGER pair_days_months_update AFTER UPDATE ON pair_days BEGIN "
    "UPDATE pair_months SET articles = articles - OLD.articles WHERE entity_id = "
    "OLD.entity_id AND month = substr(OLD.day, 1, 7) AND other_id = OLD.other_id; "
    "DELETE FROM pair_months WHERE entity_id = OLD.entity_id AND month = "
    "substr(OLD.day, 1, 7) AND other_id = OLD.other_id AND articles = 0; "
    "INSERT INTO pair_months (entity_id, month, other_id, articles) VALUES (NEW.entity_id, "
    "substr(NEW.day, 1, 7), NEW.other_id, NEW.articles) ON CONFLICT (entity_id, month, "
    "other_id) DO UPDATE SET articles = articles + excluded.articles; END"
)


@pytest.fixture
def store(tmp_path):
    store = Store(make_settings(tmp_path).database_url)
    yield store
    store.close()


def _write(store: Store) -> None:
    """Rows added, counted again in place (up and down), moved to another key, deleted."""
    with store.engine.begin() as conn:
        for entity, other, day, n in [
            (1, 2, "2026-10-30", 3),
            (1, 2, "2026-10-31", 1),
            (1, 2, "2026-11-01", 2),
            (1, 3, "2026-11-01", 1),
            (2, 3, "2026-11-02", 4),
        ]:
            conn.execute(
                text("INSERT INTO pair_days VALUES (:e, :o, :d, :n)"),
                {"e": entity, "o": other, "d": day, "n": n},
            )
            conn.execute(
                text(
                    "INSERT INTO entity_days (entity_id, day, articles, stories) "
                    "VALUES (:e, :d, :n, 1) ON CONFLICT DO UPDATE SET articles = "
                    "entity_days.articles + excluded.articles"
                ),
                {"e": entity, "d": day, "n": n},
            )
        conn.execute(  # in place, as the pass's deltas are added
            text(
                "INSERT INTO pair_days VALUES (1, 2, '2026-10-31', 5) ON CONFLICT DO UPDATE "
                "SET articles = pair_days.articles + excluded.articles"
            )
        )
        conn.execute(text("UPDATE pair_days SET articles = articles - 1 WHERE other_id = 3"))
        conn.execute(text("UPDATE entity_days SET stories = 2 WHERE day = '2026-11-01'"))
        # a merge gives entity 1's pair row with 3 to entity 4, and a row another day
        conn.execute(
            text("UPDATE pair_days SET entity_id = 4 WHERE entity_id = 1 AND other_id = 3")
        )
        conn.execute(text("UPDATE pair_days SET day = '2026-09-30' WHERE day = '2026-10-30'"))
        conn.execute(text("DELETE FROM pair_days WHERE entity_id = 2"))


def _month_rows(store: Store) -> dict[str, list[tuple]]:
    with store.engine.connect() as conn:
        return {
            month_table: conn.execute(text(f"SELECT * FROM {month_table} ORDER BY 1, 2, 3")).all()
            for month_table, _, _, _ in months.TABLES
        }


def _triggers(store: Store) -> dict[str, str]:
    with store.engine.connect() as conn:
        return dict(
            conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'pair_days'"
            ).all()
        )


def test_month_sums_follow_rows_counted_in_place_moved_and_deleted(store):
    _write(store)
    assert _month_rows(store)["pair_months"] == [
        (1, "2026-09", 2, 3),
        (1, "2026-10", 2, 6),
        (1, "2026-11", 2, 2),
        (4, "2026-11", 3, 0),  # counted down to nothing in place: kept, as a delete would
    ]
    entity = _month_rows(store)["entity_months"]
    assert entity == [(1, "2026-10", 4, 2), (1, "2026-11", 3, 2), (2, "2026-11", 4, 1)]
    triggers = _triggers(store)
    assert "WHEN" in triggers["pair_days_months_recount"]  # in place only
    recount = triggers["pair_days_months_recount"].split("BEGIN", 1)[1]
    assert recount.count(";") == 1  # one statement


def test_an_older_database_gets_the_new_triggers_and_the_same_sums(store, tmp_path):
    _write(store)
    expected = _month_rows(store)
    other = Store(make_settings(tmp_path / "old").database_url)
    with other.engine.begin() as conn:
        for day_table in ("entity_days", "entity_source_days", "pair_days"):
            conn.exec_driver_sql(f"DROP TRIGGER {day_table}_months_recount")
        conn.exec_driver_sql("DROP TRIGGER pair_days_months_update")
        conn.exec_driver_sql(OLD_UPDATE)
        conn.execute(
            text("UPDATE meta SET value = :v WHERE key = 'schema_version'"),
            {"v": str(MIGRATIONS.index(_month_recount_triggers))},  # before migration 30
        )
    other.close()
    migrated = Store(other.url)  # migration 30 runs
    try:
        assert set(_triggers(migrated)) == {
            f"pair_days_months_{e}" for e in ("insert", "update", "recount", "delete")
        }
        assert "WHEN" in _triggers(migrated)["pair_days_months_update"]
        _write(migrated)
        assert _month_rows(migrated) == expected
    finally:
        migrated.close()
