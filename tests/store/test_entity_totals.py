"""Articles ever per entity (``entity_totals``): kept at ingest, filled by migration 11, and
what autocomplete ranks by, so the most covered entity comes first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from marsad.config import Settings
from marsad.models import Article, EntityType, Source
from marsad.ner.gazetteer import GazetteerRecogniser
from marsad.pages import autocomplete
from marsad.pipeline import Pipeline
from marsad.store import rollups
from marsad.store.database import Store
from marsad.store.migrations import MIGRATIONS

PERSON, ORG = EntityType.PERSON, EntityType.ORGANIZATION
SOURCE = Source(slug="bbc", name="بي بي سي عربي")


def news(store: Store, settings: Settings) -> None:
    names = [("دونالد ترامب", PERSON), ("ترامب تاور", ORG), ("ميلانيا ترامب", PERSON)]
    texts = [f"قال الرئيس دونالد ترامب في خطابه رقم {k} إن الاقتصاد قوي." for k in range(6)]
    texts += ["افتتح برج ترامب تاور في نيويورك فرعا جديدا.", "زارت ميلانيا ترامب مدرسة."]
    start = datetime(2018, 6, 1, 8, tzinfo=UTC)
    articles = [
        Article(title=t[:30], text=t, source=SOURCE, published=start + timedelta(hours=k))
        for k, t in enumerate(texts)
    ]
    Pipeline(store, settings, GazetteerRecogniser(names)).ingest(articles)


def totals(store: Store) -> dict[int, int]:
    with store.engine.connect() as conn:
        return dict(conn.execute(text("SELECT entity_id, articles FROM entity_totals")).all())


def test_autocomplete_puts_the_most_covered_entity_first(settings):
    store = Store(settings.database_url)
    news(store, settings)
    rows = autocomplete(store, "ترامب")  # an alias of ترامب تاور begins with it
    assert [(r["name"], r["articles"]) for r in rows] == [
        ("دونالد ترامب", 6),
        ("ترامب تاور", 1),
        ("ميلانيا ترامب", 1),
    ]
    assert autocomplete(store, "د")[0]["name"] == "دونالد ترامب"


def test_totals_are_kept_at_ingest_and_filled_by_the_migration(settings):
    store = Store(settings.database_url)
    news(store, settings)
    kept = totals(store)
    assert sorted(kept.values()) == [1, 1, 6]
    with store.engine.begin() as conn:  # a database from before migration 11
        conn.execute(text("DROP TABLE entity_totals"))
        conn.execute(text("UPDATE meta SET value = '10' WHERE key = 'schema_version'"))
    store.close()
    store = Store(settings.database_url)
    assert totals(store) == kept
    with store.engine.begin() as conn:
        version = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'"))
        assert int(version.scalar()) == len(MIGRATIONS)
        rollups.rebuild(conn)
    assert totals(store) == kept
