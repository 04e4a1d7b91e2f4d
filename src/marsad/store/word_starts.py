"""Word starts of the aliases, in order of coverage, so autocomplete reads a few index rows.

Autocomplete offers the entities whose alias, or a later word of it, begins with what was
typed, the most covered first. Scanning the aliases for a word inside them (``LIKE '% p%'``)
and sorting every alias that begins with one or two letters cost ~100 ms a request at a
million articles. ``alias_starts`` holds, for every word start of every alias (its
*tail*: the alias from that word on), rows keyed by

* the tail's first 2 and 3 letters (and its first letter for the alias's own start: one
  letter is looked up among alias starts only), and
* the whole tail when it is longer than 3 letters,

each with ``word`` (0: the alias's start, 1: a later word's) and the entity's
``coverage``: its articles ever (``entity_totals``), exact below 100 and rounded down to
two significant digits above (1,234 → 1,200), so that an article moves a big entity's
rows only when it crosses a step (a hundredth of its count), not every time. A prefix of up
to 3 letters reads its key in the order of the primary key, most covered first, and stops
at ``LIMIT`` rows, then reads the rest of the last step when it is a rounded one; a longer
prefix reads the tails in its key range (a few thousand rows at most at a million
articles). The aliases so found are ordered by their entity's exact articles ever and cut
at ``LIMIT``: the ``LIMIT`` most covered aliases, as a sort of all matching aliases gives.

SQLite triggers on ``aliases`` and ``entity_totals`` keep the table equal to what they say,
whatever writes them (ingest, knowledge-base loads, merges, alias edits, rollup rebuilds,
bulk loaders). On PostgreSQL the table does not exist and autocomplete reads ``aliases``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from marsad.store import driver

SHORT = 3  # prefixes up to this many letters have keys of their own
LIMIT = 200  # alias rows read per prefix, reading and kind (alias start, later word)
EXACT_BELOW = 100  # coverage is the exact count below this, rounded above


def coverage(articles: str) -> str:
    """SQL: articles ever (an expression) rounded down to two significant digits."""
    steps = " ".join(
        f"WHEN {articles} < {10 ** (k + 1)} THEN {articles} / {10 ** (k - 1)} * {10 ** (k - 1)}"
        for k in range(2, 12)
    )
    return f"(CASE WHEN {articles} < {EXACT_BELOW} THEN {articles} {steps} ELSE {articles} END)"


# one row per character position of the alias (json_each over "[0,0,…,0]"), kept where a
# word starts (its tail: the alias from there on), times the keys of the tail: k = 1..3 its
# first k letters (k = 1 at the alias's start only; none ending in a space), k = 0 the whole
# tail when longer than SHORT. No recursive CTE: the statement also runs inside a trigger.
_TAIL = "substr({n}.norm, j.key + 1)"
_KEYS = (
    f"SELECT CASE k.value WHEN 0 THEN {_TAIL} ELSE substr({_TAIL}, 1, k.value) END, "
    "j.key > 0, "
    "coalesce((SELECT {cover} FROM entity_totals x WHERE x.entity_id = {n}.entity_id), 0), "
    "{n}.id, {n}.entity_id FROM {source}"
    "json_each('[' || replace(hex(zeroblob(length({n}.norm))), '00', '0,') || '0]') j "
    "JOIN json_each('[0, 1, 2, 3]') k "
    "WHERE j.key < length({n}.norm) AND substr({n}.norm, j.key + 1, 1) != ' ' "
    "AND (j.key = 0 OR substr({n}.norm, j.key, 1) = ' ') "
    f"AND ((k.value = 0 AND length({_TAIL}) > {SHORT}) OR (k.value > 0 "
    f"AND length({_TAIL}) >= k.value AND (j.key = 0 OR k.value > 1) "
    f"AND substr({_TAIL}, k.value, 1) != ' '))"
)
_INSERT = "INSERT OR IGNORE INTO alias_starts (key, word, coverage, alias_id, entity_id) "


def _add(n: str) -> str:
    return _INSERT + _KEYS.format(n=n, source="", cover=coverage("x.articles")) + ";"


_REMOVE = "DELETE FROM alias_starts WHERE entity_id = OLD.entity_id AND alias_id = OLD.id;"
_TRIGGERS = {
    "aliases_starts_insert": f"AFTER INSERT ON aliases BEGIN {_add('NEW')} END",
    "aliases_starts_delete": f"AFTER DELETE ON aliases BEGIN {_REMOVE} END",
    "aliases_starts_update": (
        "AFTER UPDATE OF entity_id, norm ON aliases BEGIN " + _REMOVE + " " + _add("NEW") + " END"
    ),
    "entity_totals_starts_insert": (
        f"AFTER INSERT ON entity_totals BEGIN UPDATE alias_starts SET coverage = "
        f"{coverage('NEW.articles')} WHERE entity_id = NEW.entity_id; END"
    ),
    "entity_totals_starts_update": (
        "AFTER UPDATE OF entity_id, articles ON entity_totals "
        f"WHEN {coverage('NEW.articles')} != {coverage('OLD.articles')} "
        "OR NEW.entity_id != OLD.entity_id BEGIN "
        "UPDATE alias_starts SET coverage = 0 WHERE entity_id = OLD.entity_id "
        "AND OLD.entity_id != NEW.entity_id; "
        f"UPDATE alias_starts SET coverage = {coverage('NEW.articles')} "
        "WHERE entity_id = NEW.entity_id; END"
    ),
    "entity_totals_starts_delete": (
        "AFTER DELETE ON entity_totals BEGIN UPDATE alias_starts SET coverage = 0 "
        "WHERE entity_id = OLD.entity_id; END"
    ),
}


def create(conn: Connection) -> None:
    """The table (clustered on its key), its triggers, filled from ``aliases`` when new
    (run again on a database that has them, it changes nothing: the triggers kept it)."""
    if conn.dialect.name != "sqlite":
        return
    table = (
        "CREATE TABLE IF NOT EXISTS alias_starts (key TEXT NOT NULL, word INTEGER NOT NULL, "
        "coverage INTEGER NOT NULL, alias_id INTEGER NOT NULL, entity_id INTEGER NOT NULL, "
        "PRIMARY KEY (key, word, coverage DESC, alias_id)) WITHOUT ROWID"
    )
    if driver.create_kept(conn, "alias_starts", [table], _TRIGGERS):
        fill(conn)
    conn.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_alias_starts_entity "
            "ON alias_starts (entity_id, alias_id)"
        )
    )


def fill(conn: Connection) -> None:
    """Every row again from ``aliases`` and ``entity_totals`` (what the triggers keep)."""
    conn.execute(text("DELETE FROM alias_starts"))
    keys = _KEYS.format(n="a", source="aliases a JOIN ", cover=coverage("x.articles"))
    conn.execute(text(_INSERT + keys))


def available(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def matching(conn: Connection, prefix: str, word: int) -> list[Any]:
    """(entity id, alias id, ``word``, the entity's articles ever) of the ``LIMIT`` most
    covered aliases whose start (``word`` 0) or a later word's (1) begins with ``prefix``,
    a normalised prefix: most articles first, then lowest alias id."""
    params = {"p": prefix, "hi": prefix + "\U0010ffff", "w": word, "n": LIMIT}
    if len(prefix) <= SHORT:  # the key's rows in order, most covered first
        where = "key = :p AND word = :w"
    else:  # the tails in the prefix's range, sorted (a few thousand at most)
        where = "key >= :p AND key < :hi AND word = :w"
    # the exact articles ever come with each row (a lookup by entity id per row read): no
    # second statement over the aliases found
    read = (
        "SELECT s.entity_id, s.alias_id, s.coverage, coalesce(t.articles, 0) "
        "FROM alias_starts s LEFT JOIN entity_totals t ON t.entity_id = s.entity_id "
        f"WHERE {where}"
    )
    found = driver.run(conn, read + " ORDER BY s.coverage DESC, s.alias_id LIMIT :n", params).all()
    if len(found) == LIMIT and found[-1][2] >= EXACT_BELOW:  # and the whole last step
        found += driver.run(conn, read + " AND coverage = :c", params | {"c": found[-1][2]}).all()
    # an alias once, however many of its words begin with the prefix; ordered by the exact
    # count as the alias table's own query orders them (listing.matching_aliases)
    once = {r[1]: r for r in found}
    ranked = sorted(once.values(), key=lambda r: (-r[3], r[1]))[:LIMIT]
    return [(r[0], r[1], word, r[3]) for r in ranked]
