"""Hypothesis strategies for Arabic news text, and the settings of the property tests
(fast and deterministic: the whole folder runs in well under a minute on one core)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

LEXICONS = Path(__file__).resolve().parents[2] / "src" / "marsad" / "arabic" / "lexicons"


def fast(examples: int) -> settings:
    """``examples`` cases, no deadline (a slow CI box is not a bug), the same cases on
    every run."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _words(name: str) -> list[str]:
    out = []
    for line in (LEXICONS / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            out.append(line.split("\t")[0])
    return out


# Letters, hamza forms, ta marbuta, alef maqsura, harakat, tatweel, Arabic-Indic and
# Persian digits, Arabic punctuation, presentation forms (NFKC changes them), Latin.
ARABIC_CHARS = (
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    "أإآٱءؤئةى"
    "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640"
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
    "،؛؟«»:.-/"
    "ﻻﷲﺍﺑ"
    "یک"
    "aZ7_ \n\t"
)
WORDS = [
    "قال", "وقال", "وأضاف", "إن", "أن", "وزير", "الخارجية", "الروسي", "سيرغي", "لافروف",
    "بوتين", "موسكو", "دمشق", "بيروت", "الأمم", "المتحدة", "في", "من", "يوم", "الاثنين",
    "كانون", "الثاني", "يناير", "2024", "٢٠٢٤", "هـ", "رمضان", "1445", "الساعة", "10:30",
    "أمس", "صباح", "«", "»", ":", "،", ".", "\n",
]  # fmt: skip
WORDS += _words("months.tsv") + _words("weekdays.tsv") + _words("hijri_months.tsv")
WORDS += _words("speech_verbs.tsv")

arabic_text = st.text(alphabet=st.sampled_from(ARABIC_CHARS), max_size=200)
news_text = st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join)
# Any Unicode, Arabic-looking character soup and word salad of news vocabulary.
any_text = st.one_of(st.text(max_size=200), arabic_text, news_text)
