"""Speed and memory of HTML → Article on one core, on typical 30–80 KB Arabic news pages.

    PYTHONPATH=src python bench/ingest_html.py [--pages 300] [--data PATH] [--no-baseline]

Pages are built with the templates of tests/data/pages/make_pages.py (SANA-like, RT-like,
blog with comments, wire copy, live page) padded with navigation, sidebar teasers and
scripts to 30–80 KB, around real article text from the ANT corpus
($MARSAD_SHARED_DATA/news/ant-multisource-v2.1.jsonl.gz) when it is present, else around
our own test stories. Reports pages per CPU-second (one core) and ms/page for ``extract_articles`` and, for
reference, trafilatura alone (defaults; fast text-only), plus peak traced memory.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "data" / "pages"))

from make_pages import render_family  # noqa: E402
from stories import STORIES  # noqa: E402

from marsad.config import shared_data_dir  # noqa: E402
from marsad.extract.html import extract_articles  # noqa: E402

FAMILIES = ("sana", "rt", "blog", "wire", "live")


def load_stories(path: Path | None, limit: int) -> tuple[list[dict], str]:
    """Real ANT articles as stories (title + paragraphs), or our own stories."""
    corpus = (path or shared_data_dir()) / "news" / "ant-multisource-v2.1.jsonl.gz"
    if not corpus.exists():
        return STORIES, f"own test stories ({corpus} absent)"
    stories = []
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            paragraphs = [p.strip() for p in row["text"].split("\n") if len(p.strip()) > 40]
            if row.get("title") and len(paragraphs) >= 2:
                stories.append({"title": row["title"].strip(), "paragraphs": paragraphs[:12]})
            if len(stories) >= limit:
                break
    return stories, f"ANT corpus v2.1 ({corpus})"


def build_pages(stories: list[dict], count: int, seed: int = 7) -> list[tuple[bytes, str]]:
    rng = random.Random(seed)
    pages = []
    for i in range(count):
        family = FAMILIES[i % len(FAMILIES)]
        story = stories[i % len(stories)]
        rendered = render_family(family, story, i, pad_kb=rng.randint(28, 72))
        pages.append((rendered["html"].encode("utf-8"), rendered["url"]))
    return pages


def timed(label: str, pages: list[tuple[bytes, str]], run) -> dict:
    """Wall and CPU time per page; CPU time (this process, one core) is what we report,
    as it does not move when other processes share the machine."""
    times = []
    produced = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    for data, url in pages:
        t0 = time.process_time()
        produced += run(data, url)
        times.append(time.process_time() - t0)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    times.sort()
    row = {
        "label": label,
        "pages_cpu_s": len(pages) / cpu,
        "pages_wall_s": len(pages) / wall,
        "p50_ms": 1000 * statistics.median(times),
        "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
        "produced": produced,
    }
    print(
        f"{label:42} {row['pages_cpu_s']:6.1f} pages/CPU-s ({row['pages_wall_s']:6.1f}/s wall)"
        f"  p50 {row['p50_ms']:5.2f} ms  p95 {row['p95_ms']:5.2f} ms  ({produced} with text)"
    )
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args(argv)

    stories, origin = load_stories(args.data, args.pages)
    pages = build_pages(stories, args.pages)
    sizes = sorted(len(d) for d, _ in pages)
    print(f"{len(pages)} pages from {origin}")
    print(
        f"page size: median {sizes[len(sizes) // 2] / 1024:.0f} KB, "
        f"min {sizes[0] / 1024:.0f} KB, max {sizes[-1] / 1024:.0f} KB"
    )
    extract_articles(*[pages[0][0]], url=pages[0][1])  # warm caches and lexicons
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    timed("marsad extract_articles", pages, lambda d, u: len(extract_articles(d, url=u)))
    if not args.no_baseline:
        timed(
            "trafilatura.extract defaults (text only)",
            pages,
            lambda d, u: bool(trafilatura.extract(d, url=u)),
        )
        timed(
            "trafilatura.extract fast+precision (text)",
            pages,
            lambda d, u: bool(
                trafilatura.extract(
                    d, url=u, fast=True, favor_precision=True, include_comments=False
                )  # fmt: skip
            ),
        )

    tracemalloc.start()
    for data, url in pages[:50]:
        extract_articles(data, url=url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak traced Python memory while extracting 50 pages: {peak / 2**20:.1f} MiB; "
        f"process max RSS {rss:.0f} MiB ({rss_before:.0f} MiB before extracting: "
        "interpreter, libraries, corpus and pages)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
