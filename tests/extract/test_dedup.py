"""Near-duplicates → stories: MinHash signatures, the LSH index, and the pipeline hook."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from marsad.arabic.normalise import normalise
from marsad.config import Settings
from marsad.extract.dedup import same_story, shingles, signature
from marsad.models import Article, Source
from marsad.pipeline import Pipeline
from marsad.store.database import Store
from marsad.store.stories import StoryGrouper, sign

SANA = Source("sana", "سانا")
RT = Source("rt", "روسيا اليوم")
TASS = Source("tass", "تاس")
WHEN = datetime(2024, 3, 14, 9, 0, tzinfo=UTC)

AGENCY_COPY = [
    "أكد وزير الخارجية الروسي سيرغي لافروف أن بلاده ستواصل دعم الحل السياسي في سوريا على أساس قرار مجلس الأمن الدولي رقم 2254.",
    "وقال لافروف في مؤتمر صحفي عقده في موسكو مع نظيره السوري إن الاجتماع المقبل لصيغة أستانا سيعقد في نهاية الشهر الجاري بمشاركة ممثلين عن الحكومة والمعارضة.",
    "وأضاف الوزير الروسي أن موسكو ترفض أي تدخل خارجي في الشؤون الداخلية السورية وتدعو إلى رفع العقوبات الأحادية المفروضة على الشعب السوري.",
    "وأشار لافروف إلى أن المحادثات تناولت أيضا الوضع الإنساني في الشمال السوري وضرورة إيصال المساعدات إلى جميع المناطق دون تمييز.",
    "من جهته أعرب وزير الخارجية السوري عن شكر بلاده لروسيا على موقفها الثابت في دعم سيادة سوريا ووحدة أراضيها.",
]

# The same agency copy as another site runs it: new title, its own dateline, the
# closing sentence dropped, a word changed.
REPUBLISHED = [
    "موسكو| أكد وزير الخارجية الروسي سيرغي لافروف أن بلاده ستواصل دعم الحل السياسي في سوريا على أساس قرار مجلس الأمن الدولي رقم 2254.",
    "وقال لافروف في مؤتمر صحفي عقده في موسكو مع نظيره السوري إن الاجتماع المقبل لصيغة أستانة سيعقد في نهاية الشهر الجاري بمشاركة ممثلين عن الحكومة والمعارضة.",
    "وأضاف الوزير الروسي أن موسكو ترفض أي تدخل خارجي في الشؤون الداخلية السورية وتدعو إلى رفع العقوبات الأحادية المفروضة على الشعب السوري.",
    "وأشار لافروف إلى أن المحادثات تناولت أيضا الوضع الإنساني في الشمال السوري وضرورة إيصال المساعدات إلى جميع المناطق دون تمييز.",
]

# Same topic, same people, written independently.
SAME_TOPIC = [
    "التقى وزير الخارجية السوري في موسكو اليوم نظيره الروسي سيرغي لافروف وبحث معه التحضيرات لجولة جديدة من محادثات أستانا.",
    "وذكرت مصادر دبلوماسية أن اللقاء استمر ساعتين وتركز على ملف اللاجئين وإعادة الإعمار والعلاقات الاقتصادية بين البلدين.",
    "وكانت روسيا قد أعلنت الأسبوع الماضي عن شحنة جديدة من القمح إلى سوريا في إطار اتفاق التعاون الموقع بين الحكومتين العام الماضي.",
    "ويرى مراقبون أن الزيارة تأتي في سياق تنسيق المواقف قبل اجتماع مجلس الأمن المقرر الأسبوع المقبل لمناقشة الوضع في سوريا.",
]


def article(title: str, paragraphs: list[str], source: Source, url: str) -> Article:
    return Article(title, "\n".join(paragraphs), source, url=url, published=WHEN)


def test_shingles_ignore_spelling_variants_and_punctuation():
    assert shingles("قال لافروف: إن أستانا") == shingles("قال لافروف إن استانا")


def test_republished_agency_copy_is_the_same_story_by_signature():
    a = signature("\n".join(AGENCY_COPY))
    b = signature("\n".join(REPUBLISHED))
    assert a is not None and b is not None
    assert same_story(a, b)


def test_different_article_on_same_topic_is_not_the_same_story_by_signature():
    a = signature("\n".join(AGENCY_COPY))
    c = signature("\n".join(SAME_TOPIC))
    assert a is not None and c is not None
    assert a.jaccard(c) < 0.2
    assert not same_story(a, c)


def test_too_short_texts_get_no_signature():
    assert signature("لافروف في دمشق") is None


def test_signature_survives_a_round_trip_through_bytes():
    a = signature("\n".join(AGENCY_COPY))
    assert a is not None
    b = type(a).from_bytes(a.to_bytes())
    assert b.shingles == a.shingles and a.jaccard(b) == 1.0


def _story(store: Store, url: str) -> tuple[int, int]:
    row = next(r for r in store.latest_articles(limit=50) if r["url"] == url)
    full = store.get_article(row["id"])
    return row["id"], full["story_id"]


def test_pipeline_groups_republished_copy_into_the_first_articles_story(settings: Settings):
    store = Store(settings.database_url)
    pipeline = Pipeline(store, settings)
    report = pipeline.ingest(
        [
            article(
                "لافروف: ندعم الحل السياسي في سوريا", AGENCY_COPY, SANA, "https://sana.example/1"
            ),
            article("موسكو تجدد دعمها لقرار 2254", REPUBLISHED, RT, "https://rt.example/2"),
            article("وزير الخارجية السوري في موسكو", SAME_TOPIC, TASS, "https://tass.example/3"),
        ]
    )
    assert report.new == 3
    first, first_story = _story(store, "https://sana.example/1")
    second, second_story = _story(store, "https://rt.example/2")
    third, third_story = _story(store, "https://tass.example/3")
    assert first_story == first
    assert second_story == first
    assert third_story == third


def test_story_index_survives_a_restart_and_reingest_is_idempotent(settings: Settings):
    store = Store(settings.database_url)
    Pipeline(store, settings).ingest(
        [article("لافروف: ندعم الحل السياسي في سوريا", AGENCY_COPY, SANA, "https://sana.example/1")]
    )
    store.close()

    store = Store(settings.database_url)  # a new process: the index is loaded from the DB
    pipeline = Pipeline(store, settings)
    copy = article("موسكو تجدد دعمها لقرار 2254", REPUBLISHED, RT, "https://rt.example/2")
    assert pipeline.ingest([copy]).new == 1
    again = pipeline.ingest(
        [
            article(
                "لافروف: ندعم الحل السياسي في سوريا", AGENCY_COPY, SANA, "https://sana.example/1"
            ),
            article("موسكو تجدد دعمها لقرار 2254", REPUBLISHED, RT, "https://rt.example/2"),
        ]
    )
    assert (again.new, again.duplicates) == (0, 2)
    first, first_story = _story(store, "https://sana.example/1")
    _, second_story = _story(store, "https://rt.example/2")
    assert second_story == first_story == first
    assert store.stats()["articles"] == 2


def test_articles_stored_before_signatures_are_backfilled_on_load(settings: Settings):
    store = Store(settings.database_url)
    Pipeline(store, settings).ingest(
        [article("لافروف: ندعم الحل السياسي في سوريا", AGENCY_COPY, SANA, "https://sana.example/1")]
    )
    from sqlalchemy import delete

    from marsad.store import schema

    with store.engine.begin() as conn:  # as in a database from before migration 3
        conn.execute(delete(schema.article_signatures))
    grouper = StoryGrouper(store)
    sig = sign(normalise("\n".join(REPUBLISHED)))
    assert sig is not None
    assert grouper.story_of(sig) == _story(store, "https://sana.example/1")[0]
    assert len(grouper.index) == 1


def test_entity_timeline_counts_a_republished_copy_once_with_stories(settings: Settings):
    from marsad import pages
    from marsad.entities.kb import load_kb, read_kb
    from marsad_testing import DATA

    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    Pipeline(store, settings).ingest(
        [
            article(
                "لافروف: ندعم الحل السياسي في سوريا", AGENCY_COPY, SANA, "https://sana.example/1"
            ),
            article("موسكو تجدد دعمها لقرار 2254", REPUBLISHED, RT, "https://rt.example/2"),
            article("وزير الخارجية السوري في موسكو", SAME_TOPIC, TASS, "https://tass.example/3"),
        ]
    )
    by_article = pages.entity_page(store, settings, "لافروف")
    by_story = pages.entity_page(store, settings, "لافروف", stories=True)
    assert sum(p.count for p in by_article.timeline) == 3
    assert sum(p.count for p in by_story.timeline) == 2


@pytest.mark.parametrize("merge_every", [1, 2, 100])
def test_story_index_finds_the_copy_in_merged_arrays_and_in_the_buffer(merge_every: int):
    from marsad.extract.dedup import StoryIndex

    index = StoryIndex()
    index.MERGE_EVERY = merge_every
    index.add(1, 1, signature("\n".join(AGENCY_COPY)))
    index.add(2, 2, signature("\n".join(SAME_TOPIC)))
    index.add(1, 1, signature("\n".join(AGENCY_COPY)))  # known already: ignored
    assert len(index) == 2
    found = index.match(signature("\n".join(REPUBLISHED)))
    assert found is not None and found[0] == 1 and found[1] >= 0.7
    assert index.match(signature("\n".join(SAME_TOPIC[:2] + AGENCY_COPY[4:]))) is None


def test_banding_constants_are_what_datasketch_would_choose():
    from datasketch.lsh import _optimal_param

    from marsad.extract.dedup import BANDS, LSH_THRESHOLD, NUM_PERM, ROWS, lsh_params

    assert tuple(_optimal_param(LSH_THRESHOLD, NUM_PERM, 0.5, 0.5)) == (BANDS, ROWS)
    assert lsh_params() == (BANDS, ROWS)
