"""`marsad ingest --workers N`: worker processes extract and recognise, one process stores —
and the database is the same as a serial ingest's."""

from __future__ import annotations

from pathlib import Path

from marsad.config import Settings
from marsad.entities.kb import load_kb, read_kb
from marsad.ingest import ingest_paths
from marsad.store.database import Store
from marsad_testing import DATA, make_settings, mixed_inputs, store_snapshot


def _ingest(settings: Settings, folder: Path, workers: int):
    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    report = ingest_paths(store, settings, [folder], workers=workers)
    return report, store_snapshot(store)


def test_two_workers_store_exactly_what_one_process_stores(tmp_path: Path):
    folder = mixed_inputs(tmp_path / "in")
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
    folder = mixed_inputs(tmp_path / "in")
    settings = make_settings(tmp_path)
    first, before = _ingest(settings, folder, workers=2)
    store = Store(settings.database_url)
    again = ingest_paths(store, settings, [folder], workers=2)
    assert again.new == 0 and again.duplicates == first.new + first.duplicates
    after = store_snapshot(store)
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
    counts = [h for h in heard if " articles: " in h]
    assert counts[-1].startswith(f"{done} articles: {report.new} new, {report.duplicates} dup")
    assert counts[-1].endswith("/s)")
    assert heard[-1].startswith("global resolution: ")  # the pass after the run is reported
