"""normalise: every spelling fold of SPEC §3, on real Arabic words."""

import pytest

from marsad.arabic.normalise import normalise

CASES = [
    ("أستانا", "استانا"),
    ("إيران", "ايران"),
    ("آب", "اب"),
    ("ٱلله", "الله"),
    ("سيرغى", "سيرغي"),
    ("سیرغی", "سيرغي"),  # Persian yeh
    ("کیری", "كيري"),  # Persian kaf and yeh
    ("المؤتمر", "الموتمر"),
    ("رئيس", "رييس"),
    ("سورية", "سوريه"),
    ("مُحَمَّدٌ", "محمد"),  # harakat
    ("الـــرئيس", "الرييس"),  # tatweel
    ("٢٠١٧/١١/٢٥", "2017 11 25"),  # Arabic-Indic digits, separators to spaces
    ("۱۴۳۹ هـ", "1439 ه"),  # Persian digits
    ("RT Arabic", "rt arabic"),
    ("#الولايات_المتحدة", "الولايات المتحده"),
    ("ﻻفروف", "لافروف"),  # presentation form (lam-alef ligature)
    ("  «لافروف»:  ندعم  ", "لافروف ندعم"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_normalise_folds_spelling_variants(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_normalise_is_idempotent_on_real_text() -> None:
    text = "وقال وزير الخارجية الروسي سيرغي لافروف إنّ «المؤتمر» سيُعقد في أستانة في ٢٥ أيار."
    once = normalise(text)
    assert normalise(once) == once
    assert once == "وقال وزير الخارجيه الروسي سيرغي لافروف ان الموتمر سيعقد في استانه في 25 ايار"
