"""Article lists and entity look-ups for the pages, written to stay fast on millions of rows.

* entity news lists walk the (entity, day) index newest day first;
* search runs the full-text index (SQLite FTS5, PostgreSQL ``article_search``) with every
  query word expanded to its clitic forms (و ف ب ل ك, وال بال لل …), optional filters
  (source, day range, entity), newest published first (above ``SORT_BY_DATE_UP_TO`` hits:
  most recently stored first, the index's own order), and counts at most ``COUNT_CAP``;
* autocomplete matches the start of any alias or of any word in it, after the same
  normalisation as the text, also with a leading clitic removed (ولافروف → لافروف).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from marsad.arabic.normalise import strip_clitics
from marsad.store import driver, rollups, source_totals, window_totals, word_starts
from marsad.store.driver import run

Row = dict[str, Any]
COUNT_CAP = 10_000  # search totals above this are shown as "more than 10,000"
FILTERED_COUNT_CAP = 1_000  # with filters each hit costs a row read: count fewer
SORT_BY_DATE_UP_TO = 5_000  # up to this many hits are sorted by publication date
_CLITIC_FORMS = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل")
_ARTICLE_COLUMNS = (
    "a.id, a.title, a.text, a.url, a.published, a.day, a.place, a.agency, a.story_id, "
    "s.name AS source_name, s.slug AS source_slug"
)


@dataclass(frozen=True)
class SearchFilters:
    source_id: int | None = None
    start: str | None = None  # YYYY-MM-DD, inclusive
    end: str | None = None
    entity_id: int | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.source_id, self.start, self.end, self.entity_id))


def _days(column: str, start: str | None, end: str | None) -> str:
    """`` AND column BETWEEN :a AND :b`` (either end optional) for a period's day bounds."""
    return (f" AND {column} >= :a" if start else "") + (f" AND {column} <= :b" if end else "")


def entity_articles(
    conn: Connection,
    entity_id: int,
    limit: int,
    offset: int,
    start: str | None = None,
    end: str | None = None,
) -> list[Row]:
    """Articles naming the entity (on days in [start, end] when given), newest day first,
    then most recently stored first.

    Walks the (entity, day, article) index: no sort, whatever the entity's size. Articles
    without a day (databases from before migration 19) come last.
    """
    return driver.dicts(
        run(
            conn,
            (
                f"SELECT {_ARTICLE_COLUMNS}, ae.first_start, ae.first_end "
                "FROM article_entities ae JOIN articles a ON a.id = ae.article_id "
                "JOIN sources s ON s.id = a.source_id WHERE ae.entity_id = :e"
                f"{_days('ae.day', start, end)} "
                "ORDER BY ae.day DESC, ae.article_id DESC LIMIT :n OFFSET :o"
            ),
            {"e": entity_id, "n": limit, "o": offset, "a": start, "b": end},
        )
    )


_QUOTE_COLUMNS = (
    "q.text, q.article_id, q.day, a.title, a.url, s.name AS source, s.slug AS source_slug, "
    "e.id AS entity_id, e.slug AS entity_slug, e.name AS entity_name, e.type AS entity_type "
    "FROM quotes q JOIN articles a ON a.id = q.article_id "
    "JOIN sources s ON s.id = a.source_id JOIN entities e ON e.id = q.entity_id"
)


def entity_quotes(
    conn: Connection,
    entity_id: int,
    limit: int,
    offset: int = 0,
    start: str | None = None,
    end: str | None = None,
) -> list[Row]:
    """What the entity said (``quotes``; on days in [start, end] when given), newest day
    first, with each quote's article."""
    sql = (
        f"SELECT {_QUOTE_COLUMNS} WHERE q.entity_id = :e{_days('q.day', start, end)} "
        "ORDER BY q.day DESC, q.article_id DESC, q.start LIMIT :n OFFSET :o"
    )
    return driver.dicts(
        run(conn, sql, {"e": entity_id, "n": limit, "o": offset, "a": start, "b": end})
    )


def article_quotes(conn: Connection, article_id: int) -> list[Row]:
    """The quotes of one article, in reading order, with their speakers."""
    sql = f"SELECT {_QUOTE_COLUMNS} WHERE q.article_id = :a ORDER BY q.start"
    return driver.dicts(run(conn, sql, {"a": article_id}))


def entity_quote_count(
    conn: Connection, entity_id: int, start: str | None = None, end: str | None = None
) -> int:
    sql = f"SELECT count(*) FROM quotes q WHERE q.entity_id = :e{_days('q.day', start, end)}"
    return run(conn, sql, {"e": entity_id, "a": start, "b": end}).scalar() or 0


def latest_quotes(
    conn: Connection, limit: int, start: str | None = None, end: str | None = None
) -> list[Row]:
    """The newest quotes of every speaker (the (day, article) index, newest first)."""
    sql = (
        f"SELECT {_QUOTE_COLUMNS} WHERE q.day IS NOT NULL{_days('q.day', start, end)} "
        "ORDER BY q.day DESC, q.article_id DESC LIMIT :n"
    )
    return driver.dicts(run(conn, sql, {"n": limit, "a": start, "b": end}))


def entity_article_count(conn: Connection, entity_id: int) -> int:
    """Articles ever naming the entity (dated ones from the rollup, undated counted)."""
    dated = rollups.entity_totals(conn, [entity_id]).get(entity_id, 0)
    undated = run(
        conn,
        ("SELECT count(*) FROM article_entities WHERE entity_id = :e AND day IS NULL"),
        {"e": entity_id},
    ).scalar()
    return dated + (undated or 0)


def latest_articles(
    conn: Connection,
    limit: int,
    offset: int = 0,
    source_id: int | None = None,
    start: str | None = None,
    end: str | None = None,
) -> list[Row]:
    """Newest articles overall or of one source (on days in [start, end] when given):
    newest day first, then most recently stored (the (day) and (source, day) indexes, no
    sort)."""
    where = "WHERE 1 = 1" + (" AND a.source_id = :src" if source_id is not None else "")
    return driver.dicts(
        run(
            conn,
            (
                f"SELECT {_ARTICLE_COLUMNS} FROM articles a "
                f"JOIN sources s ON s.id = a.source_id {where}{_days('a.day', start, end)} "
                "ORDER BY a.day DESC, a.id DESC LIMIT :n OFFSET :o"
            ),
            {"n": limit, "o": offset, "src": source_id, "a": start, "b": end},
        )
    )


def source_article_count(conn: Connection, source_id: int) -> int:
    """Articles first published by the source (dated ones from the rollup)."""
    dated = run(
        conn, "SELECT sum(articles) FROM day_totals WHERE source_id = :s", {"s": source_id}
    ).scalar()
    undated = run(
        conn,
        "SELECT count(*) FROM articles WHERE source_id = :s AND day IS NULL",
        {"s": source_id},
    ).scalar()
    return (dated or 0) + (undated or 0)


def source_period_count(conn: Connection, source_id: int, start: str, end: str) -> int:
    """Articles first published by the source on days in [start, end] (the rollup)."""
    sql = "SELECT sum(articles) FROM day_totals WHERE source_id = :s AND day BETWEEN :a AND :b"
    return run(conn, sql, {"s": source_id, "a": start, "b": end}).scalar() or 0


def source_counts(conn: Connection, start: str, end: str, *, whole: bool = False) -> list[Row]:
    """Every source with its articles in [start, end] (first source of each article);
    ``whole``: [start, end] holds every day (SQLite reads the kept totals)."""
    menu = source_totals.menu(conn) if whole else window_totals.source_counts(conn, start, end)
    if menu is not None:  # kept sums (SQLite): the whole time, or the default period
        return driver.dicts(menu)
    return driver.dicts(
        run(
            conn,
            (
                "SELECT s.slug, s.name, coalesce(sum(d.articles), 0) AS articles FROM sources s "
                "LEFT JOIN day_totals d ON d.source_id = s.id AND d.day BETWEEN :a AND :b "
                "GROUP BY s.id, s.slug, s.name ORDER BY articles DESC, s.name"
            ),
            {"a": start, "b": end},
        )
    )


# ---- search ------------------------------------------------------------------------------
def word_forms(word: str) -> list[str]:
    """A normalised query word and its forms with the clitics Arabic attaches to names."""
    bases = [word] + [w for w in strip_clitics(word)[1:] if len(w) >= 4]
    forms: list[str] = []
    for base in bases:
        forms.append(base)
        if base.startswith("ال"):
            forms += [c + base for c in ("و", "ف", "ب", "ك", "وب", "فب")]
            forms.append("لل" + base[2:])
            forms.append("ولل" + base[2:])
        else:
            forms += [c + base for c in _CLITIC_FORMS]
    return list(dict.fromkeys(f for f in forms if f))


def _alias_clause(conn: Connection, entity_id: int) -> str:
    """`` AND (name OR alias …)`` for an FTS query: articles naming the entity contain one
    of its names (or a clitic form); the exact entity check follows on the rows."""
    norms = [
        r[0] for r in run(conn, "SELECT norm FROM aliases WHERE entity_id = :e", {"e": entity_id})
    ]
    terms = []
    for norm in norms:
        words = norm.split()
        if not words:
            continue
        if len(words) == 1:
            terms += ['"' + f.replace('"', "") + '"' for f in word_forms(words[0])]
        else:  # a phrase; its first word may carry a clitic
            rest = " ".join(w.replace('"', "") for w in words[1:])
            terms += [f'"{f.replace(chr(34), "")} {rest}"' for f in word_forms(words[0])]
    return f" AND ({' OR '.join(terms)})" if terms else ""


def _id_span(conn: Connection, start: str | None, end: str | None) -> tuple[int, int] | None:
    """The smallest and largest article id published in [start, end] (a bound for the
    full-text scan: ids grow with ingest time), or None when unbounded or too long."""
    if start is None and end is None:
        return None
    if start is None or end is None:
        bound = run(conn, "SELECT min(day), max(day) FROM articles").one()
        start, end = start or bound[0], end or bound[1]
        if start is None or end is None:
            return None
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    if (last - first).days > 400:
        return None
    days = (  # two index seeks per day on (day, id), in one statement
        "WITH RECURSIVE d(day) AS (SELECT :a UNION ALL "
        "SELECT date(day, '+1 day') FROM d WHERE day < :b) "
        "SELECT min((SELECT min(id) FROM articles a WHERE a.day = d.day)), "
        "max((SELECT max(id) FROM articles a WHERE a.day = d.day)) FROM d"
    )
    lo, hi = run(conn, days, {"a": first.isoformat(), "b": last.isoformat()}).one()
    return (lo, hi) if lo is not None else (0, -1)


def _fts_query(words: list[str]) -> str:
    groups = []
    for w in words:
        forms = " OR ".join('"' + f.replace('"', "") + '"' for f in word_forms(w))
        groups.append(f"({forms})")
    return " AND ".join(groups)


def search_clauses(
    conn: Connection, words: list[str], filters: SearchFilters
) -> tuple[str, str, list[str], dict[str, Any], str, str]:
    """The parts of a search statement: (hits FROM clause, full-text match, filter
    conditions on ``a`` (articles), parameters, the index's order column, the join of
    ``a`` to the hits) — shared by the search page and the uncapped export."""
    params: dict[str, Any] = {
        "s": filters.source_id,
        "a": filters.start,
        "b": filters.end,
        "e": filters.entity_id,
    }
    conds = []
    if filters.source_id is not None:
        conds.append("a.source_id = :s")
    if filters.start is not None:
        conds.append("a.day >= :a")
    if filters.end is not None:
        conds.append("a.day <= :b")
    if filters.entity_id is not None:
        conds.append(
            "EXISTS (SELECT 1 FROM article_entities ae "
            "WHERE ae.entity_id = :e AND ae.article_id = a.id)"
        )
    if conn.dialect.name == "sqlite":
        fts = _fts_query(words)
        if filters.entity_id is not None:  # narrow inside the index by the entity's names
            fts += _alias_clause(conn, filters.entity_id)
        params["m"] = fts
        hits = "SELECT f.rowid AS id FROM articles_fts f"
        match = "articles_fts MATCH :m"
        span = _id_span(conn, filters.start, filters.end)
        if span is not None:  # the days' article ids bound the index scan
            match += " AND f.rowid BETWEEN :lo AND :hi"
            params["lo"], params["hi"] = span
        order = "f.rowid"
        join_on = "a.id = f.rowid"
    else:
        params["m"] = " & ".join(
            "(" + " | ".join(f.replace("'", "") for f in word_forms(w)) + ")" for w in words
        )
        hits = "SELECT f.article_id AS id FROM article_search f"
        match = "f.doc @@ to_tsquery('simple', :m)"
        order = "f.article_id"
        join_on = "a.id = f.article_id"
    return hits, match, conds, params, order, join_on


def search(
    conn: Connection,
    query_norm: str,
    filters: SearchFilters,
    limit: int,
    offset: int,
) -> tuple[int, int, list[Row]]:
    """(hits, cap, one page of articles) for a normalised query.

    Hits are counted up to ``cap`` + 1 (COUNT_CAP, or FILTERED_COUNT_CAP with filters):
    more than ``cap`` means "more than ``cap``".
    """
    words = [w for w in query_norm.split() if w]
    if not words:
        return 0, COUNT_CAP, []
    hits, match, conds, params, order, join_on = search_clauses(conn, words, filters)
    articles = "articles a"
    if conn.dialect.name == "sqlite":  # SQLite would read whole rows by id: use the narrow index
        articles += " INDEXED BY ix_articles_meta"
    if conds:
        hits += f" JOIN {articles} ON {join_on}"
    where = " WHERE " + " AND ".join([match, *conds])
    page = {**params, "n": limit, "o": offset}
    newest_stored = f"{hits}{where} ORDER BY {order} DESC LIMIT :n OFFSET :o"
    if conds:  # each hit costs a row read: read them once, with their day
        cap = FILTERED_COUNT_CAP
        with_day = hits.replace(" AS id", " AS id, a.day")
        found = run(conn, f"{with_day}{where} LIMIT {cap + 1}", params).all()
        total = len(found)
        if total <= cap:  # newest published first (undated last), sorted here
            found.sort(key=lambda r: (r[1] or "", r[0]), reverse=True)
            ids = [r[0] for r in found[offset : offset + limit]]
        else:  # more than the cap: most recently stored first (the index order)
            ids = [r[0] for r in run(conn, newest_stored, page)]
    else:
        cap = COUNT_CAP
        count = f"SELECT count(*) FROM ({hits}{where} LIMIT {cap + 1}) AS capped"
        total = run(conn, count, params).scalar() or 0
        if total <= SORT_BY_DATE_UP_TO:  # newest published first
            by_day = f"{hits} JOIN {articles} ON {join_on}{where} ORDER BY a.day DESC, a.id DESC"
            ids = [r[0] for r in run(conn, f"{by_day} LIMIT :n OFFSET :o", page)]
        else:  # very common words: most recently stored first (the index order, no sort)
            ids = [r[0] for r in run(conn, newest_stored, page)]
    if not ids:
        return total, cap, []
    marks = ", ".join(str(int(i)) for i in ids)
    rows = driver.dicts(
        run(
            conn,
            (
                f"SELECT {_ARTICLE_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id "
                f"WHERE a.id IN ({marks})"
            ),
        )
    )
    rank = {i: n for n, i in enumerate(ids)}
    rows.sort(key=lambda r: rank[r["id"]])
    return total, cap, rows


# ---- autocomplete ------------------------------------------------------------------------
# matching aliases, the most covered entities first (so م still finds مصر among thousands)
_MOST = (
    "SELECT a.entity_id, a.id, {}, coalesce(t.articles, 0) AS articles FROM aliases a "
    "LEFT JOIN entity_totals t ON t.entity_id = a.entity_id "
    "WHERE {} ORDER BY articles DESC, a.id LIMIT 200"
)


def _matching(conn: Connection, p: str, word: int) -> list[Any]:
    """(entity id, alias id, word, articles ever) of the most covered aliases whose start
    (``word`` 0) or a later word's (1) begins with ``p``: SQLite reads ``alias_starts`` in
    the order of its key (store/word_starts.py); PostgreSQL the alias index, or scans the
    aliases."""
    if word_starts.available(conn):
        return word_starts.matching(conn, p, word)
    return matching_aliases(conn, p, word)


def matching_aliases(conn: Connection, p: str, word: int) -> list[Any]:
    """``_matching`` from the ``aliases`` table itself (PostgreSQL)."""
    if word == 0:  # the alias begins with the prefix: an index range
        where, params = "a.norm >= :p AND a.norm < :hi", {"p": p, "hi": p + "\U0010ffff"}
    else:  # a later word of the alias begins with it: a scan of the alias table
        where, params = "a.norm LIKE :w", {"w": "% " + p + "%"}
    return [tuple(r) for r in run(conn, _MOST.format(word, where), params)]


def autocomplete(conn: Connection, prefix_norm: str, limit: int = 8) -> list[Row]:
    """Entities whose alias (or a word of it) starts with the prefix, clitics tolerated.

    Ranked: the prefix as typed before the prefix with a clitic removed, then by articles
    ever (``ترامب`` suggests دونالد ترامب before a rare name that begins with ترامب), then
    alias starts before word starts. Entities with no article and no knowledge-base record
    are left out.
    """
    prefix_norm = " ".join(prefix_norm.split())
    if not prefix_norm:
        return []
    first, _, rest = prefix_norm.partition(" ")
    readings = strip_clitics(first)  # the word as typed first, then without a clitic
    best: dict[int, tuple[int, int]] = {}  # entity → its best (reading, word start)
    aliases: dict[int, list[int]] = {}  # entity → its aliases found with that best
    counts: dict[int, int] = {}  # entity → articles ever
    found: list[dict[str, Any]] = []
    for n, reading in enumerate(dict.fromkeys(readings)):
        p = (reading + " " + rest).strip()
        p = p.replace("%", "").replace("_", "")
        if not p:
            continue
        starts = _matching(conn, p, 0)
        # one letter begins a word of nearly every name: alias starts only
        inside = _matching(conn, p, 1) if len(p) >= 2 else []
        for eid, alias_id, word_start, articles in [*starts, *inside]:
            key = (n, word_start)
            counts[eid] = articles
            if eid not in best or key < best[eid]:
                best[eid], aliases[eid] = key, [alias_id]
            elif key == best[eid]:
                aliases[eid].append(alias_id)
        if best:
            found = _ranked(conn, best, counts, limit)
        if len(found) >= limit:  # a later reading ranks after every entity of this one
            break
    # the alias shown: the first, alphabetically, of those found with the entity's best
    # reading and kind, read for the suggestions only
    marks = ", ".join(str(int(a)) for r in found for a in aliases[r["id"]])
    texts = (
        dict(run(conn, f"SELECT id, alias FROM aliases WHERE id IN ({marks})").all())
        if marks
        else {}
    )
    return [
        dict(r, matched=min(texts[a] for a in aliases[r["id"]]), articles=counts[r["id"]])
        for r in found
    ]


def _ranked(
    conn: Connection, best: dict[int, tuple[int, int]], counts: dict[int, int], limit: int
) -> list[dict[str, Any]]:
    """The ``limit`` first of the candidates (entity → (reading, word start)) as entity
    rows (id, slug, name, type)."""

    def rank(e: int) -> tuple[int, int, int]:  # the order but for the name
        return best[e][0], -counts[e], best[e][1]

    # an entity no article names any more and no knowledge base vouches for (left behind by
    # a merge or ``marsad reprocess``) is not suggested; its page still answers
    known = (
        "SELECT id, slug, name, type FROM entities e WHERE id IN ({}) AND (kb_id IS NOT NULL "
        "OR EXISTS (SELECT 1 FROM article_entities ae WHERE ae.entity_id = e.id))"
    )
    # read in rank order, a chunk at a time, up to the ``limit``-th known entity and those
    # tied with it (the name decides among them): not the rows of hundreds of candidates
    ranked = sorted(best, key=rank)
    ents: dict[int, Row] = {}
    enough = max(limit, 1)
    done, chunk = 0, 2 * enough
    while done < len(ranked):
        marks = ", ".join(str(int(e)) for e in ranked[done : done + chunk])
        ents |= {r.id: dict(r._mapping) for r in run(conn, known.format(marks)).all()}
        done, chunk = done + chunk, 2 * chunk
        if len(ents) >= enough and done < len(ranked):
            last = sorted(map(rank, ents))[enough - 1]
            if rank(ranked[done]) > last:
                break
    order = sorted(ents, key=lambda e: (*rank(e), ents[e]["name"]))
    return [ents[e] for e in order[:limit]]
