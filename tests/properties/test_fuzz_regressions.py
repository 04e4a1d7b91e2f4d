"""Inputs found by bench/fuzz.py that raised something other than marsad's own errors: each
stays here so it cannot come back."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.sources.feeds import FeedError, _strip_tags, parse_feed

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"
FUZZED = Path(__file__).resolve().parent.parent / "data" / "fuzz"


@pytest.mark.parametrize(
    "declaration",
    [
        b'encoding="UT\xeeF-9"',  # a byte that is not UTF-8 in the encoding's name
        b'encoding="utf-8\x06\x00\x00\x00"',  # NUL characters in the encoding's name
    ],
)
def test_feed_with_a_garbled_encoding_name_is_a_feed_error_or_parsed(declaration: bytes):
    data = (FEEDS / "atom.xml").read_bytes().replace(b'encoding="utf-8"', declaration, 1)
    assert declaration in data
    with pytest.raises(FeedError, match="encoding"):
        parse_feed(data, "https://news.example/feed.xml")


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>سانا</title><link>https://sana.example/</link>
<item><title>لافروف يستقبل المعلم في موسكو</title><link>{link}</link>
<description>{summary}</description></item>
<item><title>كيري يصل إلى جنيف</title><link>https://sana.example/b</link>
<description>وصل وزير الخارجية الأمريكي جون كيري إلى جنيف.</description></item>
</channel></rss>"""


def test_summary_with_a_broken_marked_section_keeps_its_text():
    """html.parser raised AssertionError ("unknown status keyword 'CDAT' in marked
    section") out of the summary's tag stripping."""
    text = _strip_tags("<p>استقبل وزير الخارجية <![CDAT[ سيرغي لافروف <b>نظيره</b></p>")
    assert "استقبل وزير الخارجية" in text and "سيرغي لافروف" in text and "<b>" not in text


@pytest.mark.parametrize(
    "name", ["feed-marked-section.xml.bin", "feed-ipv6-link.xml.bin", "feed-huge-zone.xml.bin"]
)
def test_fuzzed_feeds_parse_or_are_a_feed_error(name: str):
    """The inputs bench/fuzz.py feed found, as it found them."""
    try:
        feed = parse_feed((FUZZED / name).read_bytes(), "https://news.example/feed.xml")
    except FeedError:
        return
    assert all(i.url.startswith("http") and isinstance(i.summary, str) for i in feed.items)


def test_feed_item_with_a_broken_ipv6_link_is_skipped_not_a_crash():
    """urljoin/urlsplit raised ValueError ("Invalid IPv6 URL") out of the item's link."""
    feed = parse_feed(RSS.format(link="http://[::1/خبر", summary="نص").encode())
    assert [i.url for i in feed.items] == ["https://sana.example/b"]


def test_item_date_with_an_absurd_zone_is_unknown_not_a_crash():
    """email.utils raised OverflowError ("Python int too large to convert to C int") on a
    zone of a hundred digits."""
    item = RSS.replace(
        "<link>{link}</link>",
        "<link>{link}</link><pubDate>Thu, 14 Mar 2024 10:15:00 +0300" + "1" * 100 + "</pubDate>",
    )
    feed = parse_feed(item.format(link="https://sana.example/a", summary="نص الخبر").encode())
    assert feed.items[0].title == "لافروف يستقبل المعلم في موسكو"
    assert feed.items[0].published is None
