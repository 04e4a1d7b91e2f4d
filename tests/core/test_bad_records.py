"""Hostile and careless input to `marsad ingest` (issue 16, items 2, 5 and 6): a badly typed
record is reported with its file and line and skipped, everything else is stored, and the
exit code says whether anything failed (0 all good, 1 some input failed, 2 usage)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import marsad
from marsad.config import Settings, load_settings
from marsad.errors import InputError
from marsad.ingest import ingest_paths
from marsad.sources.files import articles_from_file, record_of_line
from marsad.sources.records import FIELDS, RecordError, article_from_fields
from marsad.store.database import Store
from marsad_testing import DATA

LAVROV = {
    "title": "لافروف في أنقرة",
    "text": "وصل وزير الخارجية الروسي سيرغي لافروف إلى أنقرة لبحث الأزمة السورية.",
    "source": "sana",
    "source_name": "سانا",
}
KERRY = {
    "title": "كيري في جنيف",
    "text": "بحث وزير الخارجية الأمريكي جون كيري الهدنة في سوريا مع نظيره الروسي.",
    "source": "rt",
}
BEIRUT = {"title": "وفد في بيروت", "text": "وصل وفد حكومي إلى بيروت اليوم للقاء المسؤولين."}
DEEP = "[" * 100_000 + "]" * 100_000  # json.loads: RecursionError


def line(rec: object) -> str:
    return json.dumps(rec, ensure_ascii=False)


def run(
    args: list[str], tmp_path: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("MARSAD_DATABASE_URL", None)
    env["MARSAD_DATA_DIR"] = str(tmp_path / "data")
    env["MARSAD_NER"] = "gazetteer"  # the names are not what these tests are about
    env["PYTHONPATH"] = str(Path(marsad.__file__).parents[1])  # this checkout's marsad
    return subprocess.run(
        [sys.executable, "-m", "marsad.cli", *args],
        env=env, input=stdin, capture_output=True, text=True, timeout=180, cwd=tmp_path,
    )  # fmt: skip


def stored(tmp_path: Path) -> dict[str, dict]:
    env = {"MARSAD_DATA_DIR": str(tmp_path / "data")}
    store = Store(load_settings(env).database_url)
    rows = {r["title"]: store.get_article(r["id"]) for r in store.latest_articles(100)}
    store.close()
    return rows


BAD_DUMP = [
    line(LAVROV),
    line({"title": "a", "text": "b", "place": ["دمشق"]}),
    line({"title": "c", "text": "d", "agency": {"name": "سانا"}}),
    line({"title": "e", "text": "f", "source": "x", "source_name": 5}),
    DEEP,
    line(KERRY | {"url": "javascript:alert(1)", "source_url": "javascript:alert(2)"}),
]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_badly_typed_records_are_skipped_with_file_and_line_and_the_rest_is_stored(
    tmp_path: Path, workers: str
):
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(BAD_DUMP) + "\n", encoding="utf-8")
    (tmp_path / "later.jsonl").write_text(line(BEIRUT) + "\n", encoding="utf-8")

    result = run(["ingest", "--workers", workers, "dump.jsonl", "later.jsonl"], tmp_path)

    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    assert "new 3," in result.stdout and "errors 4" in result.stdout, result.stdout
    for number, field in [(2, "place"), (3, "agency"), (4, "source_name")]:
        assert f"dump.jsonl:{number}: skipped, {field} must be text" in result.stderr
    assert "dump.jsonl:5: skipped, JSON nested too deeply" in result.stderr
    assert "dump.jsonl:6: url 'javascript:alert(1)' is not an http(s) address" in result.stderr
    rows = stored(tmp_path)
    assert set(rows) == {"لافروف في أنقرة", "كيري في جنيف", "وفد في بيروت"}
    assert rows["كيري في جنيف"]["url"] is None  # kept as data, never as a link


def test_stdin_counts_bad_json_array_lines_and_records_without_text(tmp_path: Path):
    lines = [
        line(LAVROV),
        "{not json",
        line([LAVROV]),
        line({"title": "عنوان بلا نص"}),
        line(KERRY),
    ]
    result = run(["ingest", "-"], tmp_path, stdin="\n".join(lines) + "\n")

    assert result.returncode == 1, result.stderr
    assert "new 2," in result.stdout and "errors 3" in result.stdout, result.stdout
    assert "stdin:2: skipped, not valid JSON" in result.stderr
    assert "stdin:3: skipped, a JSON array, not an object" in result.stderr
    assert "stdin:4: skipped, no text" in result.stderr
    assert set(stored(tmp_path)) == {"لافروف في أنقرة", "كيري في جنيف"}


def test_a_missing_path_and_an_empty_txt_are_errors_and_the_run_goes_on(tmp_path: Path):
    (tmp_path / "a.jsonl").write_text(line(LAVROV) + "\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("\n \n", encoding="utf-8")
    (tmp_path / "z.jsonl").write_text(line(KERRY) + "\n", encoding="utf-8")

    result = run(["ingest", "a.jsonl", "missing.jsonl", "empty.txt", "z.jsonl"], tmp_path)

    assert result.returncode == 1, result.stderr
    assert "new 2," in result.stdout and "errors 2" in result.stdout, result.stdout
    assert "missing.jsonl: no such file or folder" in result.stderr
    assert "empty.txt: empty file" in result.stderr
    assert set(stored(tmp_path)) == {"لافروف في أنقرة", "كيري في جنيف"}


def test_exit_code_is_zero_when_all_is_good_and_two_for_a_usage_error(tmp_path: Path):
    (tmp_path / "a.jsonl").write_text(line(LAVROV) + "\n" + line(KERRY) + "\n", encoding="utf-8")
    good = run(["ingest", "a.jsonl"], tmp_path)
    assert good.returncode == 0, good.stderr
    assert "new 2," in good.stdout and "errors 0" in good.stdout
    assert run(["ingest", "--no-such-option", "a.jsonl"], tmp_path).returncode == 2
    assert run(["ingest"], tmp_path).returncode == 2


def test_an_unreadable_date_is_a_warning_not_an_error(tmp_path: Path):
    (tmp_path / "a.jsonl").write_text(line(LAVROV | {"published": "أمس"}) + "\n", encoding="utf-8")
    result = run(["ingest", "a.jsonl"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "errors 0, warnings 1" in result.stdout
    assert "a.jsonl:1: date 'أمس' not understood" in result.stderr
    assert stored(tmp_path)["لافروف في أنقرة"]["published"] is None


def test_every_field_is_checked_in_one_place():
    ok = article_from_fields(LAVROV | {"url": "https://sana.example/1", "place": None}, None, "f")
    assert (ok.article.source.name, ok.article.url, ok.article.place) == (
        "سانا",
        "https://sana.example/1",
        None,
    )
    assert ok.warnings == []
    bad = [
        ({"title": "x"}, "no text"),
        ({"title": 7, "text": "نص"}, "title must be text"),
        ({"text": ["نص"]}, "text must be text"),
        ({"title": "ع" * 2000, "text": "نص"}, "title is 2000 characters"),
        ({"text": "نص", "source": "ن" * 500}, "source is 500 characters"),
        ({"text": "نص", "published": 1700000000}, "published must be text"),
        ({"text": "نص", "author": True}, "author must be text"),
    ]
    for rec, reason in bad:
        with pytest.raises(RecordError, match=reason):
            article_from_fields(rec, None, "f")
    odd = article_from_fields(
        {"title": "عنوان\x00", "text": "نص \ud800 فيه", "url": "ftp://x/", "source_url": "data:,x",
         "source": "s", "published": "31/02/2024"},
        None, "f",
    )  # fmt: skip
    assert odd.article.title == "عنوان" and odd.article.text == "نص \ufffd فيه"
    assert odd.article.url is None and odd.article.source.url is None
    assert [w.split(" ", 1)[0] for w in odd.warnings] == ["url", "source_url", "date"]


def test_odd_characters_are_stored_not_fatal(settings: Settings, tmp_path: Path):
    path = tmp_path / "odd.jsonl"
    odd = {"title": "عنوان غريب", "text": "نص فيه \ud800 و\x00 وحروف تحكم \x07 في دمشق."}
    path.write_text(json.dumps(odd) + "\n" + line(KERRY) + "\n", encoding="utf-8")
    store = Store(settings.database_url)
    report = ingest_paths(store, settings, [path])
    assert (report.new, report.errors) == (2, [])
    titles = {r["title"] for r in store.latest_articles()}
    assert titles == {"عنوان غريب", "كيري في جنيف"}


def test_csv_cells_are_checked_like_jsonl_fields(settings: Settings, tmp_path: Path):
    path = tmp_path / "export.csv"
    path.write_text(
        "title,text,url,source\n"
        f"{LAVROV['title']},{LAVROV['text']},javascript:alert(1),sana\n"
        f"عنوان فقط,,https://x.example/1,sana\n"
        f"{KERRY['title']},{KERRY['text']},https://rt.example/2,{'ر' * 400}\n",
        encoding="utf-8",
    )
    store = Store(settings.database_url)
    report = ingest_paths(store, settings, [path])
    assert report.new == 1
    assert [e.split(": ", 1)[1] for e in report.errors] == [
        "skipped, no text",
        "skipped, source is 400 characters, over the limit of 300",
    ]
    assert report.errors[0].startswith(f"{path}:row 3")
    assert report.warnings == [
        f"{path}:row 2: url 'javascript:alert(1)' is not an http(s) address; not kept as a link"
    ]
    [row] = store.latest_articles()
    assert store.get_article(row["id"])["url"] is None


# --------------------------------------------------------------------------- truncated .warc

PAGE = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{title}</title></head><body><article><h1>{title}</h1><p>{body}</p><p>{body}</p>
<p>{body}</p></article></body></html>"""


def write_warc(path: Path, pages: list[tuple[str, str, str]]) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        for url, title, body in pages:
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            payload = io.BytesIO(PAGE.format(title=title, body=body).encode())
            writer.write_record(
                writer.create_warc_record(url, "response", payload=payload, http_headers=http)
            )


def test_a_plain_warc_cut_mid_record_does_not_store_the_cut_record(tmp_path: Path):
    path = tmp_path / "crawl.warc"
    write_warc(path, [("https://sana.example/a.html", LAVROV["title"], LAVROV["text"]),
                      ("https://rt.example/b.html", KERRY["title"], KERRY["text"])])  # fmt: skip
    whole = {a.url: a.text for a in articles_from_file(path)}
    assert len(whole) == 2
    data = path.read_bytes()
    second = data.index(b"WARC/1.0", 10)
    for cut in range(second + 20, len(data) - 4, 97):  # in the headers, the HTML, its end
        path.write_bytes(data[:cut])
        seen = []
        with pytest.raises(InputError, match="truncated"):
            for article in articles_from_file(path):
                seen.append(article)
        assert [a.url for a in seen] == ["https://sana.example/a.html"], cut
        assert seen[0].text == whole["https://sana.example/a.html"]


def test_ingest_reports_a_cut_warc_and_stores_only_its_whole_records(
    settings: Settings, tmp_path: Path
):
    path = tmp_path / "crawl.warc"
    write_warc(path, [("https://sana.example/a.html", LAVROV["title"], LAVROV["text"]),
                      ("https://rt.example/b.html", KERRY["title"], KERRY["text"])])  # fmt: skip
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 200])
    store = Store(settings.database_url)
    report = ingest_paths(store, settings, [path])
    assert report.new == 1
    assert len(report.errors) == 1 and "record 2 <https://rt.example/b.html>" in report.errors[0]
    assert "truncated" in report.errors[0]
    assert {r["title"] for r in store.latest_articles()} == {LAVROV["title"]}


# --------------------------------------------------------------------------- properties

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
FIELD_NAMES = st.sampled_from([n for names in FIELDS.values() for n in names] + ["extra"])


@examples(max_examples=300, deadline=None)
@given(st.dictionaries(FIELD_NAMES, JSON | st.text(), max_size=8))
def test_any_json_object_is_an_article_or_a_record_error(rec: dict):
    try:
        result = article_from_fields(rec, None, "dump.jsonl")
    except RecordError as exc:
        assert str(exc).startswith("skipped, ")
        return
    article = result.article
    assert article.text.strip()
    for value in (article.title, article.text, article.place, article.agency, article.author,
                  article.source.name, article.source.slug):  # fmt: skip
        assert value is None or (isinstance(value, str) and "\x00" not in value)
        assert value is None or isinstance(value.encode("utf-8"), bytes)  # storable
    for url in (article.url, article.source.url):
        assert url is None or url.lower().startswith(("http://", "https://"))


@examples(max_examples=300, deadline=None)
@given(st.text(max_size=200) | JSON.map(json.dumps))
def test_any_line_is_an_object_or_a_record_error(text: str):
    try:
        assert isinstance(record_of_line(text), dict)
    except RecordError as exc:
        assert str(exc).startswith("skipped, ")


def test_an_article_that_fails_unexpectedly_is_skipped_and_the_batch_kept(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import marsad.ingest

    real = marsad.ingest.prepare

    def prepare(article, *args):  # a bug met by one article, not bad input
        if article.title == KERRY["title"]:
            raise RuntimeError("boom")
        return real(article, *args)

    monkeypatch.setattr(marsad.ingest, "prepare", prepare)
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(line(r) for r in (LAVROV, KERRY, BEIRUT)) + "\n", encoding="utf-8")
    store = Store(settings.database_url)
    report = ingest_paths(store, settings, [path])
    assert report.new == 2
    assert report.errors == [
        f"{path}: article 'كيري في جنيف' skipped, internal error (RuntimeError: boom); "
        "please report it"
    ]
    assert {r["title"] for r in store.latest_articles()} == {LAVROV["title"], BEIRUT["title"]}


@pytest.mark.parametrize("workers", [1, 2])
def test_an_archive_page_keeps_every_item_when_one_link_is_hostile(
    settings: Settings, tmp_path: Path, workers: int
):
    page = (DATA / "pages" / "archive-00.html").read_text(encoding="utf-8")
    hostile = page.replace("href='/2018/03/01/item-0-0/'", "href='javascript:alert(1)'")
    assert hostile != page
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "archive.html").write_text(hostile, encoding="utf-8")
    store = Store(settings.database_url)
    report = ingest_paths(store, settings, [tmp_path / "in"], workers=workers)
    assert (report.new, report.errors) == (3, [])
    [warning] = report.warnings  # the relative links of the others are dropped quietly
    assert "archive.html:article 1: url 'javascript:alert(1)' is not an http(s)" in warning
    urls = [store.get_article(r["id"])["url"] for r in store.latest_articles()]
    assert urls == [None, None, None]
