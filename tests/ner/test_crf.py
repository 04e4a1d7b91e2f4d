"""The shipped CRF model finds people, organisations and places in real news sentences."""

from marsad.models import EntityType
from marsad.ner import load_default

LAVROV = (
    "وقال وزير الخارجية الروسي سيرغي لافروف في مؤتمر صحفي عقده بموسكو إن بلاده "
    "ستواصل دعم الحل السياسي. وأكد لافروف أن مجلس الأمن الدولي سيجتمع الأسبوع المقبل."
)


def mentions(rec, text):
    return {(m.text, m.type) for m in rec.recognise(text)}


def test_load_default_is_cached(recogniser):
    assert load_default() is recogniser


def test_mentions_slice_back_to_the_text(recogniser):
    for m in recogniser.recognise(LAVROV):
        assert LAVROV[m.start : m.end] == m.text


def test_title_before_a_name_is_not_part_of_the_person(recogniser):
    assert ("سيرغي لافروف", EntityType.PERSON) in mentions(recogniser, LAVROV)
    assert not any("وزير" in t for t, _ in mentions(recogniser, LAVROV))


def test_preposition_clitic_is_left_out_of_a_place(recogniser):
    found = [m for m in recogniser.recognise(LAVROV) if m.type is EntityType.LOCATION]
    assert [(m.text, LAVROV[m.start - 1]) for m in found] == [("موسكو", "ب")]


def test_surname_alone_is_a_person(recogniser):
    rec = recogniser.recognise(LAVROV)
    assert any(m.text == "لافروف" and m.type is EntityType.PERSON for m in rec)


def test_conjunction_clitic_is_left_out_of_a_person(recogniser):
    text = (
        "واستقبل الرئيس السوري بشار الأسد وزير الخارجية الروسي سيرغي لافروف في دمشق. "
        "وبحث الأسد ولافروف الأوضاع في المنطقة."
    )
    found = recogniser.recognise(text)
    after_waw = [m for m in found if text[m.start - 1 : m.end] == "ولافروف"]
    assert [(m.text, m.type) for m in after_waw] == [("لافروف", EntityType.PERSON)]
    assert ("بشار الأسد", EntityType.PERSON) in mentions(recogniser, text)
    assert ("دمشق", EntityType.LOCATION) in mentions(recogniser, text)


def test_organisation_containing_a_place_is_one_organisation(recogniser):
    found = mentions(recogniser, LAVROV)
    assert ("مجلس الأمن الدولي", EntityType.ORGANIZATION) in found
    text = "وأعلنت وزارة الخارجية الروسية في بيان أن الوفد سيصل إلى دمشق غدا."
    found = mentions(recogniser, text)
    assert ("وزارة الخارجية الروسية", EntityType.ORGANIZATION) in found
    assert ("دمشق", EntityType.LOCATION) in found
    assert not any(t == "الروسية" for t, _ in found)


def test_common_words_that_are_also_names_are_not_tagged_out_of_context(recogniser):
    # أمل (hope), سلام (peace), جميل (beautiful) and كريم (generous) are also first names.
    text = "وعبر المواطنون عن أمل كبير في أن يعم السلام وأن يكون العام المقبل جميلا وكريما."
    assert recogniser.recognise(text) == []


def test_misc_entities_are_not_reported(recogniser):
    text = "ويتحدث سكان المدينة اللغة العربية والإنجليزية."
    assert all(m.type in set(EntityType) for m in recogniser.recognise(text))


def test_names_starting_with_clitic_letters_keep_them(recogniser):
    text = (
        "بحث وزير الخارجية الروسي مع نظيره جون كيري في اتصال هاتفي. "
        "والتقى وزير الخارجية السوري وليد المعلم في دمشق المبعوث الأممي."
    )
    found = mentions(recogniser, text)
    assert ("جون كيري", EntityType.PERSON) in found  # not ك + يري
    assert ("وليد المعلم", EntityType.PERSON) in found  # not و + ل + يد


def _reported(text: str, spans: list[tuple[str, int, str, int]]) -> list:
    """What ``recognise`` reports of ``text`` (one sentence list) when the model tags
    ``spans`` — (first word, number of words, type, which occurrence of the word)."""
    from marsad.arabic.tokenise import tokenise
    from marsad.ner.crf import product_mentions

    tokens = tokenise(text)
    tags = ["O"] * len(tokens)
    words = [t.text for t in tokens]
    for first, n, etype, nth in spans:
        i = [k for k, w in enumerate(words) if w == first][nth]
        tags[i : i + n] = [f"B-{etype}"] + [f"I-{etype}"] * (n - 1)
    return product_mentions(text, [tokens], [tags])


def test_reported_spans_lose_edge_words_and_lists_of_people_are_split():
    # tags as the CRF sometimes gives them; recognise() reports what product_mentions makes
    text = (
        "وفد برئاسة دونالد ترامب التقى كيم ومون جاي إن، وقال محمد صلاح مغرداً على تويتر "
        "إن سي إن إن نقلت رسالة دونالد ترامب لمايك بومبيو"
    )
    spans = [  # as the model tagged them: (first word, words, type, which occurrence)
        ("برئاسة", 3, "PERS", 0),
        ("كيم", 4, "PERS", 0),
        ("محمد", 3, "PERS", 0),
        ("على", 2, "ORG", 0),
        ("سي", 3, "ORG", 0),
        ("دونالد", 4, "PERS", 1),
    ]
    found = [(m.text, m.type.value) for m in _reported(text, spans)]
    assert found == [
        ("دونالد ترامب", "PERSON"),
        ("كيم", "PERSON"),
        ("مون جاي إن", "PERSON"),
        ("محمد صلاح", "PERSON"),
        ("تويتر", "ORGANIZATION"),
        ("سي إن إن", "ORGANIZATION"),
        ("دونالد ترامب", "PERSON"),
        ("مايك بومبيو", "PERSON"),
    ]


def test_a_person_s_name_ends_before_a_word_with_li_and_the_article():
    # whole ANT corpus: 59 person spans such as "سارة ساندرز للصحفين", "ترامب للغولف"
    text = (
        "وقالت سارة ساندرز للصحفيين إن الرئيس سيلعب في منتجع ترامب للغولف، "
        "ونقل بوتين وللأسد تحياته. وقالت سارة للمحكمة إنها بريئة"
    )
    spans = [("سارة", 3, "PERS", 0), ("ترامب", 2, "PERS", 0), ("بوتين", 2, "PERS", 0)]
    spans.append(("سارة", 2, "PERS", 1))
    found = [(m.text, m.type.value) for m in _reported(text, spans)]
    assert found == [
        ("سارة ساندرز", "PERSON"),
        ("ترامب", "PERSON"),
        ("بوتين", "PERSON"),
        ("سارة", "PERSON"),
    ]


def test_a_place_s_first_word_takes_the_next_and_alone_names_nothing():
    # whole ANT corpus: pages شرم (7 articles), بني (11: بني وليد, بني سويف, بني معين…),
    # سانت (47), كفر (4), all first words of places where the model stopped short
    text = (
        "أقلعت الطائرة من بشرم الشيخ، وقصفت مواقع في بني وليد وفي كفر بطنا. "
        "وقال دي سان-مور إن بورت أو برنس هادئة، ولسان حالهم يقول إن المجمع ببني سويف جاهز. "
        "وبنى العليان مصنعا"
    )
    spans = [("بشرم", 1, "LOC", 0), ("بني", 1, "LOC", 0), ("وليد", 1, "PERS", 0)]
    spans += [("كفر", 1, "LOC", 0), ("سان", 1, "LOC", 0), ("بورت", 1, "LOC", 0)]
    spans += [("ولسان", 1, "LOC", 0), ("سويف", 1, "LOC", 0), ("العليان", 1, "ORG", 0)]
    found = [(m.text, m.type.value) for m in _reported(text, spans)]
    assert found == [
        ("شرم الشيخ", "LOCATION"),
        ("بني وليد", "LOCATION"),
        ("كفر بطنا", "LOCATION"),
        ("بني سويف", "LOCATION"),  # the model's span after the place's first word
        ("العليان", "ORGANIZATION"),  # after بنى, "built"
    ]  # not سان (a hyphen follows) nor سان حالهم (لسان: "tongue")


def test_an_adverb_in_the_accusative_is_no_edge_of_a_name():
    # seed 34: "الرئيس المعترف به دوليا عبد ربه منصور هادي" made a page دوليا عبد ربه منصور هادي
    text = "التقى الرئيس المعترف به دوليا عبد ربه منصور هادي والموقوف حاليا أحمد علي سابقا"
    spans = [("دوليا", 5, "PERS", 0), ("حاليا", 4, "PERS", 0)]
    found = [(m.text, m.type.value) for m in _reported(text, spans)]
    assert found == [("عبد ربه منصور هادي", "PERSON"), ("أحمد علي", "PERSON")]


def test_a_latin_gloss_beside_an_arabic_name_is_no_part_of_it():
    # whole ANT corpus: 283 pages such as "ناريندرا مودي Narendra Modi", "CNNMoney لوري سيغال"
    text = "التقى ناريندرا مودي Narendra Modi مع لوري سيغال من CNNMoney ومع Google"
    spans = [("ناريندرا", 4, "PERS", 0), ("لوري", 4, "PERS", 0), ("Google", 1, "ORG", 0)]
    found = [(m.text, m.type.value) for m in _reported(text, spans)]
    assert found == [
        ("ناريندرا مودي", "PERSON"),
        ("لوري سيغال", "PERSON"),
        ("Google", "ORGANIZATION"),  # a name in Latin letters alone stays
    ]


def test_reported_spans_are_completed_joined_and_cut_where_the_model_stops_wrong():
    # tags as the CRF gave them on ANT articles; recognise() completes or cuts them
    text = (
        "اجتمع ترامب ونظيره الكوري الجنوبي مون جيه-إن في البيت الأبيض. "
        "ترامب يقيل وزير خارجيته تيلرسون ويعين بومبيو بديلا له. "
        "وشكل ذلك حرجا كبيرا للجنة الأولمبية الدولية. "
        "وعد سالفيني، زعيم حزب الرابطة اليميني، بطرد المهاجرين. "
        "وتعقد قمة ترامب-كيم في سنغافورة. "
        "وقال مسؤول لبي بي سي إن الأمر انتهى. "
        "واعتبرت وزارة الخارجية الفرنسية الثلاثاء أن الوضع خطير. "
        "وفاز منتخب البرتغال على المغرب. "
        "وقال هانز-يواكيم فاتسكه إن النادي وافق. وقالت جاكي دويل-برايس إنها تأمل. "
        "وزار زعيم #كوريا_الشمالية كيم يونغ أون المصنع. "
        "وأقيم الحفل في قصر فيرني-فولتير قرب جنيف."
    )
    spans = [  # as the model tagged them: (first word, words, type, which occurrence)
        ("مون", 2, "PERS", 0),  # مون جيه ‑إن: the hyphenated part left out
        ("تيلرسون", 2, "PERS", 0),  # and the verb after it taken in
        ("الأولمبية", 2, "ORG", 0),  # the head noun left out
        ("حزب", 3, "ORG", 0),  # an epithet taken in
        ("ترامب", 1, "PERS", 2),  # a hyphen between two people's names
        ("بي", 2, "ORG", 0),  # the first letter, ل glued on, left out
        ("وزارة", 4, "ORG", 0),  # the day taken in
        ("البرتغال", 1, "LOC", 0),  # a team: the head noun before the place
        ("المغرب", 1, "LOC", 0),
        ("هانز", 1, "PERS", 0),  # two spans of one name written with a hyphen
        ("يواكيم", 2, "PERS", 0),
        ("جاكي", 2, "PERS", 0),
        ("برايس", 1, "ORG", 0),
        ("كوريا_الشمالية", 4, "PERS", 0),  # a hashtag run on into the name after it
        ("فيرني", 1, "LOC", 0),  # a place's name written with a hyphen, cut at it
        ("جنيف", 1, "LOC", 0),
    ]
    found = [(m.text, m.type.value) for m in _reported(text, spans)]
    assert found == [
        ("مون جيه-إن", "PERSON"),
        ("تيلرسون", "PERSON"),
        ("للجنة الأولمبية الدولية", "ORGANIZATION"),
        ("حزب الرابطة", "ORGANIZATION"),
        ("ترامب", "PERSON"),
        ("بي بي سي", "ORGANIZATION"),  # ل glued to the first letter left out
        ("وزارة الخارجية الفرنسية", "ORGANIZATION"),
        ("منتخب البرتغال", "ORGANIZATION"),
        ("المغرب", "LOCATION"),
        ("هانز-يواكيم فاتسكه", "PERSON"),
        ("جاكي دويل-برايس", "PERSON"),
        ("كيم يونغ أون", "PERSON"),
        ("فيرني-فولتير", "LOCATION"),  # ترامب-كيم stays two: كيم is no rare word
        ("جنيف", "LOCATION"),
    ]


def test_a_name_spelled_out_in_letters_takes_its_first_letters_and_loses_clitics():
    # the model tags ANT's spelled-out names without their first letter or with ل glued on
    text = (
        "وقالت شبكة إن بي سي نيوز إن الوفد وصل. "
        "وقال مدير الإف بي آي السابق إن الإدارة كذبت. "
        "وفاز إيه سي ميلان على روما. "
        "وقال إن بي بي سي لم تنشر الخبر. "
        "وقال مسؤول في بي إن سبورت إن البث توقف. "
        "وقال مسؤول لبي بي سي نيوز إن الأمر انتهى. "
        "وكشفت السي آي إيه أن العملية فشلت."
    )
    spans = [  # as the model tagged them: (first word, words, type, which occurrence)
        ("بي", 3, "ORG", 0),  # NBC News without إن
        ("بي", 2, "ORG", 1),  # the FBI without الإف
        ("سي", 2, "ORG", 1),  # AC Milan without إيه
        ("بي", 3, "ORG", 2),  # "said that the BBC": three letters, a whole name
        ("بي", 3, "ORG", 4),  # "in beIN Sports": في is no letter here
        ("لبي", 4, "ORG", 0),
        ("السي", 3, "ORG", 0),
    ]
    found = [m.text for m in _reported(text, spans)]
    assert found == [
        "إن بي سي نيوز",
        "إف بي آي",
        "إيه سي ميلان",
        "بي بي سي",
        "بي إن سبورت",
        "بي بي سي نيوز",
        "سي آي إيه",
    ]


def test_names_inside_a_quoted_title_of_a_work_are_not_reported():
    text = (
        'شهدت الحلقات الأخيرة من مسلسل "أيوب" جريمة قتل. '
        'ونالت جائزة عن دورها في فيلم "ليدي بيرد" الذي أخرجته غريتا غيرويغ. '
        'وقالت شبكة "سي إن إن" إن أيوب غادر.'
    )
    spans = [
        ("أيوب", 1, "PERS", 0),
        ("بيرد", 1, "PERS", 0),
        ("غريتا", 2, "PERS", 0),
        ("سي", 3, "ORG", 0),
        ("أيوب", 1, "PERS", 1),
    ]
    found = [m.text for m in _reported(text, spans)]
    assert found == ["غريتا غيرويغ", "سي إن إن", "أيوب"]  # شبكة is no work; أيوب outside quotes
