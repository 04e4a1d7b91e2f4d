"""Counts read as Arabic agrees them: خبر واحد، خبران، 3 أخبار، 15 خبرا، 100 خبر."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from marsad.web.app import create_app
from marsad.web.extras import counted, counted_text


@pytest.mark.parametrize(
    ("n", "noun", "text"),
    [
        (0, "خبر", "0 خبر"),
        (1, "خبر", "خبر واحد"),
        (2, "خبر", "خبران"),
        (3, "خبر", "3 أخبار"),
        (10, "خبر", "10 أخبار"),
        (11, "خبر", "11 خبرا"),
        (99, "خبر", "99 خبرا"),
        (100, "خبر", "100 خبر"),
        (103, "خبر", "103 أخبار"),
        (1015, "خبر", "1,015 خبرا"),
        (7, "يوم", "7 أيام"),
        (30, "يوم", "30 يوما"),
        (2, "خبر مشترك", "خبران مشتركان"),
        (4, "خبر مشترك", "4 أخبار مشتركة"),
    ],
)
def test_a_count_agrees_with_its_noun(n, noun, text):
    assert counted_text(n, noun) == text


def test_the_number_is_isolated_for_bidirectional_text():
    assert str(counted(15, "خبر")) == "<bdi>15</bdi> خبرا"
    assert str(counted(1, "خبر")) == "خبر واحد"


def test_pages_never_write_a_small_count_with_the_accusative(small):
    client = TestClient(create_app(*small))
    for url in ("/", "/entity/لافروف", "/search?q=لافروف", "/sources"):
        html = client.get(url).text
        for number in re.findall(r"<bdi>(\d+)</bdi> خبرا", html):
            assert int(number) % 100 >= 11, (url, number)
        assert "<bdi>1</bdi> خبر" not in html and "<bdi>2</bdi> خبر" not in html
