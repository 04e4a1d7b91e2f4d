"""marsad backup / restore: a copy taken while an ingest writes is one committed state, and
restoring it gives back the same tables."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from marsad.entities.kb import load_kb
from marsad.errors import InputError
from marsad.generate.corpus import kb_records
from marsad.ingest import generated_articles
from marsad.pipeline import Pipeline
from marsad.store.backup import backup, restore
from marsad.store.database import Store
from marsad_testing import fresh_postgres_database, make_settings

# A torn copy would break these: every count kept at ingest agrees with the rows counted.
CONSISTENT = [
    "SELECT COUNT(*) FROM (SELECT entity_id, COUNT(*) AS n FROM article_entities GROUP BY entity_id) c "
    "LEFT JOIN entity_totals t USING (entity_id) WHERE t.articles IS NOT c.n",
    "SELECT (SELECT COUNT(*) FROM articles WHERE day IS NOT NULL) - "
    "(SELECT COALESCE(SUM(articles), 0) FROM day_totals WHERE source_id = 0)",
    "SELECT COUNT(*) FROM mentions WHERE article_id NOT IN (SELECT id FROM articles)",
]


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%'")]  # fmt: skip
        return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


def inconsistencies(path: Path) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [conn.execute(q).fetchone()[0] for q in CONSISTENT]
    finally:
        conn.close()


def test_backup_while_ingesting_is_one_committed_state_and_restores(tmp_path: Path):
    settings = make_settings(tmp_path)
    store = Store(settings.database_url)
    load_kb(store, kb_records())
    db = tmp_path / "marsad.db"
    errors: list[BaseException] = []
    committed = [0]  # the number of articles after each commit of the ingest

    def ingest() -> None:
        writer = Store(settings.database_url)
        try:
            articles = list(generated_articles(240))
            pipeline = Pipeline(writer, settings)
            for start in range(0, len(articles), 20):  # a commit every 20 articles
                with writer.batch():
                    pipeline.ingest(articles[start : start + 20])
                committed.append(writer.stats()["articles"])
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            writer.close()

    thread = threading.Thread(target=ingest)
    thread.start()
    copies = []
    while thread.is_alive() and len(copies) < 4:
        if store.stats()["articles"] >= 20 * (len(copies) + 1):
            before = store.stats()["articles"]
            report = backup(settings.database_url, tmp_path / f"copy{len(copies)}.db")
            copies.append((before, report))
        time.sleep(0.05)
    thread.join()
    assert not errors
    final = store.stats()["articles"]
    assert final == committed[-1] > 200 and len(copies) >= 2
    for before, report in copies:
        assert report.articles is not None and before <= report.articles <= final
        assert report.articles in committed  # a whole number of committed batches
        assert inconsistencies(report.path) == [0, 0, 0]
        assert not Path(f"{report.path}-wal").exists()

    _, last = copies[-1]
    other = make_settings(tmp_path, "restored.db")
    restore(other.database_url, last.path)
    assert counts(tmp_path / "restored.db") == counts(last.path)
    restored = Store(other.database_url)
    assert restored.stats()["articles"] == last.articles
    restored.close()
    store.close()
    assert counts(db)["articles"] == final


def test_restore_does_not_replace_articles_without_force(tmp_path: Path, small):
    store, settings = small
    copy = backup(settings.database_url, tmp_path / "copy.db")
    with pytest.raises(InputError, match="already exists"):
        backup(settings.database_url, tmp_path / "copy.db")
    with pytest.raises(InputError, match="--force"):
        restore(settings.database_url, copy.path)
    assert restore(settings.database_url, copy.path, force=True).articles == 8
    assert store.stats()["articles"] == 8


def test_restore_refuses_a_file_that_is_not_a_marsad_database(tmp_path: Path):
    settings = make_settings(tmp_path)
    bad = tmp_path / "notes.db"
    bad.write_text("عنوان الخبر\nنص الخبر", encoding="utf-8")
    with pytest.raises(InputError, match="not a SQLite database"):
        restore(settings.database_url, bad)


@pytest.mark.postgres
def test_postgres_backup_and_restore_round_trip(pg_url: str, tmp_path: Path, small):
    _, sqlite_settings = small
    url = fresh_postgres_database(pg_url)
    pg = Store(url)
    load_kb(pg, kb_records())
    Pipeline(pg, sqlite_settings).ingest(generated_articles(30))
    before = pg.stats()
    dump = backup(url, tmp_path / "marsad.dump")
    assert dump.bytes > 0
    other = fresh_postgres_database(pg_url)
    restore(other, dump.path)
    restored = Store(other)
    assert restored.stats() == before
    restored.close()
    pg.close()


def test_backup_and_restore_commands_round_trip(tmp_path: Path):
    import os
    import subprocess
    import sys

    from marsad_testing import DATA

    env = dict(os.environ, MARSAD_DATA_DIR=str(tmp_path / "data"))
    env.pop("MARSAD_DATABASE_URL", None)

    def marsad(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "marsad.cli", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    assert marsad("ingest", str(DATA / "articles_small.jsonl")).returncode == 0
    done = marsad("backup", str(tmp_path / "copy.db"))
    assert done.returncode == 0 and "8 articles" in done.stdout
    again = marsad("backup", str(tmp_path / "copy.db"))
    assert again.returncode == 1 and "already exists" in again.stderr
    assert "Traceback" not in again.stderr
    refused = marsad("restore", str(tmp_path / "copy.db"))
    assert refused.returncode == 1 and "--force" in refused.stderr
    restored = marsad("restore", "--force", str(tmp_path / "copy.db"))
    assert restored.returncode == 0 and "8 articles" in restored.stdout
    assert "لافروف" in marsad("entity", "لافروف").stdout
