"""Articles/second for HTML page → stored article on one core (extract + pipeline + store).

    PYTHONPATH=src python bench/ingest.py [--pages 400] [--data PATH] [--db PATH]
    PYTHONPATH=src python bench/ingest.py --stories [--data PATH]   # near-duplicates on ANT
    PYTHONPATH=src python bench/ingest.py --stages   # also CPU ms per pipeline stage
    PYTHONPATH=src python bench/ingest.py --workers 2   # also wall-clock, files, N workers
    PYTHONPATH=src python bench/ingest.py --ner gazetteer   # knowledge-base names only, no CRF
    PYTHONPATH=src python bench/ingest.py --pages 1200 --segments 3   # cold vs warm caches
    PYTHONPATH=src python bench/ingest.py --defer-analysis   # store first, analyse after

Pages are the extraction bench's realistic 30–80 KB Arabic news pages (SANA-like, RT-like,
blog, wire copy, live page: tests/data/pages/make_pages.py) around real article text from
the ANT corpus ($MARSAD_SHARED_DATA/news/ant-multisource-v2.1.jsonl.gz) when present, else
around our own test stories. Each page goes through ``extract_articles`` and
``Pipeline.ingest_one`` (clean, hash, story grouping with MinHash/LSH, recognise with the
sample knowledge base, resolve, store in SQLite WAL with FTS5) in one process. Reports
articles per CPU-second (this process only, so other load on the machine does not move it)
and per wall-second, the share of time per stage, and the peak resident memory
(``resource.getrusage``). A second pass re-ingests the same pages (idempotent: all
duplicates). With ``--defer-analysis`` the first pass stores the articles without
recognising their names (``marsad ingest --defer-analysis``: extracted, cleaned,
deduplicated, grouped into stories, searchable) and ``Pipeline.analyse_pending`` (``marsad
analyse``) then adds their entities, timed apart.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "data" / "pages"))
sys.path.insert(0, str(ROOT / "bench"))


from ingest_html import build_pages, load_stories  # noqa: E402
from marsad.config import load_settings, shared_data_dir  # noqa: E402
from marsad.entities.kb import load_kb  # noqa: E402
from marsad.extract.html import extract_articles  # noqa: E402
from marsad.generate.corpus import kb_records  # noqa: E402
from marsad.ingest import COMMIT_EVERY  # noqa: E402
from marsad.pipeline import IngestReport, Pipeline  # noqa: E402
from marsad.store.database import Store  # noqa: E402


class StageClock:
    """CPU time spent in each pipeline stage: the stages' callables are wrapped in place
    (on this pipeline object and the pipeline module) for the benchmark only."""

    def __init__(self, pipeline: Pipeline) -> None:
        import marsad.pipeline as module

        self.spent: dict[str, float] = {}
        recognisers = getattr(pipeline.recogniser, "recognisers", [pipeline.recogniser])
        for name, recogniser in zip(("gazetteer NER", "CRF NER"), recognisers, strict=False):
            self._wrap(recogniser, "recognise", name)
        self._wrap(pipeline.resolver, "resolve", "resolution")
        self._wrap(module, "sign", "story signature + LSH")
        self._wrap(pipeline.stories, "story_of", "story signature + LSH")
        self._wrap(pipeline.stories, "remember", "story signature + LSH")
        self._wrap(pipeline.store, "add_article", "store article, mentions, FTS, rollups")
        self._wrap(pipeline.store, "article_by_hash", "hash lookup")
        self._wrap(module, "clean_article", "cleaning (boilerplate, dateline)")
        self._wrap(module, "content_hash", "hash lookup")
        self._wrap(module, "normalise", "normalise title and text")
        self._wrap(module, "find_quotes", "quotes")

    def _wrap(self, owner: object, attribute: str, stage: str) -> None:
        inner = getattr(owner, attribute)

        def timed(*args, **kwargs):
            t0 = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                self.spent[stage] = self.spent.get(stage, 0.0) + time.process_time() - t0

        setattr(owner, attribute, timed)

    def show(self, articles: int, pipeline_cpu: float) -> None:
        print("  CPU ms per article by stage:")
        for stage, spent in sorted(self.spent.items(), key=lambda kv: -kv[1]):
            print(f"    {stage:40s} {1000 * spent / articles:6.2f}")
        rest = pipeline_cpu - sum(self.spent.values())
        print(f"    {'the rest of the pipeline':40s} {1000 * rest / articles:6.2f}")


def run(
    pages: list[tuple[bytes, str]], pipeline: Pipeline, commit_every: int, segments: int = 1
) -> tuple[IngestReport, dict]:
    """Extract and ingest every page; one transaction per ``commit_every`` articles (as
    ``marsad ingest`` does) or, with 1, per article (as the feed crawler does). With
    ``segments``, CPU time is also noted after each of that many equal runs of pages."""
    report = IngestReport()
    t_extract = t_pipeline = 0.0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    articles = 0
    marks = []
    every = max(1, len(pages) // segments)
    with pipeline.store.batch() as commit:
        for number, (data, url) in enumerate(pages, 1):
            t0 = time.process_time()
            found = extract_articles(data, url=url)
            t1 = time.process_time()
            for article in found:
                pipeline.ingest_one(article, report)
                articles += 1
                if articles % commit_every == 0:
                    commit()
            t2 = time.process_time()
            t_extract += t1 - t0
            t_pipeline += t2 - t1
            if number % every == 0:
                marks.append((number, articles, time.process_time() - cpu0))
    return report, {
        "marks": marks,
        "articles": articles,
        "cpu": time.process_time() - cpu0,
        "wall": time.perf_counter() - wall0,
        "extract": t_extract,
        "pipeline": t_pipeline,
    }


def show(label: str, pages: int, report: IngestReport, t: dict) -> None:
    print(
        f"{label}: {pages} pages → {t['articles']} articles "
        f"({report.new} new, {report.duplicates} duplicates, {report.empty} empty)"
    )
    print(
        f"  {t['articles'] / t['cpu']:6.1f} articles/CPU-s ({t['articles'] / t['wall']:6.1f}/s wall); "
        f"{1000 * t['cpu'] / max(t['articles'], 1):5.2f} ms/article: "
        f"extract {100 * t['extract'] / t['cpu']:.0f}%, "
        f"pipeline+store {100 * t['pipeline'] / t['cpu']:.0f}%"
    )


def show_segments(marks: list[tuple[int, int, float]]) -> None:
    """Articles per CPU-second in each run of pages: caches (word analyses, the model's
    per-word scores, known entities) warm up as an ingest goes on."""
    pages0 = articles0 = 0
    cpu0 = 0.0
    for pages, articles, cpu in marks:
        rate = (articles - articles0) / max(cpu - cpu0, 1e-9)
        print(f"    pages {pages0 + 1}–{pages}: {rate:6.1f} articles/CPU-s")
        pages0, articles0, cpu0 = pages, articles, cpu


def story_check(data: Path | None, show: int = 5) -> int:
    """Signatures + LSH over every ANT article: speed, memory and how many are grouped."""
    from marsad.extract.dedup import StoryIndex, signature

    corpus = (data or shared_data_dir()) / "news" / "ant-multisource-v2.1.jsonl.gz"
    if not corpus.exists():
        print(f"{corpus} absent: nothing to check")
        return 1
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    index = StoryIndex()
    grouped: list[tuple[int, int, float]] = []
    exact = 0
    seen_text: set[str] = set()
    cpu0 = time.process_time()
    for i, row in enumerate(rows):
        if row["text"] in seen_text:
            exact += 1  # the pipeline's content hash stores these once
            continue
        seen_text.add(row["text"])
        sig = signature(row["text"])
        if sig is None:
            continue
        found = index.match(sig)
        index.add(i, found[0] if found else i, sig)
        if found:
            grouped.append((found[0], i, found[1]))
    cpu = time.process_time() - cpu0
    print(
        f"{len(rows)} ANT articles: {exact} exact copies, {len(grouped)} near-duplicates "
        f"grouped into {len({g[0] for g in grouped})} stories; "
        f"{1000 * cpu / len(rows):.2f} ms/article (signature + LSH query + insert)"
    )
    rng = random.Random(1)
    for story, i, j in rng.sample(grouped, min(show, len(grouped))):
        a, b = rows[story], rows[i]
        print(f"  J≈{j:.2f}  [{a['src']}] {a['title'][:60]}  ~  [{b['src']}] {b['title'][:60]}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB")
    return 0


def parallel_check(pages: list[tuple[bytes, str]], workers: int, defer: bool = False) -> None:
    """Wall-clock articles/s of ``ingest_paths`` over the pages written as .html files, in
    one process and with ``workers`` worker processes (fresh database each time); with
    ``defer``, storing only (``--defer-analysis``), then ``analyse_pending`` the same way."""
    from marsad.ingest import ingest_paths

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        for number, (data, _) in enumerate(pages):
            (folder / f"{number:05d}.html").write_bytes(data)
        for n in sorted({1, workers}):
            settings = load_settings(
                {"MARSAD_DATA_DIR": tmp, "MARSAD_DATABASE_URL": f"sqlite:///{tmp}/w{n}.db"}
            )
            store = Store(settings.database_url)
            load_kb(store, kb_records())
            t0 = time.perf_counter()
            report = ingest_paths(store, settings, [folder], workers=n, defer_analysis=defer)
            wall = time.perf_counter() - t0
            print(
                f"files → database{' (stored only)' if defer else ''}, {n} worker"
                f"{'s' if n > 1 else ''}: {report.new} new in {wall:.1f} s wall = "
                f"{report.new / wall:.1f} articles/s (start-up included; {os.cpu_count()} cores)"
            )
            if defer:
                t0 = time.perf_counter()
                done = Pipeline(store, settings).analyse_pending(workers=n)
                wall = time.perf_counter() - t0
                print(f"  then analysed: {done} in {wall:.1f} s wall = {done / wall:.1f} /s")
            store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--data", type=Path, default=None, help="shared data folder")
    parser.add_argument("--db", type=Path, default=None, help="SQLite file (default: temporary)")
    parser.add_argument("--stories", action="store_true", help="near-duplicate check on ANT")
    parser.add_argument("--stages", action="store_true", help="CPU time per pipeline stage")
    parser.add_argument(
        "--commit-every",
        type=int,
        default=COMMIT_EVERY,
        help="articles per transaction (default: as marsad ingest; 1: as the feed crawler)",
    )
    parser.add_argument("--workers", type=int, default=0, help="also time files with N workers")
    parser.add_argument(
        "--segments", type=int, default=1, help="also articles/CPU-s per run of pages/N pages"
    )
    parser.add_argument(
        "--defer-analysis",
        action="store_true",
        help="store first (no entities), then time `marsad analyse` over the stored articles",
    )
    parser.add_argument(
        "--ner",
        choices=["model", "gazetteer"],
        default="model",
        help="recogniser: the shipped model after the KB's names (default), or KB names only",
    )
    args = parser.parse_args(argv)
    if args.stories:
        return story_check(args.data)

    stories, origin = load_stories(args.data, args.pages)
    pages = build_pages(stories, args.pages)
    sizes = sorted(len(d) for d, _ in pages)
    print(f"{len(pages)} pages from {origin}")
    print(
        f"page size: median {sizes[len(sizes) // 2] / 1024:.0f} KB, "
        f"min {sizes[0] / 1024:.0f} KB, max {sizes[-1] / 1024:.0f} KB"
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        settings = load_settings(
            {
                "MARSAD_DATA_DIR": tmp,
                "MARSAD_DATABASE_URL": f"sqlite:///{db}",
                "MARSAD_NER": args.ner,
            }
        )
        store = Store(settings.database_url)
        load_kb(store, kb_records())
        pipeline = Pipeline(store, settings, defer_analysis=args.defer_analysis)
        # Start-up costs out of the timing: the NER model (loaded on first use), lexicons and
        # compiled patterns (every template of the test pages, not the benchmark's pages).
        pipeline.recogniser.recognise("وصل وزير الخارجية الروسي سيرغي لافروف إلى دمشق.")
        for fixture in sorted((ROOT / "tests" / "data" / "pages").glob("*.html")):
            extract_articles(fixture.read_bytes())
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        clock = StageClock(pipeline) if args.stages else None
        report, t = run(pages, pipeline, args.commit_every, args.segments)
        show("first ingest", len(pages), report, t)
        if args.segments > 1:
            show_segments(t["marks"])
        if clock:
            print(
                f"    {'extraction (page → article)':40s} {1000 * t['extract'] / t['articles']:6.2f}"
            )
            clock.show(t["articles"], t["pipeline"])
        if args.defer_analysis:
            analyser = Pipeline(store, settings)
            analyser.recogniser.recognise("وصل وزير الخارجية الروسي سيرغي لافروف إلى دمشق.")
            cpu0 = time.process_time()
            analysed = analyser.analyse_pending()
            cpu = time.process_time() - cpu0
            print(
                f"analyse (marsad analyse): {analysed} articles, {analysed / cpu:6.1f} "
                f"articles/CPU-s, {1000 * cpu / analysed:5.2f} ms/article; stored then "
                f"analysed: {1000 * (t['cpu'] + cpu) / analysed:5.2f} ms/article in all"
            )
        report2, t2 = run(pages, Pipeline(store, settings), args.commit_every)
        show("re-ingest (idempotent)", len(pages), report2, t2)
        stats = store.stats()
        print(f"database: {stats.get('articles')} articles, {db.stat().st_size / 1e6:.1f} MB")
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak RSS: {peak:.0f} MB (before ingest, with KB and lexicons loaded: {rss_before:.0f} MB)"
    )
    if args.workers:
        parallel_check(pages, args.workers, args.defer_analysis)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
