"""The recognisers together: a place's name that is also a common adjective (مالي: Mali,
"financial"); a listed name wider than the model's span."""

from __future__ import annotations

from marsad.config import load_settings
from marsad.pipeline import recogniser_of


def test_mali_after_a_noun_is_the_adjective_and_the_country_elsewhere():
    recognise = recogniser_of([], load_settings({})).recognise
    adjective = [
        "فيما قال محلل مالي لـCNN إن الأسواق مضطربة.",
        "ويهدف المشروع إلى تحويل الكويت إلى مركز مالي وتجاري.",
        "واتهمت النيابة المسؤول بفساد مالي وإداري.",
    ]
    for text in adjective:
        assert "مالي" not in [m.text for m in recognise(text)], text
    country = [
        "قتل جنديان في هجوم شمال مالي أمس.",
        "وأعلنت حكومة مالي الحداد.",
        "وتضم القوة النيجر ومالي وبوركينا فاسو.",
        "وقعت فرنسا اتفاقا مع مالي لمكافحة الإرهاب.",
    ]
    for text in country:
        assert "مالي" in [m.text.removeprefix("و") for m in recognise(text)], text


def test_a_listed_name_takes_the_place_of_the_models_shorter_span_inside_it():
    recognise = recogniser_of([], load_settings({})).recognise
    found = [
        m.text for m in recognise("وقالت منظمة البلدان المصدرة للبترول (أوبك) إن الإنتاج ارتفع.")
    ]
    assert found == ["منظمة البلدان المصدرة للبترول", "أوبك"]  # the model: منظمة البلدان
    found = [m.text for m in recognise("في بلدة تاثرا في ولاية نيو ساوث ويلز الأسترالية.")]
    assert "نيو ساوث ويلز" in found
    found = [m.text for m in recognise("وقال البنك الأفريقي للتنمية إن النمو تباطأ.")]
    assert found == ["البنك الأفريقي للتنمية"]  # seed 43: the model stopped at الأفريقي
    found = [m.text for m in recognise("وفاز نيو أورليانز بليكانز، ونقلت الشاحنات من إسكي شهير.")]
    assert found == ["نيو أورليانز بليكانز", "إسكي شهير"]  # the city was the team's page
    found = [m.text for m in recognise("ونقل موقع واي نت الإسرائيلي عن مصادر أن الجلسة انتهت.")]
    assert found == ["واي نت"]  # seed 45: اي نت, its و taken for "and"
    found = [m.text for m in recognise("وقال وزير الخارجية الأمريكي مايك بومبيو إن الأمر انتهى.")]
    assert found == ["مايك بومبيو"]  # a span of the model no list name contains stays


def test_a_name_that_is_also_a_currency_is_no_name_before_a_countrys_adjective():
    recognise = recogniser_of([], load_settings({})).recognise
    for text in ("سجل الريال الإيراني تراجعا قياسيا.", "ارتفع الريال السعودي أمام الدولار."):
        assert all("الريال" not in m.text for m in recognise(text)), text
    assert [m.text for m in recognise("وفاز الريال على بايرن.")][0] == "الريال"  # the club


def test_a_sea_or_a_river_named_after_a_country_is_the_landmark_not_the_country():
    recognise = recogniser_of([], load_settings({})).recognise
    found = [m.text for m in recognise("تصاعد التوتر في بحر الصين الجنوبي، وقالت الصين إنها سترد.")]
    assert found == ["بحر الصين الجنوبي", "الصين"]
    found = [m.text for m in recognise("وتسرب النفط في خليج المكسيك قبالة سواحل المكسيك.")]
    assert found == ["خليج المكسيك", "المكسيك"]
    found = [m.text for m in recognise("وعبر اللاجئون نهر الأردن، ثم زار الوفد جبل لبنان.")]
    assert found == ["نهر الأردن", "جبل لبنان"]
    found = [m.text for m in recognise("وفاز الديمقراطيون بمقعدي ولاية جورجيا الأمريكية.")]
    assert "ولاية جورجيا" in found and "جورجيا" not in found
    found = [m.text for m in recognise("واحتجزت إيران ناقلة في خليج عمان ولبحر الصين الشرقي.")]
    assert "خليج عمان" in found and "بحر الصين الشرقي" in found  # ل on the head noun stays out
    found = [m.text for m in recognise("وحلقت طائرات فوق جزيرة تايوان.")]
    assert "تايوان" in found  # an island's head noun: the country itself
