"""Files and folders: .csv, .warc/.warc.gz, text tag archives, and bad input of every kind."""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from marsad.config import Settings
from marsad.entities.kb import load_kb, read_kb
from marsad.errors import InputError
from marsad.ingest import ingest_paths
from marsad.sources.files import articles_from_file, iter_files
from marsad.store.database import Store
from marsad_testing import DATA

LAVROV_BODY = (
    "أكد وزير الخارجية الروسي سيرغي لافروف أن بلاده ستواصل دعم الحل السياسي في سوريا، "
    "وقال إن الاجتماع المقبل سيعقد في أستانا نهاية الشهر."
)
KERRY_BODY = (
    "بحث وزير الخارجية الأمريكي جون كيري مع نظيره الروسي سيرغي لافروف في جنيف سبل تثبيت "
    "الهدنة في سوريا وإيصال المساعدات الإنسانية."
)

TAG_ARCHIVE = """أرشيف الوسم : لافروف

لافروف: الحل في سوريا سياسي فقط
موسكو|
أكد وزير الخارجية الروسي سيرغي لافروف أن الحل في سوريا لا يمكن أن يكون إلا سياسيا.
وأضاف لافروف أن بلاده ستواصل العمل مع شركائها لتثبيت وقف إطلاق النار.

كيري ولافروف يبحثان الهدنة في جنيف
الأربعاء 25 شباط 2015
جنيف سانا
بحث وزير الخارجية الأمريكي جون كيري مع نظيره الروسي سيرغي لافروف تثبيت الهدنة.

لافروف يستقبل المعلم
دمشق| استقبل لافروف في موسكو وزير الخارجية السوري وليد المعلم وبحث معه آخر التطورات.
"""

PAGE = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="{charset}">
<title>{title}</title></head><body><nav><a href="/">الرئيسية</a></nav>
<article><h1>{title}</h1><p>{body}</p><p>{body}</p></article></body></html>"""


def write_warc(path: Path, records: list[tuple[str, str, bytes]], *, gz: bool) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for url, content_type, body in records:
            http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=http
            )
            writer.write_record(record)
        request = writer.create_warc_record("https://rt.example/x", "request",
                                            payload=io.BytesIO(b"GET /x HTTP/1.1\r\n\r\n"))  # fmt: skip
        writer.write_record(request)


def test_csv_rows_become_articles_with_source_url_and_date(tmp_path: Path):
    path = tmp_path / "export.csv"
    path.write_text(
        "title,text,source,source_name,url,published\n"
        f'لافروف يدعو إلى الحوار,"{LAVROV_BODY}",sana,سانا,https://sana.example/1,2024-03-14T09:00:00+03:00\n'
        f'كيري في جنيف,"{KERRY_BODY}\nوفقرة ثانية",rt,روسيا اليوم,https://rt.example/2,"Fri, 15 Mar 2024 08:00:00 GMT"\n',
        encoding="utf-8-sig",
    )
    articles = list(articles_from_file(path))
    assert [a.title for a in articles] == ["لافروف يدعو إلى الحوار", "كيري في جنيف"]
    assert articles[0].source.name == "سانا" and articles[0].url == "https://sana.example/1"
    assert articles[0].published == datetime(2024, 3, 14, 6, 0, tzinfo=UTC)
    assert articles[1].published == datetime(2024, 3, 15, 8, 0, tzinfo=UTC)
    assert articles[1].text.endswith("وفقرة ثانية")


def test_csv_bad_rows_are_skipped_and_reported_after_the_good_ones(tmp_path: Path):
    path = tmp_path / "export.csv"
    path.write_text(
        "title,text,published\n"
        f'لافروف يدعو إلى الحوار,"{LAVROV_BODY}",أمس\n'
        ",,\n"
        f'كيري في جنيف,"{KERRY_BODY}",2024-03-15T10:00:00+00:00\n',
        encoding="utf-8",
    )
    seen = []
    with pytest.raises(InputError) as err:
        for article in articles_from_file(path):
            seen.append(article)
    assert [a.title for a in seen] == ["لافروف يدعو إلى الحوار", "كيري في جنيف"]
    assert seen[0].published is None  # an unreadable date stays unknown, never guessed
    message = str(err.value)
    assert "2 problem(s), 2 article(s) read" in message
    assert "row 2: date 'أمس' not understood" in message and "row 3: skipped, no title" in message


def test_csv_without_title_or_text_columns_is_refused(tmp_path: Path):
    path = tmp_path / "numbers.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="must name at least title and text"):
        list(articles_from_file(path))


@pytest.mark.parametrize("gz", [False, True])
def test_warc_html_responses_become_articles_with_their_target_uri(tmp_path: Path, gz: bool):
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(
        path,
        [
            ("https://sana.example/news/2024/03/14/lavrov.html", "text/html; charset=utf-8",
             PAGE.format(charset="utf-8", title="لافروف يدعو إلى الحوار", body=LAVROV_BODY).encode()),
            ("https://sana.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50),
            ("https://rt.example/kerry.html", "text/html; charset=windows-1256",
             PAGE.format(charset="windows-1256", title="كيري في جنيف", body=KERRY_BODY).encode("cp1256")),
        ],
        gz=gz,
    )  # fmt: skip
    assert list(iter_files([tmp_path])) == [path]
    articles = list(articles_from_file(path))
    assert [a.url for a in articles] == [
        "https://sana.example/news/2024/03/14/lavrov.html",
        "https://rt.example/kerry.html",
    ]
    assert articles[0].title == "لافروف يدعو إلى الحوار"
    assert (
        articles[0].published is not None
        and articles[0].published.date().isoformat() == "2024-03-14"
    )
    assert articles[1].text.startswith("بحث وزير الخارجية الأمريكي")  # cp1256 decoded


def test_truncated_warc_keeps_the_records_before_the_damage(tmp_path: Path):
    path = tmp_path / "crawl.warc.gz"
    page = PAGE.format(charset="utf-8", title="لافروف يدعو إلى الحوار", body=LAVROV_BODY).encode()
    write_warc(path, [("https://sana.example/a.html", "text/html", page),
                      ("https://sana.example/b.html", "text/html", page.replace(b"<h1>", b"<h1>2 "))],
               gz=True)  # fmt: skip
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.5)])  # inside the second record
    seen = []
    with pytest.raises(InputError, match="truncated or damaged"):
        for article in articles_from_file(path):
            seen.append(article)
    assert seen and seen[0].url == "https://sana.example/a.html"


def test_text_tag_archive_is_split_into_its_articles(tmp_path: Path):
    path = tmp_path / "lavrov-tag.txt"
    path.write_text(TAG_ARCHIVE, encoding="utf-8")
    articles = list(articles_from_file(path))
    assert [a.title for a in articles] == [
        "لافروف: الحل في سوريا سياسي فقط",
        "كيري ولافروف يبحثان الهدنة في جنيف",
        "لافروف يستقبل المعلم",
    ]
    assert articles[0].text.startswith("موسكو|")
    assert (
        articles[1].published is not None
        and articles[1].published.date().isoformat() == "2015-02-25"
    )
    assert "الأربعاء" not in articles[1].text


def test_ordinary_text_file_stays_one_article(tmp_path: Path):
    path = tmp_path / "one.txt"
    path.write_text(
        "لافروف في دمشق\nالأربعاء 25 شباط 2015\nموسكو|\n" + LAVROV_BODY, encoding="utf-8"
    )
    [article] = list(articles_from_file(path))
    assert article.title == "لافروف في دمشق"
    assert article.published.date().isoformat() == "2015-02-25"


def test_archive_items_are_stored_with_dateline_place(settings: Settings, tmp_path: Path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "lavrov-tag.txt").write_text(TAG_ARCHIVE, encoding="utf-8")
    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    report = ingest_paths(store, settings, [tmp_path / "in"])
    assert (report.new, report.errors) == (3, [])
    places = {r["title"]: store.get_article(r["id"])["place"] for r in store.latest_articles()}
    assert places["لافروف: الحل في سوريا سياسي فقط"] == "موسكو"
    assert places["كيري ولافروف يبحثان الهدنة في جنيف"] == "جنيف"


def test_bad_files_are_each_reported_and_the_good_ones_stored(settings: Settings, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    good = PAGE.format(charset="utf-8", title="لافروف يدعو إلى الحوار", body=LAVROV_BODY)
    (folder / "good.html").write_text(good, encoding="utf-8")
    (folder / "truncated.html").write_text(good[: good.index("<p>") + 30], encoding="utf-8")
    (folder / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 1000)
    (folder / "empty.txt").write_text("\n \n", encoding="utf-8")
    (folder / "nav-only.html").write_text(
        "<html><body><nav><a href='/'>الرئيسية</a></nav></body></html>", encoding="utf-8"
    )
    with (folder / "huge.html").open("wb") as fh:  # 51 MB, sparse: costs no disk
        fh.truncate(51 * 1024 * 1024)
    (folder / "bomb.warc.gz").write_bytes(gzip.compress(b"\0" * (8 * 1024 * 1024)))
    lines = [
        json.dumps({"title": "كيري في جنيف", "text": KERRY_BODY, "published": "31/02/2024"},
                   ensure_ascii=False),
        "{not json",
        json.dumps({"title": "", "text": ""}),
    ]  # fmt: skip
    (folder / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    store = Store(settings.database_url)
    report = ingest_paths(store, settings, [folder])
    titles = {r["title"] for r in store.latest_articles()}
    assert titles == {"لافروف يدعو إلى الحوار", "كيري في جنيف"}
    by_file: dict[str, str] = {}  # every error line of a file, joined
    for error in report.errors:
        name = error.split(":", 1)[0].rsplit("/", 1)[-1]
        by_file[name] = f"{by_file.get(name, '')}{error}\n"
    assert set(by_file) == {
        "image.html", "binary.txt", "empty.txt", "nav-only.html", "huge.html", "bomb.warc.gz",
        "dump.jsonl", "truncated.html",
    }  # fmt: skip
    assert "binary data" in by_file["image.html"] and "binary data" in by_file["binary.txt"]
    assert "over the 50 MB limit" in by_file["huge.html"]
    assert "empty file" in by_file["empty.txt"]
    assert "no article text" in by_file["nav-only.html"]
    assert "dump.jsonl:3: skipped, no title or text" in by_file["dump.jsonl"]
    [warning] = report.warnings  # the article is stored, without its date
    assert "dump.jsonl:1: date '31/02/2024' not understood" in warning
    assert "not valid JSON" in by_file["dump.jsonl"]
    assert "WARC" in by_file["bomb.warc.gz"]


def test_gzipped_jsonl_is_read_like_jsonl_and_a_truncated_one_keeps_its_good_lines(
    tmp_path: Path,
) -> None:
    plain = (DATA / "articles_small.jsonl").read_bytes()
    (tmp_path / "dump.jsonl.gz").write_bytes(gzip.compress(plain))
    whole = list(articles_from_file(tmp_path / "dump.jsonl.gz"))
    assert [a.title for a in whole] == [
        a.title for a in articles_from_file(DATA / "articles_small.jsonl")
    ]
    assert whole[0].title == "لافروف وكيري يبحثان الأزمة السورية"

    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(gzip.compress(plain)[: len(gzip.compress(plain)) // 2])
    kept = []
    with pytest.raises(InputError, match="truncated or corrupt"):
        for article in articles_from_file(broken):
            kept.append(article)
    assert 0 < len(kept) < len(whole)
    assert list(iter_files([tmp_path])) == [broken, tmp_path / "dump.jsonl.gz"]


def test_a_gzip_bomb_line_is_skipped_not_held_in_memory(tmp_path: Path) -> None:
    line = json.dumps(
        {"title": "خبر عن دمشق", "text": "وصل الوفد إلى دمشق اليوم."}, ensure_ascii=False
    )
    bomb = gzip.compress(line.encode() + b"\n" + b"x" * (60 * 1024 * 1024) + b"\n" + line.encode())
    (tmp_path / "bomb.jsonl.gz").write_bytes(bomb)
    kept = []
    with pytest.raises(InputError, match="longer than"):
        for article in articles_from_file(tmp_path / "bomb.jsonl.gz"):
            kept.append(article)
    assert [a.title for a in kept] == ["خبر عن دمشق", "خبر عن دمشق"]
