"""Benchmark the shipped NER model: quality on ANERcorp test and Wojood, speed, size, memory.

    PYTHONPATH=src python bench/ner.py [--data /work/shared/data]

Runs on one core (CPU affinity pinned to core 0). Prints per-type P/R/F1 (CoNLL exact
span), micro F1, type confusions, the Wojood cross-corpus scores (exact and head-word
overlap), model load time, bundle size, tagging speed and peak resident memory.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import time
from pathlib import Path

from marsad.arabic.tokenise import WORDFREQ_PATH, tokenise
from marsad.config import shared_data_dir
from marsad.ner.crf import DEFAULT_MODEL, meta_path, timed_load
from marsad.ner.evaluate import confusion_table, score_file, score_wojood


def bundle_size(model: Path) -> int:
    meta = json.loads(meta_path(model).read_text(encoding="utf-8"))
    files = [model, meta_path(model), WORDFREQ_PATH]
    files += [
        model.parent / meta[k]
        for k in ("clusters_file", "gazetteer_file", "autogaz_file")
        if k in meta
    ]
    return sum(f.stat().st_size for f in files)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=shared_data_dir())
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    rec, load_s = timed_load(args.model)
    print(f"model load: {load_s:.3f} s (cold, incl. word counts and clusters)")
    print(f"model bundle size: {bundle_size(args.model) / 1e6:.1f} MB")

    test = args.data / "ner" / "anercorp" / "test.txt"
    c0, t0 = time.process_time(), time.perf_counter()
    exact, _ = score_file(rec, test)
    cpu, secs = time.process_time() - c0, time.perf_counter() - t0
    n_tokens = sum(1 for line in test.read_text(encoding="utf-8").splitlines() if line.strip())
    print(f"\nANERcorp test, CoNLL exact span ({n_tokens:,} tokens):\n{exact.table()}")
    print(confusion_table(exact))
    print(
        f"tagging (pre-split corpus tokens, first pass, cold caches): {n_tokens / cpu:,.0f} "
        f"tokens per CPU-second on one core ({n_tokens / secs:,.0f} tokens/s wall clock)"
    )

    wojood = args.data / "ner" / "wojood-sample" / "test.txt"
    if wojood.exists():
        w_exact, w_overlap = score_wojood(rec, wojood)
        print(f"\nWojood sample test (PERS, ORG, GPE/LOC/FAC→LOC), exact span:\n{w_exact.table()}")
        print(f"Wojood, head-word overlap:\n{w_overlap.table()}")

    news = args.data / "news" / "ant-multisource-v2.1.jsonl.gz"
    if news.exists():
        texts = []
        with gzip.open(news, "rt", encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                texts.append(doc["title"] + "\n" + doc["text"])
                if len(texts) >= args.articles:
                    break
        c0, t0 = time.process_time(), time.perf_counter()
        n_mentions = sum(len(rec.recognise(t)) for t in texts)
        cpu, secs = time.process_time() - c0, time.perf_counter() - t0
        n_words = sum(len(t.split()) for t in texts)
        n_toks = sum(len(tokenise(t)) for t in texts)
        print(
            f"\nrecognise() on {len(texts)} ANT news articles: {n_toks / cpu:,.0f} tokens "
            f"({n_words / cpu:,.0f} whitespace words) per CPU-second "
            f"({n_toks / secs:,.0f} tokens/s wall clock; {n_mentions:,} mentions, "
            f"{cpu * 1000 / len(texts):.1f} CPU-ms/article)"
        )
        c0 = time.process_time()
        for t in texts:
            rec.recognise(t)
        cpu = time.process_time() - c0
        print(
            f"recognise() again on the same articles (warm per-word caches, as in a long "
            f"ingest): {n_toks / cpu:,.0f} tokens per CPU-second, "
            f"{cpu * 1000 / len(texts):.1f} CPU-ms/article"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MB")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (other jobs share the machine)")


if __name__ == "__main__":
    main()
