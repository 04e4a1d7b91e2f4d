"""Many processes on one PostgreSQL server share the work (store/shared.py, docs/deploy.md):
analyse workers and a crawler at once, one killed mid-batch, give the database one process
gives; feeds are claimed; new names make one entity; page caches follow other machines."""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from email.utils import format_datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import text

from marsad.config import Settings, load_settings
from marsad.entities.kb import load_kb
from marsad.generate.corpus import kb_records
from marsad.ingest import generated_articles, ingest_paths
from marsad.models import Entity, EntityType, Source
from marsad.pipeline import IngestReport, Pipeline
from marsad.sources.fetch import Fetcher
from marsad.sources.ingest_feed import FeedIngester, run_round
from marsad.store.database import Store
from marsad.store.feeds import FeedStore
from marsad.web.cache import PageCache
from marsad_testing import differences, fresh_postgres_database, named_snapshot

pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[dev]')")
pytestmark = pytest.mark.postgres

SRC = Path(__file__).resolve().parents[2] / "src"
BACKLOG, CRAWLED = 150, 24  # articles ingested with --defer-analysis; pages on the feed
LEASE = 3.0  # seconds a claim holds in these tests


def pg_settings(tmp: Path, url: str) -> Settings:
    return load_settings(
        {
            "MARSAD_DATA_DIR": str(tmp),
            "MARSAD_DATABASE_URL": url,
            "MARSAD_TIMEZONE": "Asia/Damascus",
        }
    )


# ---- the input: a backlog file and a news site with a feed -----------------------------------
def _page(title: str, text_: str) -> str:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text_.splitlines() if p.strip())
    return (
        f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><article><h1>{escape(title)}</h1>"
        f"{paragraphs}</article></body></html>"
    )


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """(backlog JSONL, feed URL): the generator's articles, the last ones as a site."""
    tmp = tmp_path_factory.mktemp("news")
    articles = list(generated_articles(BACKLOG + CRAWLED, end=date(2026, 3, 1)))
    backlog = tmp / "backlog.jsonl"
    with backlog.open("w", encoding="utf-8") as out:
        for a in articles[:BACKLOG]:
            record = {"title": a.title, "text": a.text, "source": a.source.slug, "url": a.url,
                      "published": a.published.isoformat()}  # fmt: skip
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    site = tmp / "site"
    site.mkdir()
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{httpd.server_port}"
    items = []
    for i, a in enumerate(articles[BACKLOG:]):
        (site / f"{i}.html").write_text(_page(a.title, a.text), encoding="utf-8")
        items.append(
            f"<item><title>{escape(a.title)}</title><link>{base}/{i}.html</link>"
            f"<pubDate>{format_datetime(a.published)}</pubDate></item>"
        )
    (site / "feed.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>أخبار</title>'
        f"<link>{base}/</link>{''.join(items)}</channel></rss>",
        encoding="utf-8",
    )
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield backlog, f"{base}/feed.xml"
    httpd.shutdown()
    httpd.server_close()


def _marsad(url: str, tmp: Path, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        "MARSAD_DATABASE_URL": url,
        "MARSAD_DATA_DIR": str(tmp),
        "MARSAD_TIMEZONE": "Asia/Damascus",
        "MARSAD_LEASE_SECONDS": str(LEASE),
        "MARSAD_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "marsad.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _kill_mid_batch(worker: subprocess.Popen[str], store: Store) -> int:
    """SIGKILL ``worker`` while it holds claimed articles it has not finished (it is
    stopped first, so the claim is seen held); how many it held."""
    name = f"{os.uname().nodename}:{worker.pid}"
    held = "SELECT count(*) FROM pending_analysis WHERE claimed_by = :w"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert worker.poll() is None, worker.communicate()[0]
        os.kill(worker.pid, signal.SIGSTOP)
        with store.engine.connect() as conn:
            n = conn.execute(text(held), {"w": name}).scalar()
        if n:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
            return n
        os.kill(worker.pid, signal.SIGCONT)
        time.sleep(0.05)
    raise AssertionError("the worker never held a claim")


def test_three_analysers_and_a_crawler_one_killed_equal_one_process(pg_url, news, tmp_path):
    backlog, feed = news
    # one process: the backlog stored, the feed crawled, then all analysed
    ref_url = fresh_postgres_database(pg_url)
    settings = pg_settings(tmp_path, ref_url)
    ref = Store(ref_url)
    load_kb(ref, kb_records())  # the generator's knowledge base, as an operator loads one
    ingest_paths(ref, settings, [backlog], defer_analysis=True)
    feeds = FeedStore(ref)
    feeds.add_feed(feed, name="الموقع")
    ingester = FeedIngester(ref, settings, feeds, defer_analysis=True)
    with Fetcher(delay=0, allow_private_hosts=("127.0.0.1",)) as fetcher:
        report = run_round(feeds, fetcher, ingester)
    assert report.stored == CRAWLED, report.summary()
    assert Pipeline(ref, settings).analyse_pending(batch=10) == 158  # 16 copies
    expected = named_snapshot(ref)
    assert len(expected["mentions"]) > 1000 and not expected["pending"]

    # many processes: the same backlog, then 3 `marsad analyse` and 1 `marsad crawl` at once
    url = fresh_postgres_database(pg_url)
    store = Store(url)
    load_kb(store, kb_records())
    ingest_paths(store, pg_settings(tmp_path, url), [backlog], defer_analysis=True)
    FeedStore(store).add_feed(feed, name="الموقع")
    workers = [_marsad(url, tmp_path, "analyse", "--batch", "10") for _ in range(3)]
    crawler = _marsad(url, tmp_path, "crawl", "--delay", "0", "--defer-analysis")
    held = _kill_mid_batch(workers[0], store)  # its claim outlives it, for LEASE seconds
    for p in [*workers[1:], crawler]:
        out = p.communicate(timeout=300)[0]
        assert p.returncode == 0, out
    # what the killed worker held is taken again once its lease has run out
    while store.pending_count():
        time.sleep(0.5)
        Pipeline(store, pg_settings(tmp_path, url)).analyse_pending(batch=10)
    assert held >= 1
    assert differences(named_snapshot(store), expected) == {}
    ref.close()
    store.close()


def test_two_processes_meeting_a_new_name_at_once_make_one_entity(pg_url):
    url = fresh_postgres_database(pg_url)
    names = [
        f"{first} {last}" for first in ("سامر", "ناصر", "وليد") for last in ("الخطيب", "العلي")
    ]
    stores = [Store(url), Store(url)]
    start = threading.Barrier(2)
    got: list[list[int]] = [[], []]

    def create(i: int) -> None:
        start.wait()
        order = names if i == 0 else names[::-1]
        for name in order:
            got[i].append(
                stores[i].create_entity(Entity(name=name, type=EntityType.PERSON), new=True)
            )

    threads = [threading.Thread(target=create, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got[0] == got[1][::-1]  # the same entity for each name, whoever made it
    with stores[0].engine.connect() as conn:
        rows = conn.execute(text("SELECT name, count(*) FROM entities GROUP BY name")).all()
    assert sorted(rows) == sorted((name, 1) for name in names)
    for s in stores:
        s.close()


def test_crawlers_split_the_due_feeds_and_a_dead_ones_feeds_come_back(pg_url):
    url = fresh_postgres_database(pg_url)
    one, two = FeedStore(Store(url)), FeedStore(Store(url))
    for i in range(6):
        one.add_feed(f"https://news{i}.example/rss", name=f"موقع {i}")
    first = [f.id for f in one.claim_feeds(4, set())]
    second = [f.id for f in two.claim_feeds(4, set())]
    assert len(first) == 4 and len(second) == 2 and not set(first) & set(second)
    assert two.claim_feeds(4, set(second)) == []  # the rest are held
    one.release_feed(first[0], hold=3600)  # polled: not due for an hour
    one.release_feed(first[1], hold=0)  # polled by a `crawl --once`: due again
    assert [f.id for f in two.claim_feeds(4, set(second))] == [first[1]]
    # a crawler that dies holding feeds: they are due again once the lease runs out
    engine = one.store.direct_engine
    with engine.begin() as conn:
        conn.execute(text("UPDATE feeds SET lease_until = now() - interval '1 second' "
                          "WHERE id = ANY(:ids)"), {"ids": first[2:]})  # fmt: skip
    assert sorted(f.id for f in two.claim_feeds(4, set())) == sorted(first[2:])


def test_a_page_cache_drops_pages_after_another_machines_commit(pg_url, tmp_path):
    url = fresh_postgres_database(pg_url)
    reader, writer = Store(url), Store(url)
    settings = pg_settings(tmp_path, url)
    cache = PageCache(reader, settings, size=16)
    count = lambda: reader.stats()["articles"]  # noqa: E731
    assert cache.get("articles", count) == 0
    assert cache.get("articles", count) == 0 and cache.hits == 1
    Pipeline(writer, settings).ingest(generated_articles(3, end=date(2026, 3, 1)))
    deadline = time.monotonic() + 30  # the notice comes after the commit, in a thread
    while cache.get("articles", count) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert cache.get("articles", count) == 3
    reader.close()
    writer.close()


def test_two_processes_storing_one_article_at_once_store_it_once(pg_url, tmp_path):
    url = fresh_postgres_database(pg_url)
    settings = pg_settings(tmp_path, url)
    first, second = Store(url), Store(url)
    article = next(iter(generated_articles(1, end=date(2026, 3, 1))))
    copy = replace(article, source=Source("copy", "نسخة", "https://copy.example", None))
    reports = [IngestReport(), IngestReport()]
    with first.batch() as commit:  # the first process stores it, not committed yet
        Pipeline(first, settings, defer_analysis=True).ingest([article], reports[0])
        later = threading.Thread(
            target=lambda: Pipeline(second, settings, defer_analysis=True).ingest(
                [copy], reports[1]
            )
        )
        later.start()  # the second looked it up (absent) and waits on the unique hash
        waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        deadline = time.monotonic() + 30
        with first.direct_engine.connect() as conn:
            while not conn.execute(text(waiting)).scalar() and time.monotonic() < deadline:
                time.sleep(0.05)
        commit()
    later.join()
    assert (reports[0].new, reports[1].new, reports[1].duplicates) == (1, 0, 1)
    assert not reports[1].errors
    with first.engine.connect() as conn:
        sources = conn.execute(
            text("SELECT s.slug FROM article_sources c JOIN sources s ON s.id = c.source_id")
        ).scalars()
        assert sorted(sources) == sorted(["copy", article.source.slug])
        assert conn.execute(text("SELECT count(*) FROM articles")).scalar() == 1
    first.close()
    second.close()
