"""Entity names follow usage (marsad.entities.naming): a created entity takes the way the news
writes its name most, when that is another spelling or the name with junk cut off its end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from marsad.entities.edits import merge_entities, rename
from marsad.entities.naming import _titled, _whole_of, rename_by_usage
from marsad.models import Article, EntityType, Source
from marsad.ner.gazetteer import GazetteerRecogniser
from marsad.pages import entity_page, find_entity
from marsad.pipeline import Pipeline
from marsad.store.database import Store

PERSON, ORG, LOC = EntityType.PERSON, EntityType.ORGANIZATION, EntityType.LOCATION
SOURCE = Source(slug="sky", name="سكاي نيوز عربية")
START = datetime(2018, 5, 1, 9, tzinfo=UTC)


def articles(texts: list[str]) -> list[Article]:
    return [
        Article(title=t.split(".")[0], text=t, source=SOURCE, published=START + timedelta(hours=k))
        for k, t in enumerate(texts)
    ]


def ingest(store: Store, settings, names, texts: list[str]) -> Pipeline:
    pipeline = Pipeline(store, settings, GazetteerRecogniser(names))
    pipeline.ingest(articles(texts))
    return pipeline


def test_a_wrongly_cut_first_mention_no_longer_names_the_entity(settings):
    store = Store(settings.database_url)
    names = [("محمد صلاح يسير", PERSON), ("محمد صلاح", PERSON), ("ليفربول", ORG)]
    texts = ["النجم المصري محمد صلاح يسير نحو رقم قياسي جديد مع ليفربول."]
    texts += [f"سجل محمد صلاح هدفه رقم {k} مع ليفربول في الدوري." for k in range(1, 6)]
    pipeline = ingest(store, settings, names, texts)
    first = find_entity(store, "محمد صلاح يسير")
    assert first["name"] == "محمد صلاح يسير"  # resolution keeps the creating surface
    assert entity_page(store, settings, first["slug"]).article_count == 6  # the rest joined it

    assert rename_by_usage(store, set()) == 0  # only the entities a run touched are read
    assert rename_by_usage(store, pipeline.touched) == 1
    entity = store.get_entity(first["id"])
    assert (entity["name"], entity["slug"]) == ("محمد صلاح", "محمد-صلاح")
    assert find_entity(store, first["slug"])["id"] == first["id"]  # the old link still works
    assert "محمد صلاح يسير" not in entity["aliases"]  # a wrong cut is no alias ("also known as")
    assert entity_page(store, settings, "محمد-صلاح").article_count == 6
    assert rename_by_usage(store) == 0  # settled


def test_spelling_follows_the_majority_but_organisations_keep_their_words(settings):
    store = Store(settings.database_url)
    names = [
        ("دونالد ترمب", PERSON),
        ("دونالد ترامب", PERSON),
        ("البنك المركزي الأوروبي", ORG),
        ("البنك المركزي", ORG),
    ]
    texts = ["قال دونالد ترمب إن البنك المركزي الأوروبي سيرفع الفائدة."]
    texts += [f"التقى دونالد ترامب محافظ البنك المركزي للمرة {k}." for k in range(1, 5)]
    ingest(store, settings, names, texts)
    trump = find_entity(store, "دونالد ترمب")
    bank = find_entity(store, "البنك المركزي الأوروبي")
    rename_by_usage(store)
    renamed = store.get_entity(trump["id"])
    assert renamed["name"] == "دونالد ترامب" and "دونالد ترمب" in renamed["aliases"]
    assert store.get_entity(bank["id"])["name"] == "البنك المركزي الأوروبي"


def test_an_operator_rename_is_never_undone(settings):
    store = Store(settings.database_url)
    names = [("محمد صلاح يسير", PERSON), ("محمد صلاح", PERSON)]
    texts = ["محمد صلاح يسير نحو اللقب."] + [f"سجل محمد صلاح هدفه {k}." for k in range(1, 6)]
    ingest(store, settings, names, texts)
    rename(store, "محمد صلاح يسير", "مو صلاح")
    assert rename_by_usage(store) == 0
    assert find_entity(store, "مو صلاح")["name"] == "مو صلاح"


def test_ministries_and_countries_one_letter_apart_stay_apart(settings):
    # resolution's fuzzy matching takes spellings of one word (ترمب / ترامب), not other words
    store = Store(settings.database_url)
    names = [
        ("وزارة العمل", ORG),
        ("وزارة العدل", ORG),
        ("وزارة الخارجية السويدية", ORG),
        ("وزارة الخارجية السودانية", ORG),
        ("دونالد ترمب", PERSON),
        ("دونالد ترامب", PERSON),
        ("أميركا", EntityType.LOCATION),
        ("أمريكا", EntityType.LOCATION),
    ]
    texts = [
        "أعلنت وزارة العمل عن وظائف جديدة وقال دونالد ترمب إن اقتصاد أميركا قوي.",
        "أصدرت وزارة العدل قرارا جديدا بينما زار دونالد ترامب مصنعا في أمريكا.",
        "استدعت وزارة الخارجية السويدية السفير، كما ردت وزارة الخارجية السودانية ببيان.",
    ]
    ingest(store, settings, names, texts)
    ids = {n: find_entity(store, n)["id"] for n, _ in names[:6]}
    assert ids["وزارة العمل"] != ids["وزارة العدل"]
    assert ids["وزارة الخارجية السويدية"] != ids["وزارة الخارجية السودانية"]
    assert ids["دونالد ترمب"] == ids["دونالد ترامب"]
    america = find_entity(store, "أميركا")  # أمريكا: a long vowel moved in a longer word
    assert entity_page(store, settings, america["slug"]).article_count == 2


def test_hashtag_names_become_entities_named_in_full(settings):
    store = Store(settings.database_url)
    text = "التقى الرئيس #عبد_الفتاح_السيسي ولي العهد #محمد_بن_سلمان في القاهرة."
    Pipeline(store, settings).ingest(articles([text]))  # the shipped recogniser
    for name in ("عبد الفتاح السيسي", "محمد بن سلمان"):
        assert store.get_entity(name)["name"] == name


def test_a_name_spelt_otherwise_joins_the_person_not_a_longer_name_containing_it(settings):
    store = Store(settings.database_url)
    names = [
        ("فلاديمير بوتين", PERSON),
        ("الروسين فلاديمير بوتين", PERSON),
        ("فلاديمير بوتن", PERSON),
    ]
    texts = [
        "التقى فلاديمير بوتين نظيره الصيني في موسكو.",
        "قال الرئيس الروسين فلاديمير بوتين إن العلاقات جيدة.",  # a typo makes a second entity
        "وصل فلاديمير بوتن إلى بكين في زيارة رسمية.",
    ]
    ingest(store, settings, names, texts)
    putin = find_entity(store, "فلاديمير بوتين")
    assert entity_page(store, settings, putin["slug"]).article_count == 2


def test_a_name_already_borne_merges_the_two_entities_into_the_larger(settings):
    store = Store(settings.database_url)
    names = [("محمد صلاح", PERSON), ("محمد صلاح فرحت", PERSON)]
    texts = [f"سجل محمد صلاح هدفه رقم {k} في الدوري." for k in range(1, 6)]
    texts.append(  # a wrong span makes a second entity; the article's short forms join it
        "مباراة مثيرة. محمد صلاح فرحت الجماهير به. وقال محمد صلاح إنه سعيد، وأضاف "
        "محمد صلاح أن الفريق قوي، وختم محمد صلاح حديثه."
    )
    pipeline = ingest(store, settings, names, texts)
    salah, junk = find_entity(store, "محمد صلاح"), find_entity(store, "محمد صلاح فرحت")
    assert salah["id"] != junk["id"]
    rename_by_usage(store, pipeline.touched)
    assert find_entity(store, junk["slug"])["id"] == salah["id"]  # the old link leads to Salah
    assert entity_page(store, settings, salah["slug"]).article_count == 6
    assert "محمد صلاح فرحت" not in store.get_entity(salah["id"])["aliases"]


def test_a_run_on_start_leaves_a_persons_name_but_not_a_first_or_fathers_name(settings):
    store = Store(settings.database_url)
    names = [
        ("كوريا الشمالية كيم جونغ أون", PERSON),
        ("كيم جونغ أون", PERSON),
        ("كوريا الشمالية", LOC),
        ("عبد الله بن عبدالعزيز آل سعود", PERSON),
        ("عبدالعزيز آل سعود", PERSON),
        ("سلفا كير ميارديت", PERSON),
        ("كير ميارديت", PERSON),
    ]
    texts = ["نشرت صحيفة كوريا الشمالية كيم جونغ أون صورا للزعيم."]  # a hashtag run on
    texts += [f"زار كيم جونغ أون مصنعا في كوريا الشمالية للمرة {k}." for k in range(1, 5)]
    texts += ["توفي الملك عبد الله بن عبدالعزيز آل سعود في الرياض."]
    texts += [f"أسس عبدالعزيز آل سعود المملكة كما ذكر الكتاب رقم {k}." for k in range(1, 5)]
    names += [("فتح الله غولن", PERSON), ("الله غولن", PERSON), ("فتح", ORG)]
    texts += [f"قالت حركة فتح في البيان رقم {k} إن الحوار مستمر." for k in range(1, 4)]
    texts += ["اتهمت أنقرة فتح الله غولن بتدبير الانقلاب."]  # a compound first name
    texts += [f"وقال مؤيدو الله غولن في البيان رقم {k} إنهم أبرياء." for k in range(1, 5)]
    texts += ["قال رئيس جنوب السودان سلفا كير ميارديت إن السلام ممكن."]
    texts += [f"وأضاف كير ميارديت في الخطاب رقم {k} أن الحرب انتهت." for k in range(1, 5)]
    ingest(store, settings, names, texts)
    kim = find_entity(store, "كوريا الشمالية كيم جونغ أون")
    king = find_entity(store, "عبد الله بن عبدالعزيز آل سعود")
    kiir = find_entity(store, "سلفا كير ميارديت")
    gulen = find_entity(store, "فتح الله غولن")
    rename_by_usage(store)
    assert store.get_entity(kim["id"])["name"] == "كيم جونغ أون"
    assert store.get_entity(king["id"])["name"] == "عبد الله بن عبدالعزيز آل سعود"
    assert store.get_entity(kiir["id"])["name"] == "سلفا كير ميارديت"
    assert store.get_entity(gulen["id"])["name"] == "فتح الله غولن"


def test_a_name_glued_to_its_preposition_loses_it_and_joins_the_bare_name(settings):
    store = Store(settings.database_url)
    names = [("للمجلس الوطني الفلسطيني", ORG), ("للحزب الديمقراطي", ORG), ("الحزب الديمقراطي", ORG)]
    texts = [f"انعقد اجتماع للمجلس الوطني الفلسطيني في رام الله رقم {k}." for k in range(1, 3)]
    texts += ["صوت أعضاء للحزب الديمقراطي ضد القرار."]
    texts += [f"فاز الحزب الديمقراطي بالمقعد رقم {k}." for k in range(1, 4)]
    ingest(store, settings, names, texts)
    council = find_entity(store, "للمجلس الوطني الفلسطيني")
    party = find_entity(store, "الحزب الديمقراطي")
    rename_by_usage(store)
    assert store.get_entity(council["id"])["name"] == "المجلس الوطني الفلسطيني"
    assert find_entity(store, "للحزب الديمقراطي")["id"] == party["id"]
    assert entity_page(store, settings, party["slug"]).article_count == 4


def test_a_noun_glued_to_lil_before_its_adjective_had_the_article(settings):
    store = Store(settings.database_url)
    names = [("للجنة الدولية للصليب الأحمر", ORG), ("للجنة الانتخابات", ORG)]
    texts = ["قدمت الحكومة الشكر للجنة الدولية للصليب الأحمر على جهودها."]
    texts += ["قدم المرشح أوراقه للجنة الانتخابات أمس."]  # ل + لجنة: no article
    ingest(store, settings, names, texts)
    red_cross = find_entity(store, "للجنة الدولية للصليب الأحمر")
    board = find_entity(store, "للجنة الانتخابات")
    rename_by_usage(store)
    assert store.get_entity(red_cross["id"])["name"] == "اللجنة الدولية للصليب الأحمر"
    assert store.get_entity(board["id"])["name"] == "للجنة الانتخابات"


def test_a_conjunction_glued_to_a_persons_first_name_leaves_the_name(settings):
    store = Store(settings.database_url)
    names = [("وتيسير الجاسم", PERSON), ("تيسير الجاسم", PERSON)]
    texts = ["شارك محمد الشلهوب وتيسير الجاسم في التدريب."]
    texts += [f"سجل اللاعب تيسير الجاسم الهدف رقم {k} للأهلي." for k in range(1, 5)]
    ingest(store, settings, names, texts)
    glued, bare = find_entity(store, "وتيسير الجاسم"), find_entity(store, "تيسير الجاسم")
    merge_entities(store, bare["id"], glued["id"])  # as the first span's entity may end up
    assert rename_by_usage(store, {glued["id"]}) == 1
    assert store.get_entity(glued["id"])["name"] == "تيسير الجاسم"


def test_a_span_cut_through_a_quote_never_names_the_entity(settings):
    # ANT: «شبكة "سي بي إس» (53 articles) was named after its most written form
    store = Store(settings.database_url)
    names = [("سي بي إس", ORG), ('شبكة "سي بي إس', ORG)]
    texts = [f"قالت سي بي إس في تقريرها رقم {k} إن الحملة بدأت." for k in range(2)]
    texts += [f'ونقلت شبكة "سي بي إس" في النشرة رقم {k} الخبر.' for k in range(3)]
    pipeline = ingest(store, settings, names, texts)
    rename_by_usage(store, pipeline.touched)
    cbs = find_entity(store, "سي بي إس")
    assert cbs["name"] == "سي بي إس"
    assert entity_page(store, settings, cbs["slug"]).article_count == 5


def test_a_place_named_by_its_cut_first_mention_takes_the_whole_name(settings):
    """Seed 33: a page named بريتيش where 5 of its 7 articles wrote بريتيش كولومبيا (the
    recogniser's longer spans joined the entity its first, cut span made); not a name and
    adjectives after it (حزب الله اللبناني describes حزب الله)."""
    store = Store(settings.database_url)
    names = [("بريتيش", LOC), ("بريتيش كولومبيا", LOC)]
    texts = ["زار الوفد بريتيش أمس."]
    texts += [f"في مقاطعة بريتيش كولومبيا أعلن المسؤولون الخطة رقم {k}." for k in range(1, 6)]
    ingest(store, settings, names, texts)
    with store.engine.connect() as conn:
        (province,) = {
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT entity_id FROM mentions WHERE surface = 'بريتيش كولومبيا'"
            )
        }
    assert store.get_entity(province)["name"] == "بريتيش"
    rename_by_usage(store)
    assert store.get_entity(province)["name"] == "بريتيش كولومبيا"
    assert not _whole_of("حزب الله اللبناني", "حزب الله", "ORGANIZATION")
    assert not _whole_of("محمد صلاح يسير", "محمد صلاح", "PERSON")


def test_a_persons_name_without_an_adjective_of_origin_before_it_takes_over_when_as_used():
    """Seed 41: «التشيلي كارلوس فيلانويفا» written 4 times, «كارلوس فيلانويفا» 5: the
    adjective of origin is no part of the name, so no twice-as-often margin."""
    assert _titled("كارلوس فيلانويفا", "التشيلي كارلوس فيلانويفا", "PERSON")
    assert not _titled("الله غولن", "فتح الله غولن", "PERSON")  # a first name
    assert not _titled("مصطفى كامل", "عباس مصطفى كامل", "PERSON")
    assert not _titled("كارلوس فيلانويفا", "التشيلي كارلوس فيلانويفا", "ORGANIZATION")
    assert not _titled("عبدالعزيز آل سعود", "بن عبدالعزيز آل سعود", "PERSON")
