"""A place's name that is also a common adjective (مالي: Mali, "financial")."""

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
