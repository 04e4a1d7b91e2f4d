"""Within one article: full name, surname, titles, roles and "نظيره" are one entity."""

from __future__ import annotations

from sqlalchemy import text

from marsad.config import Settings
from marsad.entities.resolve import Resolver
from marsad.models import EntityType, Mention
from marsad.store.database import Store

from .conftest import ingest, linked, resolve_marked


def _count(store: Store, key: str) -> int:
    entity_id = store.entity_by_kb_id(key)
    with store.engine.connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM article_entities WHERE entity_id = :e"), {"e": entity_id}
        ).scalar_one()


def test_full_name_then_surname_is_one_entity_and_the_article_counts_once(
    kb_store: Store, settings: Settings
) -> None:
    art = ingest(
        kb_store,
        settings,
        "لافروف يبحث الأزمة السورية",
        "بحث وزير الخارجية الروسي سيرغي لافروف الوضع في سوريا. وقال لافروف إن موسكو تدعم الحل.",
    )
    keys = linked(kb_store, art)
    assert [k for s, k in keys if "لافروف" in s] == ["lavrov", "lavrov", "lavrov"]
    assert _count(kb_store, "lavrov") == 1


def test_role_mentions_join_the_name_they_stand_for(kb_store: Store, settings: Settings) -> None:
    art = ingest(
        kb_store,
        settings,
        "الوزير الروسي يدعو إلى استئناف المفاوضات",
        "دعا سيرغي لافروف إلى استئناف المفاوضات. وأوضح الوزير الروسي أن روسيا لن تقبل التقسيم.",
    )
    keys = linked(kb_store, art)
    assert ("الوزير الروسي", "lavrov") in keys
    assert keys.count(("الوزير الروسي", "lavrov")) == 2  # in the title and in the body
    assert _count(kb_store, "lavrov") == 1


def test_counterpart_with_a_name_resolves_to_that_name(kb_store: Store, settings: Settings) -> None:
    art = ingest(
        kb_store,
        settings,
        "اتصال هاتفي بين موسكو وواشنطن",
        "بحث سيرغي لافروف مع نظيره الأمريكي جون كيري في اتصال هاتفي الوضع في سوريا.",
    )
    keys = dict(linked(kb_store, art))
    assert keys["جون كيري"] == "kerry"
    assert keys["سيرغي لافروف"] == "lavrov"
    assert "نظيره الأمريكي" not in keys  # the phrase is a role of the name after it
    assert kb_store.get_entity("نظيره الأمريكي") is None  # no entity made of the phrase


def test_a_role_without_a_name_goes_to_whoever_held_it_on_the_day(
    kb_store: Store, settings: Settings
) -> None:
    text = "وصل وزير الخارجية الأمريكي إلى موسكو في زيارة تستمر يومين."
    for day, holder in [
        ("2016-05-03", "kerry"),
        ("2017-06-01", "tillerson"),
        ("2019-03-01", "pompeo"),
    ]:
        art = ingest(kb_store, settings, f"زيارة إلى موسكو {day}", text, day=day)
        assert ("وزير الخارجية الأمريكي", holder) in linked(kb_store, art), day


def test_a_role_nobody_held_on_the_day_stays_a_role_and_is_not_counted(
    kb_store: Store, settings: Settings
) -> None:
    art = ingest(
        kb_store,
        settings,
        "زيارة مرتقبة",
        "يصل وزير الخارجية الأمريكي إلى موسكو الأسبوع المقبل.",
        day="2022-02-01",  # after the last holder the KB knows
    )
    assert linked(kb_store, art) == [("موسكو", "moscow")]
    unknown = ingest(
        kb_store,
        settings,
        "تصريحات",
        "انتقد المتحدث باسم الخارجية الروسية سياسة واشنطن. وقال المتحدث إن روسيا لن تقبل.",
        day="2018-06-16",
    )
    assert {k for _, k in linked(kb_store, unknown)} == {"washington", "russia"}


def test_the_complement_of_a_role_names_the_office_not_a_subject(
    kb_store: Store, settings: Settings
) -> None:
    art = ingest(
        kb_store,
        settings,
        "دعوة إلى التهدئة",
        "دعا الأمين العام للأمم المتحدة إلى وقف القتال في إدلب.",
        day="2018-02-01",
    )
    keys = linked(kb_store, art)
    assert ("الأمين العام", "guterres") in keys
    assert "un" not in {k for _, k in keys}
    nato = ingest(
        kb_store,
        settings,
        "رد الحلف",
        "ورد الأمين العام للحلف بأن الدول الأعضاء تفي بالتزاماتها.",
        day="2018-02-02",
    )
    assert linked(kb_store, nato) == []  # NATO's secretary general is not Guterres


def test_arrival_in_a_place_is_not_a_role_complement(kb_store: Store, settings: Settings) -> None:
    art = ingest(
        kb_store,
        settings,
        "جولة في المنطقة",
        "وصل وزير الخارجية الأمريكي إلى القاهرة في مستهل جولة في المنطقة.",
        day="2018-06-02",
    )
    assert linked(kb_store, art) == [("وزير الخارجية الأمريكي", "pompeo"), ("القاهرة", "cairo")]


def test_a_bare_title_that_already_names_someone_is_not_read_as_apposition(
    kb_store: Store,
) -> None:
    got = resolve_marked(
        Resolver(kb_store),
        "الملك يلتقي رئيس الوزراء\nالتقى الملك عبد الله الثاني في عمان رئيس الوزراء عمر الرزاز. "
        "ووجه الملك الرزاز إلى تسريع الإصلاحات.",
        [
            ("الملك", "P"),
            ("الملك عبد الله الثاني", "P"),
            ("عمان", "L"),
            ("عمر الرزاز", "P"),
            ("الملك", "P"),
            ("الرزاز", "P"),
        ],
        day="2019-02-08",
    )
    assert got["الملك"] == ["abdullah2", "abdullah2"]  # the title and "ووجه الملك"
    assert got["الرزاز"] == ["new:عمر الرزاز"]


def test_a_verb_after_a_title_is_not_part_of_the_role(kb_store: Store, settings: Settings) -> None:
    art = ingest(
        kb_store,
        settings,
        "الملك يلتقي رئيس الوزراء",
        "التقى الملك عبد الله الثاني في عمان رئيس الوزراء.",
        day="2019-02-08",
    )
    assert linked(kb_store, art) == [
        ("الملك", "abdullah2"),
        ("الملك عبد الله الثاني", "abdullah2"),
        ("عمان", "amman"),
    ]


def test_a_title_set_off_by_commas_is_the_name_after_it(settings: Settings) -> None:
    store = Store(settings.database_url)
    text = (
        "قال النائب ديفيد ديفيز إن الاتفاق قريب. "
        "وقال النائب، بيتر بون، إن الحكومة أخطأت في التفاوض."
    )
    spans = [("النائب ديفيد ديفيز", "P"), ("النائب", "P"), ("بيتر بون", "P")]
    resolver = Resolver(store)
    mentions, pos = [], 0
    for surface, _ in spans:
        start = text.index(surface, pos)
        mentions.append(Mention(start, start + len(surface), surface, EntityType.PERSON))
        pos = start + len(surface)
    out = resolver.resolve(mentions, text=text, day="2018-05-01")
    names = {(o.start, o.end): store.get_entity(o.entity_id)["name"] for o in out}
    second = mentions[1]
    assert names[(second.start, second.end)] == "بيتر بون"  # not the MP named before


def test_a_bare_title_is_no_other_office_it_heads(kb_store: Store, settings: Settings) -> None:
    art = ingest(
        kb_store,
        settings,
        "بنس يزور المنطقة",
        "قال نائب الرئيس الأمريكي مايك بنس إن الزيارة ناجحة. وأضاف الرئيس أن العلاقات قوية. "
        "والتقت رئيسة الوزراء البريطانية تيريزا ماي وزير الخارجية. وقال الرئيس إن الاتفاق قريب.",
    )
    keys = linked(kb_store, art)
    assert ("مايك بنس", "new:مايك بنس") in keys
    assert [k for s, k in keys if s == "الرئيس"] in ([], ["trump", "trump"])  # not بنس, not ماي


def _after_may(store: Store, settings: Settings, text: str) -> list[tuple[str, str | None]]:
    """What an article that first names Theresa May, then says ``text``, links."""
    may = "قالت رئيسة الوزراء البريطانية تيريزا ماي إن الخطة ستنجح. "
    return linked(store, ingest(store, settings, "ماي تواجه معارضة", may + text))


def test_a_role_after_the_word_for_a_post_names_the_post(
    kb_store: Store, settings: Settings
) -> None:
    keys = _after_may(kb_store, settings, "ويتنافس ثلاثة نواب على منصب رئيس الوزراء إذا استقالت.")
    assert ("تيريزا ماي", "new:تيريزا ماي") in keys
    assert ("رئيس الوزراء", "new:تيريزا ماي") not in keys  # the post, whoever holds it next


def test_a_spokesman_of_a_named_holder_is_not_that_holder(
    kb_store: Store, settings: Settings
) -> None:
    keys = _after_may(
        kb_store,
        settings,
        "وقال المتحدث باسم رئيسة الوزراء تيريزا ماي إن الحكومة مستعدة. "
        "وأضاف المتحدث أن القرار نهائي.",
    )
    assert keys.count(("تيريزا ماي", "new:تيريزا ماي")) == 2
    assert ("المتحدث", "new:تيريزا ماي") not in keys  # her spokesman, not she


def test_a_bare_title_after_another_person_of_no_known_role_is_left_alone(
    kb_store: Store, settings: Settings
) -> None:
    first = "قال الرئيس الزيمبابوي إيمرسون منانغاغوا إن البلاد مستقرة."
    art = ingest(kb_store, settings, "زيمبابوي", f"{first} وقال الرئيس إن الاتفاق قريب.")
    assert ("الرئيس", "new:إيمرسون منانغاغوا") in linked(kb_store, art)
    art = ingest(
        kb_store,
        settings,
        "زيمبابوي وجنوب أفريقيا",
        f"{first} والتقى الوفد جاكوب زوما أمس. وقال الرئيس إن الاتفاق قريب.",
    )
    keys = linked(kb_store, art)
    assert ("جاكوب زوما", "new:جاكوب زوما") in keys
    assert ("الرئيس", "new:إيمرسون منانغاغوا") not in keys  # Zuma may be meant


def test_a_role_the_recogniser_cut_short_still_names_the_person_after_it(
    kb_store: Store,
) -> None:
    got = resolve_marked(
        Resolver(kb_store),
        "تقارب\nقال الرئيس التركي رجب طيب أردوغان إن التقارب مستمر مع الرئيس الروسي "
        "فلاديمير بوتين. وأكد الرئيس أن العلاقات قوية.",
        [
            ("الرئيس التركي رجب طيب أردوغان", "P"),
            ("الرئيس", "P"),  # the recogniser's span: the adjective left out
            ("فلاديمير بوتين", "P"),
        ],
        day="2018-07-01",
    )
    assert got["الرئيس"][0] == "putin"  # not Erdoğan: apposition with the name after it
