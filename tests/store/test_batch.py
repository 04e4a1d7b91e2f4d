"""Store.batch: a bulk ingest's writes share one transaction — committed together, rolled
back together, and visible to other connections only once committed."""

from __future__ import annotations

import pytest

from marsad.config import Settings
from marsad.models import Article, Source
from marsad.pipeline import IngestReport, Pipeline
from marsad.store.database import Store

SANA = Source("sana", "سانا")
ARTICLES = [
    Article("لافروف يصل إلى أنقرة", "وصل وزير الخارجية الروسي سيرغي لافروف إلى أنقرة اليوم.", SANA),
    Article("كيري في جنيف", "بحث وزير الخارجية الأمريكي جون كيري في جنيف الهدنة في سوريا.", SANA),
]


def _count(settings: Settings) -> int:
    return Store(settings.database_url).stats()["articles"]


def test_batch_writes_become_visible_at_commit(settings: Settings) -> None:
    store = Store(settings.database_url)
    pipeline = Pipeline(store, settings)
    with store.batch() as commit:
        pipeline.ingest_one(ARTICLES[0], IngestReport())
        assert _count(settings) == 0  # another connection: not yet
        commit()
        assert _count(settings) == 1
        pipeline.ingest_one(ARTICLES[1], IngestReport())
    assert _count(settings) == 2
    assert store.get_entity("سيرغي لافروف") is not None


def test_a_failure_rolls_back_the_batch_and_the_store_still_works(settings: Settings) -> None:
    store = Store(settings.database_url)
    with pytest.raises(RuntimeError), store.batch():
        Pipeline(store, settings).ingest_one(ARTICLES[0], IngestReport())
        raise RuntimeError("disk full")
    assert _count(settings) == 0
    report = Pipeline(store, settings).ingest([ARTICLES[0]])  # the source row is made again
    assert report.new == 1 and _count(settings) == 1
