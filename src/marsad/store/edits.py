"""SQL of entity resolution and operator edits: roles, redirects, merge, split, re-resolution.

Every function here works on SQLite and PostgreSQL (SQLAlchemy Core / portable SQL).
Counts pages read (``article_entities`` and the rollup tables) are rebuilt for exactly the
articles and entities an edit touches, so a merge is visible on the pages at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, text, update

from marsad.store import driver, months, rollups
from marsad.store import schema as s
from marsad.store.database import (
    INSERT_ARTICLE_ENTITY,
    INSERT_MENTION,
    INSERT_QUOTE,
    Store,
    mention_rows,
    quote_row,
)

BATCH = 500
MERGE_CACHE_MIB = 2048  # SQLite page cache of a merge's connection, while it runs (issue 18)


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _chunks(ids: Sequence[int], size: int = BATCH) -> Iterable[list[int]]:
    ids = list(ids)
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


# ---- roles and alias blocks ------------------------------------------------------------
def role_rows(store: Store) -> list[tuple[int, str, str | None, str | None]]:
    """(entity id, role, from, to) of every dated role in the knowledge base."""
    r = s.entity_roles
    with store.engine.connect() as conn:
        return [
            tuple(row) for row in conn.execute(select(r.c.entity_id, r.c.role, r.c.start, r.c.end))
        ]


def set_roles(store: Store, entity_id: int, roles: Iterable[dict[str, Any]]) -> None:
    """Replace the entity's roles: [{"role": …, "from": "YYYY-MM-DD"|None, "to": …}]."""
    r = s.entity_roles
    with store.engine.begin() as conn:
        conn.execute(delete(r).where(r.c.entity_id == entity_id))
        rows = [
            {
                "entity_id": entity_id,
                "role": str(x["role"]).strip(),
                "start": (x.get("from") or None),
                "end": (x.get("to") or None),
            }
            for x in roles
            if str(x.get("role") or "").strip()
        ]
        if rows:
            conn.execute(insert(r), rows)


def blocked_aliases(store: Store) -> set[tuple[int, str]]:
    """(entity id, normalised alias) pairs an operator removed: a KB reload does not re-add them."""
    with store.engine.connect() as conn:
        return {
            (a, b)
            for a, b in conn.execute(select(s.alias_blocks.c.entity_id, s.alias_blocks.c.norm))
        }


def edited_fields(store: Store) -> dict[int, set[str]]:
    """Entity id → fields an operator set (name, description): a KB reload keeps them."""
    import json

    out: dict[int, set[str]] = {}
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(s.edits.c.action, s.edits.c.payload).where(
                s.edits.c.action.in_(["rename", "describe"])
            )
        )
        for action, payload in rows:
            data = json.loads(payload)
            field = "name" if action == "rename" else "description"
            out.setdefault(int(data["entity"]), set()).add(field)
    return out


def resolution_version(store: Store) -> tuple[Any, ...]:
    """Changes whenever aliases, roles or operator edits change (newest ids of each)."""
    with store.engine.connect() as conn:
        newest = (
            "SELECT (SELECT max(id) FROM aliases), (SELECT max(id) FROM entity_roles), "
            "(SELECT max(id) FROM edits)"
        )
        return driver.lookup(conn, newest) or ()


def operator_entities(store: Store) -> set[int]:
    """Ids of entities an operator edited (merged into, split off, renamed, aliased,
    described): their names and decisions are the operator's, not the model's."""
    import json

    out: set[int] = set()
    with store.engine.connect() as conn:
        for (payload,) in conn.execute(select(s.edits.c.payload)):
            data = json.loads(payload)
            for key in ("entity", "target", "new"):
                if isinstance(data.get(key), int):
                    out.add(data[key])
    return out


def recogniser_names(store: Store) -> list[tuple[str, str]]:
    """(normalised alias, type) of the names the recogniser may look for in any text: the
    knowledge base's and the operator's. Names only the model once guessed are not among
    them, so what is found in an article never depends on what was ingested before it.
    Only those entities' aliases are read (not every alias: the news's grow with the
    database), in the order of the whole table (entity id, then alias)."""
    e, a = s.entities, s.aliases
    trusted = sorted(operator_entities(store))
    names = select(a.c.norm, e.c.type, e.c.id).join(e, e.c.id == a.c.entity_id)
    live = e.c.merged_into.is_(None)
    rows = set()
    with store.engine.connect() as conn:
        rows.update(conn.execute(names.where(live, e.c.kb_id.is_not(None))).all())
        for i in range(0, len(trusted), 500):
            rows.update(conn.execute(names.where(live, e.c.id.in_(trusted[i : i + 500]))).all())
    return [(norm, etype) for norm, etype, _ in sorted(rows, key=lambda r: (r[2], r[0]))]


def live_count(store: Store) -> int:
    """How many entities are not merged away."""
    with store.engine.connect() as conn:
        q = "SELECT count(*) FROM entities WHERE merged_into IS NULL"
        return int(driver.run(conn, q).scalar() or 0)


def live_entities(
    store: Store, entity_ids: Iterable[int] | None = None
) -> list[tuple[int, str, str, bool, int]]:
    """(id, name, type, from the KB, articles ever) of every entity not merged away, or of
    those among ``entity_ids`` (a round reads what it touched, not every entity)."""
    q = (
        "SELECT e.id, e.name, e.type, e.kb_id IS NOT NULL, coalesce(t.articles, 0) "
        "FROM entities e LEFT JOIN entity_totals t ON t.entity_id = e.id "
        "WHERE e.merged_into IS NULL"
    )
    with store.engine.connect() as conn:
        if entity_ids is None:
            rows = driver.rows(conn, q)
        else:
            rows = []
            for chunk in _chunks(sorted(set(entity_ids))):
                ids = ",".join(str(int(i)) for i in chunk)
                rows += driver.rows(conn, f"{q} AND e.id IN ({ids})")
        return [(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]


def persons_in(store: Store, fewest: int) -> list[tuple[int, str, int]]:
    """(id, name, articles ever) of the live persons in ``fewest`` articles or more."""
    q = (
        "SELECT e.id, e.name, t.articles FROM entity_totals t JOIN entities e "
        "ON e.id = t.entity_id WHERE t.articles >= :n AND e.type = 'PERSON' "
        "AND e.merged_into IS NULL"
    )
    with store.engine.connect() as conn:
        return [(r[0], r[1], r[2]) for r in driver.rows(conn, q, {"n": fewest})]


def persons_named(store: Store, norms: Iterable[str]) -> set[int]:
    """The live persons with one of these normalised names (as an alias)."""
    out: set[int] = set()
    with store.engine.connect() as conn:
        for chunk in _chunks(sorted(set(norms))):
            marks = ", ".join(f":n{i}" for i in range(len(chunk)))
            q = (
                "SELECT DISTINCT e.id FROM aliases a JOIN entities e ON e.id = a.entity_id "
                f"WHERE a.norm IN ({marks}) AND e.type = 'PERSON' AND e.merged_into IS NULL"
            )
            out |= {r[0] for r in driver.rows(conn, q, {f"n{i}": n for i, n in enumerate(chunk)})}
    return out


# read from the covering index (entity_id, type) alone (migration ix_mentions_entity_type)
MENTION_TYPES = (
    "SELECT entity_id, type, COUNT(*) FROM mentions WHERE type IS NOT NULL {} "
    "GROUP BY entity_id, type"
)


def mention_types(store: Store, entity_ids: Iterable[int] | None) -> dict[int, dict[str, int]]:
    """Entity id → the recogniser's types of its mentions, counted (of ``entity_ids`` or
    all); mentions stored before types were kept do not vote."""
    q = MENTION_TYPES
    if entity_ids is None:
        wheres = [""]
    else:
        ids = sorted(set(entity_ids))
        wheres = [f"AND entity_id IN ({', '.join(map(str, map(int, c)))})" for c in _chunks(ids)]
    out: dict[int, dict[str, int]] = {}
    with store.engine.connect() as conn:
        for where in wheres:
            for eid, etype, n in driver.rows(conn, q.format(where)):
                out.setdefault(eid, {})[etype] = n
    return out


SETTLED = "settled_through_article"  # meta key: the global pass has seen articles up to it


def unsettled(store: Store) -> tuple[set[int], int]:
    """Entities named in articles stored since the global pass last ran (a run killed
    before its pass leaves them to the next one), and the newest article id."""
    with store.engine.connect() as conn:
        done = driver.lookup(conn, "SELECT value FROM meta WHERE key = :k", {"k": SETTLED})
        since = int(done[0]) if done else 0
        newest = driver.lookup(conn, "SELECT max(id) FROM articles")
        # no DISTINCT: with it SQLite walks the whole entity_id index (every mention) instead
        # of the new articles' range of the article_id index (1.3 CPU-s → 1 ms at 100k)
        ids = driver.rows(
            conn, "SELECT entity_id FROM mentions WHERE article_id > :a", {"a": since}
        )
        return {r[0] for r in ids}, int(newest[0] or 0) if newest else 0


def last_settled(store: Store) -> int:
    """The newest article the global pass has run after (0: none)."""
    with store.engine.connect() as conn:
        done = driver.lookup(conn, "SELECT value FROM meta WHERE key = :k", {"k": SETTLED})
        return int(done[0]) if done else 0


def mark_settled(store: Store, article_id: int) -> None:
    with store.engine.begin() as conn:
        conn.execute(delete(s.meta).where(s.meta.c.key == SETTLED))
        conn.execute(insert(s.meta).values(key=SETTLED, value=str(article_id)))


def kb_owned(store: Store) -> set[int]:
    """Ids of entities that came from a knowledge-base record."""
    e = s.entities
    with store.engine.connect() as conn:
        return {r[0] for r in conn.execute(select(e.c.id).where(e.c.kb_id.is_not(None)))}


def described(store: Store) -> set[int]:
    """Ids of entities that have a description."""
    e = s.entities
    with store.engine.connect() as conn:
        return {r[0] for r in conn.execute(select(e.c.id).where(e.c.description.is_not(None)))}


def final_entity(conn: Connection, entity_id: int) -> int:
    """Follow ``merged_into`` redirects to the entity that holds the articles now."""
    seen = set()
    while entity_id not in seen:
        seen.add(entity_id)
        row = conn.execute(
            select(s.entities.c.merged_into).where(s.entities.c.id == entity_id)
        ).first()
        if row is None or row[0] is None:
            return entity_id
        entity_id = row[0]
    return entity_id


# ---- re-processing -------------------------------------------------------------------
def replace_mentions(
    store: Store, items: Sequence[tuple[int, str | None, Sequence[Any], Sequence[Any]]]
) -> None:
    """Give articles new mentions and quotes: (article id, day, mentions, quotes) each.

    Their ``article_entities`` rows are recomputed (and they are no longer pending
    analysis); the rollups are left to the caller (``rollups.rebuild`` after a whole pass)."""
    ids = ",".join(str(int(i[0])) for i in items)
    if not ids:
        return
    with store.engine.begin() as conn:
        conn.execute(text(f"DELETE FROM quotes WHERE article_id IN ({ids})"))
        conn.execute(text(f"DELETE FROM mentions WHERE article_id IN ({ids})"))
        conn.execute(text(f"DELETE FROM pending_analysis WHERE article_id IN ({ids})"))
        mentions = [row for aid, _, ms, _ in items for row in mention_rows(aid, ms)]
        quotes = [quote_row(aid, day, q) for aid, day, _, qs in items for q in qs]
        if mentions:
            driver.write(conn, INSERT_MENTION, mentions)
        if quotes:
            driver.write(conn, INSERT_QUOTE, quotes)
        rebuild_article_entities(conn, [i[0] for i in items])


# ---- counts --------------------------------------------------------------------------
def rebuild_article_entities(conn: Connection, article_ids: Sequence[int]) -> None:
    """Recompute ``article_entities`` rows of these articles from their mentions.

    The first mention in the body (else in the title) is kept for snippets, as at ingest.
    Only the rows that change are written (a pass that moves a few mentions in thousands of
    articles leaves most of their rows as they were: deleting and writing them all again
    cost four index writes each).
    """
    columns = ("day", "source_id", "mentions", "first_start", "first_end")
    for chunk in _chunks(sorted(set(article_ids)), 2000):
        ids = ",".join(str(int(i)) for i in chunk)
        rows = driver.rows(
            conn,
            'SELECT m.article_id, m.entity_id, m.start, m."end", length(a.title), a.day, '
            "a.source_id FROM mentions m JOIN articles a ON a.id = m.article_id "
            f"WHERE m.article_id IN ({ids})",
        )
        groups: dict[tuple[int, int], list[Any]] = {}
        for aid, eid, start, end, title_len, day, source in rows:
            g = groups.get((aid, eid))
            in_body = start > title_len
            if g is None:
                groups[(aid, eid)] = [day, source, 1, start, end, in_body]
                continue
            g[2] += 1
            if (in_body and not g[5]) or (in_body == g[5] and start < g[3]):
                g[3], g[4], g[5] = start, end, in_body
        new = {key: tuple(g[:5]) for key, g in groups.items()}
        old = {
            (r[0], r[1]): tuple(r[2:])
            for r in driver.rows(
                conn,
                f"SELECT article_id, entity_id, {', '.join(columns)} FROM article_entities "
                f"WHERE article_id IN ({ids})",
            )
        }
        gone = [{"a": a, "e": e} for (a, e), row in old.items() if new.get((a, e)) != row]
        if gone:
            driver.write(
                conn, "DELETE FROM article_entities WHERE entity_id = :e AND article_id = :a", gone
            )
        _requote(conn, ids)
        written = [
            {"entity_id": eid, "article_id": aid, **dict(zip(columns, row, strict=True))}
            for (aid, eid), row in new.items()
            if old.get((aid, eid)) != row
        ]
        if written:
            driver.write(conn, INSERT_ARTICLE_ENTITY, written)


def _requote(conn: Connection, ids: str) -> None:
    """A quote of these articles belongs to whoever its speaker's mention now names."""
    conn.execute(
        text(
            "UPDATE quotes SET entity_id = (SELECT m.entity_id FROM mentions m "
            "WHERE m.article_id = quotes.article_id AND m.start = quotes.speaker_start "
            f"LIMIT 1) WHERE article_id IN ({ids}) AND EXISTS (SELECT 1 FROM mentions m "
            "WHERE m.article_id = quotes.article_id AND m.start = quotes.speaker_start)"
        )
    )


def _join_rows(conn: Connection, source_id: int, target_id: int) -> None:
    """In the articles naming both entities of a merge, the target's ``article_entities``
    row takes the source's: mentions added, the first mention the earlier of the two (one
    in the body before one in the title), as :func:`rebuild_article_entities` would count
    them — without reading the articles' mentions again (60,000 articles at 1 M)."""
    in_body = "({}.first_start > length(a.title))"
    x, y = in_body.format("x"), in_body.format("y")
    conn.execute(
        text(
            "UPDATE article_entities SET mentions = article_entities.mentions + s.mentions, "
            "first_start = CASE WHEN s.earlier THEN s.first_start ELSE "
            "article_entities.first_start END, first_end = CASE WHEN s.earlier THEN "
            "s.first_end ELSE article_entities.first_end END "
            "FROM (SELECT x.article_id, x.mentions, x.first_start, x.first_end, "
            f"({x} AND NOT {y}) OR ({x} = {y} AND x.first_start < y.first_start) AS earlier "
            "FROM article_entities x JOIN article_entities y ON y.article_id = x.article_id "
            "AND y.entity_id = :t JOIN articles a ON a.id = x.article_id "
            "WHERE x.entity_id = :s) s "
            "WHERE article_entities.entity_id = :t AND article_entities.article_id = s.article_id"
        ),
        {"s": source_id, "t": target_id},
    )
    conn.execute(
        text(
            "DELETE FROM article_entities WHERE entity_id = :s AND article_id IN "
            "(SELECT article_id FROM article_entities WHERE entity_id = :t)"
        ),
        {"s": source_id, "t": target_id},
    )


def refresh_rollups(
    conn: Connection,
    entity_ids: Sequence[int],
    days: Sequence[str] | None = None,
    *,
    pairs: bool = True,
) -> None:
    """Recompute the per-entity rollups (entity_days, entity_totals, entity_source_days,
    pair_days) of these entities: on every day, or only on ``days`` (the days whose articles
    changed hands: a small entity merged into a large one costs its days, not the large
    one's whole history). ``pairs=False``: not pair_days (a merge moves them itself:
    :func:`_move_pairs`)."""
    if not entity_ids:
        return
    ids = ",".join(str(int(i)) for i in sorted(set(entity_ids)))
    if days is None:
        on = ""
    else:
        if not days:
            conn.execute(text(f"DELETE FROM entity_totals WHERE entity_id IN ({ids})"))
            rollups.fill_totals(conn, f"entity_id IN ({ids})")
            return
        if not all(_DAY.fullmatch(d) for d in days):
            raise ValueError("days must be YYYY-MM-DD")
        on = " AND day IN ({})".format(",".join(f"'{d}'" for d in sorted(set(days))))
    conn.execute(text(f"DELETE FROM entity_days WHERE entity_id IN ({ids}){on}"))
    conn.execute(text(f"DELETE FROM entity_totals WHERE entity_id IN ({ids})"))
    conn.execute(text(f"DELETE FROM entity_source_days WHERE entity_id IN ({ids}){on}"))
    _count_entities(conn, ids, on)
    if pairs:
        _count_pairs(conn, ids, on)


def _count_entities(conn: Connection, ids: str, on: str) -> None:
    conn.execute(
        text(
            "INSERT INTO entity_days (entity_id, day, articles, stories) "
            "SELECT ae.entity_id, ae.day, count(*), count(DISTINCT a.story_id) "
            "FROM article_entities ae JOIN articles a ON a.id = ae.article_id "
            f"WHERE ae.day IS NOT NULL AND ae.entity_id IN ({ids}){on.replace('day', 'ae.day')} "
            "GROUP BY ae.entity_id, ae.day"
        )
    )
    rollups.fill_totals(conn, f"entity_id IN ({ids})")
    conn.execute(
        text(
            "INSERT INTO entity_source_days (entity_id, source_id, day, articles) "
            "SELECT entity_id, source_id, day, count(*) FROM article_entities "
            f"WHERE day IS NOT NULL AND entity_id IN ({ids}){on} GROUP BY entity_id, source_id, day"
        )
    )


def _count_pairs(conn: Connection, ids: str, on: str) -> None:
    """Count the pair rows of these entities again (``on``: those days), both ways. Only the
    rows whose count changes are written: the counts go to a temporary table first and are
    compared with the rows there (most of an entity's pairs on a day are what they were,
    and a row deleted and written again cost its writes and the month triggers: 25 → 5 s
    wall for the fragments pass's changes on the whole ANT corpus)."""
    conn.execute(
        text(
            "CREATE TEMPORARY TABLE IF NOT EXISTS counted_pairs (entity_id INTEGER NOT NULL, "
            "other_id INTEGER NOT NULL, day VARCHAR(10) NOT NULL, articles INTEGER NOT NULL, "
            "PRIMARY KEY (entity_id, other_id, day))"
        )
    )
    conn.execute(text("DELETE FROM counted_pairs"))
    pair = (
        "INSERT INTO counted_pairs (entity_id, other_id, day, articles) "
        "SELECT a.entity_id, b.entity_id, a.day, count(*) "
        "FROM article_entities a JOIN article_entities b "
        "ON b.article_id = a.article_id AND b.entity_id != a.entity_id "
        "WHERE a.day IS NOT NULL AND {cond}" + on.replace("day", "a.day") + " "
        "GROUP BY a.entity_id, a.day, b.entity_id"
    )
    conn.execute(text(pair.format(cond=f"a.entity_id IN ({ids})")))
    conn.execute(text(pair.format(cond=f"b.entity_id IN ({ids}) AND a.entity_id NOT IN ({ids})")))
    counted = (
        "EXISTS (SELECT 1 FROM counted_pairs c WHERE c.entity_id = pair_days.entity_id "
        "AND c.other_id = pair_days.other_id AND c.day = pair_days.day)"
    )
    # pair rows are kept both ways (a, b) and (b, a): the mirror rows are found through the
    # entity's own, each by its key (not every partner against every entity: 5.2 → 0.4 s
    # for 1,000 entities of the whole ANT corpus), never by a scan for other_id
    conn.execute(
        text(
            "DELETE FROM pair_days WHERE (entity_id, other_id, day) IN (SELECT other_id, "
            f"entity_id, day FROM pair_days WHERE entity_id IN ({ids}){on}) AND NOT {counted}"
        )
    )
    conn.execute(text(f"DELETE FROM pair_days WHERE entity_id IN ({ids}){on} AND NOT {counted}"))
    conn.execute(  # the rows changed, by key (not a scan of every pair row)
        text(
            "UPDATE pair_days SET articles = (SELECT c.articles FROM counted_pairs c "
            "WHERE c.entity_id = pair_days.entity_id AND c.other_id = pair_days.other_id "
            "AND c.day = pair_days.day) WHERE (entity_id, other_id, day) IN (SELECT "
            "c.entity_id, c.other_id, c.day FROM counted_pairs c JOIN pair_days p ON "
            "p.entity_id = c.entity_id AND p.other_id = c.other_id AND p.day = c.day "
            "WHERE p.articles != c.articles)"
        )
    )
    conn.execute(
        text(
            "INSERT INTO pair_days (entity_id, other_id, day, articles) "
            "SELECT c.entity_id, c.other_id, c.day, c.articles FROM counted_pairs c "
            "WHERE NOT EXISTS (SELECT 1 FROM pair_days p WHERE p.entity_id = c.entity_id "
            "AND p.other_id = c.other_id AND p.day = c.day)"
        )
    )
    conn.execute(text("DELETE FROM counted_pairs"))


# what the articles naming both entities of a merge count for each other entity, per day
_SHARED = (
    "SELECT x.entity_id AS other_id, x.day AS day, count(*) AS n FROM article_entities s "
    "JOIN article_entities t ON t.article_id = s.article_id AND t.entity_id = :t "
    "JOIN article_entities x ON x.article_id = s.article_id "
    "WHERE s.entity_id = :s AND x.entity_id NOT IN (:s, :t) AND x.day IS NOT NULL "
    "GROUP BY x.entity_id, x.day"
)


def _move_pairs(conn: Connection, source_id: int, target_id: int) -> None:
    """Give ``target_id`` the pair rows of ``source_id`` (both ways), before the articles
    change hands: an article that named the source and another entity now names the
    target and it, once — the target's row gains the source's count less the articles
    that named all three. Costs the source's pair rows, not the target's (a merge into
    the biggest entity rewrote its rows and their mirrors: 24 of 26 CPU-s at 100k)."""
    params = {"s": source_id, "t": target_id}
    has = "EXISTS (SELECT 1 FROM pair_days q WHERE q.entity_id = {} AND q.other_id = {} AND q.day = {})"
    moved = (
        "SELECT {key}, p.day, p.articles - coalesce(c.n, 0) FROM pair_days p "
        f"LEFT JOIN ({_SHARED}) c ON c.other_id = p.other_id AND c.day = p.day "
        "WHERE p.entity_id = :s AND p.other_id != :t AND p.articles > coalesce(c.n, 0) {only} "
        # in the order of the key (entity, day, other) of the rows written: each other
        # entity's rows one after the other (in the source's order the mirror writes went
        # round every other entity every day)
        "ORDER BY {order}"
    )
    upsert = (
        "INSERT INTO pair_days (entity_id, other_id, day, articles) {moved} "
        "ON CONFLICT (entity_id, other_id, day) DO UPDATE SET "
        "articles = pair_days.articles + excluded.articles"
    )
    # the target's rows: add the source's counts (a new row where it had none)
    target_rows = moved.format(key=":t, p.other_id", only="", order="p.day, p.other_id")
    conn.execute(text(upsert.format(moved=target_rows)), params)
    rows = conn.execute(
        text("SELECT count(*) FROM pair_days WHERE entity_id = :s"), params
    ).scalar()
    # the triggers off and the months counted again pays for a big source only: a small
    # one (the global pass merges hundreds) costs less with its triggers than with DDL
    recount = _months_recounted if (rows or 0) >= RECOUNT_ROWS else _as_is
    with recount(conn, source_id, target_id):
        # their mirrors, in the other entities' rows: add where the target had a row;
        # where it had none, the source's row just changes its other entity in place (no
        # articles named all three there): each other entity's rows touched once, not twice
        only = "AND " + has.format("p.other_id", ":t", "p.day")
        mirrors = moved.format(key="p.other_id, :t", only=only, order="p.other_id, p.day")
        conn.execute(text(upsert.format(moved=mirrors)), params)
        # the other mirrors: each found by its whole key (entity, day, other), in key order
        conn.execute(
            text(
                "UPDATE pair_days SET other_id = :t FROM (SELECT p.other_id AS e, p.day AS d "
                "FROM pair_days p WHERE p.entity_id = :s AND p.other_id != :t AND NOT "
                + has.format("p.other_id", ":t", "p.day")
                + " ORDER BY p.other_id, p.day) m "
                "WHERE pair_days.entity_id = m.e AND pair_days.day = m.d "
                "AND pair_days.other_id = :s"
            ),
            params,
        )
        conn.execute(  # the source's mirrors left (day first: SQLite 3.40 then probes by the
            # whole key; in another order it reads every row of each other entity)
            text(
                "DELETE FROM pair_days WHERE (day, entity_id, other_id) IN "
                "(SELECT day, other_id, :s FROM pair_days WHERE entity_id = :s)"
            ),
            params,
        )
        conn.execute(text("DELETE FROM pair_days WHERE entity_id = :s"), params)


MONTH_TRIGGERS = months.trigger_names("pair_days")
RECOUNT_ROWS = 20_000  # pair rows of a merge's source from which the months are recounted


@contextmanager
def _as_is(conn: Connection, source_id: int, target_id: int) -> Iterator[None]:
    yield


@contextmanager
def _months_recounted(conn: Connection, source_id: int, target_id: int) -> Iterator[None]:
    """Inside, pair_days changes without its month triggers (:func:`.months.untriggered`),
    and the month sums a merge's mirror rows change are set after, in three statements:
    the triggers did three statements per changed row (40 % of the pair rows' cost)."""
    with months.untriggered(conn, "pair_days") as untriggered:
        yield
        if not untriggered:
            return
        # changed inside: (other, target) rows of the source's partners, (other, source)
        # and (source, other) rows gone; the target's own rows were written with the
        # triggers, so its month sums are right, and a pair's sums are the same both ways:
        # (other, target) takes the (target, other) sum of every partner of the source;
        # (other, source) goes
        params = {"s": source_id, "t": target_id}
        conn.execute(
            text(
                "INSERT INTO pair_months (entity_id, month, other_id, articles) "
                "SELECT other_id, month, :t, articles FROM pair_months WHERE entity_id = :t "
                "AND other_id IN (SELECT other_id FROM pair_months WHERE entity_id = :s) "
                "ON CONFLICT (entity_id, month, other_id) DO UPDATE SET articles = excluded.articles"
            ),
            params,
        )
        conn.execute(  # month first: SQLite 3.40 then finds each row by its whole key
            text(
                "DELETE FROM pair_months WHERE (month, entity_id, other_id) IN "
                "(SELECT month, other_id, :s FROM pair_months WHERE entity_id = :s)"
            ),
            params,
        )
        conn.execute(text("DELETE FROM pair_months WHERE entity_id = :s"), params)


def entity_article_ids(conn: Connection, entity_id: int) -> list[int]:
    ae = s.article_entities
    return [r[0] for r in conn.execute(select(ae.c.article_id).where(ae.c.entity_id == entity_id))]


# ---- merge and split ---------------------------------------------------------------------
@contextmanager
def page_cache(conn: Connection, mib: int = MERGE_CACHE_MIB) -> Iterator[None]:
    """A larger SQLite page cache for the statements inside (a merge touches each other
    entity's pair rows: with the default 2 MB the pages are read again and the changed
    ones spill to the log before the commit; 2.5 → 1.7 CPU-s for one statement at 100k)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = {-1024 * int(mib)}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def merge(store: Store, source_id: int, target_id: int) -> dict[str, Any]:
    """Move everything of ``source_id`` to ``target_id``; the source redirects to the target."""
    with store.engine.begin() as conn, page_cache(conn):
        result, days = _merge_in(conn, source_id, target_id)
        refresh_rollups(conn, [source_id, target_id], days, pairs=False)
        _redirect(conn, {source_id: target_id})
    return result


def merge_many(store: Store, source_ids: Sequence[int], target_id: int) -> None:
    """:func:`merge` of several entities into one, counting the rollups once (the global
    pass of entities.consolidate merges hundreds of small names into their entity)."""
    merge_groups(store, [(source_ids, target_id)])


def merge_groups(store: Store, groups: Sequence[tuple[Sequence[int], int]]) -> None:
    """:func:`merge_many` of each (sources, target), in one transaction: a round of the
    global pass merges a thousand groups, and a commit each wrote the pages they share
    (pair rows, indexes) again each time."""
    if not groups:
        return
    with store.engine.begin() as conn, page_cache(conn):
        for source_ids, target_id in groups:
            days: set[str] = set()
            for source_id in source_ids:
                days.update(_merge_in(conn, source_id, target_id)[1])
            refresh_rollups(conn, [*source_ids, target_id], sorted(days), pairs=False)
        _redirect(conn, {s: t for sources, t in groups for s in sources})


def _redirect(conn: Connection, moved: dict[int, int]) -> None:
    """The entities merged into a merge's source before redirect to its target: for many
    merges at once (``merged_into`` has no index: a scan of the entities each, 3 ms at
    40,000). A source is live and no target is a source, so no chain goes through them."""
    for chunk in _chunks(sorted(moved)):
        ids = ",".join(str(int(i)) for i in chunk)
        cases = " ".join(f"WHEN {int(i)} THEN {int(moved[i])}" for i in chunk)
        conn.execute(
            text(
                f"UPDATE entities SET merged_into = CASE merged_into {cases} END "
                f"WHERE merged_into IN ({ids})"
            )
        )


def _merge_in(conn: Connection, source_id: int, target_id: int) -> tuple[dict[str, Any], list[str]]:
    """Everything of a merge but the per-entity rollups, pair_days moved already: (what
    moved, the days whose counts change; ``refresh_rollups(…, pairs=False)`` on them)."""
    e, a = s.entities, s.aliases
    _move_pairs(conn, source_id, target_id)
    articles = entity_article_ids(conn, source_id)
    days = [  # only these days' counts change
        r[0]
        for r in conn.execute(
            text(
                "SELECT DISTINCT day FROM article_entities WHERE entity_id = :s AND day IS NOT NULL"
            ),
            {"s": source_id},
        )
    ]
    target_norms = {r[0] for r in conn.execute(select(a.c.norm).where(a.c.entity_id == target_id))}
    src_aliases = list(
        conn.execute(select(a.c.id, a.c.alias, a.c.norm).where(a.c.entity_id == source_id))
    )
    moved = [(i, alias, norm) for i, alias, norm in src_aliases if norm not in target_norms]
    shared = [norm for _, _, norm in src_aliases if norm in target_norms]
    for chunk in _chunks([i for i, _, _ in moved]):
        conn.execute(update(a).where(a.c.id.in_(chunk)).values(entity_id=target_id))
    conn.execute(delete(a).where(a.c.entity_id == source_id))
    n = conn.execute(
        update(s.mentions).where(s.mentions.c.entity_id == source_id).values(entity_id=target_id)
    ).rowcount
    conn.execute(
        update(s.entity_roles)
        .where(s.entity_roles.c.entity_id == source_id)
        .values(entity_id=target_id)
    )
    conn.execute(
        update(s.quotes).where(s.quotes.c.entity_id == source_id).values(entity_id=target_id)
    )
    conn.execute(update(e).where(e.c.id == source_id).values(merged_into=target_id))
    # articles naming only the source: their rows just change hands; shared ones are rebuilt
    ae = s.article_entities
    shared_articles = [
        r[0]
        for r in conn.execute(
            select(ae.c.article_id).where(
                ae.c.entity_id == source_id,
                ae.c.article_id.in_(
                    select(ae.c.article_id).where(ae.c.entity_id == target_id).scalar_subquery()
                ),
            )
        )
    ]
    _join_rows(conn, source_id, target_id)
    for chunk in _chunks(shared_articles, 2000):
        _requote(conn, ",".join(str(int(i)) for i in chunk))
    conn.execute(update(ae).where(ae.c.entity_id == source_id).values(entity_id=target_id))
    result = {
        "mentions": n,
        "articles": len(articles),
        "aliases_moved": [norm for _, _, norm in moved],
        "aliases_shared": shared,
    }
    return result, days


def mention_ids_by_surface(
    conn: Connection, entity_id: int, matches: Callable[[str], bool]
) -> tuple[list[int], list[int]]:
    """Mentions of the entity whose surface ``matches``: (mention ids, their article ids)."""
    m = s.mentions
    ids, arts = [], set()
    for mid, aid, surface in conn.execute(
        select(m.c.id, m.c.article_id, m.c.surface).where(m.c.entity_id == entity_id)
    ):
        if matches(surface):
            ids.append(mid)
            arts.add(aid)
    return ids, sorted(arts)


def move_mentions(
    store: Store, from_id: int, to_id: int, mention_ids: Sequence[int], article_ids: Sequence[int]
) -> None:
    with store.engine.begin() as conn:
        for chunk in _chunks(mention_ids):
            conn.execute(
                update(s.mentions).where(s.mentions.c.id.in_(chunk)).values(entity_id=to_id)
            )
        rebuild_article_entities(conn, article_ids)
        refresh_rollups(conn, [from_id, to_id])


def move_aliases(store: Store, from_id: int, to_id: int, norms: Iterable[str]) -> list[str]:
    """Move alias rows (by normalised form); returns the norms moved."""
    a = s.aliases
    norms = set(norms)
    moved = []
    with store.engine.begin() as conn:
        have = {r[0] for r in conn.execute(select(a.c.norm).where(a.c.entity_id == to_id))}
        for aid, norm in conn.execute(
            select(a.c.id, a.c.norm).where(a.c.entity_id == from_id, a.c.norm.in_(norms))
        ).all():
            if norm in have:
                conn.execute(delete(a).where(a.c.id == aid))
            else:
                conn.execute(update(a).where(a.c.id == aid).values(entity_id=to_id))
            moved.append(norm)
    return moved


def block_aliases(store: Store, entity_id: int, norms: Iterable[str]) -> None:
    b = s.alias_blocks
    with store.engine.begin() as conn:
        for norm in set(norms):
            if not conn.execute(
                select(b.c.norm).where(b.c.entity_id == entity_id, b.c.norm == norm)
            ).first():
                conn.execute(insert(b).values(entity_id=entity_id, norm=norm))


def unblock_alias(store: Store, entity_id: int, norm: str) -> None:
    b = s.alias_blocks
    with store.engine.begin() as conn:
        conn.execute(delete(b).where(b.c.entity_id == entity_id, b.c.norm == norm))


def remove_alias(store: Store, entity_id: int, norm: str) -> bool:
    a = s.aliases
    with store.engine.begin() as conn:
        n = conn.execute(delete(a).where(a.c.entity_id == entity_id, a.c.norm == norm)).rowcount
    return bool(n)


def add_redirect(store: Store, slug: str, entity_id: int) -> None:
    """An old slug that leads to ``entity_id`` (kept until another entity takes the slug)."""
    r = s.slug_redirects
    with store.engine.begin() as conn:
        conn.execute(delete(r).where(r.c.slug == slug))
        conn.execute(insert(r).values(slug=slug, entity_id=entity_id))


def revive(store: Store, entity_id: int) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            update(s.entities).where(s.entities.c.id == entity_id).values(merged_into=None)
        )


def set_slug(store: Store, entity_id: int, slug: str) -> str:
    """Give the entity ``slug`` (or ``slug-2``… when taken); returns the slug set."""
    e = s.entities
    with store.engine.begin() as conn:
        base, n, cand = slug, 1, slug
        while True:
            row = conn.execute(select(e.c.id).where(e.c.slug == cand)).first()
            if row is None or row[0] == entity_id:
                break
            n += 1
            cand = f"{base}-{n}"
        conn.execute(update(e).where(e.c.id == entity_id).values(slug=cand))
    return cand


def edits_log(store: Store, limit: int = 100) -> list[dict[str, Any]]:
    import json

    q = select(s.edits).order_by(s.edits.c.id.desc()).limit(limit)
    with store.engine.connect() as conn:
        return [
            {"id": r.id, "at": r.at, "action": r.action, "payload": json.loads(r.payload)}
            for r in conn.execute(q)
        ]


def last_merge(store: Store, source_id: int) -> dict[str, Any] | None:
    """The payload of the latest merge of ``source_id`` (for undoing it with a split)."""
    import json

    q = select(s.edits.c.payload).where(s.edits.c.action == "merge").order_by(s.edits.c.id.desc())
    with store.engine.connect() as conn:
        for (payload,) in conn.execute(q):
            data = json.loads(payload)
            if int(data.get("source", -1)) == source_id:
                return data
    return None


# ---- context for resolution ------------------------------------------------------------------
def cooccurring(
    store: Store, entity_id: int, start: str | None = None, end: str | None = None, limit: int = 500
) -> dict[int, int]:
    """Other entity id → articles shared with ``entity_id`` (between the days ``start`` and
    ``end`` when given), from the pair rollups (migration 4 made them; every store has them)."""
    days = " AND day BETWEEN :s AND :z" if start and end else ""
    params = {"e": entity_id, "l": limit, "s": start, "z": end}
    sql = (
        "SELECT other_id, SUM(articles) AS n FROM pair_days WHERE entity_id = :e"
        f"{days} GROUP BY other_id ORDER BY n DESC LIMIT :l"
    )
    with store.engine.connect() as conn:
        return {int(r[0]): int(r[1]) for r in driver.run(conn, sql, params)}


def article_counts(store: Store) -> dict[int, int]:
    ae = s.article_entities
    with store.engine.connect() as conn:
        return {
            r[0]: r[1]
            for r in conn.execute(select(ae.c.entity_id, func.count()).group_by(ae.c.entity_id))
        }


def name_placeholder_roles(store: Store, prefix: str, labels: dict[str, str]) -> None:
    """Roles stored as ``prefix + id`` get their label; those without one are dropped."""
    r = s.entity_roles
    with store.engine.begin() as conn:
        rows = conn.execute(
            select(r.c.id, r.c.role).where(r.c.role.like(prefix.replace("%", "") + "%"))
        ).all()
        for rid, role in rows:
            label = labels.get(role[len(prefix) :])
            if label:
                conn.execute(update(r).where(r.c.id == rid).values(role=label))
            else:
                conn.execute(delete(r).where(r.c.id == rid))
