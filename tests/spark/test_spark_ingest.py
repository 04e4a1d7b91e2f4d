"""`marsad spark-ingest` then `marsad load` builds the database `marsad ingest` builds from
the same inputs: every table, row by row (ids included), on SQLite and PostgreSQL; and
`--arabic-only` leaves the non-Arabic pages of a WARC out before parsing them.

Runs one local Spark session (local[2]) for the module: skipped without PySpark or Java."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crash import snapshot
from marsad import pages
from marsad.cli import app
from marsad.entities.kb import load_kb, read_kb
from marsad.ingest import ingest_paths
from marsad.sources.files import iter_files
from marsad.store.database import Store
from marsad.store.edits import recogniser_names
from marsad_testing import (
    DATA,
    fresh_postgres_database,
    make_settings,
    mixed_inputs,
    store_snapshot,
)

pytest.importorskip("pyspark", reason="PySpark is not installed (pip install -e '.[spark]')")
pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install -e '.[spark]')")
if shutil.which("java") is None:
    pytest.skip("Java is not installed (Spark needs Java 17)", allow_module_level=True)

pytestmark = pytest.mark.spark

from marsad.spark import job  # noqa: E402 - after the skips
from marsad.spark.load import load  # noqa: E402

ARABIC = (
    "<html><head><meta charset='utf-8'><title>لافروف يلتقي كيري في جنيف</title></head><body>"
    "<h1>لافروف يلتقي كيري في جنيف</h1><p>"
    + "بحث وزير الخارجية الروسي سيرغي لافروف مع نظيره الأمريكي جون كيري في جنيف سبل دفع "
    "العملية السياسية في سوريا، وقال لافروف إن الحل السياسي هو الطريق الوحيد. "
    * 4
    + "</p></body></html>"
)
ENGLISH = (
    "<html><head><title>Lavrov meets Kerry</title></head><body><h1>Lavrov meets Kerry</h1><p>"
    + "The Russian foreign minister met his American counterpart in Geneva. " * 20
    + "</p></body></html>"
)
PERSIAN = (
    "<html><head><meta charset='utf-8'><title>دیدار لاوروف و کری</title></head><body><p>"
    + "وزیر امور خارجه روسیه روز یکشنبه در ژنو با همتای آمریکایی خود دیدار کرد و گفت که "
    "گفتگوها درباره سوریه ادامه پیدا می‌کند. " * 6 + "</p></body></html>"
)


def write_warc(path: Path, pages_: list[tuple[str, str]]) -> Path:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body in pages_:
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            payload = io.BytesIO(body.encode("utf-8"))
            writer.write_record(
                writer.create_warc_record(url, "response", payload=payload, http_headers=http)
            )
    return path


@pytest.fixture(scope="module")
def spark():
    session = job.spark_session("local[2]", partitions=4, app="marsad tests")
    yield session
    session.stop()


def _store(url: str) -> Store:
    store = Store(url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    return store


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[Path]:
    """Pages, JSONL (with a copy from another source), bad input and a WARC."""
    folder = mixed_inputs(tmp_path_factory.mktemp("in") / "in")
    warc = write_warc(
        folder / "cc-news.warc.gz",
        [("https://arabic.example/a", ARABIC), ("https://english.example/a", ENGLISH)],
    )
    return [folder, DATA / "articles_small.jsonl", warc, folder / "missing.jsonl"]


@pytest.fixture(scope="module")
def built(spark, inputs, tmp_path_factory):
    """(marsad ingest's store, its report, the Parquet folder, the job's report)."""
    tmp = tmp_path_factory.mktemp("built")
    settings = make_settings(tmp, "ingest.db")
    ingested = _store(settings.database_url)
    report = ingest_paths(ingested, settings, inputs)
    out = tmp / "parquet"
    names = recogniser_names(ingested)  # the same knowledge base as the one loaded into
    done = job.run(spark, [str(p) for p in inputs], str(out), settings, names, partitions=4)
    return ingested, report, out, done, tmp


def test_spark_then_load_equals_marsad_ingest_table_by_table(built, inputs):
    ingested, report, out, done, tmp = built
    assert report.new >= 20 and report.duplicates >= 9 and report.errors  # a real mix
    assert done.files == len(list(iter_files(inputs[:3])))  # the missing one is an error
    settings = make_settings(tmp, "loaded.db")
    loaded = _store(settings.database_url)
    result = load(loaded, settings, out)
    assert (result.new, result.duplicates, result.empty) == (
        report.new,
        report.duplicates,
        report.empty,
    )
    assert sorted(result.errors) == sorted(report.errors)  # same files and lines named
    assert sorted(result.warnings) == sorted(report.warnings)
    same, other = snapshot(Path(tmp / "ingest.db")), snapshot(Path(tmp / "loaded.db"))
    assert same["mentions"][0] > 50 and same["quotes"][0] > 0 and same["pair_days"][0] > 0
    assert other == same  # every table, every row, ids included
    page = pages.entity_page(loaded, settings, "لافروف")
    assert page.total_articles >= 4 and "جون كيري" in {r.name for r in page.related}


def test_load_into_postgres_equals_marsad_ingest(built, pg_url):
    ingested, report, out, _done, tmp = built
    loaded = _store(fresh_postgres_database(pg_url))
    result = load(loaded, make_settings(tmp), out)
    assert result.new == report.new
    assert store_snapshot(loaded) == store_snapshot(ingested)
    loaded.close()


def test_load_on_the_command_line_lists_the_inputs_that_failed(built, monkeypatch):
    _ingested, report, out, _done, tmp = built
    monkeypatch.setenv("MARSAD_DATA_DIR", str(tmp / "cli"))
    result = CliRunner().invoke(app, ["load", str(out)])
    assert result.exit_code == 1  # as marsad ingest: some input failed
    assert f"new {report.new}, duplicates {report.duplicates}" in result.stdout
    assert "missing.jsonl: no such file or folder" in result.stderr


def test_arabic_only_leaves_out_non_arabic_warc_pages(spark, tmp_path: Path):
    warc = write_warc(
        tmp_path / "CC-NEWS-20261201.warc.gz",
        [
            ("https://english.example/1", ENGLISH),
            ("https://arabic.example/1", ARABIC),
            ("https://persian.example/1", PERSIAN),
        ],
    )
    settings = make_settings(tmp_path)
    out = tmp_path / "parquet"
    done = job.run(spark, [str(tmp_path / "*.warc.gz")], str(out), settings, [], arabic_only=True)
    assert done.files == 1 and done.dropped == 2 and done.counts == {"article": 1}
    store = Store(settings.database_url)
    result = load(store, settings, out)
    assert (result.new, result.dropped, result.errors) == (1, 2, [])
    assert pages.search_page(store, "جنيف").total == 1
    assert pages.search_page(store, "Geneva").total == 0
    kept_all = job.run(spark, [str(warc)], str(out), settings, [])
    assert kept_all.counts == {"article": 3}  # without the filter every page is parsed
