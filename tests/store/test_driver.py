"""store.driver: SQL-string statements that on SQLite go to the sqlite3 connection
underneath — same results as through SQLAlchemy, inside the same transaction."""

from __future__ import annotations

import pytest

from marsad.models import Entity, EntityType
from marsad.store import driver
from marsad.store.database import Store
from marsad_testing import fresh_postgres_database

MENTION = driver.insert_sql("mentions", ["article_id", "entity_id", "start", "end", "surface"])


def _check(store: Store) -> None:
    lavrov = store.create_entity(Entity(name="سيرغي لافروف", type=EntityType.PERSON))
    with store.engine.begin() as conn:
        row = driver.lookup(conn, "SELECT name, type FROM entities WHERE id = :i", {"i": lavrov})
        assert row == ("سيرغي لافروف", "PERSON")
        assert driver.lookup(conn, "SELECT id FROM entities WHERE name = :n", {"n": "كيري"}) is None
        aliases = "SELECT norm FROM aliases WHERE entity_id = :i ORDER BY norm"
        assert [r[0] for r in driver.run(conn, aliases, {"i": lavrov})] == ["سيرغي لافروف"]
    # a statement that fails rolls back what the same transaction wrote through the driver
    with pytest.raises(Exception, match="(?i)unique|duplicate"), store.engine.begin() as conn:
        alias = "INSERT INTO aliases (entity_id, alias, norm) VALUES (:e, :a, :n)"
        driver.write(conn, alias, [{"e": lavrov, "a": "لافروف", "n": "لافروف"}])
        driver.write(conn, alias, {"e": lavrov, "a": "لافروف", "n": "لافروف"})  # (entity, norm)
    with store.engine.connect() as conn:
        n = driver.lookup(conn, "SELECT count(*) FROM aliases WHERE entity_id = :i", {"i": lavrov})
    assert n == (1,)
    assert '"end"' in MENTION and ":end" in MENTION  # a reserved word as a column name


def test_driver_statements_on_sqlite(tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path}/marsad.db")
    _check(store)
    store.close()


@pytest.mark.postgres
def test_driver_statements_on_postgres(pg_url) -> None:
    store = Store(fresh_postgres_database(pg_url))
    _check(store)
    store.close()


def test_a_rolled_back_batch_keeps_no_entity_created_through_the_driver(tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path}/marsad.db")
    with pytest.raises(RuntimeError), store.batch():
        store.create_entity(Entity(name="جون كيري", type=EntityType.PERSON))
        raise RuntimeError("disk full")
    assert store.get_entity("جون كيري") is None
    store.create_entity(Entity(name="جون كيري", type=EntityType.PERSON))  # the slug is free
    assert store.get_entity("جون كيري")["slug"] == "جون-كيري"
    store.close()


def test_a_batch_commits_what_only_the_driver_wrote_since_its_last_commit(tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path}/marsad.db")
    with store.batch() as commit:
        store.create_entity(Entity(name="سيرغي لافروف", type=EntityType.PERSON))
        commit()
        store.create_entity(Entity(name="جون كيري", type=EntityType.PERSON))  # driver only
    store.close()
    again = Store(f"sqlite:///{tmp_path}/marsad.db")
    assert again.get_entity("جون كيري")["name"] == "جون كيري"
    again.close()
