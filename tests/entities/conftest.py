"""Fixtures for entity resolution: the gold KB in a real SQLite store, and helpers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from marsad.config import Settings
from marsad.entities.kb import load_kb, read_kb
from marsad.entities.resolve import Resolver
from marsad.models import Article, EntityType, Mention, Source
from marsad.pipeline import IngestReport, Pipeline
from marsad.store import rollups
from marsad.store.database import Store

DATA = Path(__file__).parents[1] / "data"
GOLD_KB = DATA / "resolution_gold_kb.jsonl"
TZ = ZoneInfo("Asia/Damascus")


@pytest.fixture
def kb_store(settings: Settings) -> Iterator[Store]:
    store = Store(settings.database_url)
    load_kb(store, read_kb(GOLD_KB))
    yield store
    store.close()


def kb_key(store: Store, entity_id: int | None) -> str | None:
    """The KB id of an entity (or "new:<name>" for one created from the text)."""
    if entity_id is None:
        return None
    row = store.get_entity(entity_id)
    assert row is not None
    return row["kb_id"] or f"new:{row['name']}"


def ingest(
    store: Store, settings: Settings, title: str, text: str, day: str = "2016-05-01", source="sana"
) -> dict:
    """Store one article through the real pipeline; returns the stored article."""
    published = datetime.fromisoformat(day).replace(hour=12, tzinfo=TZ)
    article = Article(title, text, Source(source, source), published=published)
    article_id = Pipeline(store, settings).ingest_one(article, IngestReport())
    assert article_id
    out = store.get_article(article_id)
    assert out is not None
    return out


def linked(store: Store, article: dict) -> list[tuple[str, str | None]]:
    """(surface, KB key) of every stored mention of an article, in text order."""
    return [(m["surface"], kb_key(store, m["entity_id"])) for m in article["mentions"]]


def resolve_marked(
    resolver: Resolver, text: str, spans: list[tuple[str, str]], day: str | None = "2016-05-01"
) -> dict[str, list[str | None]]:
    """Resolve given mentions (surface, P/O/L) found left to right in ``text``, as any
    recogniser would hand them over; returns surface → KB keys in order."""
    types = {"P": EntityType.PERSON, "O": EntityType.ORGANIZATION, "L": EntityType.LOCATION}
    mentions, pos = [], 0
    for surface, kind in spans:
        start = text.index(surface, pos)
        mentions.append(Mention(start, start + len(surface), surface, types[kind]))
        pos = start + len(surface)
    out = resolver.resolve(mentions, text=text, day=day)
    by_span = {(o.start, o.end): o.entity_id for o in out}
    result: dict[str, list[str | None]] = {}
    for m in mentions:
        result.setdefault(m.text, []).append(kb_key(resolver.store, by_span.get((m.start, m.end))))
    return result


def kept_and_recounted(store: Store) -> tuple[dict[str, list[tuple]], dict[str, list[tuple]]]:
    """The per-entity rollups as the passes kept them, then as a full rebuild counts them."""
    tables = ("entity_days", "entity_totals", "entity_source_days", "pair_days")

    def read() -> dict[str, list[tuple]]:
        with store.engine.connect() as conn:
            return {
                t: sorted(map(tuple, conn.exec_driver_sql(f"SELECT * FROM {t}"))) for t in tables
            }

    kept = read()
    with store.engine.begin() as conn:
        rollups.rebuild(conn)
    return kept, read()
