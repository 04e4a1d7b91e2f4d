"""Autocomplete's word starts (``alias_starts``, store/word_starts.py): a later word of a
name and a clitic-prefixed prefix find the entity, the most covered first, and the table
the triggers keep stays equal to one built afresh after ingest, merges, renames and alias
edits — so the suggestions are those the alias table itself gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from marsad.arabic.normalise import normalise
from marsad.config import Settings
from marsad.entities import edits
from marsad.models import Article, EntityType, Source
from marsad.ner.gazetteer import GazetteerRecogniser
from marsad.pages import autocomplete
from marsad.pipeline import Pipeline
from marsad.store import listing, word_starts
from marsad.store.database import Store
from marsad.store.migrations import MIGRATIONS

PERSON, ORG, PLACE = EntityType.PERSON, EntityType.ORGANIZATION, EntityType.LOCATION
SOURCE = Source(slug="bbc", name="بي بي سي عربي")
NAMES = [
    ("دونالد ترامب", PERSON),
    ("ترامب تاور", ORG),
    ("ميلانيا ترامب", PERSON),
    ("سيرغي لافروف", PERSON),
    ("عبد الله بن زايد", PERSON),
    ("مصر", PLACE),
]
TEXTS = [f"قال الرئيس دونالد ترامب في خطابه رقم {k} إن الاقتصاد قوي." for k in range(6)]
TEXTS += [
    "افتتح برج ترامب تاور في نيويورك فرعا جديدا.",
    "زارت ميلانيا ترامب مدرسة في مصر.",
    "التقى سيرغي لافروف عبد الله بن زايد في القاهرة عاصمة مصر.",
    "قال سيرغي لافروف إن المحادثات مع مصر مستمرة.",
]
TYPED = ["د", "دو", "ت", "تر", "ترا", "ترامب", "وترا", "بترامب", "لاف", "ولاف", "بلافرو", "زاي",
         "الل", "الله", "عبد الله", "عبد ال", "بن ز", "م", "مص", "ومص", "ميلانيا تر", "سيرغي ل"]  # fmt: skip


def news(store: Store, settings: Settings, texts: list[str], start: datetime) -> None:
    articles = [
        Article(title=t[:30], text=t, source=SOURCE, published=start + timedelta(hours=k))
        for k, t in enumerate(texts)
    ]
    Pipeline(store, settings, GazetteerRecogniser(NAMES)).ingest(articles)


def rows(store: Store) -> list[tuple]:
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT * FROM alias_starts ORDER BY 1, 2, 3, 4, 5")).all()


def assert_kept(store: Store) -> None:
    """The rows the triggers kept equal a fresh fill, and every typed prefix finds in them
    what the alias table itself gives (PostgreSQL's path)."""
    kept = rows(store)
    with store.engine.begin() as conn:
        word_starts.fill(conn)
    assert rows(store) == kept
    with store.engine.connect() as conn:
        for typed in TYPED:
            p = normalise(typed)
            for word in (0, 1) if len(p) > 1 else (0,):  # one letter: alias starts only
                assert sorted(word_starts.matching(conn, p, word)) == sorted(
                    listing.matching_aliases(conn, p, word)
                ), (typed, word)


def test_a_later_word_and_a_clitic_find_the_entity_most_covered_first(settings):
    store = Store(settings.database_url)
    news(store, settings, TEXTS, datetime(2018, 6, 1, 8, tzinfo=UTC))

    def names(typed: str) -> list[tuple[str, int]]:
        return [(r["name"], r["articles"]) for r in autocomplete(store, typed)]

    trump = [("دونالد ترامب", 6), ("ترامب تاور", 1), ("ميلانيا ترامب", 1)]
    assert names("ترا") == trump  # a later word of دونالد ترامب, the start of ترامب تاور
    assert names("وترا") == trump  # و + ترا
    assert names("بترامب") == trump
    assert names("ولاف") == [("سيرغي لافروف", 2)]  # و + a later word
    assert names("زاي")[0] == ("عبد الله بن زايد", 1)
    assert names("بن ز") == [("عبد الله بن زايد", 1)]  # two words, the second begun
    assert names("ميلانيا تر") == [("ميلانيا ترامب", 1)]
    assert names("م")[0] == ("مصر", 3)  # one letter: alias starts only, most covered first
    assert ("ميلانيا ترامب", 1) in names("م")
    assert ("دونالد ترامب", 6) not in names("ت")  # one letter never matches a later word
    assert_kept(store)


def test_the_table_follows_ingest_merges_renames_and_alias_edits(settings):
    store = Store(settings.database_url)
    news(store, settings, TEXTS, datetime(2018, 6, 1, 8, tzinfo=UTC))
    assert_kept(store)
    news(store, settings, TEXTS[6:] * 1, datetime(2018, 6, 3, 8, tzinfo=UTC))  # more articles
    news(store, settings, ["التقت ميلانيا ترامب بوفد من مصر."], datetime(2018, 6, 4, tzinfo=UTC))
    assert_kept(store)
    assert [r["name"] for r in autocomplete(store, "ميلا")] == ["ميلانيا ترامب"]
    edits.alias_add(store, "ميلانيا ترامب", "ميلانيا كناوس")
    assert [r["matched"] for r in autocomplete(store, "كناو")] == ["ميلانيا كناوس"]
    assert_kept(store)
    edits.alias_remove(store, "ميلانيا ترامب", "ميلانيا كناوس")
    assert autocomplete(store, "كناو") == []
    assert_kept(store)
    edits.rename(store, "سيرغي لافروف", "سيرجي لافروف")
    assert [r["name"] for r in autocomplete(store, "سيرج")] == ["سيرجي لافروف"]
    assert_kept(store)
    before = {r["name"]: r["articles"] for r in autocomplete(store, "ترامب")}
    edits.merge(store, "ترامب تاور", "دونالد ترامب")  # its articles and names move
    after = autocomplete(store, "ترامب تاور")
    assert [(r["name"], r["articles"]) for r in after] == [
        ("دونالد ترامب", before["دونالد ترامب"] + before["ترامب تاور"])
    ]
    assert after[0]["matched"] == "ترامب تاور"
    assert_kept(store)


def test_the_migration_fills_the_table_of_an_existing_database(settings):
    store = Store(settings.database_url)
    news(store, settings, TEXTS, datetime(2018, 6, 1, 8, tzinfo=UTC))
    kept = rows(store)
    assert kept
    with store.engine.begin() as conn:  # a database from before the table
        conn.execute(text("DROP TABLE alias_starts"))
        for name in ("aliases_starts_insert", "entity_totals_starts_update"):
            conn.execute(text(f"DROP TRIGGER {name}"))
        conn.execute(text("DROP INDEX ix_entity_days_day_cover"))
        conn.execute(text("DROP TABLE source_totals"))
        conn.execute(text("UPDATE meta SET value = '20' WHERE key = 'schema_version'"))
    store.close()
    store = Store(settings.database_url)
    assert rows(store) == kept
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT articles FROM source_totals WHERE source_id = 0")).scalar()
        version = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'"))
        assert int(version.scalar()) == len(MIGRATIONS)
    later = [f"وصل دونالد ترامب إلى مصر في زيارته رقم {k}." for k in range(2)]
    news(store, settings, later, datetime(2018, 6, 5, tzinfo=UTC))  # the triggers are back
    assert autocomplete(store, "ترا")[0] == autocomplete(store, "دونالد")[0]
    assert autocomplete(store, "ترا")[0]["articles"] == 8
    assert_kept(store)


def test_big_entities_are_ordered_by_their_exact_counts_within_a_rounded_step(
    settings, monkeypatch
):
    store = Store(settings.database_url)
    news(store, settings, TEXTS, datetime(2018, 6, 1, 8, tzinfo=UTC))
    with store.engine.begin() as conn:
        ids = dict(conn.execute(text("SELECT name, id FROM entities")).all())
        for name, n in (("دونالد ترامب", 1234), ("ميلانيا ترامب", 1250)):
            conn.execute(
                text("UPDATE entity_totals SET articles = :n WHERE entity_id = :e"),
                {"n": n, "e": ids[name]},
            )
        steps = conn.execute(text("SELECT DISTINCT entity_id, coverage FROM alias_starts")).all()
        assert {(ids["دونالد ترامب"], 1200), (ids["ميلانيا ترامب"], 1200)} <= set(steps)
        monkeypatch.setattr(word_starts, "LIMIT", 1)  # the cut falls inside the 1,200 step
        found = word_starts.matching(conn, "ترا", 1)
    assert [(r[0], r[3]) for r in found] == [(ids["ميلانيا ترامب"], 1250)]  # before 1,234
    monkeypatch.undo()
    assert_kept(store)
