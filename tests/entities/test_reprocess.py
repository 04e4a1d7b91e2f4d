"""Re-processing stored articles: a knowledge base loaded after ingest reaches old articles."""

from __future__ import annotations

from sqlalchemy import text

from marsad.config import Settings
from marsad.entities import edits
from marsad.entities.kb import load_kb, read_kb
from marsad.pipeline import Pipeline
from marsad.store.database import Store
from marsad_testing import rollup_snapshot

from .conftest import GOLD_KB, ingest, kb_key, linked

ARTICLES = [  # (day, title, text): roles without names, quotes, a full name
    ("2016-05-03", "زيارة إلى موسكو", "وصل وزير الخارجية الأمريكي إلى موسكو في زيارة تستمر يومين."),
    (
        "2016-05-04",
        "لافروف وكيري في جنيف",
        "بحث سيرغي لافروف مع جون كيري الأزمة السورية. وقال وزير الخارجية الأمريكي إن "
        "بلاده تدعم وقف إطلاق النار في سوريا.",
    ),
]


def counts(store: Store) -> dict[str, object]:
    with store.engine.connect() as conn:
        per_entity = conn.execute(
            text(
                "SELECT e.kb_id, count(*) FROM article_entities ae "
                "JOIN entities e ON e.id = ae.entity_id WHERE e.kb_id IS NOT NULL GROUP BY 1"
            )
        ).all()
        quotes = conn.execute(
            text("SELECT e.kb_id, q.text FROM quotes q JOIN entities e ON e.id = q.entity_id")
        ).all()
    return {
        "articles": dict(per_entity),
        "quotes": sorted(quotes),
        "rollups": rollup_snapshot(store),
    }


def test_roles_loaded_after_ingest_reach_old_articles_after_reprocess(
    settings: Settings, tmp_path
) -> None:
    store = Store(settings.database_url)
    for day, title, body in ARTICLES:  # ingested before the knowledge base existed
        ingest(store, settings, title, body, day=day)
    load_kb(store, read_kb(GOLD_KB))
    assert counts(store)["articles"].get("kerry", 0) < 2  # the role-only article is not his

    assert Pipeline(store, settings).reprocess(batch=1) == 2
    after = counts(store)
    assert after["articles"]["kerry"] == 2  # "وزير الخارجية الأمريكي" on 2016-05-03 is Kerry
    assert ("kerry", "بلاده تدعم وقف إطلاق النار في سوريا") in after["quotes"]
    # the same as ingesting with the knowledge base loaded first
    reference_settings = Settings(tmp_path / "ref", f"sqlite:///{tmp_path / 'ref.db'}")
    reference = Store(reference_settings.database_url)
    load_kb(reference, read_kb(GOLD_KB))
    for day, title, body in ARTICLES:
        ingest(reference, reference_settings, title, body, day=day)
    assert counts(reference)["articles"] == after["articles"]
    assert counts(reference)["quotes"] == after["quotes"]
    # a second pass replaces, never adds — also with names recognised by worker processes
    Pipeline(store, settings).reprocess()
    assert counts(store) == after
    assert Pipeline(store, settings).reprocess(batch=1, workers=2) == 2
    assert counts(store) == after


def test_operator_merges_survive_a_reprocess(kb_store: Store, settings: Settings) -> None:
    art = ingest(kb_store, settings, *ARTICLES[1][1:], day=ARTICLES[1][0])
    edits.merge(kb_store, "جون كيري", "سيرغي لافروف")  # wrong, but the operator's call
    merged = linked(kb_store, kb_store.get_article(art["id"]))
    Pipeline(kb_store, settings).reprocess()
    assert linked(kb_store, kb_store.get_article(art["id"])) == merged
    assert kb_key(kb_store, kb_store.get_entity("جون كيري")["id"]) == "lavrov"
