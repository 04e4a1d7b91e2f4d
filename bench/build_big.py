"""Bulk-load the generator's corpus into a marsad SQLite database, for the web benchmark.

Running 1,000,000 articles through the full NER pipeline takes hours on a laptop, so this
script writes the same tables the pipeline writes — articles, article_sources, mentions,
article_entities, articles_fts and the rollups — straight from the generator, whose
articles carry their true entity keys. Articles are cleaned with the pipeline's own
``clean_article``, hashed with its ``content_hash`` rule (exact copies from other sources
become ``article_sources`` rows), indexed with the same normalised title/body, and loaded
in publication order (as a crawler would meet them). Mentions are the true entities'
surface forms found in the text (name and aliases, after a clitic), so snippets highlight
as they do for pipeline-built databases.

    python bench/build_big.py --articles 1350000 --db /tmp/marsad-big/marsad.db

``--articles`` is how many the generator writes; about a quarter are exact copies from
another source (stored once, with every source), so 1,350,000 give ~1,000,000 stored.

Keep the database out of the repository (it is ~2.5 GB at 1M articles).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import re
import sqlite3
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import marsad.extract.boilerplate as boilerplate
import marsad.pipeline as pipeline
from marsad.arabic.normalise import normalise
from marsad.entities.kb import load_kb
from marsad.generate.corpus import entities, generate, kb_records, sources
from marsad.models import Article, Source
from marsad.store import rollups
from marsad.store.database import Store

# The cleaning functions are pure: memoise them per paragraph (the corpus repeats its
# sentences a lot), which makes the pipeline's own cleaning fast enough for a million.
_family = functools.lru_cache(maxsize=200_000)(boilerplate.boilerplate_family)
boilerplate.boilerplate_family = lambda paragraph, families=None: _family(paragraph)
pipeline.split_dateline = functools.lru_cache(maxsize=200_000)(pipeline.split_dateline)
_norm = functools.lru_cache(maxsize=400_000)(normalise)


def norm_text(text: str) -> str:
    """``normalise(text)`` computed per line (identical: line breaks are separators)."""
    return " ".join(n for n in (_norm(p) for p in text.split("\n")) if n)


def surface_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex for every entity name and alias, after an optional clitic."""
    by_surface: dict[str, str] = {}
    for key, ent in entities().items():
        for name in [ent["name"], *ent["aliases"]]:
            by_surface.setdefault(name, key)
            if name.startswith("ال"):
                by_surface.setdefault("ل" + name[2:], key)  # ل + الأمم → للأمم
    names = sorted(by_surface, key=len, reverse=True)
    alt = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<!\w)(?:[وبلفك]|ول|وب)?(?P<name>{alt})(?!\w)"), by_surface


def build(
    n: int,
    db: Path,
    end: date,
    seed: int,
    tz: str = "Asia/Damascus",
    batch: int = 20_000,
    verify: bool = False,
    days: int = 42,
) -> None:
    zone = ZoneInfo(tz)
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store(f"sqlite:///{db}")
    load_kb(store, kb_records())
    ids = {key: store.entity_by_kb_id(f"sample:{key}") for key in entities()}
    srcs = {
        slug: (store.source_id(Source(slug, s["name"], s["url"], s["country"])), s)
        for slug, s in sources().items()
    }
    store.close()
    pattern, by_surface = surface_pattern()

    t0 = time.time()
    corpus = sorted(generate(n, seed=seed, end=end, days=days), key=lambda g: g.published)
    print(f"generated {len(corpus):,} articles in {time.time() - t0:.0f} s", flush=True)

    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-400000")
    seen: dict[str, int] = {}
    next_id = 1
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    stored = copies = mention_count = 0
    # rollups, counted here (the SQL rebuild's self-join is slow at this size); stories are
    # articles here, as every bulk-loaded article is its own story (as the pipeline does
    # without near-duplicate grouping)
    day_totals: Counter[tuple[int, str]] = Counter()
    entity_days: Counter[tuple[int, str]] = Counter()
    entity_source_days: Counter[tuple[int, int, str]] = Counter()
    pair_days: Counter[tuple[int, int, str]] = Counter()
    rows_a, rows_as, rows_m, rows_ae, rows_fts = [], [], [], [], []

    def flush() -> None:
        con.executemany(
            "INSERT INTO articles (id, content_hash, story_id, source_id, url, title, text, "
            "published, day, place, agency, author, ingested_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows_a,
        )
        con.executemany(
            "INSERT OR IGNORE INTO article_sources (article_id, source_id, url) VALUES (?,?,?)",
            rows_as,
        )
        con.executemany(
            'INSERT INTO mentions (article_id, entity_id, start, "end", surface) '
            "VALUES (?,?,?,?,?)",
            rows_m,
        )
        con.executemany(
            "INSERT INTO article_entities (entity_id, article_id, day, source_id, mentions, "
            "first_start, first_end) VALUES (?,?,?,?,?,?,?)",
            rows_ae,
        )
        con.executemany("INSERT INTO articles_fts (rowid, title, body) VALUES (?,?,?)", rows_fts)
        con.commit()
        for rows in (rows_a, rows_as, rows_m, rows_ae, rows_fts):
            rows.clear()

    t1 = time.time()
    for g in corpus:
        source_id, s = srcs[g.source]
        article = pipeline.clean_article(
            Article(
                title=g.title,
                text=g.text,
                source=Source(g.source, s["name"], s["url"], s["country"]),
                url=g.url,
                published=g.published,
            )
        )
        title_norm, body_norm = _norm(article.title), norm_text(article.text)
        digest = hashlib.sha1((title_norm + "\n" + body_norm).encode("utf-8")).hexdigest()
        if digest in seen:  # an exact copy: one more source for the stored article
            rows_as.append((seen[digest], source_id, g.url))
            copies += 1
            continue
        aid = seen[digest] = next_id
        next_id += 1
        day = g.published.astimezone(zone).date().isoformat()  # as the pipeline: local day
        published = g.published.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        rows_a.append(
            (aid, digest, aid, source_id, g.url, article.title, article.text, published, day)
            + (article.place, article.agency, article.author, now)
        )
        rows_as.append((aid, source_id, g.url))
        rows_fts.append((aid, title_norm, body_norm))
        content = f"{article.title}\n{article.text}"
        truth = {ids[k] for k in g.truth}
        per_entity: dict[int, list[tuple[int, int]]] = {}
        for m in pattern.finditer(content):
            eid = ids[by_surface[m["name"]]]
            if eid in truth:
                start, stop = m.start("name"), m.end("name")
                rows_m.append((aid, eid, start, stop, m["name"]))
                per_entity.setdefault(eid, []).append((start, stop))
        mention_count += sum(len(v) for v in per_entity.values())
        body_start = len(article.title) + 1
        day_totals[(0, day)] += 1
        day_totals[(source_id, day)] += 1
        ordered = sorted(truth)
        for eid in ordered:
            entity_days[(eid, day)] += 1
            entity_source_days[(eid, source_id, day)] += 1
            for other in ordered:
                if other != eid:
                    pair_days[(eid, other, day)] += 1
        for eid in truth:
            spans = per_entity.get(eid) or [(0, 0)]
            first = min((x for x in spans if x[0] >= body_start), default=spans[0])
            rows_ae.append((eid, aid, day, source_id, len(spans), first[0], first[1]))
        stored += 1
        if stored % batch == 0:
            flush()
            rate = stored / (time.time() - t1)
            print(f"  {stored:,} stored ({rate:,.0f}/s)", flush=True)
    flush()
    print(
        f"stored {stored:,} articles, {copies:,} exact copies, {mention_count:,} mentions "
        f"in {time.time() - t1:.0f} s",
        flush=True,
    )
    t2 = time.time()
    con.execute("DELETE FROM day_totals")
    for table in ("entity_days", "entity_totals", "entity_source_days", "pair_days"):
        con.execute(f"DELETE FROM {table}")
    con.executemany(
        "INSERT INTO day_totals (source_id, day, articles, stories) VALUES (?,?,?,?)",
        [(src, d, n, n if src == 0 else 0) for (src, d), n in day_totals.items()],
    )
    con.executemany(
        "INSERT INTO entity_days (entity_id, day, articles, stories) VALUES (?,?,?,?)",
        [(e, d, n, n) for (e, d), n in entity_days.items()],
    )
    con.execute(  # as rollups.fill_totals: the sum of each entity's days
        "INSERT INTO entity_totals (entity_id, articles) "
        "SELECT entity_id, sum(articles) FROM entity_days GROUP BY entity_id"
    )
    con.executemany(
        "INSERT INTO entity_source_days (entity_id, source_id, day, articles) VALUES (?,?,?,?)",
        [(*k, n) for k, n in entity_source_days.items()],
    )
    con.executemany(
        "INSERT INTO pair_days (entity_id, other_id, day, articles) VALUES (?,?,?,?)",
        [(*k, n) for k, n in pair_days.items()],
    )
    con.commit()
    con.execute("ANALYZE")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    store = Store(f"sqlite:///{db}")
    print(f"rollups and ANALYZE in {time.time() - t2:.0f} s; {store.stats()}", flush=True)
    if verify:
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
        print("rollups equal a full rebuild:", before == after, flush=True)
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path, default=Path("/tmp/marsad-big/marsad.db"))
    ap.add_argument("--end", type=date.fromisoformat, default=date(2026, 11, 20))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--timezone", default="Asia/Damascus", help="MARSAD_TIMEZONE of the server")
    ap.add_argument("--verify", action="store_true", help="compare the rollups to a rebuild")
    ap.add_argument("--days", type=int, default=42, help="days the corpus spans, ending --end")
    args = ap.parse_args()
    build(
        args.articles,
        args.db,
        args.end,
        args.seed,
        args.timezone,
        verify=args.verify,
        days=args.days,
    )


if __name__ == "__main__":
    main()
