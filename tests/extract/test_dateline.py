"""Datelines and agency attributions: the table of forms SPEC §2 lists, and lookalikes."""

import pytest

from marsad.extract.dateline import canonical_agency, load_lexicon, split_dateline

CASES = [
    # text, place, agency, text that remains
    ("موسكو سانا أكد لافروف أن الحل سياسي", "موسكو", "سانا", "أكد لافروف أن الحل سياسي"),
    ("دمشق سانا\nأعلنت وزارة الصحة", "دمشق", "سانا", "أعلنت وزارة الصحة"),
    ("دمشق - سانا\nأعلنت وزارة الصحة", "دمشق", "سانا", "أعلنت وزارة الصحة"),
    ("دمشق-سانا أعلنت وزارة الصحة", "دمشق", "سانا", "أعلنت وزارة الصحة"),
    ("حلب – سانا: أعادت المحافظة", "حلب", "سانا", "أعادت المحافظة"),
    ("موسكو| قال لافروف اليوم", "موسكو", None, "قال لافروف اليوم"),
    ("سانت بطرسبورغ | افتتح المنتدى", "سانت بطرسبورغ", None, "افتتح المنتدى"),
    ("(د ب أ) - أعلنت الشرطة الألمانية", None, "د ب أ", "أعلنت الشرطة الألمانية"),
    ("برلين (د.ب.أ) - أعلنت الشرطة", "برلين", "د ب أ", "أعلنت الشرطة"),
    ("القاهرة (رويترز) - قال مسؤولون", "القاهرة", "رويترز", "قال مسؤولون"),
    ("القاهرة، 25 مايو (رويترز) - قال مسؤولون", "القاهرة", "رويترز", "قال مسؤولون"),
    ("باريس (أ ف ب) - دعا الرئيس", "باريس", "فرانس برس", "دعا الرئيس"),
    ("أنقرة - الأناضول: أعلن الجيش", "أنقرة", "الأناضول", "أعلن الجيش"),
    ("الرياض واس أعلن مجلس الوزراء", "الرياض", "واس", "أعلن مجلس الوزراء"),
    ("الكويت - كونا - استقبل الأمير", "الكويت", "كونا", "استقبل الأمير"),
    ("عمان (بترا) - بحث رئيس الوزراء", "عمان", "بترا", "بحث رئيس الوزراء"),
    ("بكين (شينخوا) - ارتفع الإنتاج", "بكين", "شينخوا", "ارتفع الإنتاج"),
    ("قال لافروف إن الحل سياسي.\nالمصدر: تاس", None, "تاس", "قال لافروف إن الحل سياسي."),
    ("قال لافروف إن الحل سياسي.\nالمصدر: وكالات", None, "وكالات", "قال لافروف إن الحل سياسي."),
    ("قتل ثلاثة أشخاص في الانفجار. (أ ف ب)", None, "فرانس برس", "قتل ثلاثة أشخاص في الانفجار."),
    ("بيروت - قال مصدر أمني", "بيروت", None, "قال مصدر أمني"),
    ("موسكو / الأناضول / وكان مجلس الأمن", "موسكو", "الأناضول", "وكان مجلس الأمن"),
    ("أنقرة - المصدر: تاس وقال أردوغان إن", "أنقرة", "تاس", "وقال أردوغان إن"),
    (
        "المصدر: تاس وقال أردوغان إن الحل سياسي",
        None,
        None,
        "المصدر: تاس وقال أردوغان إن الحل سياسي",
    ),
    (
        "أكد الوزير أن الاتصالات مستمرة.\nونقلت وكالة نوفوستي عن مصدر أن اللقاء قريب",
        None,
        "نوفوستي",
        "أكد الوزير أن الاتصالات مستمرة.\nونقلت وكالة نوفوستي عن مصدر أن اللقاء قريب",
    ),
    (
        "وقالت وكالة الأنباء السورية (سانا) إن الجيش تقدم",
        None,
        "سانا",
        "وقالت وكالة الأنباء السورية (سانا) إن الجيش تقدم",
    ),
    (
        "ذكرت وكالة الصحافة الفرنسية أن المحادثات انتهت",
        None,
        "فرانس برس",
        "ذكرت وكالة الصحافة الفرنسية أن المحادثات انتهت",
    ),  # fmt: skip
]


@pytest.mark.parametrize(("text", "place", "agency", "rest"), CASES, ids=[c[0][:24] for c in CASES])
def test_dateline_forms_give_place_agency_and_clean_text(text, place, agency, rest):
    assert split_dateline(text) == (place, agency, rest)


@pytest.mark.parametrize(
    "text",
    [
        "أعلنت الحكومة الفرنسية اليوم خطة جديدة",  # adjective, not the agency
        "قالت سانا إن الجيش تقدم",  # verb + agency is an attribution, not a dateline
        "وزير الخارجية - قال إن المحادثات",  # a bare dash needs a known place
    ],
)
def test_lookalikes_are_not_read_as_datelines(text):
    place, _, rest = split_dateline(text)
    assert place is None
    assert rest == text


def test_mid_text_attribution_keeps_the_text():
    text = "وأضاف المصدر أن الاجتماع سيعقد الأسبوع المقبل، بحسب رويترز."
    assert split_dateline(text) == (None, "رويترز", text)


def test_agency_spellings_fold_to_one_canonical_name():
    assert canonical_agency("د.ب.أ") == "د ب أ"
    assert canonical_agency("أ ف ب") == "فرانس برس"
    assert canonical_agency("الاناضول") == "الأناضول"
    assert canonical_agency("مجهول") is None


def test_agency_lexicon_holds_the_agencies_the_spec_names():
    names = set(load_lexicon().canonical.values())
    for agency in ("سانا", "تاس", "نوفوستي", "رويترز", "فرانس برس", "د ب أ", "الأناضول",
                   "واس", "وام", "قنا", "كونا", "بترا", "معا", "سبوتنيك", "شينخوا",
                   "أسوشيتد برس"):  # fmt: skip
        assert agency in names


def test_cnn_style_dateline_with_country_and_double_dash():
    text = "دبي، الإمارات العربية المتحدة (CNN)-- أعلنت الشرطة اليوم"
    assert split_dateline(text) == ("دبي", "CNN", "أعلنت الشرطة اليوم")


def test_a_comma_clause_ending_in_an_agency_name_is_not_a_dateline():
    text = "انتقدت تركيا الأربعاء، البيان الصادر عن الرئاسة الفرنسية بشأن المحادثة"
    assert split_dateline(text)[0] is None


def test_an_agency_closing_a_sentence_is_recorded_but_the_sentence_is_kept():
    text = "وأعلن الوزير ذلك وفقا لما نقلته وكالة الأنباء الإيرانية (إرنا)."
    assert split_dateline(text) == (None, "إرنا", text)
