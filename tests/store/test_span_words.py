"""The words beside the spans mentions take are kept (store/span_words.py, issue 18): the
cut-name passes read them from ``span_words`` instead of the articles' texts, and what they
read is what the text says — after ingest and its pass, spans made whole, a merge and a
reprocess; a database from before gets the table (migration 28) and the index that covers
an entity's mentions (29)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from entities.test_consolidate import LOC, ingest
from marsad.entities.consolidate import settle
from marsad.entities.fragments import _QUOTES, word_after, word_before
from marsad.entities.kb import load_kb
from marsad.generate.corpus import kb_records
from marsad.ingest import generated_articles
from marsad.pipeline import Pipeline
from marsad.store import edits, span_words
from marsad.store.database import Store
from marsad.store.migrations import MIGRATIONS
from marsad_testing import SAMPLE_END, fresh_postgres_database, make_settings

WINDOWS = (  # the 40 characters each side of every mention, as the passes read them before
    'SELECT m.id, m.start, m."end", '
    "substr(a.title || :nl || a.text, CASE WHEN m.start > 40 THEN m.start - 39 ELSE 1 "
    "END, CASE WHEN m.start > 40 THEN 40 ELSE m.start END), "
    'substr(a.title || :nl || a.text, m."end" + 1, 40) '
    "FROM mentions m JOIN articles a ON a.id = m.article_id"
)


def _readings(left: str, right: str, start: int, end: int) -> tuple:
    """What the passes take from a mention's context: the word before (as such, and read
    across quotes), the word after."""
    return (
        word_before(left, start),
        word_before(_QUOTES.sub(" ", left), start),
        word_after(right, end),
    )


def _assert_kept_as_written(store: Store) -> None:
    """Every mention read through the kept words reads as its text does, and every kept
    span is what its text has."""
    with store.engine.begin() as conn:
        windows = {r[0]: r[1:] for r in conn.execute(text(WINDOWS), {"nl": "\n"})}
        read = span_words.contexts(conn, "id", list(windows))
        kept = conn.execute(
            text(
                'SELECT w.article_id, w.start, w."end", w.before_word, w.after_word, m.id '
                "FROM span_words w JOIN mentions m ON m.article_id = w.article_id "
                'AND m.start = w.start AND m."end" = w."end"'
            )
        ).all()
    assert windows and len(read) == len(windows)
    for _, start, end, _, _, mid, before, after in read:
        _, _, left, right = windows[mid]
        assert _readings(before, after, start, end) == _readings(left, right, start, end)
    for _, _, _, before, after, mid in kept:
        _, _, left, right = windows[mid]
        assert (before or "", after or "") == span_words.beside(left, right)


@pytest.fixture
def corpus(tmp_path):
    settings = make_settings(tmp_path)
    store = Store(settings.database_url)
    load_kb(store, kb_records())
    Pipeline(store, settings).ingest(generated_articles(120, end=SAMPLE_END))
    settle(store)
    yield store, settings
    store.close()


def test_the_pass_keeps_the_words_its_texts_have(corpus):
    store, _ = corpus
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM span_words").scalar() > 0
    _assert_kept_as_written(store)


def test_the_kept_words_follow_merges_and_reprocess(corpus):
    store, settings = corpus
    with store.engine.connect() as conn:
        a, b = conn.exec_driver_sql(
            "SELECT e.id FROM entities e JOIN entity_totals t ON t.entity_id = e.id "
            "WHERE e.merged_into IS NULL AND t.articles >= 2 ORDER BY t.articles, e.id LIMIT 2"
        ).scalars()
    edits.merge(store, b, a)
    settle(store)
    _assert_kept_as_written(store)
    Pipeline(store, settings).reprocess()  # new mentions, the same texts
    _assert_kept_as_written(store)


def _made_whole(store: Store, settings) -> None:
    """بيونغ يانغ cut short in three articles, made whole by the pass: the spans it read
    are kept as the texts have them, and a span no pass read yet (the pass run again over
    what it changed reads the whole name's: its row is deleted) is read from the text."""
    rows = [
        (f"وصل الوفد إلى بيونغ يانغ في الزيارة رقم {k}.", {"بيونغ يانغ": LOC}) for k in range(4)
    ]
    rows += [(f"أعلنت بيونغ يانغ موقفها في البيان رقم {k}.", {"بيونغ": LOC}) for k in range(3)]
    ingest(store, settings, [rows[:4], rows[4:]])
    kept_words = text("SELECT before_word, after_word FROM span_words")
    with store.engine.connect() as conn:
        kept = {tuple(r) for r in conn.execute(kept_words)}
    assert ("أعلنت ", " يانغ") in kept  # [بيونغ] يانغ, read by the pass that made it whole
    with store.engine.begin() as conn:  # بيونغ يانغ: as if no pass had read the span yet
        conn.execute(text("DELETE FROM span_words WHERE after_word = ' موقفها'"))
        kept = {tuple(r) for r in conn.execute(kept_words)}
    assert ("أعلنت ", " موقفها") not in kept
    _assert_kept_as_written(store)  # read now, from the text
    with store.engine.connect() as conn:
        kept = {tuple(r) for r in conn.execute(kept_words)}
    assert ("أعلنت ", " موقفها") in kept


def test_a_span_made_whole_is_read_from_its_text(settings):
    store = Store(settings.database_url)
    _made_whole(store, settings)
    store.close()


def test_the_words_are_kept_on_postgresql_too(pg_url: str, tmp_path) -> None:
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[dev]')")
    store = Store(fresh_postgres_database(pg_url))
    _made_whole(store, make_settings(tmp_path))
    store.close()


def _make_old(store: Store) -> None:
    """The database as before migration 28: no kept words, the index (entity_id, surface)."""
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE span_words"))
        conn.execute(text("DROP INDEX ix_mentions_entity_cover"))
        conn.execute(
            text("CREATE INDEX ix_mentions_entity_surface ON mentions (entity_id, surface)")
        )
        conn.execute(text("UPDATE meta SET value = '27' WHERE key = 'schema_version'"))


def test_a_database_from_before_keeps_the_words_from_its_next_pass(corpus):
    store, settings = corpus
    _make_old(store)
    store.close()
    store = Store(settings.database_url)  # migrations 28 and 29 run
    try:
        with store.engine.connect() as conn:
            version = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'"))
            assert int(version.scalar()) == len(MIGRATIONS)
            assert conn.exec_driver_sql("SELECT count(*) FROM span_words").scalar() == 0
            indexes = set(
                conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE tbl_name = 'mentions' AND type = 'index'"
                ).scalars()
            )
        assert "ix_mentions_entity_cover" in indexes
        assert "ix_mentions_entity_surface" not in indexes
        settle(store)
        _assert_kept_as_written(store)
    finally:
        store.close()


def test_filling_keeps_every_span_once(corpus):
    store, _ = corpus
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM span_words"))
        mentions = conn.execute(text("SELECT count(*) FROM mentions")).scalar()
        spans = conn.execute(
            text('SELECT count(*) FROM (SELECT DISTINCT article_id, start, "end" FROM mentions) s')
        ).scalar()
    assert mentions and span_words.fill(store, batch=50) == mentions
    assert span_words.fill(store) == 0  # kept already
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM span_words")).scalar() == spans
    _assert_kept_as_written(store)
