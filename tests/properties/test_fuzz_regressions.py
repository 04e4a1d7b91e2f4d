"""Inputs found by bench/fuzz.py that raised something other than marsad's own errors: each
stays here so it cannot come back."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.sources.feeds import FeedError, parse_feed

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"


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
