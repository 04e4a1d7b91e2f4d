"""Name keys for matching spelling and transliteration variants (SPEC §3).

``normalise`` already folds أ/إ/آ→ا, ى→ي, ة→ه. ``fold`` goes further for names written
from other languages: غ/ج/ق/ك → ج (Sergei: سيرغي/سيرجي), final ا/ه → ا (سوريا/سورية,
أستانا/أستانة), ث→ت, ذ→ز, ظ→ض (not ص→س: الصين is not السين). ``skeleton`` also drops inner long vowels
(ترامب/ترمب) and is only used to find candidates that ``similar`` then checks with
rapidfuzz, so different names never meet on a skeleton alone.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

_FOLD = str.maketrans({"غ": "ج", "ق": "ج", "ك": "ج", "ث": "ت", "ذ": "ز", "ظ": "ض"})
_VOWELS = frozenset("اوي")


def _final_alef(word: str) -> str:
    """Final ا/ه as one letter: سوريا/سورية, أستانا/أستانة."""
    return word[:-1] + "ا" if len(word) > 2 and word[-1] in "اه" else word


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    word = _final_alef(word.translate(_FOLD))
    if len(word) > 3 and word.endswith("ي") and word[-2] == "ي":  # ي doubled by careless typing
        word = word[:-1]
    return word


def fold_place(norm: str) -> str:
    """A place name's key: only the final ا/ه folded (سوريا/سورية, أستانا/أستانة), no
    consonant swapped: place names one letter apart are other places (جازان ≠ كازان)."""
    return " ".join(_final_alef(w) for w in norm.split())


def consonants(norm: str) -> str:
    """A name without its long vowels (the lookup key of :func:`place_close`)."""
    return "".join(c for c in norm if c not in _VOWELS)


def place_close(a: str, b: str) -> bool:
    """Two place keys (``fold_place``) that spell one place: word by word the same, or
    from five letters on (the article aside) the same letters but one long vowel added,
    dropped or moved (أميركا / أمريكا, نيجيريا / نيجريا). المنيا is not ألمانيا, جازان not
    كازان, الغوث not الكويت, مكناس not ميكونوس, تشنغدو (Chengdu) not تشينغداو (Qingdao)."""
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb):
        return False
    for x, y in zip(wa, wb, strict=True):
        if x == y:
            continue
        if x.startswith("ال") and y.startswith("ال"):
            x, y = x[2:], y[2:]
        if min(len(x), len(y)) < 5 or x[0] != y[0] or x[-1] != y[-1]:
            return False  # كولومبو is not كولومبيا
        if consonants(x) != consonants(y) or OSA.distance(x, y) > 1:
            return False  # one long vowel more, less or moved: not تشنغدو / تشينغداو
    return True


@lru_cache(maxsize=1_000_000)  # a global pass over 40,000 entities asks for ~300,000 keys
def fold(norm: str) -> str:
    """Transliteration-aware key of a normalised name (word by word)."""
    return " ".join(fold_word(w) for w in norm.split())


@lru_cache(maxsize=1_000_000)
def skeleton(norm: str) -> str:
    """``fold`` without inner long vowels, spaces kept: a coarse key for candidate lookup."""
    out = []
    for w in fold(norm).split():
        inner = "".join(c for c in w[1:-1] if c not in _VOWELS)
        out.append(w[0] + inner + w[-1] if len(w) > 1 else w)
    return " ".join(out)


def similar(a: str, b: str, cutoff: float = 85.0) -> float:
    """rapidfuzz ratio (0–100) of two folded names, 0 below ``cutoff`` or when the
    number of words differs (a different first or last name is a different person)."""
    if a.count(" ") != b.count(" "):
        return 0.0
    score = fuzz.ratio(a, b, score_cutoff=cutoff)
    return float(score)
