"""Pre-aggregated counts, kept up to date at ingest, so pages stay fast on millions of articles.

Five small tables (see ``schema.py``): ``entity_days`` (articles and distinct stories per
entity per day), ``entity_totals`` (their sum per entity), ``entity_source_days`` (per
entity, source and day), ``pair_days`` (articles naming two entities, per day, both
directions) and ``day_totals`` (articles and stories per day, overall as source 0 and per
source). Every article has a day (one without a publication date: the day it was first
seen); rows without one (databases not yet migrated) are not counted. ``store/months.py``
keeps the month sums of the three per-entity tables, read for long periods.

``record_article`` and ``record_entities`` run inside ``Store.add_article``'s transaction
(``record_entities`` in ``Store.add_analysis``'s for an article analysed later); ``rebuild`` recomputes
everything from ``articles`` / ``article_entities`` (the migration that introduced the
tables, bulk loads, and after operator edits that move articles between entities or
stories). The read functions below are the only queries the pages run for counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import permutations
from typing import Any

from sqlalchemy import Connection, text

from marsad.store import driver, months

# pair rows changed from which their month sums are written in one go, the triggers off (a
# few rows cost less with the triggers than the triggers' removal and making)
UNTRIGGERED_PAIRS = 2_000
TABLES = ("entity_days", "entity_totals", "entity_source_days", "pair_days", "day_totals")


def _upsert(conn: Connection, table: str, keys: Sequence[str], values: list[dict]) -> None:
    if not values:
        return
    cols = [*keys, *(c for c in values[0] if c not in keys)]
    counted = [c for c in values[0] if c not in keys]
    sql = (
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
        + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counted)
    )
    driver.write(conn, sql, values)


def record_article(
    conn: Connection, *, article_id: int, day: str | None, source_id: int, story_id: int
) -> bool:
    """Count one newly stored article in ``day_totals``; True when it is the first article
    of its story on its day (then none of its entities has that story on that day yet)."""
    if day is None:
        return False
    new_story_day = story_id == article_id or not driver.lookup(
        conn,
        "SELECT 1 FROM articles WHERE story_id = :s AND day = :d AND id != :a LIMIT 1",
        {"s": story_id, "d": day, "a": article_id},
    )
    _upsert(
        conn,
        "day_totals",
        ("source_id", "day"),
        [
            {"source_id": 0, "day": day, "articles": 1, "stories": int(new_story_day)},
            {"source_id": source_id, "day": day, "articles": 1, "stories": 0},
        ],
    )
    return new_story_day


def record_entities(
    conn: Connection,
    *,
    article_id: int,
    day: str | None,
    source_id: int,
    story_id: int,
    entity_ids: Sequence[int],
    new_story_day: bool = False,
) -> None:
    """Count the entities of one article (its ``article_entities`` rows already written):
    at ingest, or later for an article whose analysis was deferred. A story counts once
    per entity and day, however many of its articles name the entity (``new_story_day``:
    no other article of the story has that day, so no lookup is needed)."""
    if day is None or not entity_ids:
        return
    rows = []
    for eid in entity_ids:
        new = new_story_day or not driver.lookup(
            conn,
            "SELECT 1 FROM article_entities ae JOIN articles a ON a.id = ae.article_id "
            "WHERE a.story_id = :s AND ae.entity_id = :e AND ae.day = :d "
            "AND ae.article_id != :a LIMIT 1",
            {"s": story_id, "e": eid, "d": day, "a": article_id},
        )
        rows.append({"entity_id": eid, "day": day, "articles": 1, "stories": int(new)})
    _upsert(conn, "entity_days", ("entity_id", "day"), rows)
    _upsert(
        conn, "entity_totals", ("entity_id",), [{"entity_id": e, "articles": 1} for e in entity_ids]
    )
    _upsert(
        conn,
        "entity_source_days",
        ("entity_id", "source_id", "day"),
        [{"entity_id": e, "source_id": source_id, "day": day, "articles": 1} for e in entity_ids],
    )
    _upsert(
        conn,
        "pair_days",
        ("entity_id", "other_id", "day"),
        [
            {"entity_id": a, "other_id": b, "day": day, "articles": 1}
            for a, b in permutations(sorted(set(entity_ids)), 2)
        ],
    )


def record_changes(
    conn: Connection,
    before: Mapping[int, set[int]],
    after: Mapping[int, set[int]],
    meta: Mapping[int, tuple[str | None, int, int]],
    stories_before: set[tuple[int, str, int]],
    stories_after: set[tuple[int, str, int]],
) -> None:
    """Count what changed in stored articles' entities (a pass moved or dropped their
    mentions): each article's entities ``before`` and ``after``, its (day, source, story)
    in ``meta``, and the (story, day, entity) counted before and after for their stories.
    Only those articles are counted (not the touched entities' days): what a full
    :func:`rebuild` would give (tested)."""
    days: Counter[tuple[int, str]] = Counter()
    stories: Counter[tuple[int, str]] = Counter()
    sources: Counter[tuple[int, int, str]] = Counter()
    pairs: Counter[tuple[int, str, int]] = Counter()
    for article, (day, source, _) in meta.items():
        old, new = before.get(article, set()), after.get(article, set())
        if day is None or old == new:
            continue
        for eid, sign in [*((e, -1) for e in old - new), *((e, 1) for e in new - old)]:
            days[eid, day] += sign
            sources[eid, source, day] += sign
        _pairs_changed(pairs, day, old, new)
    for story, day, eid in stories_before ^ stories_after:
        stories[eid, day] += 1 if (story, day, eid) in stories_after else -1
    totals: Counter[tuple[int]] = Counter()
    for (eid, _), n in days.items():
        totals[(eid,)] += n
    _add(conn, "entity_days", ("entity_id", "day"), days, stories)
    _add(conn, "entity_totals", ("entity_id",), totals)
    _add(conn, "entity_source_days", ("entity_id", "source_id", "day"), sources)
    # in the order of the table's key (entity, day, other): each row written after its
    # neighbour, not after the same pair on another day
    if len(pairs) < UNTRIGGERED_PAIRS:
        _add(conn, "pair_days", ("entity_id", "day", "other_id"), pairs)
        return
    with months.untriggered(conn, "pair_days") as untriggered:
        _add(conn, "pair_days", ("entity_id", "day", "other_id"), pairs)
        if untriggered:  # the month sums, a row per (pair, month), not per day
            by_month: Counter[tuple[int, str, int]] = Counter()
            for (a, day, b), n in pairs.items():
                by_month[a, day[:7], b] += n
            _add(conn, "pair_months", ("entity_id", "month", "other_id"), by_month)


def _pairs_changed(
    pairs: Counter[tuple[int, str, int]], day: str, old: set[int], new: set[int]
) -> None:
    """Count in ``pairs`` the pair rows (both ways) an article's entities going from ``old``
    to ``new`` changes on its day: the pairs of an entity that left, less one; of one that
    came, one more — the pairs of the entities it keeps are untouched (read pair by pair,
    an article naming 30 entities cost 870 pairs twice, whatever moved)."""
    for changed, among, sign in ((old - new, old, -1), (new - old, new, 1)):
        for a in changed:
            for b in among:
                if b != a:
                    pairs[a, day, b] += sign
                    if b not in changed:  # else counted from b's side
                        pairs[b, day, a] += sign


def _add(
    conn: Connection,
    table: str,
    keys: Sequence[str],
    articles: Mapping[tuple, int],
    stories: Mapping[tuple, int] | None = None,
) -> None:
    """Add signed counts to the rows of ``table`` by key (a row is made where missing, and
    goes where no article is left)."""
    more = stories or {}
    wanted = sorted(k for k in set(articles) | set(more) if articles.get(k) or more.get(k))
    rows = []
    for key in wanted:
        row: dict[str, Any] = dict(zip(keys, key, strict=True))
        row["articles"] = articles.get(key, 0)
        if stories is not None:
            row["stories"] = more.get(key, 0)
        rows.append(row)
    _upsert(conn, table, keys, rows)
    gone = [dict(zip(keys, k, strict=True)) for k in wanted if articles.get(k, 0) < 0]
    if gone:
        match = " AND ".join(f"{k} = :{k}" for k in keys)
        driver.write(conn, f"DELETE FROM {table} WHERE {match} AND articles <= 0", gone)


def rebuild(conn: Connection) -> None:
    """Recompute every rollup from the article tables (idempotent)."""
    for table in TABLES:
        conn.execute(text(f"DELETE FROM {table}"))
    conn.execute(
        text(
            "INSERT INTO day_totals (source_id, day, articles, stories) "
            "SELECT 0, day, count(*), count(DISTINCT story_id) FROM articles "
            "WHERE day IS NOT NULL GROUP BY day"
        )
    )
    conn.execute(
        text(
            "INSERT INTO day_totals (source_id, day, articles, stories) "
            "SELECT source_id, day, count(*), 0 FROM articles "
            "WHERE day IS NOT NULL GROUP BY source_id, day"
        )
    )
    conn.execute(
        text(
            "INSERT INTO entity_days (entity_id, day, articles, stories) "
            "SELECT ae.entity_id, ae.day, count(*), count(DISTINCT a.story_id) "
            "FROM article_entities ae JOIN articles a ON a.id = ae.article_id "
            "WHERE ae.day IS NOT NULL GROUP BY ae.entity_id, ae.day"
        )
    )
    fill_totals(conn)
    conn.execute(
        text(
            "INSERT INTO entity_source_days (entity_id, source_id, day, articles) "
            "SELECT entity_id, source_id, day, count(*) FROM article_entities "
            "WHERE day IS NOT NULL GROUP BY entity_id, source_id, day"
        )
    )
    conn.execute(
        text(
            "INSERT INTO pair_days (entity_id, other_id, day, articles) "
            "SELECT a.entity_id, b.entity_id, a.day, count(*) "
            "FROM article_entities a JOIN article_entities b "
            "ON b.article_id = a.article_id AND b.entity_id != a.entity_id "
            "WHERE a.day IS NOT NULL GROUP BY a.entity_id, a.day, b.entity_id"  # key order
        )
    )


def recount_day_totals(conn: Connection, days: Sequence[str]) -> None:
    """Recompute ``day_totals`` (overall and per source) on these days from ``articles``
    (after an article moved from one day to another)."""
    for day in sorted(set(days)):
        driver.write(conn, "DELETE FROM day_totals WHERE day = :d", {"d": day})
        driver.write(
            conn,
            "INSERT INTO day_totals (source_id, day, articles, stories) "
            "SELECT 0, day, count(*), count(DISTINCT story_id) FROM articles WHERE day = :d "
            "GROUP BY day",
            {"d": day},
        )
        driver.write(
            conn,
            "INSERT INTO day_totals (source_id, day, articles, stories) "
            "SELECT source_id, day, count(*), 0 FROM articles WHERE day = :d "
            "GROUP BY source_id, day",
            {"d": day},
        )


def fill_totals(conn: Connection, where: str = "") -> None:
    """``entity_totals`` from ``entity_days`` (the rows it lacks: delete first), for the
    entities ``where`` selects (a condition on ``entity_id``), or all."""
    conn.execute(
        text(
            "INSERT INTO entity_totals (entity_id, articles) SELECT entity_id, sum(articles) "
            f"FROM entity_days {'WHERE ' + where if where else ''} GROUP BY entity_id"
        )
    )


# ---- reads -------------------------------------------------------------------------------
def daily_counts(
    conn: Connection,
    entity_id: int | None,
    start: str,
    end: str,
    *,
    stories: bool = False,
    source_id: int | None = None,
) -> dict[str, int]:
    col = "stories" if stories else "articles"
    if entity_id is None:
        if source_id is not None and stories:
            return {}  # per-source stories are not pre-aggregated; callers query directly
        rows = driver.run(
            conn,
            (f"SELECT day, {col} FROM day_totals WHERE source_id = :s AND day BETWEEN :a AND :b"),
            {"s": source_id or 0, "a": start, "b": end},
        )
    else:
        rows = driver.run(
            conn,
            (f"SELECT day, {col} FROM entity_days WHERE entity_id = :e AND day BETWEEN :a AND :b"),
            {"e": entity_id, "a": start, "b": end},
        )
    return dict(rows.all())  # fetchall: far cheaper than a fetch per row over a year


def entity_total(conn: Connection, entity_id: int, start: str, end: str) -> int:
    parts = months.available(conn, start, end)
    if parts:
        sql, params = months.union(
            parts, "entity_months", "entity_days", "articles", "entity_id = :e"
        )
        found = driver.run(conn, f"SELECT sum(articles) FROM ({sql})", params | {"e": entity_id})
        return found.scalar() or 0
    return (
        driver.run(
            conn,
            (
                "SELECT sum(articles) FROM entity_days WHERE entity_id = :e "
                "AND day BETWEEN :a AND :b"
            ),
            {"e": entity_id, "a": start, "b": end},
        ).scalar()
        or 0
    )


def entity_totals(conn: Connection, entity_ids: Sequence[int]) -> dict[int, int]:
    """Articles ever (with a day) per entity."""
    if not entity_ids:
        return {}
    marks = ", ".join(str(int(e)) for e in entity_ids)
    rows = driver.run(
        conn, f"SELECT entity_id, articles FROM entity_totals WHERE entity_id IN ({marks})"
    )
    return dict(rows.all())  # fetchall: far cheaper than a fetch per row over a year


def articles_total(conn: Connection, start: str, end: str) -> int:
    return (
        driver.run(
            conn,
            ("SELECT sum(articles) FROM day_totals WHERE source_id = 0 AND day BETWEEN :a AND :b"),
            {"a": start, "b": end},
        ).scalar()
        or 0
    )


def cooccurrences(
    conn: Connection, entity_id: int, start: str, end: str, limit: int = 200
) -> list[dict]:
    """(id, slug, name, type, shared, total) of entities sharing articles with ``entity_id``."""
    parts = months.available(conn, start, end)
    if parts:  # a long period: whole months from the month sums
        sql, params = months.union(
            parts, "pair_months", "pair_days", "other_id, articles", "entity_id = :e"
        )
        shared = driver.run(
            conn,
            f"SELECT other_id, sum(articles) AS n FROM ({sql}) GROUP BY other_id "
            "ORDER BY n DESC LIMIT :n",
            params | {"e": entity_id, "n": limit},
        ).all()
    else:
        shared = driver.run(
            conn,
            (
                "SELECT other_id, sum(articles) AS n FROM pair_days WHERE entity_id = :e "
                "AND day BETWEEN :a AND :b GROUP BY other_id ORDER BY n DESC LIMIT :n"
            ),
            {"e": entity_id, "a": start, "b": end, "n": limit},
        ).all()
    if not shared:
        return []
    marks = ", ".join(str(int(r[0])) for r in shared)
    if parts:
        sql, params = months.union(
            parts, "entity_months", "entity_days", "entity_id, articles", f"entity_id IN ({marks})"
        )
        totals = dict(
            driver.run(
                conn, f"SELECT entity_id, sum(articles) FROM ({sql}) GROUP BY entity_id", params
            ).all()
        )
    else:
        totals = dict(
            driver.run(
                conn,
                (
                    f"SELECT entity_id, sum(articles) FROM entity_days WHERE entity_id IN ({marks}) "
                    "AND day BETWEEN :a AND :b GROUP BY entity_id"
                ),
                {"a": start, "b": end},
            ).all()
        )
    ents = driver.run(
        conn, (f"SELECT id, slug, name, type FROM entities WHERE id IN ({marks})")
    ).all()
    names = {r[0]: r for r in ents}
    return [
        {
            "id": other,
            "slug": names[other][1],
            "name": names[other][2],
            "type": names[other][3],
            "shared": n,
            "total": totals.get(other, n),
        }
        for other, n in shared
        if other in names
    ]


def top_sources(conn: Connection, entity_id: int, start: str, end: str, limit: int) -> list[dict]:
    parts = months.available(conn, start, end)
    if parts:
        sql, params = months.union(
            parts,
            "entity_source_months",
            "entity_source_days",
            "source_id, articles",
            "entity_id = :e",
        )
        rows = driver.run(
            conn,
            "SELECT s.slug, s.name, x.articles FROM (SELECT source_id, sum(articles) AS "
            f"articles FROM ({sql}) GROUP BY source_id) x JOIN sources s ON s.id = x.source_id "
            "WHERE x.articles > 0 ORDER BY x.articles DESC, s.name LIMIT :n",
            params | {"e": entity_id, "n": limit},
        )
        return [dict(r._mapping) for r in rows]
    rows = driver.run(
        conn,
        (
            # summed per source first (the (entity, day, source, articles) index alone),
            # then named: joined first, SQLite walked every source's days one by one
            "SELECT s.slug, s.name, x.articles FROM (SELECT source_id, sum(articles) AS "
            "articles FROM entity_source_days WHERE entity_id = :e AND day BETWEEN :a AND :b "
            "GROUP BY source_id) x JOIN sources s ON s.id = x.source_id "
            "ORDER BY x.articles DESC, s.name LIMIT :n"
        ),
        {"e": entity_id, "a": start, "b": end, "n": limit},
    )
    return [dict(r._mapping) for r in rows]


def source_entities(
    conn: Connection, source_id: int, start: str, end: str, limit: int
) -> list[dict]:
    rows = driver.run(
        conn,
        (
            "SELECT e.id, e.slug, e.name, e.type, sum(x.articles) AS articles "
            "FROM entity_source_days x JOIN entities e ON e.id = x.entity_id "
            "WHERE x.source_id = :s AND x.day BETWEEN :a AND :b "
            "GROUP BY e.id, e.slug, e.name, e.type ORDER BY articles DESC, e.name LIMIT :n"
        ),
        {"s": source_id, "a": start, "b": end, "n": limit},
    )
    return [dict(r._mapping) for r in rows]


def entity_day_counts(conn: Connection, start: str, end: str) -> list[tuple[int, str, int]]:
    rows = driver.run(
        conn,
        ("SELECT entity_id, day, articles FROM entity_days WHERE day BETWEEN :a AND :b"),
        {"a": start, "b": end},
    )
    return [(r[0], r[1], r[2]) for r in rows]


def recent_sums(
    conn: Connection, start: str, split: str, end: str, min_recent: int
) -> list[tuple[int, int]]:
    """(entity id, articles on days in [max(start, split), end]) of the entities with at
    least ``min_recent`` of them: the last days only (the (day, entity, articles) index)."""
    rows = driver.run(
        conn,
        "SELECT entity_id, sum(articles) FROM entity_days "
        "WHERE day >= :s AND day >= :a AND day <= :b GROUP BY entity_id "
        "HAVING sum(articles) >= :m",
        {"a": start, "b": end, "s": split, "m": min_recent},
    )
    return [(r[0], r[1]) for r in rows.all()]


def earlier_sums(
    conn: Connection, entity_ids: Sequence[int], start: str, split: str, end: str
) -> dict[int, int]:
    """Articles on days in [start, split) (and <= end) of these entities (their (entity,
    day) index); entities without any are left out."""
    if not entity_ids:
        return {}
    marks = ", ".join(str(int(e)) for e in entity_ids)
    rows = driver.run(
        conn,
        f"SELECT entity_id, sum(articles) FROM entity_days WHERE entity_id IN ({marks}) "
        "AND day >= :a AND day < :s AND day <= :b GROUP BY entity_id",
        {"a": start, "b": end, "s": split},
    )
    return dict(rows.all())


def window_sums(
    conn: Connection, start: str, split: str, end: str, min_recent: int
) -> list[tuple[int, int, int]]:
    """(entity id, articles on days >= ``split``, articles before it) over [start, end], for
    the entities with at least ``min_recent`` recent articles: the recent days summed first,
    then only these candidates' earlier days — a million articles put ~300k entity-days in
    30 days, of which the last 3 days hold a tenth."""
    recent = recent_sums(conn, start, split, end, min_recent)
    earlier = earlier_sums(conn, [e for e, _ in recent], start, split, end)
    return [(e, r, earlier.get(e, 0)) for e, r in recent]


def entity_span(conn: Connection, entity_id: int) -> tuple[str | None, str | None]:
    """(first, last) day the entity has articles on (the (entity, day) primary key)."""
    row = driver.run(
        conn,
        "SELECT min(day), max(day) FROM entity_days WHERE entity_id = :e",
        {"e": entity_id},
    ).first()
    return (row[0], row[1]) if row else (None, None)


def source_total(conn: Connection, source_id: int) -> int:
    return (
        driver.run(
            conn, ("SELECT sum(articles) FROM day_totals WHERE source_id = :s"), {"s": source_id}
        ).scalar()
        or 0
    )
