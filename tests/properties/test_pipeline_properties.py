"""Ingesting and searching any input: ingesting the same articles twice changes nothing;
the search page answers any query with a page or one of marsad's own errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import inspect, text

from marsad import pages
from marsad.entities.kb import load_kb
from marsad.errors import MarsadError
from marsad.generate.corpus import kb_records
from marsad.ingest import generated_articles
from marsad.models import Article, Source
from marsad.pipeline import Pipeline
from marsad.store.database import Store
from marsad_testing import make_settings, rollup_snapshot
from order import assignment  # bench/order.py
from properties.strategies import any_text, arabic_text, fast, news_text
from properties.test_ner_properties import names_text

SOURCES = [Source("sana", "سانا"), Source("rt", "آر تي"), Source("prop", "prop")]
articles = st.builds(
    Article,
    title=st.one_of(arabic_text, names_text),
    text=st.one_of(news_text, names_text, any_text),
    source=st.sampled_from(SOURCES),
    published=st.one_of(
        st.none(),
        st.datetimes(
            min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
        ),
    ),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, object]]:
    settings = make_settings(tmp_path_factory.mktemp("prop"))
    store = Store(settings.database_url)
    load_kb(store, kb_records())
    Pipeline(store, settings).ingest(generated_articles(40))
    yield store, settings
    store.close()


# keys of the stored names, made when a resolver starts (entities/known_names.py): an index
# of what the other tables hold, not data; a second run makes those of the first's names
NAME_KEYS = {"alias_keys", "alias_words", "alias_parts", "alias_keys_todo"}


def table_counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        names = [t for t in inspect(conn).get_table_names() if t not in NAME_KEYS]
        return {t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one() for t in names}


@fast(25)
@given(st.lists(articles, min_size=1, max_size=4))
def test_ingesting_the_same_articles_twice_changes_nothing(store, batch: list[Article]):
    db, settings = store
    Pipeline(db, settings).ingest(batch)
    counts, rollups = table_counts(db), rollup_snapshot(db)
    again = Pipeline(db, settings).ingest(batch)
    assert again.new == 0
    assert table_counts(db) == counts
    assert rollup_snapshot(db) == rollups


@fast(150)
@given(any_text, st.integers(min_value=1, max_value=5))
@example('"لافروف" OR NEAR(موسكو) * ^ -بوتين', 1)
@example("ال و في", 2)
def test_any_search_query_gives_a_page_or_our_own_error(store, query: str, page: int):
    db, _ = store
    try:
        data = pages.search_page(db, query, page=page)
    except MarsadError:
        return
    assert data.total >= 0
    for a in data.articles:
        if a.highlight is not None:
            assert 0 <= a.highlight[0] <= a.highlight[1] <= len(a.snippet)


def _stored(store: Store) -> tuple[dict, list]:
    """Every mention with its entity's name and type (bench/order.py), and the entities."""
    with store.engine.connect() as conn:
        entities = conn.execute(text("SELECT name, type FROM entities")).fetchall()
    return assignment(store), sorted(map(tuple, entities))


def test_ingesting_in_two_runs_stores_what_one_run_stores(tmp_path):
    # found by bench/crash.py; fixed by #15: the recogniser looks for the KB's and the
    # operator's names only, not for the names earlier runs created
    articles = list(generated_articles(80, seed=3))
    databases = []
    for name, cuts in (("whole.db", [0, 80]), ("split.db", [0, 40, 80])):
        settings = make_settings(tmp_path, name)
        store = Store(settings.database_url)
        for start, end in zip(cuts, cuts[1:], strict=False):
            Pipeline(store, settings).ingest(articles[start:end])  # a new run: a new pipeline
        databases.append(_stored(store))
        store.close()
    whole, split = databases
    assert split[1] == whole[1]
    assert split[0] == whole[0]
