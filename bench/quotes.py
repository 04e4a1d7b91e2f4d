"""Quotes (who said what) on real news: how many, how fast, and a sample to read by hand.

    MARSAD_SHARED_DATA=/work/shared/data PYTHONPATH=src python bench/quotes.py [--every 50] [--articles 250] [--sample 40] [--seed 21]

Every ``--every``-th article of the ANT corpus ($MARSAD_SHARED_DATA/news/...) goes through
the real pipeline (shipped recogniser, no knowledge base) into a temporary SQLite file;
prints the number of quotes, the finder's own time per article, and a random sample of
(speaker, words) to judge by hand — there is no gold set, so precision is read, not computed
(docs/entities.md#quotes).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import tempfile
import time
from pathlib import Path

import marsad.pipeline as pipeline_module
from marsad.config import load_settings, shared_data_dir
from marsad.entities import quotes as quote_finder
from marsad.models import Article, Source
from marsad.store.database import Store


def ant_articles(path: Path, every: int, limit: int) -> list[Article]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i % every == every // 7:
                row = json.loads(line)
                source = Source(slug=row["src"].lower(), name=row["src"])
                out.append(Article(title=row["title"], text=row["text"], source=source))
                if len(out) >= limit:
                    break
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="shared data folder")
    parser.add_argument("--every", type=int, default=50)
    parser.add_argument("--articles", type=int, default=250)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()
    corpus = (args.data or shared_data_dir()) / "news" / "ant-multisource-v2.1.jsonl.gz"
    if not corpus.exists():
        print(f"{corpus} absent: nothing to measure")
        return 1
    articles = ant_articles(corpus, args.every, args.articles)
    spent = 0.0
    finder = quote_finder.find_quotes

    def timed(*a, **k):  # the finder's own CPU time, inside the real pipeline
        nonlocal spent
        t0 = time.process_time()
        found = finder(*a, **k)
        spent += time.process_time() - t0
        return found

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({"MARSAD_DATA_DIR": tmp})
        store = Store(settings.database_url)
        pipeline_module.find_quotes = timed
        pipeline_module.Pipeline(store, settings).ingest(articles)
        with store.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT e.name, q.text FROM quotes q JOIN entities e ON e.id = q.entity_id"
            ).all()
        store.close()
    print(
        f"{len(articles)} ANT articles → {len(rows)} quotes; finder {1000 * spent / len(articles):.2f} ms/article"
    )
    for name, text in random.Random(args.seed).sample(rows, min(args.sample, len(rows))):
        print(f"  {name}: «{text[:110]}»")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
