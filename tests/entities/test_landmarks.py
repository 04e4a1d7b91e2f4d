"""A sea named after a country has its own page, and the country's page leaves its news
(issue #15; the recogniser's side: tests/ner/test_combined.py)."""

from __future__ import annotations

from datetime import timedelta

from marsad.models import Article
from marsad.pipeline import Pipeline
from marsad.store.database import Store

from .test_consolidate import SOURCE, START
from .test_fragments import articles_of


def test_the_south_china_sea_is_not_china_nor_the_gulf_of_mexico_the_gulf(settings):
    store = Store(settings.database_url)
    texts = [
        f"رصدت البحرية سفنا حربية في بحر الصين الجنوبي خلال الدورية رقم {k}." for k in range(3)
    ]
    texts += [f"وقالت الصين إن صادراتها ارتفعت في الشهر رقم {k}." for k in range(2)]
    texts += [f"وتسرب النفط في خليج المكسيك في الحادث رقم {k}." for k in range(2)]
    Pipeline(store, settings).ingest(
        [
            Article(title=f"خبر {k}", text=t, source=SOURCE, published=START + timedelta(hours=k))
            for k, t in enumerate(texts)
        ]
    )
    assert articles_of(store, settings, "بحر الصين الجنوبي") == 3
    assert articles_of(store, settings, "الصين") == 2
    assert articles_of(store, settings, "خليج المكسيك") == 2  # not خليج (joined to الخليج)
    with store.engine.connect() as conn:
        surfaces = [r[0] for r in conn.exec_driver_sql("SELECT surface FROM mentions")]
    assert surfaces.count("الصين") == 2  # not found again inside the sea's name
