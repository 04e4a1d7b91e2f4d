"""A person's page one consonant of the surname off a much more covered person's name is a
misspelling of it (marsad.entities.misspelt), whichever came first; a long vowel or a short
surname is another name. A letter of the surname with its twin's dots (س / ش, ح / ج) is
one person however covered the two pages are."""

from __future__ import annotations

from marsad.entities.misspelt import consonant_additions, consonant_drops, dot_twins
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


def test_a_dot_twin_is_one_letter_of_the_surname_with_another_letter_s_dots():
    assert "أنطونيو غوتيريش" in dot_twins("أنطونيو غوتيريس")  # س / ش
    assert "حسن روجاني" in dot_twins("حسن روحاني")  # ح / ج
    assert "أحمد أبو الغيظ" in dot_twins("أحمد أبو الغيط")  # ط / ظ
    assert "حسن روحيني" not in dot_twins("حسن روحاني")  # ا: a long vowel, no dots
    assert "حشن روحاني" not in dot_twins("حسن روحاني")  # the first name stays
    assert dot_twins("علي حسين") == set()  # a short surname
    assert dot_twins("غوتيريس") == set()  # one word: no first name to agree on


def test_a_surname_written_with_its_twin_s_dots_is_one_person_in_either_order(settings):
    store = Store(settings.database_url)
    ingest(
        store,
        settings,
        [
            _news("أنطونيو غوتيريش", 4),  # Guterres both ways, neither far more covered
            _news("أنطونيو غوتيريس", 6, offset=10) + _news("غابرييل جيسوس", 5, offset=20),
            _news("غابرييل خيسوس", 2, offset=30) + _news("أندريه غوتيريش", 1, offset=40),
        ],
    )
    guterres = entity_of(store, "أنطونيو غوتيريس")
    assert entity_of(store, "أنطونيو غوتيريش")["id"] == guterres["id"]
    assert entity_page(store, settings, guterres["slug"]).article_count == 10
    assert entity_of(store, "غابرييل خيسوس")["id"] == entity_of(store, "غابرييل جيسوس")["id"]
    assert entity_of(store, "أندريه غوتيريش")["id"] != guterres["id"]  # another first name
