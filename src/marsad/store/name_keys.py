"""SQL of the name keys an incremental global pass finds related names by (issue 18).

``entity_keys`` holds each entity's normalised name, the name without spaces and its
spelling skeleton; ``name_part_keys`` the skeletons of the word endings of its name (a
person's surnames). They are made in Python (:mod:`marsad.entities.neighbours`) and kept
in step lazily: a row made from another name than the entity's is stale and made again
(:func:`stale` finds them with one join, in C, before each pass).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, delete, insert, or_, select

from marsad.store import driver
from marsad.store import schema as s
from marsad.store.database import Store

BATCH = 500


def _chunks(values: Iterable, size: int = BATCH) -> Iterable[list]:
    values = sorted(set(values))
    for i in range(0, len(values), size):
        yield values[i : i + size]


def stale(store: Store) -> list[tuple[int, str]]:
    """(id, name) of the live entities whose keys are missing or made from another name."""
    e, k = s.entities, s.entity_keys
    q = (
        select(e.c.id, e.c.name)
        .select_from(e.outerjoin(k, k.c.entity_id == e.c.id))
        .where(e.c.merged_into.is_(None), or_(k.c.entity_id.is_(None), k.c.name != e.c.name))
    )
    with store.engine.connect() as conn:
        return [(r[0], r[1]) for r in conn.execute(q)]


def write(store: Store, rows: Sequence[tuple[int, str, str, str, str, Sequence[str]]]) -> None:
    """Replace the keys of these entities: (id, name, norm, letters, skeleton, the
    skeletons of its name's word endings) each."""
    k, p = s.entity_keys, s.name_part_keys
    with store.engine.begin() as conn:
        for chunk in _chunks(r[0] for r in rows):
            conn.execute(delete(k).where(k.c.entity_id.in_(chunk)))
            conn.execute(delete(p).where(p.c.entity_id.in_(chunk)))
        if not rows:
            return
        conn.execute(
            insert(k),
            [
                {"entity_id": i, "name": n, "norm": norm, "letters": lt, "skeleton": sk}
                for i, n, norm, lt, sk, _ in rows
            ],
        )
        parts = [{"skeleton": x, "entity_id": r[0]} for r in rows for x in set(r[5])]
        if parts:
            conn.execute(insert(p), parts)


_LIVE = "e.merged_into IS NULL"
_FRESH = f"{_LIVE} AND e.name = k.name"  # a stale row (renamed since) is not read
_KEYED = "FROM entity_keys k JOIN entities e ON e.id = k.entity_id"
_BY_NAME = {  # kind → (its key's column, the live entities' rows (key, entity id))
    "norm": ("k.norm", f"SELECT k.norm, k.entity_id {_KEYED} WHERE {_FRESH}"),
    "letters": ("k.letters", f"SELECT k.letters, k.entity_id {_KEYED} WHERE {_FRESH}"),
    "skeleton": ("k.skeleton", f"SELECT k.skeleton, k.entity_id {_KEYED} WHERE {_FRESH}"),
    "part": ("p.skeleton", "SELECT p.skeleton, p.entity_id FROM name_part_keys p "
             "JOIN entities e ON e.id = p.entity_id JOIN entity_keys k ON k.entity_id = p.entity_id "
             f"WHERE {_FRESH}"),
}  # fmt: skip


def entities_with(
    store: Store,
    *,
    norms: Iterable[str] = (),
    letters: Iterable[str] = (),
    skeletons: Iterable[str] = (),
    part_skeletons: Iterable[str] = (),
    known: dict[tuple[str, str], set[int]] | None = None,
    aliases: dict[str, list[tuple[str, int]]] | None = None,
    every: dict[tuple[str, str], set[int]] | None = None,
) -> set[int]:
    """Ids of the live entities with an alias or own name in ``norms``, a name without
    spaces in ``letters``, a name skeleton in ``skeletons`` or a word ending's skeleton
    in ``part_skeletons`` (each read through its index; a common surname's skeleton finds
    thousands of persons: the rows come as tuples from the driver, store/driver.py).

    ``known``: the answers by the entities' own names (``entity_keys``, ``name_part_keys``)
    read before, (kind, key) → ids, kept and added to: a key read again is not asked again.
    For a caller to whom an entity merged away since (it may be among them) and one renamed
    since (it may be missing) are nothing new — the global pass, which renames only what it
    looks at and reads every live entity again. The aliases are always read (a merge moves
    them). ``aliases``: the aliases read, norm → its rows (norm, entity id), added to (a
    caller that writes nothing in between need not read them again). ``every``: the answers
    to every key (:func:`every_key`), read at once by a caller that asks about thousands of
    entities (the global pass's later rounds): a key not in ``known`` is answered from it,
    none from the database (for the same caller as ``known``: entities merged since may be
    among the answers)."""
    keys = {"norm": norms, "letters": letters, "skeleton": skeletons, "part": part_skeletons}
    by_name = [(k, keys[k], f"{rows} AND {key} IN ({{}})") for k, (key, rows) in _BY_NAME.items()]
    by_alias = (
        "SELECT a.norm, a.entity_id FROM aliases a JOIN entities e ON e.id = a.entity_id "
        f"WHERE a.norm IN ({{}}) AND {_LIVE}"
    )
    known = {} if known is None else known
    out: set[int] = set()
    with store.engine.connect() as conn:
        norms = set(norms)
        rows = _read(conn, by_alias, norms)
        out.update(eid for _, eid in rows)
        if aliases is not None:
            aliases.update((norm, []) for norm in norms)
            for norm, eid in rows:
                aliases[norm].append((norm, eid))
        for kind, values, query in by_name:
            values = set(values)
            asked = {v for v in values if (kind, v) not in known}
            for v in asked:
                known[kind, v] = set() if every is None else set(every.get((kind, v), ()))
            if every is None:
                for key, eid in _read(conn, query, asked):
                    known[kind, key].add(eid)
            for v in values:
                out |= known[kind, v]
    return out


def every_key(store: Store) -> dict[tuple[str, str], set[int]]:
    """(kind, key) → the live entities with that key, for every key :func:`entities_with`
    looks up by name: one read of each table instead of thousands of lookups (on the whole
    ANT corpus the neighbours of 4,713 entities, as in the global pass's second round:
    1.4–1.6 CPU-s looked up key by key, 1.1–1.5 with every key read at once, 0.2–0.3 of it
    the read)."""
    out: dict[tuple[str, str], set[int]] = defaultdict(set)
    with store.engine.connect() as conn:
        for kind, (_, rows) in _BY_NAME.items():
            for key, eid in driver.rows(conn, rows):
                out[kind, key].add(eid)
    return dict(out)


def _read(conn: Connection, query: str, values: Iterable[str]) -> list[tuple[str, int]]:
    """The rows of ``query`` (its ``IN ({})`` filled with bound values), in chunks."""
    rows: list[tuple[str, int]] = []
    for chunk in _chunks(values):
        marks = ", ".join(f":k{i}" for i in range(len(chunk)))
        rows += driver.rows(conn, query.format(marks), {f"k{i}": v for i, v in enumerate(chunk)})
    return rows


def live_entities(store: Store, ids: Iterable[int]) -> list[tuple[int, str, str, bool, int]]:
    """(id, name, type, from the KB, articles ever) of these entities, those not merged
    away (as :func:`marsad.store.edits.live_entities`), in id order."""
    out = []
    with store.engine.connect() as conn:
        for chunk in _chunks(ids):
            q = (
                "SELECT e.id, e.name, e.type, e.kb_id IS NOT NULL, t.articles FROM entities e "
                "LEFT JOIN entity_totals t ON t.entity_id = e.id "
                f"WHERE e.id IN ({','.join(str(int(i)) for i in chunk)}) AND e.merged_into IS NULL"
            )
            out += [(r[0], r[1], r[2], bool(r[3]), r[4] or 0) for r in driver.rows(conn, q)]
    return sorted(out)
