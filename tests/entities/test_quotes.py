"""Quotes (SPEC §7) found in real-style Arabic news copy and attributed to the speaker."""

from __future__ import annotations

from marsad.entities.quotes import find_quotes
from marsad.store.database import StoredMention

LAVROV, KERRY, RUSSIA, ZAKHAROVA, MINISTRY = 1, 2, 3, 4, 5


def mentions(content: str, names: dict[str, int]) -> list[StoredMention]:
    """Every occurrence of each name, as the pipeline would have resolved it."""
    out = []
    for name, eid in names.items():
        at = content.find(name)
        while at != -1:
            out.append(StoredMention(eid, at, at + len(name), name))
            at = content.find(name, at + len(name))
    return out


def said(content: str, names: dict[str, int]) -> list[tuple[int, str]]:
    return [(q.entity_id, q.text) for q in find_quotes(content, mentions(content, names))]


def test_reported_speech_with_title_before_the_name():
    content = (
        "لافروف يلتقي كيري في جنيف\n"
        "موسكو سانا\nوقال وزير الخارجية الروسي سيرغي لافروف إن الحل في سوريا سياسي فقط. "
        "وأكد كيري أن واشنطن تدعم المفاوضات بين الأطراف السورية."
    )
    got = said(content, {"سيرغي لافروف": LAVROV, "كيري": KERRY, "لافروف": LAVROV})
    assert got == [
        (LAVROV, "الحل في سوريا سياسي فقط"),
        (KERRY, "واشنطن تدعم المفاوضات بين الأطراف السورية"),
    ]


def test_quoted_words_run_to_the_closing_mark_and_offsets_point_at_them():
    content = (
        "تصريحات\nوقال لافروف للصحفيين: «لن نسمح بتكرار السيناريو الليبي. "
        "هذا موقفنا الثابت». ثم غادر القاعة."
    )
    (quote,) = find_quotes(content, mentions(content, {"لافروف": LAVROV}))
    assert quote.entity_id == LAVROV
    assert quote.text == "لن نسمح بتكرار السيناريو الليبي. هذا موقفنا الثابت"
    assert content[quote.start : quote.end] == quote.text
    assert content[quote.speaker_start :].startswith("لافروف")


def test_the_previous_speaker_goes_on_and_the_other_party_answers():
    content = (
        "لقاء\nوقال لافروف إن موسكو مستعدة لاستئناف الحوار مع واشنطن. "
        "وأضاف أن العقوبات لن تغير موقف روسيا من الأزمة. "
        "بدوره قال كيري إن بلاده تنتظر خطوات عملية على الأرض."
    )
    got = said(content, {"لافروف": LAVROV, "كيري": KERRY, "روسيا": RUSSIA})
    assert got == [
        (LAVROV, "موسكو مستعدة لاستئناف الحوار مع واشنطن"),
        (LAVROV, "العقوبات لن تغير موقف روسيا من الأزمة"),
        (KERRY, "بلاده تنتظر خطوات عملية على الأرض"),
    ]


def test_headline_quote_and_speaker_first():
    content = (
        "زاخاروفا: واشنطن تتحمل مسؤولية التصعيد في المنطقة\n"
        "وزارة الخارجية الروسية قالت إن الاتصالات مع الجانب الأمريكي مستمرة رغم الخلافات."
    )
    got = said(content, {"زاخاروفا": ZAKHAROVA, "وزارة الخارجية الروسية": MINISTRY})
    assert got == [
        (ZAKHAROVA, "واشنطن تتحمل مسؤولية التصعيد في المنطقة"),
        (MINISTRY, "الاتصالات مع الجانب الأمريكي مستمرة رغم الخلافات"),
    ]


def test_no_quote_without_a_named_speaker_or_an_opening():
    content = (
        "خبر\nوقال مسؤول في الخارجية الروسية إن المحادثات ستستأنف قريبا. "
        "وقال لافروف خلال زيارته موسكو. "
        "وأعلن في روسيا أن الانتخابات ستجري في موعدها المحدد."
    )
    names = {"الخارجية الروسية": MINISTRY, "لافروف": LAVROV, "روسيا": RUSSIA}
    assert said(content, names) == []


ANKARA, LONDON, CNN, BARCA = 6, 7, 8, 9


def test_an_unnamed_source_does_not_lend_its_words_to_a_name_in_its_description():
    khashoggi, cnn = 6, 7
    content = (
        "اختفاء خاشقجي.. السعودية تسمح لتركيا بالبحث داخل القنصلية\n"
        "قال مسؤول سعودي على صلة بالتحقيق الخاص بقضية اختفاء الصحفي جمال خاشقجي، في "
        "تصريحات لـCNN، إن نتائج التحقيق الداخلي بشأن القضية سيعلن عنها قريبا.\n"
        "وكشفت 3 مصادر مطلعة على قضية خاشقجي أن العقل المدبر للعملية ضابط رفيع.\n"
        "وأشارت خطيبة الصحفي السعودي جمال خاشقجي إلى أنه كان متخوفا من طلب الأوراق."
    )
    names = {"جمال خاشقجي": khashoggi, "CNN": cnn}
    found = find_quotes(content, mentions(content, names), {cnn: "ORGANIZATION"})
    assert found == []
    mother = (
        "غزة\nمن جهتها، قالت والدة الفتى رائدة أيوب (39 عاما) "
        '"رسالتي للعالم أن يحاسبوا الذي قتل ابني".'
    )
    assert said(mother, {"رائدة أيوب": 8}) == [(8, "رسالتي للعالم أن يحاسبوا الذي قتل ابني")]


def test_an_unnamed_speaker_ends_the_previous_speakers_turn():
    content = (
        "هجوم\nوقال لافروف إن موسكو تدين الهجوم على السفارة بشدة. "
        "من جهته، قال وزير الدفاع إن ثلاثة من المهاجمين قتلوا بمقر الجيش. "
        "وأضاف أن اثنين من أفراد الشرطة قتلا أيضا. "
        "وقال المصدر إن التحقيق مستمر منذ الصباح. وتابع أن الحصيلة قد ترتفع خلال ساعات."
    )
    assert said(content, {"لافروف": LAVROV, "كيري": KERRY}) == [
        (LAVROV, "موسكو تدين الهجوم على السفارة بشدة")
    ]


def test_a_named_witness_and_a_cited_source_keep_the_speaker():
    content = (
        "طعن\nوقال شاهد عيان يدعى يوسف نجاح، 28 عاما، إنه كان يسير بجانب القناة عندما "
        "رأى رجلا يركض.\n"
        'وقال ريفالدو للصحفيين "إن فريد لاعب مذهل جدا" وفق ما ذكرت وكالة فرانس برس. '
        'وتابع: "سيحتاج إلى بعض الوقت للتأقلم".'
    )
    assert said(content, {"يوسف نجاح": 9, "ريفالدو": 10}) == [
        (9, "كان يسير بجانب القناة عندما رأى رجلا يركض"),
        (10, "إن فريد لاعب مذهل جدا"),
        (10, "سيحتاج إلى بعض الوقت للتأقلم"),
    ]


def test_groups_and_places_speak_only_right_after_the_verb_and_quoted_names_are_not_words():
    content = (
        "أنقرة: تفتيش القنصلية السعودية خلال أيام\nوأعلنت أنقرة أن القنصلية السعودية ستخضع لتفتيش كامل خلال أيام. "
        "وقالت شرطة لندن إن المشتبه به اعتقل صباح اليوم قرب البرلمان. "
        'وقال لافروف لشبكة "سي إن إن" إن بلاده لا تسعى إلى مواجهة مع الغرب. '
        "وقال لاعب برشلونة السابق إن الفريق يحتاج إلى مدرب جديد هذا الموسم. "
        "وقالت وزارة الخارجية الروسية إن الاتصالات مع الجانب التركي مستمرة."
    )
    names = {
        "أنقرة": ANKARA,
        "لندن": LONDON,
        "لافروف": LAVROV,
        "سي إن إن": CNN,
        "برشلونة": BARCA,
        "وزارة الخارجية الروسية": MINISTRY,
    }
    kinds = {ANKARA: "LOCATION", LONDON: "LOCATION", CNN: "ORGANIZATION", BARCA: "ORGANIZATION"}
    found = find_quotes(content, mentions(content, names), {**kinds, MINISTRY: "ORGANIZATION"})
    assert [(q.entity_id, q.text) for q in found] == [
        (ANKARA, "القنصلية السعودية ستخضع لتفتيش كامل خلال أيام"),
        (LAVROV, "بلاده لا تسعى إلى مواجهة مع الغرب"),
        (MINISTRY, "الاتصالات مع الجانب التركي مستمرة"),
    ]


def test_ingested_quotes_show_on_the_entity_page_and_follow_a_merge_and_split(small):
    from marsad import pages
    from marsad.entities import edits

    store, settings = small
    page = pages.entity_page(store, settings, "لافروف")
    texts = [q.text for q in page.quotes]
    assert "الحل السياسي هو الطريق الوحيد" in texts  # وقال لافروف إن …
    assert "روسيا منفتحة على الحوار مع الجميع" in texts  # قال لافروف في مؤتمر صحفي … إن
    assert "موسكو منفتحة على الحوار" in texts  # the headline "لافروف: …"
    assert "الدعوات وجهت إلى جميع الأطراف" in texts  # وأضاف ولافروف أن …
    first = page.quotes[0]
    assert first.day is not None and first.title and first.source
    assert all(q.day <= first.day for q in page.quotes if q.day)  # newest first
    assert not any("التهدئة" in t for t in texts)  # دعت الأمم المتحدة … إلى: no words quoted
    # an operator merge moves the quotes with the mentions; a split brings them back
    edits.merge(store, "سيرغي لافروف", "جون كيري")
    kerry = pages.entity_page(store, settings, "جون كيري")
    assert set(texts) <= {q.text for q in kerry.quotes}
    edits.split(store, "جون كيري", name="سيرغي لافروف")
    back = pages.entity_page(store, settings, "سيرغي لافروف")
    assert {q.text for q in back.quotes} == set(texts)


def test_entity_page_and_its_json_show_what_the_entity_said(small):
    from fastapi.testclient import TestClient

    from marsad.web.app import create_app

    client = TestClient(create_app(*small))
    data = client.get("/api/entity/لافروف").json()
    assert "الحل السياسي هو الطريق الوحيد" in [q["text"] for q in data["quotes"]]
    html = client.get("/entity/لافروف").text
    assert 'id="quotes"' in html and "ماذا قال" in html
    assert "<blockquote><p><bdi>الحل السياسي هو الطريق الوحيد</bdi></p></blockquote>" in html
    assert 'id="quotes"' not in client.get("/entity/أنقرة").text  # nothing said: no section


def test_refill_finds_the_same_quotes_again_for_stored_articles(small):
    from sqlalchemy import text

    from marsad.entities.quotes import refill

    store, _ = small
    read = 'SELECT article_id, entity_id, start, "end", text FROM quotes ORDER BY 1, 3'
    with store.engine.connect() as conn:
        before = conn.execute(text(read)).all()
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM quotes"))  # a database from before quotes existed
    assert refill(store, batch=3) == len(before) > 0
    assert refill(store) == len(before)  # again: replaced, not doubled
    with store.engine.connect() as conn:
        assert conn.execute(text(read)).all() == before


def test_home_page_shows_the_newest_quotes_with_their_speakers(small):
    from fastapi.testclient import TestClient

    from marsad.web.app import create_app

    client = TestClient(create_app(*small))
    quotes = client.get("/api/home").json()["quotes"]
    assert quotes and all(q["entity"]["name"] == "سيرغي لافروف" for q in quotes)
    days = [q["day"] for q in quotes]
    assert days == sorted(days, reverse=True)  # newest first
    html = client.get("/").text
    assert 'id="quotes"' in html and "أحدث التصريحات" in html
    assert 'class="entity type-person"><bdi>سيرغي لافروف</bdi></a> · <a href="/article/' in html


def test_every_quote_of_an_entity_has_a_paginated_page_and_json(small):
    from fastapi.testclient import TestClient
    from tests.web.test_routes import check_page

    from marsad.web.app import create_app

    client = TestClient(create_app(*small))
    data = client.get("/api/entity/لافروف/quotes").json()
    assert data["entity"]["name"] == "سيرغي لافروف" and data["total"] == len(data["quotes"]) >= 5
    assert data["pages"] == 1
    page = client.get("/entity/لافروف/quotes")
    check_page(page)
    assert "ماذا قال" in page.text and "الحل السياسي هو الطريق الوحيد" in page.text
    assert (
        '/entity/%D8%B3%D9%8A%D8%B1%D8%BA%D9%8A-%D9%84%D8%A7%D9%81%D8%B1%D9%88%D9%81/quotes"'
        in client.get("/entity/لافروف").text
    )
    check_page(client.get("/entity/أنقرة/quotes"))  # nobody quoted: an empty page, not an error
    assert client.get("/entity/لافروف/quotes", params={"page": 9}).status_code == 404
    assert client.get("/api/entity/لا-أحد/quotes").status_code == 404


def test_article_page_lists_who_said_what_in_it(small):
    from fastapi.testclient import TestClient
    from tests.web.test_routes import check_page

    from marsad.web.app import create_app

    client = TestClient(create_app(*small))
    quote = client.get("/api/entity/لافروف/quotes").json()["quotes"][0]
    article = client.get(f"/api/article/{quote['article_id']}").json()
    assert quote["text"] in [q["text"] for q in article["quotes"]]
    assert all(q["entity"]["name"] == "سيرغي لافروف" for q in article["quotes"])
    page = client.get(f"/article/{quote['article_id']}")
    check_page(page)
    assert "من قال ماذا في هذا الخبر" in page.text and quote["text"] in page.text


POMPEO, TRUMP = 10, 11


def test_the_speaker_comes_before_the_words_even_when_someone_is_named_in_them():
    content = (
        "خبر\nكان بومبيو قد قال للصحفيين في البيت الأبيض، الخميس، إنه أخبر الرئيس ترامب "
        'بأنه "يجب أن نعطيهم بضعة أيام أخرى" لإكمال التحقيق. '
        'وقال الرئيس الأمريكي، دونالد ترامب، إنه "من الممكن" أن يفرض رسوما جديدة على الصين.'
    )
    got = said(content, {"بومبيو": POMPEO, "ترامب": TRUMP, "دونالد ترامب": TRUMP})
    assert got == [
        (POMPEO, 'أخبر الرئيس ترامب بأنه "يجب أن نعطيهم بضعة أيام أخرى" لإكمال التحقيق'),
        (TRUMP, '"من الممكن" أن يفرض رسوما جديدة على الصين'),
    ]


def test_a_role_with_its_club_then_the_name_and_the_title_line_does_not_speak():
    klopp, salah, liverpool = 11, 12, 13
    content = (
        "قبل قمة البريميرليغ.. كلوب يكسر صمته بشأن صلاح\n"
        "أكد مدرب ليفربول الإنجليزي، الألماني يورغن كلوب، الجمعة، أنه مرتاح تماما بشأن "
        "مستوى النجم المصري محمد صلاح.\n"
        "وقال المدرب الألماني عند سؤاله عما إذا كان صلاح سعيدا بمستواه: «بالطبع لا.. كيف "
        "يكون سعيدا؟ إنه وضع طبيعي»."
    )
    names = {"يورغن كلوب": klopp, "محمد صلاح": salah, "صلاح": salah, "ليفربول": liverpool}
    found = find_quotes(content, mentions(content, names), {liverpool: "ORGANIZATION"})
    assert [(q.entity_id, q.text) for q in found] == [
        (klopp, "مرتاح تماما بشأن مستوى النجم المصري محمد صلاح")
    ]
