"""Unusable input raises InputError with a reason; odd but usable HTML never crashes."""

from pathlib import Path

import pytest

from marsad.errors import InputError
from marsad.extract.html import extract_articles

PARA = "<p>أكد وزير الخارجية الروسي سيرغي لافروف أن الحل السياسي هو الطريق الوحيد للأزمة.</p>"


def test_truncated_html_still_gives_the_text_it_holds():
    html = f"<html><head><title>لافروف</title></head><body><article>{PARA}{PARA}<p>وأضاف أن"
    [article] = extract_articles(html.encode())
    assert article.text.startswith("أكد وزير الخارجية الروسي")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10,
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x1f\x8b\x08\x00" + bytes(200),
        bytes(range(256)) * 40,
    ],
    ids=["png", "pdf", "gzip", "random-bytes"],
)
def test_binary_data_is_refused(data):
    with pytest.raises(InputError, match="binary"):
        extract_articles(data)


def test_page_over_the_size_cap_is_refused_and_the_cap_is_configurable():
    big = ("<html><body>" + PARA * 42000 + "</body></html>").encode()
    assert len(big) > 6 * 1024 * 1024
    with pytest.raises(InputError, match="too large"):
        extract_articles(big)
    small = ("<html><body>" + PARA * 20 + "</body></html>").encode()
    with pytest.raises(InputError, match="too large"):
        extract_articles(small, max_bytes=1000)


@pytest.mark.parametrize("data", [b"", b"   \n\t ", ""], ids=["empty-bytes", "blank", "empty-str"])
def test_empty_input_is_refused(data):
    with pytest.raises(InputError, match="empty"):
        extract_articles(data)


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>صفحة</title></head><body></body></html>",
        "<html><body><nav><a href='/'>الرئيسية</a></nav></body></html>",
        "<?xml version='1.0' encoding='utf-8'?><html><body><p>قصير</p></body></html>",
        "not html at all, just a line",
        "<<<>>>&&&",
    ],
)
def test_pages_without_article_text_give_no_articles(html):
    assert extract_articles(html.encode()) == []


def test_str_input_is_accepted():
    [article] = extract_articles(f"<html><body>{PARA}{PARA}</body></html>")
    assert "لافروف" in article.text


def test_a_feed_is_refused_with_a_pointer_to_the_feed_parser():
    rss = "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>سانا</title>"
    with pytest.raises(InputError, match="feed"):
        extract_articles((rss + "</channel></rss>").encode())


def test_any_truncation_of_real_layouts_never_crashes():
    pages = Path(__file__).resolve().parent.parent / "data" / "pages"
    for name in ("sana-01.html", "archive-00.html", "legacy1256-00.bin", "mojibake-00.html"):
        data = (pages / name).read_bytes()
        for cut in range(0, len(data), max(len(data) // 25, 1)):
            try:
                articles = extract_articles(data[:cut])
            except InputError as error:
                assert "empty" in str(error) or "binary" in str(error)
                continue
            assert all(a.text and a.title for a in articles)
