"""The date parser and the HTML extractor on any input: nothing but marsad's own errors
escapes, spans point into the original text, dates are time-zone aware."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import example, given
from hypothesis import strategies as st

from marsad.errors import InputError
from marsad.extract.dates import find_dates, parse_date
from marsad.extract.html import extract_articles
from properties.strategies import any_text, arabic_text, fast, news_text

references = st.one_of(
    st.none(),
    st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=3)), timezone(-timedelta(hours=11))]
        ),
    ),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),  # naive
)


@fast(400)
@given(any_text, references)
@example("الاثنين 14 رمضان 1439 هـ الموافق 28 مايو 2018 الساعة 10:30", None)
@example("31 شباط ٢٠٢٤", datetime(2024, 3, 1, tzinfo=UTC))
@example("أمس", datetime(1, 1, 2, tzinfo=UTC))  # the day before the first representable
@example("1 كانون الثاني", datetime(9999, 12, 30, tzinfo=UTC))
def test_dates_point_into_the_text_and_are_time_zone_aware(text: str, reference):
    found = find_dates(text, reference)
    for m in found:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert m.value.tzinfo is not None
    assert parse_date(text, reference) == (found[0].value if found else None)


def _page(title: str, paragraphs: list[str], published: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="article:published_time" content="{published}"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


pages = st.one_of(
    st.binary(max_size=2000),
    any_text,
    st.builds(_page, arabic_text, st.lists(news_text, max_size=6), st.text(max_size=30)),
)


@fast(150)
@given(pages)
@example(b"\xef\xbb\xbf<html><body><p>\x00</p></body></html>")
@example('<html><head><meta charset="x-unknown-9"></head><body><p>نص</p></body></html>')
def test_any_page_gives_articles_or_an_input_error(page: bytes | str):
    try:
        articles = extract_articles(page, url="https://news.example/2024/05/01/a.html")
    except InputError:
        return
    for a in articles:
        assert isinstance(a.title, str) and isinstance(a.text, str) and a.text.strip()
        assert a.published is None or a.published.tzinfo is not None
        for field in (a.url, a.place, a.agency, a.author):
            assert field is None or isinstance(field, str)
