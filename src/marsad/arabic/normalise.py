"""Normalise Arabic for matching; the original text is always kept for display (SPEC §3)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_HARAKAT = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # + tatweel
_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",  # Persian yeh
        "ک": "ك",  # Persian kaf
        "ؤ": "و",
        "ئ": "ي",
        "ة": "ه",
    }
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
# The same foldings as (character, replacement) pairs: a str.replace per character present
# is several times faster than str.translate with a dict table on Arabic text (no
# replacement is itself folded again, so the order does not matter).
_FOLDS = tuple(
    (chr(k), v if isinstance(v, str) else chr(v))
    for table in (_LETTERS, _DIGITS)
    for k, v in table.items()
)
_NON_WORD = re.compile(r"[\W_]+")  # hashtags: الولايات_المتحدة

# Proclitics that attach to names, longest first. Only stripped when what remains
# is still a plausible word (see strip_clitics), so لافروف keeps its ل and بوتين its ب.
PROCLITICS = ("وبال", "وال", "فال", "بال", "كال", "ولل", "لل", "ال", "و", "ف", "ب", "ل", "ك")


def normalise_digits(text: str) -> str:
    """Arabic-Indic and Persian digits to ASCII."""
    return text.translate(_DIGITS)


def normalise(text: str) -> str:
    """Fold the spelling variants that do not change a word's identity.

    أ/إ/آ/ٱ→ا, ى→ي, ة→ه, ؤ→و, ئ→ي, no harakat or tatweel, ASCII digits,
    lower-cased Latin, punctuation to single spaces.
    """
    text = _HARAKAT.sub("", unicodedata.normalize("NFKC", text))
    for char, folded in _FOLDS:
        if char in text:
            text = text.replace(char, folded)
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


@lru_cache(maxsize=200_000)
def normalise_word(word: str) -> str:
    """``normalise`` for one word, remembered: news repeats its words."""
    return normalise(word)


WORD = re.compile(r"[\w\u064b-\u065f\u0670\u0640]+")  # a word: letters, digits, harakat, tatweel


def strip_clitics(word: str, known: set[str] | frozenset[str] | None = None) -> list[str]:
    """Candidate readings of a normalised word with its proclitics removed, longest first.

    The word itself always comes first. When ``known`` is given, only readings found
    in it are returned (besides the word), which is how names keep letters that look
    like clitics: ``ولافروف`` → ``["ولافروف", "لافروف"]`` but ``لافروف`` is never cut.
    """
    out = [word]
    for clitic in PROCLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= 2:
            rest = word[len(clitic) :]
            candidates = ["ال" + rest, rest] if clitic.endswith(("ال", "لل")) else [rest]
            for cand in candidates:
                if cand not in out and (known is None or cand in known):
                    out.append(cand)
    return out
