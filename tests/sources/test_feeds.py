"""Feed parsing: every RSS flavour and Atom, Arabic items, attacks and broken input."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from marsad.errors import InputError
from marsad.sources.feeds import FeedError, parse_feed

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"


def load(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def test_rss091_items_have_arabic_titles_and_resolved_links():
    feed = parse_feed(load("rss091.xml"), "https://www.sana.sy/rss.xml")
    assert feed.version.startswith("rss091")
    assert feed.title == "وكالة الأنباء السورية سانا"
    assert [i.title for i in feed.items] == [
        "الرئيس الأسد يستقبل وزير الخارجية الروسي سيرغي لافروف في دمشق",
        "لافروف: موسكو مستعدة لمواصلة الحوار",
    ]
    assert feed.items[1].url == "https://www.sana.sy/?p=1002"  # relative link resolved
    assert feed.items[0].summary.startswith("دمشق سانا -")
    assert feed.items[0].published is None  # RSS 0.91 items carry no date; none invented


def test_rss10_rdf_dates_are_tz_aware_utc():
    feed = parse_feed(load("rss10.rdf"), "https://arabic.rt.com/rss/")
    assert feed.version == "rss10"
    first = feed.items[0]
    assert first.title == "لافروف يبحث مع نظيره التركي الوضع في سوريا"
    assert first.published == datetime(2024, 3, 14, 6, 30, tzinfo=UTC)  # 09:30 +03:00
    assert first.published.tzinfo is not None
    assert first.guid == "https://arabic.rt.com/world/2001-lavrov/"


def test_rss20_pubdate_guid_and_summary_text():
    feed = parse_feed(load("rss20.xml"), "https://www.aljazeera.net/rss")
    assert feed.version == "rss20"
    first = feed.items[0]
    assert first.url == "https://www.aljazeera.net/news/2024/3/14/guterres"
    assert first.guid == "aj-3001"
    assert first.published == datetime(2024, 3, 14, 7, 15, tzinfo=UTC)
    assert (
        first.summary == "دعا الأمين العام للأمم المتحدة أنطونيو غوتيريش إلى وقف فوري لإطلاق النار."
    )
    assert "<" not in first.summary


def test_rss20_date_written_in_arabic_indic_digits_is_parsed():
    feed = parse_feed(load("rss20.xml"))
    digits = feed.items[2]
    assert digits.title == "خبر بتاريخ بأرقام عربية"
    assert digits.published == datetime(2024, 3, 16, 9, 0, tzinfo=UTC)


def test_atom_prefers_published_and_falls_back_to_updated_and_content():
    feed = parse_feed(load("atom.xml"), "https://www.alarabiya.net/feed.atom")
    assert feed.version == "atom10"
    assert feed.title == "العربية نت"
    assert feed.link == "https://www.alarabiya.net/"
    macron, league = feed.items
    assert macron.title.startswith("ولي العهد السعودي يستقبل الرئيس الفرنسي")
    assert macron.published == datetime(2024, 3, 15, 8, 20, tzinfo=UTC)
    assert league.published == datetime(2024, 3, 14, 20, 45, tzinfo=UTC)
    assert league.summary.startswith("عقدت جامعة الدول العربية")
    assert macron.guid == "tag:alarabiya.net,2024:4001"


def test_windows_1256_feed_is_decoded_from_its_xml_declaration():
    feed = parse_feed(load("rss20_cp1256.xml"))
    assert feed.title == "صحيفة تشرين"
    assert feed.items[0].title == "وزير الخارجية السوري فيصل المقداد يصل إلى طهران"


def test_billion_laughs_is_refused_without_expanding():
    started = time.monotonic()
    with pytest.raises(FeedError, match="entity-expansion") as err:
        parse_feed(load("billion_laughs.xml"))
    assert time.monotonic() - started < 10.0  # expanded, it would not end (loose: loaded CI)
    assert isinstance(err.value, InputError)


def test_entity_declaration_in_broken_xml_is_still_refused():
    data = load("billion_laughs.xml").replace(b"</rss>", b"<broken")
    with pytest.raises(FeedError, match="entities"):
        parse_feed(data)


def test_external_entity_is_refused():
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b'<rss version="2.0"><channel><title>&xxe;</title>'
        b"<item><title>x</title><link>https://a.example/1</link></item></channel></rss>"
    )
    with pytest.raises(FeedError, match="entit"):
        parse_feed(data)


def test_malformed_feed_without_items_gives_clear_error():
    with pytest.raises(FeedError, match="malformed feed with no items"):
        parse_feed(load("malformed.xml"), "https://broken.example/rss")


def test_html_page_is_not_a_feed():
    page = "<!doctype html><html><body><p>مرحباً</p></body></html>".encode()
    with pytest.raises(FeedError, match="no items"):
        parse_feed(page)


def test_empty_document_is_refused():
    with pytest.raises(FeedError, match="empty"):
        parse_feed(b"  \n")


def test_bytes_that_look_like_a_path_are_not_opened_as_a_file():
    with pytest.raises(FeedError):
        parse_feed(str(FEEDS / "rss20.xml").encode())


def test_slightly_broken_feed_with_items_is_kept_with_a_warning():
    data = load("rss20.xml").replace(b"</channel>", b"<oops></channel>")
    feed = parse_feed(data)
    assert len(feed.items) == 3
    assert feed.warning


def test_duplicate_item_links_are_kept_once():
    data = (
        '<rss version="2.0"><channel><title>مكرر</title>'
        "<item><title>أ</title><link>https://a.example/1</link></item>"
        "<item><title>ب</title><link>https://a.example/1</link></item>"
        "<item><title>ج</title><link>javascript:alert(1)</link></item>"
        "</channel></rss>"
    ).encode()
    feed = parse_feed(data)
    assert [i.title for i in feed.items] == ["أ"]


def test_empty_valid_feed_has_no_items_and_no_error():
    feed = parse_feed(b'<rss version="2.0"><channel><title>hush</title></channel></rss>')
    assert feed.items == []
    assert feed.title == "hush"


CP1256_NO_DECLARATION = (
    '<rss version="2.0"><channel><title>صحيفة الوطن</title>'
    "<item><title>المقداد يلتقي عبد اللهيان</title><link>https://w.example/1</link></item>"
    "</channel></rss>"
).encode("cp1256")


def test_header_charset_is_used_when_the_document_declares_none():
    feed = parse_feed(CP1256_NO_DECLARATION, encoding="windows-1256")
    assert feed.title == "صحيفة الوطن"
    assert feed.items[0].title == "المقداد يلتقي عبد اللهيان"


def test_xml_declaration_wins_over_a_wrong_header_charset():
    feed = parse_feed(load("rss20_cp1256.xml"), encoding="utf-8")
    assert feed.title == "صحيفة تشرين"
