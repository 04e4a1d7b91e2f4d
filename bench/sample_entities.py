"""A random sample of entities to read by hand (issue #15, docs/entities.md).

    PYTHONPATH=src python bench/sample_entities.py --db DATA_DIR [--n 100] [--seed 15] \
        [--min-articles 3] [--contexts 3] [--top 200]

Prints, for ``--n`` entities drawn with ``--seed`` among those with at least
``--min-articles`` articles: name, type, articles, other names, and a few mentions in
context (different articles), so a reader can judge whether the entity is one real thing,
named and typed right. ``--top N`` lists the N most covered entities instead (to look for
duplicates among them).
"""

from __future__ import annotations

import argparse
import random

from sqlalchemy import text

from marsad.config import load_settings
from marsad.store.database import Store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--min-articles", type=int, default=3)
    ap.add_argument("--contexts", type=int, default=3)
    ap.add_argument("--top", type=int, default=0)
    args = ap.parse_args()
    store = Store(load_settings({"MARSAD_DATA_DIR": args.db}).database_url)
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT e.id, e.name, e.type, t.articles FROM entities e "
                "JOIN entity_totals t ON t.entity_id = e.id "
                "WHERE e.merged_into IS NULL AND t.articles >= :n ORDER BY e.id"
            ),
            {"n": args.min_articles},
        ).all()
        if args.top:
            for k, (_, name, etype, n) in enumerate(
                sorted(rows, key=lambda r: -r[3])[: args.top], 1
            ):
                print(f"{k}\t{name}\t{etype}\t{n}")
            return
        picked = random.Random(args.seed).sample(rows, min(args.n, len(rows)))
        print(f"{len(rows)} entities with ≥ {args.min_articles} articles; seed {args.seed}")
        for k, (eid, name, etype, n) in enumerate(picked, 1):
            aliases = [
                r[0]
                for r in conn.execute(
                    text("SELECT alias FROM aliases WHERE entity_id = :e"), {"e": eid}
                )
                if r[0] != name
            ]
            print(
                f"\n{k}. {name} [{etype}] {n} articles (id {eid}); also: {' | '.join(aliases[:6])}"
            )
            seen = conn.execute(
                text(
                    'SELECT a.title, a.text, m.start, m."end" FROM article_entities ae '
                    "JOIN articles a ON a.id = ae.article_id "
                    "JOIN mentions m ON m.article_id = ae.article_id AND m.entity_id = ae.entity_id "
                    "AND m.start = ae.first_start WHERE ae.entity_id = :e "
                    "ORDER BY ae.article_id LIMIT :k"
                ),
                {"e": eid, "k": args.contexts},
            ).all()
            for title, body, start, end in seen:
                content = f"{title}\n{body}"
                left = content[max(0, start - 70) : start].replace("\n", " ")
                right = content[end : end + 70].replace("\n", " ")
                print(f"   …{left}[{content[start:end]}]{right}…")


if __name__ == "__main__":
    main()
