"""Boilerplate families of SPEC §2 are dropped; content that merely resembles them stays."""

import pytest

from marsad.extract.boilerplate import (
    boilerplate_family,
    load_families,
    parse_families,
    strip_boilerplate,
)

BODY = "قال وزير الخارجية الروسي سيرغي لافروف إن المحادثات مع الجانب الأمريكي كانت بناءة."


@pytest.mark.parametrize(
    ("paragraph", "family"),
    [
        ("تابعوا RT على", "follow"),
        ("تابعوا RT على تيليغرام وفيسبوك", "follow"),
        ("تابعوا آخر الأخبار عبر تطبيق تيلغرام", "follow"),
        ("تابعونا عبر تطبيق واتس أب", "follow"),
        ("هذا الموقع يستخدم ملفات تعريف الارتباط لتحسين تجربتكم", "cookies"),
        ("اترك تعليقاً", "comments"),
        ("لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *", "comments"),
        ("اقرأ أيضا: لافروف يلتقي دي ميستورا", "read-also"),
        ("شاهد: لحظة وصول الوفد إلى المطار", "read-also"),
        ("نحن نستخدم ملفات تعريف الارتباط لتحسين تجربتك", "cookies"),
        ("** جميع المقالات المنشورة تمثل رأي كتابها فقط.", "credits"),
        ("أخبار ذات صلة", "related"),
        ("شارك", "share"),
        ("فيسبوك تويتر واتساب", "share"),
        ("مباشر", "live"),
        ("بث مباشر: تطورات الوضع في حلب", "live"),
    ],
)
def test_each_family_recognises_its_phrases(paragraph, family):
    found = boilerplate_family(paragraph)
    assert found is not None and found.name == family


@pytest.mark.parametrize(
    "paragraph",
    [
        BODY,
        "التعليقات التي أدلى بها الوزير أثارت جدلا واسعا في الأوساط السياسية خلال الأسبوع.",
        "عاجل: مقتل ثلاثة أشخاص في انفجار بالعاصمة",
        "وقارن المسؤول بين الأداة الجديدة وخاصية مسح ملفات تعريف الارتباط في المتصفح.",
        "وقالت الشركة إن واحدا في المائة فقط من المستخدمين حملوا تطبيق المنافس.",
        "شاهد الملايين المباراة النهائية عبر الشاشات في الساحات العامة.",
        "وتحدث التقرير عن سياسة الخصوصية الجديدة التي أعلنتها الشركة أمس.",
        "وقال الخبير إن تطبيق القانون الجديد يحتاج إلى وقت طويل قبل أن تظهر نتائجه على "
        "الأرض في جميع المحافظات، مضيفا أن الحكومة تابعونا على الحل بمرور الوقت وأن الشركات "
        "الكبرى ستلتزم به في النهاية رغم كل الصعوبات التي تواجهها.",
    ],
)
def test_content_that_resembles_boilerplate_is_kept(paragraph):
    assert boilerplate_family(paragraph) is None


def test_comment_form_ends_the_article():
    paragraphs = [BODY, "اترك تعليقاً", "مقال رائع جدا وشكرا على هذه المعلومات", "إرسال التعليق"]
    assert strip_boilerplate(paragraphs) == [BODY]


def test_related_block_ends_the_article_but_not_before_any_content():
    assert strip_boilerplate([BODY, "أخبار ذات صلة", "عنوان خبر آخر"]) == [BODY]
    assert strip_boilerplate(["أخبار ذات صلة", BODY]) == [BODY]


def test_inline_read_also_drops_its_teaser_and_the_article_goes_on():
    second = "وأضاف لافروف أن الاتصالات ستستمر خلال الأيام المقبلة بين موسكو وواشنطن."
    paragraphs = [BODY, "اقرأ أيضا", "لافروف يلتقي دي ميستورا في موسكو", second]
    assert strip_boilerplate(paragraphs) == [BODY, second]


def test_rules_are_data_parsed_from_the_lexicon_format():
    families = tuple(parse_families(["[demo+]", "^نهاية المقال", "=انتهى", "عبارة قصيرة"]))
    assert families[0].drops_rest
    assert strip_boilerplate([BODY, "انتهى", "ذيل"], families) == [BODY]
    assert {f.name for f in load_families()} >= {
        "follow", "cookies", "comments", "related", "read-also", "share", "live"
    }  # fmt: skip


def test_follow_prompt_naming_a_platform_is_dropped_but_reported_speech_is_not():
    assert boilerplate_family("تابعوا أخبار سانا على تلغرام https://t.me/x").name == "follow"
    assert boilerplate_family("تابع الوزير حديثه على تويتر قائلا إن الحكومة ستواصل الدعم") is None
