"""`marsad ingest --workers N`: worker processes extract and recognise, one process stores —
and the database is the same as a serial ingest's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import text

from marsad.config import Settings
from marsad.entities.kb import load_kb, read_kb
from marsad.ingest import ingest_paths
from marsad.store.database import Store
from marsad_testing import DATA, make_settings, rollup_snapshot

DUPLICATE = {
    "title": "لافروف وكيري يبحثان الأزمة السورية",
    "text": "جنيف سانا\nبحث وزير الخارجية الروسي سيرغي لافروف مع نظيره الأمريكي جون كيري في "
    "جنيف سبل دفع العملية السياسية.\nوقال لافروف إن الحل السياسي هو الطريق الوحيد.",
    "source": "rt",
    "source_name": "آر تي",
    "url": "https://rt.example/copy",
}


def _inputs(folder: Path) -> Path:
    """Real-structured pages, the small JSONL, and bad input: a binary page, a bad line."""
    shutil.copytree(DATA / "pages", folder / "pages", ignore=shutil.ignore_patterns("*.py"))
    shutil.copy(DATA / "articles_small.jsonl", folder / "a.jsonl")
    lines = [json.dumps(DUPLICATE, ensure_ascii=False), "{not json", ""]
    (folder / "b.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (folder / "pages" / "binary.html").write_bytes(bytes(range(256)) * 40)
    return folder


def _snapshot(store: Store) -> dict[str, list[tuple]]:
    queries = {
        "articles": "SELECT a.content_hash, a.title, a.day, a.place, a.agency, "
        "(SELECT s.content_hash FROM articles s WHERE s.id = a.story_id) FROM articles a",
        "copies": "SELECT a.content_hash, s.slug, c.url FROM article_sources c "
        "JOIN articles a ON a.id = c.article_id JOIN sources s ON s.id = c.source_id",
        "mentions": 'SELECT a.content_hash, m.start, m."end", e.name, e.type FROM mentions m '
        "JOIN articles a ON a.id = m.article_id JOIN entities e ON e.id = m.entity_id",
        "quotes": "SELECT a.content_hash, e.name, q.text FROM quotes q "
        "JOIN articles a ON a.id = q.article_id JOIN entities e ON e.id = q.entity_id",
    }
    with store.engine.connect() as conn:
        found = {k: sorted(tuple(r) for r in conn.execute(text(q))) for k, q in queries.items()}
    return found | rollup_snapshot(store)


def _ingest(settings: Settings, folder: Path, workers: int):
    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    report = ingest_paths(store, settings, [folder], workers=workers)
    return report, _snapshot(store)


def test_two_workers_store_exactly_what_one_process_stores(tmp_path: Path):
    folder = _inputs(tmp_path / "in")
    serial, one = _ingest(make_settings(tmp_path, "serial.db"), folder, workers=1)
    parallel, two = _ingest(make_settings(tmp_path, "parallel.db"), folder, workers=2)

    assert (parallel.new, parallel.duplicates, parallel.empty) == (
        serial.new,
        serial.duplicates,
        serial.empty,
    )
    assert sorted(parallel.errors) == sorted(serial.errors)
    assert any("binary.html" in e for e in parallel.errors)
    assert any("b.jsonl" in e and "not valid JSON" in e for e in parallel.errors)
    assert serial.new >= 20 and serial.duplicates >= 1
    assert two == one
    names = {m[3] for m in two["mentions"]}
    assert {"سيرغي لافروف", "جون كيري"} <= names
    assert ("rt", "https://rt.example/copy") in {(c[1], c[2]) for c in two["copies"]}


def test_parallel_reingest_is_idempotent(tmp_path: Path):
    folder = _inputs(tmp_path / "in")
    settings = make_settings(tmp_path)
    first, before = _ingest(settings, folder, workers=2)
    store = Store(settings.database_url)
    again = ingest_paths(store, settings, [folder], workers=2)
    assert again.new == 0 and again.duplicates == first.new + first.duplicates
    after = _snapshot(store)
    assert after["articles"] == before["articles"] and after["mentions"] == before["mentions"]


def test_progress_counts_articles_of_a_large_file(tmp_path: Path):
    settings = make_settings(tmp_path)
    store = Store(settings.database_url)
    heard: list[str] = []
    report = ingest_paths(
        store, settings, [DATA / "articles_small.jsonl"], progress=heard.append, progress_every=4
    )
    done = report.new + report.duplicates
    assert report.new >= 8
    assert heard[-1].startswith(f"{done} articles: {report.new} new, {report.duplicates} dup")
    assert heard[-1].endswith("/s)")
