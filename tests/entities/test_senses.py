"""A city and the club named after it (marsad.entities.senses, run by the global pass)."""

from __future__ import annotations

import pytest

from marsad.entities.senses import CLUB, PLACE, sense
from marsad.store.database import Store

from .test_consolidate import LOC, ORG, PERSON, entity_of, ingest
from .test_fragments import articles_of

CITY, TEAM = "بوردو", "نادي بوردو"


def bordeaux() -> list[list[tuple[str, dict]]]:
    """Seed 28's بوردو: the recogniser calls the club and the city a place alike."""
    player, mayor = "فرانسوا كامانو", "آلان جوبيه"
    club = [
        (f"انضم {player} إلى صفوف بوردو في الصفقة رقم {k}.", {CITY: LOC, player: PERSON})
        for k in range(2)
    ]
    club += [
        (
            f"فاز بوردو الفرنسي على ليل بهدف {player} في المباراة رقم {k}.",
            {CITY: LOC, player: PERSON},
        )
        for k in range(2)
    ]
    city = [
        (f"تظاهر الآلاف في مدينة بوردو مع {mayor} في اليوم رقم {k}.", {CITY: LOC, mayor: PERSON})
        for k in range(3)
    ]
    city.append(
        (f"افتتح {mayor} معرضا في بوردو الفرنسية في الشهر رقم 9.", {CITY: LOC, mayor: PERSON})
    )
    # no word beside the name: the article's other names say which
    club += [
        (f"سجل {player} هدفين أمام بوردو في الجولة رقم {k}.", {CITY: LOC, player: PERSON})
        for k in range(2)
    ]
    city.append((f"زار {mayor} بوردو في الجولة رقم 7.", {CITY: LOC, mayor: PERSON}))
    return [club, city]


def test_the_words_beside_a_name_say_club_or_city():
    assert sense("لاعب", None) == CLUB
    assert sense("لنادي", None) == CLUB  # ل + نادي
    assert sense("بمدينه", None) == PLACE
    assert sense(None, "الفرنسي") == CLUB  # نادي is masculine
    assert sense(None, "الفرنسيه") == PLACE  # مدينة feminine
    assert sense("في", "يوم") is None
    assert sense("ملاعب", None) is None  # not ل + اعب


def test_a_city_and_its_club_are_two_pages(settings):
    store = Store(settings.database_url)
    club, city = bordeaux()
    ingest(store, settings, [club + city])
    assert entity_of(store, CITY)["type"] == "LOCATION"
    assert entity_of(store, TEAM)["type"] == "ORGANIZATION"
    assert articles_of(store, settings, CITY) == 5
    assert articles_of(store, settings, TEAM) == 6


def test_the_split_does_not_depend_on_the_order_of_the_news(settings):
    store = Store(settings.database_url)
    club, city = bordeaux()
    ingest(store, settings, [club[:3], city[:2], club[3:] + city[2:]])  # the club first, alone
    assert articles_of(store, settings, CITY) == 5
    assert articles_of(store, settings, TEAM) == 6


def test_a_place_that_is_only_ever_the_club_is_an_organisation(settings):
    store = Store(settings.database_url)
    rows = [(f"فاز خيتافي الإسباني في المباراة رقم {k}.", {"خيتافي": LOC}) for k in range(3)]
    rows += [(f"تعادل خيتافي في الجولة رقم {k}.", {"خيتافي": LOC}) for k in range(3)]
    ingest(store, settings, [rows])
    getafe = entity_of(store, "خيتافي")
    assert getafe["type"] == "ORGANIZATION"
    assert articles_of(store, settings, "خيتافي") == 6


def test_the_place_goes_to_the_club_that_ends_with_its_name(settings):
    store = Store(settings.database_url)
    full = "بوروسيا دورتموند"
    rows = [(f"قال مدرب {full} إنه راض عن المباراة رقم {k}.", {full: ORG}) for k in range(4)]
    rows += [
        (f"انضم المدافع إلى صفوف دورتموند في الصفقة رقم {k}.", {"دورتموند": LOC}) for k in range(3)
    ]
    ingest(store, settings, [rows])
    assert articles_of(store, settings, full) == 7


def test_a_name_two_clubs_end_with_is_left_alone(settings):
    store = Store(settings.database_url)
    rows = []
    for club in ("مانشستر يونايتد", "مانشستر سيتي"):
        rows += [(f"فاز {club} في المباراة رقم {k}.", {club: ORG}) for k in range(3)]
    rows += [
        (f"انضم المدافع إلى صفوف مانشستر في الصفقة رقم {k}.", {"مانشستر": LOC}) for k in range(3)
    ]
    rows += [(f"أمطرت في مدينة مانشستر في اليوم رقم {k}.", {"مانشستر": LOC}) for k in range(3)]
    ingest(store, settings, [rows])
    assert articles_of(store, settings, "مانشستر") == 6
    assert articles_of(store, settings, "مانشستر يونايتد") == 3


def test_a_second_club_of_the_name_typed_a_place_leaves_it_alone(settings):
    """Seed 34's فيرونا: Hellas Verona's matches were about to go to Chievo Verona's page,
    as هيلاس فيرونا had been typed a place."""
    store = Store(settings.database_url)
    chievo, hellas, bare = "كييفو فيرونا", "هيلاس فيرونا", "فيرونا"
    rows = [(f"فاز فريق {chievo} في المباراة رقم {k}.", {chievo: ORG}) for k in range(3)]
    rows += [(f"هبط {hellas} في الموسم رقم {k}.", {hellas: LOC}) for k in range(3)]
    rows += [(f"فاز يوفنتوس على ضيفه فيرونا في الجولة رقم {k}.", {bare: LOC}) for k in range(3)]
    rows += [(f"تجمد رصيد فيرونا في الجولة رقم {k}.", {bare: LOC}) for k in range(2)]
    ingest(store, settings, [rows])
    assert articles_of(store, settings, chievo) == 3
    assert articles_of(store, settings, bare) == 5


def test_a_host_or_a_guest_is_a_club():
    assert sense("ضيفه", None) == CLUB  # فاز يوفنتوس على ضيفه فيرونا
    assert sense("لمضيفه", None) == CLUB


def test_a_mosque_or_a_mayor_of_the_name_says_city(settings):
    """Seed 30's بوردو, typed an organisation: three articles on the imam of its mosque."""
    store = Store(settings.database_url)
    player = "مالكوم"
    rows = [(f"انتقل {player} من نادي بوردو في الصفقة رقم {k}.", {CITY: ORG}) for k in range(4)]
    rows += [(f"قال إمام مسجد بوردو الكبير في الخطبة رقم {k}.", {CITY: ORG}) for k in range(2)]
    rows.append(("استقبل عمدة بوردو الوفد في الزيارة رقم 3.", {CITY: ORG}))
    ingest(store, settings, [rows])
    assert entity_of(store, CITY)["type"] == "LOCATION"
    assert articles_of(store, settings, CITY) == 3
    assert articles_of(store, settings, TEAM) == 4
    assert sense("مسجد", None) == PLACE


def ajax() -> tuple[list[tuple[str, dict]], list[tuple[str, dict]]]:
    """Seed 40's نادي أمستردام (44 articles): Ajax written in full, ``أياكس أمستردام
    الهولندي``, where the recogniser found only the city, went to a club made for the city
    while Ajax was not known yet."""
    club, city = "أياكس", "أمستردام"
    early = [
        (f"انتقل المدافع من {club} {city} الهولندي في الصفقة رقم {k}.", {city: LOC})
        for k in range(3)
    ]
    early += [(f"تظاهر الآلاف في مدينة {city} في اليوم رقم {k}.", {city: LOC}) for k in range(4)]
    later = [(f"فاز {club} على ضيفه في المباراة رقم {k}.", {club: ORG}) for k in range(4)]
    later.append((f"افتتح العمدة معرضا في مدينة {city} في الشهر رقم 9.", {city: LOC}))
    return early, later


@pytest.mark.parametrize("together", [False, True])
def test_a_club_written_in_full_before_the_place_is_that_club_whatever_the_order(
    settings, together
):
    store = Store(settings.database_url)
    early, later = ajax()
    ingest(store, settings, [early + later] if together else [early, later])
    assert articles_of(store, settings, "أياكس") == 7
    assert articles_of(store, settings, "أمستردام") == 5
    assert entity_of(store, "أمستردام")["type"] == "LOCATION"
