"""Build a large marsad database shaped like real news, by replaying ingested ANT articles.

The web benchmark's generator corpus has 42 entities; real news has a vocabulary that keeps
growing. This script starts from a database that ``marsad ingest`` built from the ANT corpus
(30,161 real articles through the whole pipeline) and replays its articles until the wanted
size, writing the pipeline's own tables directly:

* every replay moves the articles to other days (the ANT days, in order, laid on a span of
  ``--years``, each replay shifted and wrapped round, so every day carries about the same
  number of articles), and gives each article a source drawn from ``--sources`` sources with
  Zipf(1) volumes; article ids follow publication order, as a crawler's would;
* the long tail grows as real vocabularies do: the number of distinct entities after n
  articles is fitted on ANT (Heaps' law, E(n) = E(N)·(n/N)^β, β fitted by least squares on the
  ANT articles in ingest order), and each replay renames as many of its rarest entities as
  the fit adds — a new entity with a new, length-preserving name (a letter substitution per
  replay), its aliases, and the article text, search index and mention surfaces rewritten to
  match; the other entities are the same entities again, so the head grows linearly, pairs
  of related entities recur and most pairs stay single;
* mentions, article_entities, quotes, MinHash signatures and stories are the ANT rows with
  ids moved (aliases and quotes in the same proportions per article); the rollups are
  computed as ``store/rollups.rebuild`` computes them (``--verify`` compares them with it).

    python bench/build_real.py --ant-db /tmp/antall/marsad.db --articles 100000 \
        --db /tmp/marsad-real100k/marsad.db --verify

It prints the fit, the build time, each table's rows, the file size, and the distributions
(entities per article, articles per entity at p50/p90/p99/p99.9, pair rows per article)
of the source database beside the built one.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import sqlite3
import time
from bisect import bisect
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, permutations
from pathlib import Path

from marsad.arabic.normalise import normalise
from marsad.store import rollups
from marsad.store.database import Store, slugify

# Letters a replay substitutes among (none is folded by ``normalise``, so a renamed name's
# normalised form is the substitution of the normalised form); ا ل و ي ه keep names' shape.
LETTERS = "بتثجحخدذرزسشصضطظعغفقكمن"
TABLES = (
    "articles",
    "article_sources",
    "entities",
    "aliases",
    "mentions",
    "article_entities",
    "quotes",
    "article_signatures",
    "entity_days",
    "entity_totals",
    "entity_source_days",
    "pair_days",
    "day_totals",
    "sources",
)


def heaps_fit(con: sqlite3.Connection) -> tuple[float, int, int]:
    """(β, entities, articles) of E(n) ∝ n^β: distinct entities in the first n articles."""
    first = [
        r[0]
        for r in con.execute(
            "SELECT min(ae.article_id) FROM article_entities ae "
            "JOIN entities e ON e.id = ae.entity_id WHERE e.merged_into IS NULL "
            "GROUP BY ae.entity_id ORDER BY 1"
        )
    ]
    ids = [r[0] for r in con.execute("SELECT id FROM articles ORDER BY id")]
    n_total = len(ids)
    xs, ys = [], []
    j = 0
    for step in range(1, 31):
        n = n_total * step // 30
        if n < 1:
            continue
        bound = ids[n - 1]
        while j < len(first) and first[j] <= bound:
            j += 1
        if n >= min(500, n_total // 3) and j:
            xs.append(math.log(n))
            ys.append(math.log(j))
    if len(set(xs)) < 2:  # too few articles to fit: a new name per article's share
        return 1.0, len(first), n_total
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    beta = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    return beta, len(first), n_total


def zipf_exponent(counts: list[int]) -> float:
    """Discrete power-law exponent α of P(k) ∝ k^-α, maximum likelihood with k_min = 1
    (Clauset, Shalizi & Newman 2009, eq. 3.7)."""
    return 1 + len(counts) / sum(math.log(k / 0.5) for k in counts)


def distributions(con: sqlite3.Connection) -> dict[str, object]:
    """The shape figures docs/bench-web.md shows side by side."""
    arts = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    per_article = sorted(
        r[0] for r in con.execute("SELECT count(*) FROM article_entities GROUP BY article_id")
    )
    per_article += [0] * (arts - len(per_article))
    per_article.sort()
    counts = sorted(r[0] for r in con.execute("SELECT articles FROM entity_totals"))

    def pct(values: list[int], p: float) -> int:
        return values[min(len(values) - 1, int(p / 100 * len(values)))]

    pairs = con.execute("SELECT count(*) FROM pair_days").fetchone()[0]
    return {
        "articles": arts,
        "entities with articles": len(counts),
        "seen once": sum(1 for c in counts if c == 1),
        "entities/article mean": round(sum(per_article) / arts, 2),
        "entities/article p50/p90/p99": tuple(pct(per_article, p) for p in (50, 90, 99)),
        "articles/entity p50/p90/p99/p99.9": tuple(pct(counts, p) for p in (50, 90, 99, 99.9)),
        "articles/entity max": counts[-1],
        "zipf alpha": round(zipf_exponent(counts), 3),
        "pair rows": pairs,
        "pair rows/article": round(pairs / arts, 1),
        "pairs seen once (share of pair keys)": round(
            con.execute(
                "SELECT avg(n = 1) FROM (SELECT sum(articles) n FROM pair_days "
                "GROUP BY entity_id, other_id)"
            ).fetchone()[0],
            3,
        ),
        "aliases/entity": round(
            con.execute("SELECT count(*) FROM aliases").fetchone()[0]
            / con.execute("SELECT count(*) FROM entities").fetchone()[0],
            3,
        ),
        "quotes/article": round(con.execute("SELECT count(*) FROM quotes").fetchone()[0] / arts, 3),
        "mentions/article": round(
            con.execute("SELECT count(*) FROM mentions").fetchone()[0] / arts, 2
        ),
        "days": con.execute("SELECT count(*) FROM day_totals WHERE source_id = 0").fetchone()[0],
        "sources": con.execute("SELECT count(DISTINCT source_id) FROM articles").fetchone()[0],
    }


def build(
    ant: Path,
    n: int,
    db: Path,
    *,
    sources: int,
    years: float,
    end: date,
    seed: int,
    verify: bool,
) -> None:
    t0 = time.time()
    src = sqlite3.connect(f"file:{ant}?mode=ro", uri=True)
    beta, e_ant, n_ant = heaps_fit(src)
    print(f"Heaps fit on ANT: E(n) = {e_ant:,}·(n/{n_ant:,})^{beta:.3f}", flush=True)
    totals = dict(src.execute("SELECT entity_id, articles FROM entity_totals"))

    # ---- the ANT rows, per article ----
    art_cols = "id, content_hash, story_id, source_id, url, title, text, published, day"
    articles = src.execute(f"SELECT {art_cols}, place, agency, author FROM articles ORDER BY id")
    articles = articles.fetchall()
    fts = dict(
        (r[0], (r[1], r[2])) for r in src.execute("SELECT id, c0, c1 FROM articles_fts_content")
    )
    mentions: dict[int, list[tuple]] = defaultdict(list)
    for r in src.execute(
        'SELECT article_id, entity_id, start, "end", surface, type FROM mentions ORDER BY id'
    ):
        mentions[r[0]].append(r[1:])
    ae: dict[int, list[tuple]] = defaultdict(list)
    for r in src.execute(
        "SELECT article_id, entity_id, mentions, first_start, first_end FROM article_entities"
    ):
        ae[r[0]].append(r[1:])
    quotes: dict[int, list[tuple]] = defaultdict(list)
    for r in src.execute(
        'SELECT article_id, entity_id, speaker_start, start, "end", text FROM quotes ORDER BY id'
    ):
        quotes[r[0]].append(r[1:])
    sigs = dict(src.execute("SELECT article_id, signature FROM article_signatures"))
    extra_sources = Counter(
        r[0]
        for r in src.execute(
            "SELECT s.article_id FROM article_sources s JOIN articles a ON a.id = s.article_id "
            "WHERE s.source_id != a.source_id"
        )
    )
    entities = {r[0]: r[1:] for r in src.execute("SELECT id, name, type FROM entities")}
    alias_rows: dict[int, list[str]] = defaultdict(list)
    for eid, alias in src.execute("SELECT entity_id, alias FROM aliases ORDER BY id"):
        alias_rows[eid].append(alias)
    merged = {r[0] for r in src.execute("SELECT id FROM entities WHERE merged_into IS NOT NULL")}

    # ---- replays: days, sources, renamed entities ----
    rng = random.Random(seed)
    ant_days = sorted({a[8] for a in articles})
    span = max(int(years * 365.25), len(ant_days))
    replays = -(-n // n_ant)
    shift = span / replays  # wrapped round: every day is covered by as many replays
    first_day = end - timedelta(days=span - 1)
    day_index = {d: i for i, d in enumerate(ant_days)}
    weights = list(accumulate(1 / rank for rank in range(1, sources + 1)))

    def expected(k: int) -> float:
        return e_ant * (k / n_ant) ** beta

    rare_first = sorted(
        (e for e in totals if e not in merged),
        key=lambda e: (totals[e], hashlib.sha1(f"{seed}:{e}".encode()).digest()),
    )
    next_entity = max(entities) + 1
    new_entities: list[tuple] = []
    new_aliases: list[tuple] = []
    slugs = {r[0] for r in src.execute("SELECT slug FROM entities")}
    slugs |= {r[0] for r in src.execute("SELECT slug FROM slug_redirects")}
    plan = []  # (replay, ANT article, new day, published, source, renames, cipher)
    for r in range(replays):
        count = min(n_ant, n - r * n_ant)
        chosen = articles[:count]
        present = {e for a in chosen for e, *_ in ae.get(a[0], ())}
        renames: dict[int, int] = {}
        table = {}
        if r:
            want = round(expected(r * n_ant + count) - expected(r * n_ant))
            letters = list(LETTERS)
            rng.shuffle(letters)
            table = str.maketrans(LETTERS, "".join(letters))
            for e in rare_first:
                if len(renames) >= want:
                    break
                if e not in present:
                    continue
                renames[e] = next_entity
                name, etype = entities[e]
                new_name = name.translate(table)
                slug = slugify(new_name)
                while slug in slugs:
                    slug += f"-{r}"
                slugs.add(slug)
                new_entities.append((next_entity, slug, new_name, etype))
                for alias in alias_rows[e]:
                    alias = alias.translate(table)
                    new_aliases.append((next_entity, alias, normalise(alias)))
                next_entity += 1
        offset = round(r * shift)
        for a in chosen:
            new_index = (day_index[a[8]] + offset) % span
            new_day = first_day + timedelta(days=new_index)
            delta = new_day - date.fromisoformat(a[8])
            published = datetime.fromisoformat(a[7]) + delta
            source = bisect(weights, rng.random() * weights[-1]) + 1
            plan.append((new_day.isoformat(), published, r, a, source, renames, table))
        print(f"  replay {r}: {count:,} articles, {len(renames):,} new entities", flush=True)
    plan.sort(key=lambda p: (p[0], p[1], p[2], p[3][0]))
    new_id = {(p[2], p[3][0]): i for i, p in enumerate(plan, start=1)}
    print(
        f"planned {len(plan):,} articles over {span} days, {replays} replays, "
        f"{len(new_entities):,} new entities in {time.time() - t0:.0f} s",
        flush=True,
    )

    # ---- write ----
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    Store(f"sqlite:///{db}").close()  # the schema, through the migrations
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-2000000")
    con.execute(f"ATTACH 'file:{ant}?mode=ro' AS ant")
    con.execute("INSERT INTO sources SELECT * FROM ant.sources")
    first_new = con.execute("SELECT max(id) FROM sources").fetchone()[0] + 1
    con.executemany(
        "INSERT INTO sources (id, slug, name, url, country) VALUES (?,?,?,?,?)",
        [
            (i, f"source-{i:03d}", f"مصدر {i}", f"https://source-{i:03d}.example/", None)
            for i in range(first_new, sources + 1)
        ],
    )
    con.execute("INSERT INTO entities SELECT * FROM ant.entities")
    con.execute("INSERT INTO aliases SELECT * FROM ant.aliases")
    con.execute("INSERT INTO slug_redirects SELECT * FROM ant.slug_redirects")
    con.executemany("INSERT INTO entities (id, slug, name, type) VALUES (?,?,?,?)", new_entities)
    con.executemany("INSERT INTO aliases (entity_id, alias, norm) VALUES (?,?,?)", new_aliases)
    con.commit()
    del new_entities, new_aliases

    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    rows: dict[str, list[tuple]] = defaultdict(list)
    inserts = {
        "articles": "INSERT INTO articles (id, content_hash, story_id, source_id, url, title, "
        "text, published, day, place, agency, author, ingested_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        "article_sources": "INSERT INTO article_sources (article_id, source_id, url, "
        "published) VALUES (?,?,?,?)",
        "articles_fts": "INSERT INTO articles_fts (rowid, title, body) VALUES (?,?,?)",
        "mentions": 'INSERT INTO mentions (article_id, entity_id, start, "end", surface, type) '
        "VALUES (?,?,?,?,?,?)",
        "article_entities": "INSERT INTO article_entities (entity_id, article_id, day, "
        "source_id, mentions, first_start, first_end) VALUES (?,?,?,?,?,?,?)",
        "quotes": 'INSERT INTO quotes (article_id, entity_id, speaker_start, start, "end", '
        "text, day) VALUES (?,?,?,?,?,?,?)",
        "article_signatures": "INSERT INTO article_signatures (article_id, day, signature) "
        "VALUES (?,?,?)",
        "pair_stage": "INSERT INTO pair_stage VALUES (?,?,?,?)",
    }
    con.execute("CREATE TEMP TABLE pair_stage (e INTEGER, o INTEGER, d TEXT, n INTEGER)")
    # secondary indexes are made after the load (one sort each, not a million random inserts)
    loaded = [t for t in inserts if t not in ("pair_stage", "articles_fts")]
    loaded += ["entity_days", "entity_source_days", "pair_days"]
    indexes = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({','.join('?' * len(loaded))})",
        loaded,
    ).fetchall()
    for name, _ in indexes:
        con.execute(f"DROP INDEX {name}")

    def flush() -> None:
        for name, sql in inserts.items():
            con.executemany(sql, rows[name])
            rows[name].clear()
        con.commit()

    t1 = time.time()
    pairs: Counter[tuple[int, int]] = Counter()
    current_day = None
    for aid, (day, published, r, a, source, renames, table) in enumerate(plan, start=1):
        if day != current_day:
            if current_day is not None:
                rows["pair_stage"].extend((e, o, current_day, c) for (e, o), c in pairs.items())
            pairs.clear()
            current_day = day
        old = a[0]
        ms = mentions.get(old, [])
        title, text = a[5], a[6]
        fts_title, fts_body = fts[old]
        if renames and any(m[0] in renames for m in ms):
            content = list(f"{title}\n{text}")
            done = set()
            for e, start, stop, surface, _ in ms:
                if e in renames:
                    content[start:stop] = surface.translate(table)
                    if surface not in done:
                        done.add(surface)
                        norm = normalise(surface)
                        new_norm = norm.translate(table)
                        fts_title = fts_title.replace(norm, new_norm)
                        fts_body = fts_body.replace(norm, new_norm)
            title, text = "".join(content).split("\n", 1)
        digest = a[1] if r == 0 else hashlib.sha1(f"{a[1]}:{r}".encode()).hexdigest()
        url = a[4] if r == 0 or not a[4] else f"{a[4]}{'&' if '?' in a[4] else '?'}replay={r}"
        story = new_id.get((r, a[2]), aid)
        stamp = published.strftime("%Y-%m-%d %H:%M:%S.%f")
        rows["articles"].append(
            (aid, digest, story, source, url, title, text) + (stamp, day, a[9], a[10], a[11], now)
        )
        rows["article_sources"].append((aid, source, url, stamp))
        for _ in range(extra_sources.get(old, 0)):  # a verbatim copy (its own time unknown)
            other = source % sources + 1
            rows["article_sources"].append((aid, other, url, stamp))
        rows["articles_fts"].append((aid, fts_title, fts_body))
        for e, start, stop, surface, mtype in ms:
            if e in renames:
                rows["mentions"].append(
                    (aid, renames[e], start, stop, surface.translate(table), mtype)
                )
            else:
                rows["mentions"].append((aid, e, start, stop, surface, mtype))
        ents = []
        for e, count, first_start, first_end in ae.get(old, ()):
            e = renames.get(e, e)
            ents.append(e)
            rows["article_entities"].append((e, aid, day, source, count, first_start, first_end))
        for pair in permutations(ents, 2):
            pairs[pair] += 1
        for e, speaker, start, stop, words in quotes.get(old, ()):
            rows["quotes"].append((aid, renames.get(e, e), speaker, start, stop, words, day))
        if old in sigs:
            rows["article_signatures"].append((aid, day, sigs[old]))
        if aid % 20_000 == 0:
            flush()
            print(f"  {aid:,} articles ({aid / (time.time() - t1):,.0f}/s)", flush=True)
    rows["pair_stage"].extend((e, o, current_day, c) for (e, o), c in pairs.items())
    flush()
    print(f"articles written in {time.time() - t1:.0f} s", flush=True)

    t2 = time.time()
    con.execute(
        "INSERT INTO pair_days (entity_id, other_id, day, articles) "
        "SELECT e, o, d, n FROM pair_stage ORDER BY e, o, d"
    )
    con.execute("DROP TABLE pair_stage")
    for sql in _rollup_sql():
        con.execute(sql)
    con.execute(
        "INSERT INTO meta (key, value) VALUES ('settled_through_article', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(len(plan)),),
    )
    con.commit()
    print(f"rollups in {time.time() - t2:.0f} s", flush=True)
    t2 = time.time()
    for _, sql in indexes:
        con.execute(sql)
    con.commit()
    print(f"indexes in {time.time() - t2:.0f} s", flush=True)
    t3 = time.time()
    con.execute("DETACH ant")
    con.execute("ANALYZE main")
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    print(f"ANALYZE in {time.time() - t3:.0f} s; build {time.time() - t0:.0f} s", flush=True)
    report(db, src)
    if verify:
        verify_rollups(db)


def _rollup_sql() -> list[str]:
    """``rollups.rebuild``'s statements but pair_days (written above, from the same rows)."""
    return [
        "INSERT INTO day_totals (source_id, day, articles, stories) "
        "SELECT 0, day, count(*), count(DISTINCT story_id) FROM articles "
        "WHERE day IS NOT NULL GROUP BY day",
        "INSERT INTO day_totals (source_id, day, articles, stories) "
        "SELECT source_id, day, count(*), 0 FROM articles "
        "WHERE day IS NOT NULL GROUP BY source_id, day",
        "INSERT INTO entity_days (entity_id, day, articles, stories) "
        "SELECT ae.entity_id, ae.day, count(*), count(DISTINCT a.story_id) "
        "FROM article_entities ae JOIN articles a ON a.id = ae.article_id "
        "WHERE ae.day IS NOT NULL GROUP BY ae.entity_id, ae.day",
        "INSERT INTO entity_totals (entity_id, articles) SELECT entity_id, sum(articles) "
        "FROM entity_days GROUP BY entity_id",
        "INSERT INTO entity_source_days (entity_id, source_id, day, articles) "
        "SELECT entity_id, source_id, day, count(*) FROM article_entities "
        "WHERE day IS NOT NULL GROUP BY entity_id, source_id, day",
    ]


def report(db: Path, src: sqlite3.Connection) -> None:
    con = sqlite3.connect(db)
    print(f"size on disk: {db.stat().st_size / 1e9:.2f} GB")
    for table in TABLES:
        print(f"  {table:<20} {con.execute(f'SELECT count(*) FROM {table}').fetchone()[0]:>13,}")
    real, built = distributions(src), distributions(con)
    print(f"{'':<40} {'ANT (pipeline)':>22} {'built':>22}")
    for key in real:
        print(f"{key:<40} {real[key]!s:>22} {built[key]!s:>22}")
    con.close()


def verify_rollups(db: Path) -> None:
    store = Store(f"sqlite:///{db}")
    with store.engine.connect() as conn:
        before = {
            t: sorted(conn.exec_driver_sql(f"SELECT * FROM {t}").all()) for t in rollups.TABLES
        }
    with store.engine.begin() as conn:
        rollups.rebuild(conn)
    with store.engine.connect() as conn:
        after = {
            t: sorted(conn.exec_driver_sql(f"SELECT * FROM {t}").all()) for t in rollups.TABLES
        }
    store.close()
    print("rollups equal rollups.rebuild:", before == after, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ant-db", type=Path, default=Path("/tmp/antall/marsad.db"))
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=Path("/tmp/marsad-real100k/marsad.db"))
    ap.add_argument("--sources", type=int, default=330)
    ap.add_argument("--years", type=float, default=3.5)
    ap.add_argument("--end", type=date.fromisoformat, default=date(2026, 11, 30))
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--verify", action="store_true", help="compare the rollups to a rebuild")
    ap.add_argument(
        "--report-only", action="store_true", help="only report (and --verify) an existing --db"
    )
    args = ap.parse_args()
    if args.report_only:
        report(args.db, sqlite3.connect(f"file:{args.ant_db}?mode=ro", uri=True))
        if args.verify:
            verify_rollups(args.db)
        return
    build(
        args.ant_db,
        args.articles,
        args.db,
        sources=args.sources,
        years=args.years,
        end=args.end,
        seed=args.seed,
        verify=args.verify,
    )


if __name__ == "__main__":
    main()
