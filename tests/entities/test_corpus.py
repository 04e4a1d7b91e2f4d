"""Across articles: spelling variants cluster; people who share a name are kept apart.

Mentions are handed to the resolver as any recogniser (CRF, gazetteer) would give them.
"""

from __future__ import annotations

from marsad.config import Settings
from marsad.entities.fuzzy import fold, skeleton
from marsad.entities.resolve import Resolver
from marsad.store.database import Store

from .conftest import ingest, resolve_marked


def test_transliteration_fold_meets_the_spelling_variants() -> None:
    assert fold("سيرغي") == fold("سيرجي") == fold("سيرغى".replace("ى", "ي"))
    assert fold("سوريه") == fold("سوريا")
    assert fold("استانه") == fold("استانا")
    assert skeleton("ترمب") == skeleton("ترامب")
    assert fold("لافروف") != fold("كيري")
    assert fold("الصين") != fold("السين")  # China is not the Seine


def test_spelling_variants_resolve_to_the_one_entity(kb_store: Store) -> None:
    resolver = Resolver(kb_store)
    text = "التقى سيرجي لافروف في أستانة وفدا من سورية، وقال سيرغى لافروف إن ترمب لم يتصل."
    got = resolve_marked(
        resolver,
        text,
        [
            ("سيرجي لافروف", "P"),
            ("أستانة", "L"),
            ("سورية", "L"),
            ("سيرغى لافروف", "P"),
            ("ترمب", "P"),
        ],
        day="2017-06-01",
    )
    assert got == {
        "سيرجي لافروف": ["lavrov"],
        "أستانة": ["astana"],
        "سورية": ["syria"],
        "سيرغى لافروف": ["lavrov"],
        "ترمب": ["trump"],
    }


def test_the_names_of_one_group_are_one_entity(kb_store: Store) -> None:
    resolver = Resolver(kb_store)
    text = "تبنى داعش الهجوم، وقال مسؤول إن تنظيم الدولة و«الدولة الإسلامية» اسمان لتنظيم داعش."
    got = resolve_marked(
        resolver,
        text,
        [("داعش", "O"), ("تنظيم الدولة", "O"), ("الدولة الإسلامية", "O"), ("لتنظيم داعش", "O")],
    )
    assert set(sum(got.values(), [])) == {"isis"}


def test_an_unknown_name_and_its_later_variants_become_one_new_entity(kb_store: Store) -> None:
    resolver = Resolver(kb_store)
    a = resolve_marked(
        resolver, "وصل ميخائيل بوغدانوف إلى دمشق.", [("ميخائيل بوغدانوف", "P"), ("دمشق", "L")]
    )
    b = resolve_marked(
        resolver, "التقى ميخائيل بوجدانوف المعلم.", [("ميخائيل بوجدانوف", "P"), ("المعلم", "P")]
    )
    c = resolve_marked(resolver, "وقال بوغدانوف إن الزيارة ناجحة.", [("بوغدانوف", "P")])
    assert a["ميخائيل بوغدانوف"] == ["new:ميخائيل بوغدانوف"]
    assert b["ميخائيل بوجدانوف"] == a["ميخائيل بوغدانوف"]
    assert c["بوغدانوف"] == a["ميخائيل بوغدانوف"]
    assert b["المعلم"] == ["muallem"]


def test_two_assads_in_one_article_leave_the_bare_surname_unlinked(kb_store: Store) -> None:
    resolver = Resolver(kb_store)
    text = "تحدث التقرير عن ماهر الأسد وشقيقه بشار الأسد، وقال إن عائلة الأسد تحكم منذ عقود."
    got = resolve_marked(resolver, text, [("ماهر الأسد", "P"), ("بشار الأسد", "P"), ("الأسد", "P")])
    assert got == {"ماهر الأسد": ["maher"], "بشار الأسد": ["bashar"], "الأسد": [None]}


def test_the_surname_follows_the_full_name_of_its_own_article(kb_store: Store) -> None:
    resolver = Resolver(kb_store)
    hafez = resolve_marked(
        resolver,
        "أعلن في دمشق وفاة الرئيس حافظ الأسد، ونعى الرسميون الأسد في بيان.",
        [("دمشق", "L"), ("الرئيس حافظ الأسد", "P"), ("الأسد", "P")],
        day="2000-06-10",
    )
    bashar = resolve_marked(
        resolver,
        "استقبل بشار الأسد وفدا روسيا، وأكد الأسد أن الحرب مستمرة.",
        [("بشار الأسد", "P"), ("الأسد", "P")],
    )
    assert hafez["الأسد"] == ["hafez"] and hafez["الرئيس حافظ الأسد"] == ["hafez"]
    assert bashar["الأسد"] == ["bashar"]


def test_a_bare_surname_without_context_is_not_merged_into_anyone(kb_store: Store) -> None:
    resolver = Resolver(kb_store)
    got = resolve_marked(resolver, "وقال الأسد في خطاب إن البلاد ستنتصر.", [("الأسد", "P")])
    assert got == {"الأسد": [None]}
    assert kb_store.get_entity("الأسد") is None  # and no entity "الأسد" was invented


def test_abdullah_is_whoever_the_article_names(kb_store: Store) -> None:
    resolver = Resolver(kb_store)
    afghan = resolve_marked(
        resolver,
        "قال عبد الله عبد الله إن الانتخابات ستجرى، وأضاف عبد الله أن كابول آمنة.",
        [("عبد الله عبد الله", "P"), ("عبد الله", "P"), ("كابول", "L")],
    )
    king = resolve_marked(
        resolver,
        "استقبل الملك عبد الله الثاني في عمان الوفد، وأكد عبد الله دعم الأردن.",
        [("الملك عبد الله الثاني", "P"), ("عمان", "L"), ("عبد الله", "P"), ("الأردن", "L")],
    )
    both = resolve_marked(
        resolver,
        "التقى عبد الله الثاني بعبد الله عبد الله، وقال عبد الله إن اللقاء مثمر.",
        [("عبد الله الثاني", "P"), ("عبد الله عبد الله", "P"), ("عبد الله", "P")],
    )
    assert afghan["عبد الله"] == ["abdullah_af"]
    assert king["عبد الله"] == ["abdullah2"]
    assert both["عبد الله"] == [None]  # two of them in the article: not ours to guess


def test_a_bare_name_links_when_one_candidate_dominates_the_context(
    kb_store: Store, settings: Settings
) -> None:
    for n in range(3):
        ingest(
            kb_store,
            settings,
            f"العاهل الأردني يفتتح مشروعا {n}",
            f"افتتح الملك عبد الله الثاني في عمان المشروع رقم {n} مؤكدا أن الأردن ماض في الإصلاح.",
            day=f"2018-06-0{n + 1}",
        )
    ingest(kb_store, settings, "كابول", "زار عبد الله عبد الله كابول.", day="2018-06-05")
    resolver = Resolver(kb_store)
    got = resolve_marked(
        resolver,
        "افتتح عبد الله الدورة البرلمانية في عمان، مؤكدا أن الأردن ماض في الإصلاح.",
        [("عبد الله", "P"), ("عمان", "L"), ("الأردن", "L")],
        day="2018-06-10",
    )
    assert got["عبد الله"] == ["abdullah2"]
    alone = resolve_marked(resolver, "قال عبد الله إن الأمور بخير.", [("عبد الله", "P")])
    assert alone["عبد الله"] == [None]


def test_people_who_share_a_first_name_are_never_merged(kb_store: Store) -> None:
    resolver = Resolver(kb_store)
    got = resolve_marked(
        resolver,
        "التقى سيرغي لافروف وسيرغي شويغو الوفد التركي، وقال سيرغي إن اللقاء مثمر.",
        [("سيرغي لافروف", "P"), ("سيرغي شويغو", "P"), ("سيرغي", "P")],
    )
    assert got == {"سيرغي لافروف": ["lavrov"], "سيرغي شويغو": ["shoigu"], "سيرغي": [None]}


def test_a_first_name_alone_stays_apart_unless_a_title_or_the_article_points_to_its_person(
    kb_store: Store, settings: Settings
) -> None:
    ingest(
        kb_store,
        settings,
        "دوكي رئيسا",
        "أدى الرئيس الكولومبي الجديد إيفان دوكي اليمين الدستورية في بوغوتا.",
        day="2018-08-07",
    )
    resolver = Resolver(kb_store)
    surname = resolve_marked(resolver, "وتعهد دوكي بالإصلاح.", [("دوكي", "P")])
    assert surname["دوكي"] == ["new:إيفان دوكي"]
    titled = resolve_marked(resolver, "وقال الرئيس إيفان إن الأمر انتهى.", [("الرئيس إيفان", "P")])
    assert titled["الرئيس إيفان"] == ["new:إيفان دوكي"]
    alone = resolve_marked(resolver, "قال إيفان إن الأمر انتهى.", [("إيفان", "P")])
    assert alone["إيفان"] != ["new:إيفان دوكي"]  # a first name: no title, no context
