"""The JSONL, CSV and text readers on arbitrary lines: only marsad's own input errors
escape, and every article read has fields of the right types."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from marsad.errors import MarsadError
from marsad.models import Source
from marsad.sources.files import (
    Problems,
    articles_from_csv,
    articles_from_jsonl_lines,
    articles_from_text_file,
)
from properties.strategies import any_text, arabic_text, fast, news_text

FIELDS = ["title", "text", "body", "source", "source_name", "source_url", "url", "published",
          "time", "place", "agency", "author"]  # fmt: skip
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
good_records = st.fixed_dictionaries(
    {"title": arabic_text, "text": news_text},
    optional={k: st.one_of(st.none(), arabic_text) for k in ("source", "url", "place", "agency")},
)
any_records = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8)
lines = st.lists(
    st.one_of(
        good_records.map(lambda r: json.dumps(r, ensure_ascii=False)),
        any_records.map(lambda r: json.dumps(r, ensure_ascii=False)),
        json_values.map(json.dumps),
        any_text,
    ),
    max_size=6,
)


def read_jsonl(records: list[str]) -> list:
    problems = Problems("prop.jsonl")
    try:
        return list(
            articles_from_jsonl_lines([r + "\n" for r in records], "prop.jsonl", None, problems)
        )
    except MarsadError:
        return []


def assert_typed(articles: list) -> None:
    for a in articles:
        assert isinstance(a.title, str) and isinstance(a.text, str)
        assert a.title.strip() or a.text.strip()
        for field in ("url", "place", "agency", "author"):
            value = getattr(a, field)
            assert value is None or isinstance(value, str), (field, value)
        assert isinstance(a.source.slug, str) and isinstance(a.source.name, str)
        assert a.published is None or a.published.tzinfo is not None


@fast(300)
@given(lines)
@example(['{"title": "دمشق", "text": "نص الخبر"}', "[1, 2]", "{not json", '"سطر"'])
def test_any_jsonl_lines_raise_nothing_but_input_errors(records: list[str]):
    read_jsonl(records)


@fast(200)
@given(st.lists(good_records.map(lambda r: json.dumps(r, ensure_ascii=False)), max_size=5))
def test_well_typed_records_are_read_with_their_fields(records: list[str]):
    articles = read_jsonl(records)
    assert_typed(articles)
    usable = [r for r in map(json.loads, records) if r["text"].strip()]  # no text: an error
    assert len(articles) == len(usable)


@fast(300)
@given(lines)
@example(['{"title": "a", "text": "b", "place": ["دمشق"]}'])
@example(["[" * 100_000])  # RecursionError out of json.loads
def test_articles_read_from_any_jsonl_have_typed_fields(records: list[str]):
    assert_typed(read_jsonl(records))


csv_cells = st.one_of(arabic_text, news_text, st.text(max_size=30))


@fast(150)
@given(
    st.lists(st.sampled_from(FIELDS), min_size=1, max_size=5),
    st.lists(st.lists(csv_cells, max_size=6), max_size=5),
    st.sampled_from([",", ";", "\t"]),
)
def test_any_csv_raises_nothing_but_input_errors(
    tmp_path_factory: pytest.TempPathFactory, header: list[str], rows: list[list[str]], sep: str
):
    path = Path(tmp_path_factory.mktemp("csv")) / "prop.csv"
    path.write_text("\n".join(sep.join(r) for r in [header, *rows]), encoding="utf-8")
    try:
        articles = list(articles_from_csv(path, None, Problems(str(path))))
    except MarsadError:
        return
    assert_typed(articles)


@fast(300)
@given(any_text)
def test_any_text_file_gives_typed_articles(text: str):
    assert_typed(articles_from_text_file(text, Source("prop", "prop")))
