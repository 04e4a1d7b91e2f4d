"""SQL of the keys the resolver finds known names by, one read per key (issue 18).

The resolver used to read every alias when it started and index them in memory: 3 CPU-s a
run at 100,000 articles, ten times that at a million. ``alias_keys``, ``alias_words`` and
``alias_parts`` (schema.py) hold, per distinct normalised alias, the keys those indexes
were built on, made in Python (:mod:`marsad.entities.known_names`) for the norms that
triggers on ``aliases`` queue in ``alias_keys_todo``, whatever wrote them (ingest, KB
loads, operator edits, the global pass, bulk loaders). Every read goes through
``aliases`` — a key of a norm no alias has any more finds nothing, an alias moved to
another entity is found under it — and sees the aliases up to an id (``seen``: what the
resolver had read when it loaded), as the in-memory indexes did.

Rows come in the order the whole table was read in (entity id, then norm): the fuzzy
bucket's order decides between two names that score the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from marsad.store import driver
from marsad.store import schema as s
from marsad.store.database import Store

BATCH = 500
_KEY_COLUMNS = ("norm", "first", "fold", "skeleton", "place", "place_letters", "initial", "words")
_FUNCTION = "marsad_alias_keys_todo"
_MADE_BY = "alias_keys_made_by"


def create(conn: Connection) -> None:
    """The tables and the triggers that queue every new normalised alias; the norms of the
    aliases already there are queued too (their keys are made on the resolver's next load)."""
    for table in (s.alias_keys, s.alias_words, s.alias_parts, s.alias_keys_todo):
        table.create(conn, checkfirst=True)
    queue = (
        "INSERT INTO alias_keys_todo (norm) SELECT {n}.norm "
        "WHERE NOT EXISTS (SELECT 1 FROM alias_keys k WHERE k.norm = {n}.norm)"
    )
    if conn.dialect.name == "sqlite":  # one writer: the queue holds each norm once
        once = " AND NOT EXISTS (SELECT 1 FROM alias_keys_todo t WHERE t.norm = NEW.norm)"
        for name, event in (("insert", "INSERT"), ("update", "UPDATE OF norm")):
            conn.execute(
                text(
                    f"CREATE TRIGGER IF NOT EXISTS alias_keys_{name} AFTER {event} ON aliases "
                    f"BEGIN {queue.format(n='NEW')}{once}; END"
                )
            )
    else:
        conn.execute(
            text(
                f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN {queue.format(n='NEW')}; RETURN NULL; END $$"
            )
        )
        conn.execute(text("DROP TRIGGER IF EXISTS alias_keys_todo ON aliases"))
        conn.execute(
            text(
                "CREATE TRIGGER alias_keys_todo AFTER INSERT OR UPDATE OF norm ON aliases "
                f"FOR EACH ROW EXECUTE FUNCTION {_FUNCTION}()"
            )
        )
    queue_all(conn)


def queue_all(conn: Connection) -> None:
    """Queue every stored norm (their keys are all made again)."""
    conn.execute(text("DELETE FROM alias_keys_todo"))
    conn.execute(text("INSERT INTO alias_keys_todo (norm) SELECT DISTINCT norm FROM aliases"))


def _rows(conn: Connection, sql: str, params: dict[str, Any]) -> list[tuple]:
    """All rows of a read, straight from the driver on SQLite (a lookup is cheaper than
    SQLAlchemy's own work on it: store/driver.py)."""
    if conn.dialect.name == "sqlite":
        cursor = driver._sqlite(conn).execute(sql, params)  # type: ignore[union-attr]
        try:
            return cursor.fetchall()
        finally:
            cursor.close()
    return [tuple(r) for r in conn.execute(text(sql), params)]


# ---- keeping the keys -----------------------------------------------------------------------
def pending(store: Store) -> list[str]:
    """The normalised aliases whose keys are still to be made."""
    with _writer(store).connect() as conn:
        return sorted(r[0] for r in _rows(conn, "SELECT DISTINCT norm FROM alias_keys_todo", {}))


def write(
    store: Store,
    keys: Sequence[tuple],
    words: Sequence[tuple[str, str]],
    parts: Sequence[tuple[str, str, bool, str]],
    done: Sequence[str],
) -> None:
    """Store the keys of some norms (rows of ``alias_keys``; (word, norm); (fold, norm,
    first, skeleton)) and take the norms ``done`` off the queue. Another process making
    the same keys at the same time is no harm: a row that is there already is kept."""
    with _writer(store).begin() as conn:
        driver.insert_new(conn, "alias_keys", _KEY_COLUMNS, keys)
        driver.insert_new(conn, "alias_words", ("word", "norm"), words)
        driver.insert_new(conn, "alias_parts", ("fold", "norm", "first", "skeleton"), parts)
        done = sorted(set(done))
        for i in range(0, len(done), BATCH):
            chunk = {f"n{j}": n for j, n in enumerate(done[i : i + BATCH])}
            marks = ", ".join(f":{k}" for k in chunk)
            driver.write(conn, f"DELETE FROM alias_keys_todo WHERE norm IN ({marks})", chunk)


def check_fingerprint(store: Store, made_by: str) -> None:
    """Make every key again when the functions that make them changed (``made_by`` is not
    what the stored keys were made by)."""
    with _writer(store).begin() as conn:
        found = driver.lookup(conn, "SELECT value FROM meta WHERE key = :k", {"k": _MADE_BY})
        if found is not None and found[0] == made_by:
            return
        for table in ("alias_keys", "alias_words", "alias_parts"):
            conn.execute(text(f"DELETE FROM {table}"))
        queue_all(conn)
        conn.execute(text("DELETE FROM meta WHERE key = :k"), {"k": _MADE_BY})
        conn.execute(
            text("INSERT INTO meta (key, value) VALUES (:k, :v)"), {"k": _MADE_BY, "v": made_by}
        )


def _writer(store: Store) -> Any:
    """SQLite: the store's engine (inside a batch its one connection, which holds the only
    write lock); PostgreSQL: its own transaction, committed at once (others wait on no
    batch of this process for the queue's rows)."""
    return store.engine if store.is_sqlite else store.direct_engine


# ---- reading by key -------------------------------------------------------------------------
_NAMED = (
    "SELECT a.entity_id, e.type FROM aliases a JOIN entities e ON e.id = a.entity_id "
    "WHERE a.norm = :k AND a.id <= :seen ORDER BY a.entity_id"
)
_FOLDED = (
    "SELECT a.entity_id, e.type FROM alias_keys k JOIN aliases a ON a.norm = k.norm "
    "JOIN entities e ON e.id = a.entity_id WHERE k.fold = :k AND a.id <= :seen"
)
_PLACES = (
    "SELECT a.entity_id FROM alias_keys k JOIN aliases a ON a.norm = k.norm "
    "JOIN entities e ON e.id = a.entity_id "
    "WHERE k.place = :k AND a.id <= :seen AND e.type = 'LOCATION'"
)
_PLACE_NAMES = (
    "SELECT DISTINCT k.place FROM alias_keys k JOIN aliases a ON a.norm = k.norm "
    "JOIN entities e ON e.id = a.entity_id "
    "WHERE k.place_letters = :k AND a.id <= :seen AND e.type = 'LOCATION'"
)
_SKELETONS = (
    "SELECT DISTINCT k.fold FROM alias_keys k JOIN aliases a ON a.norm = k.norm "
    "WHERE k.skeleton = :k AND a.id <= :seen"
)
_BUCKET = (
    "SELECT a.entity_id, a.norm, k.fold FROM alias_keys k JOIN aliases a ON a.norm = k.norm "
    "WHERE k.initial = :i AND k.words = :w AND a.id <= :seen"
)
_FIRST = (
    "SELECT 1 FROM alias_keys k JOIN aliases a ON a.norm = k.norm "
    "WHERE k.first = :k AND a.id <= :seen LIMIT 1"
)
_WORD = (
    "SELECT 1 FROM alias_words w JOIN aliases a ON a.norm = w.norm "
    "WHERE w.word = :k AND a.id <= :seen LIMIT 1"
)
_PARTS = (
    "SELECT p.norm, p.fold, a.entity_id FROM alias_parts p JOIN aliases a ON a.norm = p.norm "
    "JOIN entities e ON e.id = a.entity_id "
    "WHERE p.{column} = :k AND p.first = :first AND a.id <= :seen AND e.type = 'PERSON'"
)
_TYPE = (
    "SELECT e.type FROM entities e WHERE e.id = :k "
    "AND EXISTS (SELECT 1 FROM aliases a WHERE a.entity_id = e.id AND a.id <= :seen)"
)


class Reader:
    """Reads by key the aliases with ids up to ``seen``."""

    def __init__(self, store: Store, seen: int) -> None:
        self.store = store
        self.seen = seen

    def _read(self, sql: str, **params: Any) -> list[tuple]:
        if not self.seen:
            return []
        with self.store.engine.connect() as conn:
            return _rows(conn, sql, {"seen": self.seen, **params})

    def named(self, norm: str) -> list[tuple[int, str]]:
        """(entity id, type) of the entities with this alias."""
        return self._read(_NAMED, k=norm)  # type: ignore[return-value]

    def folded(self, key: str) -> list[tuple[int, str]]:
        """(entity id, type) of the entities with an alias of this fold."""
        return self._read(_FOLDED, k=key)  # type: ignore[return-value]

    def places(self, key: str) -> set[int]:
        """Places with an alias of this place fold."""
        return {r[0] for r in self._read(_PLACES, k=key)}

    def place_names(self, letters: str) -> set[str]:
        """Place folds of places' aliases with these consonants."""
        return {r[0] for r in self._read(_PLACE_NAMES, k=letters)}

    def skeleton_folds(self, key: str) -> set[str]:
        """Folds of the aliases with this skeleton."""
        return {r[0] for r in self._read(_SKELETONS, k=key)}

    def bucket(self, initial: str, words: int) -> list[str]:
        """Folds of the aliases of this first letter and word count, each once, in the
        order of their first alias (entity id, then norm)."""
        rows = sorted(self._read(_BUCKET, i=initial, w=words))
        return list(dict.fromkeys(r[2] for r in rows))

    def first_word(self, word: str) -> bool:
        return bool(self._read(_FIRST, k=word))

    def word(self, word: str) -> bool:
        return bool(self._read(_WORD, k=word))

    def parts(self, key: str, *, first: bool, skeleton: bool = False) -> list[tuple[str, str, int]]:
        """(norm, part fold, entity id) of persons' aliases with a first name (``first``)
        or surname of this fold (or, ``skeleton``, this skeleton)."""
        sql = _PARTS.format(column="skeleton" if skeleton else "fold")
        return self._read(sql, k=key, first=first)  # type: ignore[return-value]

    def entity_type(self, entity_id: int) -> str | None:
        rows = self._read(_TYPE, k=entity_id)
        return rows[0][0] if rows else None
