"""pair_days stored in the order of its key (entity, day, other) with its count (migration
27, SQLite WITHOUT ROWID): one B-tree per pair row, the pages read an entity's days from
the table itself; a database from before is rewritten with the same rows."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from marsad.entities.kb import load_kb
from marsad.generate.corpus import kb_records
from marsad.ingest import generated_articles
from marsad.pages import find_entity
from marsad.pipeline import Pipeline
from marsad.store import edits
from marsad.store.database import Store
from marsad.store.migrations import MIGRATIONS
from marsad_testing import SAMPLE_END, make_settings, rollup_snapshot

RELATED = (
    "SELECT other_id, sum(articles) AS n FROM pair_days WHERE entity_id = :e "
    "AND day BETWEEN :a AND :b GROUP BY other_id ORDER BY n DESC LIMIT 200"
)


@pytest.fixture
def corpus(tmp_path):
    settings = make_settings(tmp_path)
    store = Store(settings.database_url)
    load_kb(store, kb_records())
    Pipeline(store, settings).ingest(generated_articles(200, end=SAMPLE_END))
    yield store
    store.close()


def _layout(store: Store) -> tuple[str, list[str], set[str]]:
    """(the table's SQL, its indexes with SQL, its triggers)."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'pair_days'")
        ).all()
    table = next(sql for kind, _, sql in rows if kind == "table")
    indexes = sorted(name for kind, name, sql in rows if kind == "index" and sql)
    return table, indexes, {name for kind, name, _ in rows if kind == "trigger"}


def _plan(store: Store, sql: str) -> str:
    with store.engine.connect() as conn:
        return " ".join(r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))


def _make_old(store: Store) -> None:
    """pair_days as before migration 27: a rowid table keyed (entity, other, day), its
    index (entity_id, day), the cover index of migration 20, the month triggers; the
    index mentions (entity_id)."""
    with store.engine.begin() as conn:
        triggers = (
            conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'pair_days'"
            )
            .scalars()
            .all()
        )
        conn.exec_driver_sql(
            "CREATE TABLE pair_days_old (entity_id INTEGER NOT NULL, other_id INTEGER NOT "
            "NULL, day VARCHAR(10) NOT NULL, articles INTEGER NOT NULL, "
            "PRIMARY KEY (entity_id, other_id, day))"
        )
        conn.exec_driver_sql("INSERT INTO pair_days_old SELECT * FROM pair_days")
        conn.exec_driver_sql("DROP TABLE pair_days")
        conn.exec_driver_sql("ALTER TABLE pair_days_old RENAME TO pair_days")
        conn.exec_driver_sql("CREATE INDEX ix_pair_days_entity_day ON pair_days (entity_id, day)")
        conn.exec_driver_sql(
            "CREATE INDEX ix_pair_days_cover ON pair_days (entity_id, day, other_id, articles)"
        )
        for sql in triggers:
            conn.exec_driver_sql(sql)
        conn.exec_driver_sql("CREATE INDEX ix_mentions_entity_id ON mentions (entity_id)")
        conn.execute(
            text("UPDATE meta SET value = :v WHERE key = 'schema_version'"),
            {"v": "26"},  # before migration 27
        )


def test_a_new_database_keeps_pair_rows_in_key_order_without_other_indexes(corpus):
    table, indexes, triggers = _layout(corpus)
    assert "WITHOUT ROWID" in table.upper()
    assert "PRIMARY KEY (entity_id, day, other_id)" in " ".join(table.split())
    assert indexes == []  # the table is the (entity, day, other, articles) index
    assert triggers == edits.MONTH_TRIGGERS
    # the related list reads the entity's days from the table, no other entity's rows
    plan = _plan(
        corpus,
        RELATED.replace(":e", "1").replace(":a", "'2026-01-01'").replace(":b", "'2026-02-01'"),
    )
    assert "PRIMARY KEY (entity_id=? AND day>? AND day<?)" in plan


def test_the_migration_rewrites_an_old_pair_days_with_the_same_rows(corpus):
    before = rollup_snapshot(corpus)
    _make_old(corpus)
    assert "WITHOUT ROWID" not in _layout(corpus)[0].upper()
    corpus.close()
    store = Store(corpus.url)  # migration 27 runs
    try:
        table, indexes, triggers = _layout(store)
        assert "WITHOUT ROWID" in table.upper() and indexes == []
        assert triggers == edits.MONTH_TRIGGERS  # the month sums still follow every write
        assert rollup_snapshot(store) == before
        with store.engine.connect() as conn:
            names = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")
            assert "ix_mentions_entity_id" not in set(names.scalars())
            version = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'"))
            assert int(version.scalar()) == len(MIGRATIONS)
        lavrov, kerry = find_entity(store, "سيرغي لافروف"), find_entity(store, "جون كيري")
        edits.merge(store, kerry["id"], lavrov["id"])  # writes through the new table
        assert not [r for r in rollup_snapshot(store)["pair_days"] if kerry["id"] in r[:2]]
    finally:
        store.close()


def test_the_mirror_rows_of_a_merge_are_found_by_their_whole_key(corpus):
    # SQLite 3.40 probes a (day, entity, other) vector by the whole key, an (entity, …)
    # one by entity alone (every row of each other entity): the merge's statements rely on it
    plan = _plan(
        corpus,
        "DELETE FROM pair_days WHERE (day, entity_id, other_id) IN "
        "(SELECT day, other_id, 1 FROM pair_days WHERE entity_id = 1)",
    )
    assert "PRIMARY KEY (entity_id=? AND day=? AND other_id=?)" in plan
    plan = _plan(
        corpus,
        "DELETE FROM pair_months WHERE (month, entity_id, other_id) IN "
        "(SELECT month, other_id, 1 FROM pair_months WHERE entity_id = 1)",
    )
    assert "PRIMARY KEY (entity_id=? AND month=? AND other_id=?)" in plan
