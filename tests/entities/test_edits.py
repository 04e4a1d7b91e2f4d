"""Operator corrections: immediate on the pages, logged, and kept through re-processing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from marsad import pages
from marsad.config import Settings
from marsad.entities import edits
from marsad.entities.kb import load_kb
from marsad.errors import InputError
from marsad.store.database import Store
from marsad.store.edits import edits_log

from .conftest import ingest

KB = [
    {"id": "lavrov", "type": "PERSON", "name": "سيرغي لافروف", "aliases": ["لافروف"]},
    {"id": "lavrov-dup", "type": "PERSON", "name": "سيرجي لافروف", "aliases": []},
    {"id": "moscow", "type": "LOCATION", "name": "موسكو", "aliases": []},
    {"id": "damascus", "type": "LOCATION", "name": "دمشق", "aliases": []},
]


@pytest.fixture
def two_lavrovs(settings: Settings) -> Iterator[Store]:
    """A KB that wrongly holds Lavrov twice, and three articles naming him."""
    store = Store(settings.database_url)
    load_kb(store, KB)
    ingest(store, settings, "لافروف في موسكو", "وصل سيرغي لافروف إلى موسكو.", day="2016-05-01")
    ingest(store, settings, "زيارة إلى دمشق", "وصل سيرجي لافروف إلى دمشق.", day="2016-05-02")
    ingest(
        store,
        settings,
        "لقاء في موسكو",
        "استقبل سيرغي لافروف في موسكو الوفد، وقال سيرجي لافروف إن اللقاء مثمر.",
        day="2016-05-03",
    )
    yield store
    store.close()


def articles(store: Store, kb_id: str) -> int:
    eid = store.entity_by_kb_id(kb_id)
    with store.engine.connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM article_entities WHERE entity_id = :e"), {"e": eid}
        ).scalar_one()


def page_count(store: Store, settings: Settings, key: str) -> int:
    return pages.entity_page(store, settings, key).article_count


def test_merge_moves_the_articles_at_once_and_old_slugs_redirect(
    two_lavrovs: Store, settings: Settings
) -> None:
    store = two_lavrovs
    old_slug = store.get_entity("سيرجي لافروف")["slug"]
    assert (articles(store, "lavrov"), articles(store, "lavrov-dup")) == (2, 2)
    result = edits.merge(store, "سيرجي لافروف", "سيرغي لافروف")
    assert result["mentions"] == 2 and result["articles"] == 2
    assert articles(store, "lavrov") == 3  # the shared article counts once
    assert articles(store, "lavrov-dup") == 0
    target = store.get_entity("سيرغي لافروف")
    assert store.get_entity(old_slug)["id"] == target["id"]
    assert "سيرجي لافروف" in target["aliases"]
    assert page_count(store, settings, old_slug) == 3  # the pages count the merge at once
    with store.engine.connect() as conn:
        per_article = (
            conn.execute(
                text(
                    "SELECT mentions FROM article_entities WHERE entity_id = :e ORDER BY article_id"
                ),
                {"e": target["id"]},
            )
            .scalars()
            .all()
        )
    assert per_article == [2, 1, 2]  # title + body, body, both names


def test_a_reingest_and_a_kb_reload_after_a_merge_keep_the_merge(
    two_lavrovs: Store, settings: Settings
) -> None:
    store = two_lavrovs
    edits.merge(store, "سيرجي لافروف", "سيرغي لافروف")
    entities_before = store.stats()["entities"]
    load_kb(store, KB)  # the KB still lists the duplicate
    art = ingest(store, settings, "تصريح جديد", "قال سيرجي لافروف إن الحل سياسي.", day="2016-05-04")
    target = store.get_entity("سيرغي لافروف")
    assert {m["entity_id"] for m in art["mentions"]} == {target["id"]}
    assert store.stats()["entities"] == entities_before
    assert articles(store, "lavrov") == 4


def test_split_undoes_a_merge_round_trip(two_lavrovs: Store, settings: Settings) -> None:
    store = two_lavrovs
    dup_slug = store.get_entity("سيرجي لافروف")["slug"]
    edits.merge(store, dup_slug, "سيرغي لافروف")
    result = edits.split(store, "سيرغي لافروف", name=dup_slug)
    assert result["revived"] and result["mentions"] == 2
    assert (articles(store, "lavrov"), articles(store, "lavrov-dup")) == (2, 2)
    assert store.get_entity("سيرجي لافروف")["kb_id"] == "lavrov-dup"
    assert page_count(store, settings, dup_slug) == 2


def test_split_by_alias_then_merge_back_round_trip(two_lavrovs: Store) -> None:
    store = two_lavrovs
    ingest_more = store.get_entity("سيرغي لافروف")
    before = articles(store, "lavrov")
    result = edits.split(store, "سيرغي لافروف", ["لافروف"], name="لافروف (آخر)")
    new = store.get_entity(result["new"])
    assert new["name"] == "لافروف (آخر)" and "لافروف" in [a for a in new["aliases"]]
    assert "لافروف" not in store.get_entity(ingest_more["id"])["aliases"]
    assert result["mentions"] == 1  # the title of the first article; full names stay
    edits.merge(store, str(new["id"]), str(ingest_more["id"]))
    assert articles(store, "lavrov") == before


def test_split_refuses_to_take_every_name(two_lavrovs: Store) -> None:
    with pytest.raises(InputError):
        edits.split(two_lavrovs, "سيرغي لافروف", ["سيرغي لافروف", "لافروف"])


def test_rename_keeps_old_links_and_survives_a_kb_reload(two_lavrovs: Store) -> None:
    store = two_lavrovs
    old_slug = store.get_entity("سيرغي لافروف")["slug"]
    edits.rename(store, "سيرغي لافروف", "سيرغي فيكتوروفيتش لافروف")
    load_kb(store, KB)
    row = store.get_entity(old_slug)
    assert row["name"] == "سيرغي فيكتوروفيتش لافروف"
    assert row["slug"] != old_slug and "سيرغي لافروف" in row["aliases"]


def test_removed_alias_stays_removed_after_a_kb_reload_and_added_alias_resolves(
    two_lavrovs: Store, settings: Settings
) -> None:
    store = two_lavrovs
    edits.alias_remove(store, "سيرغي لافروف", "لافروف")
    load_kb(store, KB)
    assert "لافروف" not in store.get_entity("سيرغي لافروف")["aliases"]
    edits.alias_add(store, "سيرغي لافروف", "الوزير لافروف")
    art = ingest(store, settings, "تصريح", "قال الوزير لافروف إن الحوار مستمر.", day="2016-05-05")
    assert [m["surface"] for m in art["mentions"]] == ["الوزير لافروف"]


def test_description_shows_on_the_page_with_attribution_and_survives_a_kb_reload(
    two_lavrovs: Store, settings: Settings
) -> None:
    store = two_lavrovs
    edits.describe(
        store,
        "سيرغي لافروف",
        "دبلوماسي روسي، وزير الخارجية منذ 2004.",
        source="ويكيبيديا",
        url="https://ar.wikipedia.org/wiki/سيرغي_لافروف",
    )
    load_kb(store, [dict(KB[0], description="وصف آخر", description_source="ملف")])
    page = pages.entity_page(store, settings, "سيرغي لافروف")
    assert page.description == "دبلوماسي روسي، وزير الخارجية منذ 2004."
    assert page.description_source == "ويكيبيديا"


def test_every_edit_is_logged(two_lavrovs: Store) -> None:
    store = two_lavrovs
    edits.alias_add(store, "سيرغي لافروف", "لافروف الوزير")
    edits.rename(store, "سيرغي لافروف", "سيرغي لافروف (وزير)")
    edits.merge(store, "سيرجي لافروف", "لافروف")
    edits.describe(store, "لافروف", "دبلوماسي روسي.")
    actions = [e["action"] for e in edits_log(store)]
    assert actions == ["describe", "merge", "rename", "alias_add"]


def test_cli_entity_verbs_edit_and_the_profile_still_prints(
    two_lavrovs: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from marsad.cli import app

    monkeypatch.setenv("MARSAD_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MARSAD_DATA_DIR", str(Path(settings.data_dir)))
    runner = CliRunner()
    merged = runner.invoke(app, ["entity", "merge", "سيرجي لافروف", "سيرغي لافروف"])
    assert merged.exit_code == 0, merged.output
    assert json.loads(merged.output)["mentions"] == 2
    profile = runner.invoke(app, ["entity", "سيرجي لافروف", "--json"])
    assert profile.exit_code == 0, profile.output
    assert json.loads(profile.output)["name"] == "سيرغي لافروف"
    split = runner.invoke(app, ["entity", "split", "سيرغي لافروف", "--alias", "لافروف"])
    assert split.exit_code == 0, split.output
    missing = runner.invoke(app, ["entity", "rename", "لا-أحد", "اسم"])
    assert missing.exit_code != 0


def test_a_running_pipeline_follows_a_merge_made_meanwhile(
    two_lavrovs: Store, settings: Settings
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from marsad.models import Article, Source
    from marsad.pipeline import IngestReport, Pipeline

    store = two_lavrovs
    pipeline = Pipeline(store, settings)  # started before the operator's merge
    pipeline.resolver.refresh_seconds = 0  # (it looks at most once a second)
    edits.merge(store, "سيرجي لافروف", "سيرغي لافروف")
    published = datetime(2016, 5, 6, 12, tzinfo=ZoneInfo("Asia/Damascus"))
    article = Article(
        "تصريح", "قال سيرجي لافروف إن الحوار مستمر.", Source("rt", "rt"), published=published
    )
    article_id = pipeline.ingest_one(article, IngestReport())
    mentions = store.get_article(article_id)["mentions"]
    assert {m["entity_id"] for m in mentions} == {store.get_entity("سيرغي لافروف")["id"]}
