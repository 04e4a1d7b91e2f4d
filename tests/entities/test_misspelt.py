"""A person's page one consonant of the surname off a much more covered person's name is a
misspelling of it (marsad.entities.misspelt), whichever came first; a long vowel or a short
surname is another name."""

from __future__ import annotations

from marsad.entities.misspelt import consonant_additions, consonant_drops
from marsad.pages import entity_page
from marsad.store.database import Store

from .test_consolidate import PERSON, entity_of, ingest


def _news(name: str, n: int, offset: int = 0) -> list:
    return [
        (f"قال {name} للصحفيين في المؤتمر رقم {k + offset} إن المحادثات مستمرة.", {name: PERSON})
        for k in range(n)
    ]


def test_the_variants_are_one_consonant_of_the_surname():
    assert "دونالد تراب" in consonant_drops("دونالد ترامب")
    assert "دونالد رامب" in consonant_drops("دونالد ترامب")
    assert "دونالد ترمب" not in consonant_drops("دونالد ترامب")  # ا: a long vowel
    assert consonant_drops("بوتين") == set()  # one word: no first name to agree on
    assert consonant_drops("علي حسين") == set()  # a short surname
    assert "أفيغدور ليبرلمان" in consonant_additions("أفيغدور ليبرمان")


def test_a_misspelt_surname_joins_the_covered_person_in_either_order(settings):
    store = Store(settings.database_url)
    ingest(
        store,
        settings,
        [
            _news("ديمتري بيسوف", 1),  # a letter left out, before the name written right
            _news("ديمتري بيسكوف", 20, offset=1),
            _news("أفيغدور ليبرمان", 20, offset=30),
            _news("أفيغدور ليبرلمان", 1, offset=60),  # a letter more, after it
        ],
    )
    peskov = entity_of(store, "ديمتري بيسكوف")
    assert entity_of(store, "ديمتري بيسوف")["id"] == peskov["id"]
    assert entity_page(store, settings, peskov["slug"]).article_count == 21
    assert entity_of(store, "أفيغدور ليبرلمان")["id"] == entity_of(store, "أفيغدور ليبرمان")["id"]


def test_a_name_not_far_more_covered_or_another_first_name_keeps_its_page(settings):
    store = Store(settings.database_url)
    ingest(
        store,
        settings,
        [
            _news("جيمس ماتيس", 25) + _news("جيمس ماتيسن", 3, offset=40),  # 25 < 20 × 3
            _news("سيرغي لافروف", 25, offset=50) + _news("أندريه لافروف", 1, offset=80),
        ],
    )
    assert entity_of(store, "جيمس ماتيسن")["id"] != entity_of(store, "جيمس ماتيس")["id"]
    assert entity_of(store, "أندريه لافروف")["id"] != entity_of(store, "سيرغي لافروف")["id"]
