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
_WORD_CHARS = re.compile(r"[^\W_]+")  # what _NON_WORD leaves: the words

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


_IN_PLACE = str.maketrans(
    {
        **{c: f for c, f in _FOLDS if len(f) == 1},
        **{chr(c): "\u0640" for c in range(0x0610, 0x061B)},
        **{chr(c): "\u0640" for c in range(0x064B, 0x0660)},
        "\u0670": "\u0640",
        **{chr(c): "\u0640" for c in range(0x06D6, 0x06EE)},
    }
)
# the same as (character, replacement) pairs, replaced one by one (see _FOLDS): no
# replacement is itself replaced
_IN_PLACE_PAIRS = tuple((chr(k), v) for k, v in sorted(_IN_PLACE.items()))
_BETWEEN = "(?:[^\\w.,،؛:!?؟\\n]|_)+"  # what may stand between two written words of a name


def fold_in_place(text: str) -> str:
    """The text with each letter ``normalise`` folds replaced by its fold (أ/إ → ا, ة → ه)
    and harakat by a tatweel: the same length, so offsets in it are offsets in ``text``.
    (A ``str.replace`` per character present: ten times as fast on an article as
    ``str.translate`` with ``_IN_PLACE``.)"""
    for char, folded in _IN_PLACE_PAIRS:
        if char in text:
            text = text.replace(char, folded)
    return text


def normalise_folded(folded: str) -> str:
    """``normalise`` of a text :func:`fold_in_place` folded (cheaper: the letters are
    folded; presentation forms, which only NFKC would fold, are left as they are)."""
    return " ".join(folded_words(folded))


def folded_words(folded: str) -> list[str]:
    """The words of :func:`normalise_folded` (read in one pass: a third cheaper than
    splitting the text at what is not a word)."""
    return _WORD_CHARS.findall(folded.replace("\u0640", "").lower())


def written_pattern(norm: str) -> str:
    """A regular expression (to use with IGNORECASE, for Latin) matching the ways a
    ``normalise``d name may be written, in a text folded by :func:`fold_in_place`: harakat
    and tatweel anywhere, spaces, quotes or a hashtag's ``_`` between its words, not
    sentence punctuation. The name stands in the group ``name``; what stands before it is
    left to the caller (clitics)."""
    words = ["ـ*".join(re.escape(c) for c in word) + "ـ*" for word in norm.split()]
    return f"(?P<name>{_BETWEEN.join(words)})"


@lru_cache(maxsize=200_000)
def normalise_word(word: str) -> str:
    """``normalise`` for one word, remembered: news repeats its words."""
    return normalise(word)


@lru_cache(maxsize=200_000)
def normalise_name(name: str) -> str:
    """``normalise`` for an entity's name or a mention's surface, remembered: each step of
    the global pass reads the same names (on the whole ANT corpus 40,000 names and their
    surfaces, 750,000 calls, ≈ 2.5 CPU-s when each was normalised anew)."""
    return normalise(name)


WORD = re.compile(r"[\w\u064b-\u065f\u0670\u0640]+")  # a word: letters, digits, harakat, tatweel
GAP = re.compile(r"[ \u00a0\u200f\u200e]+")  # what may stand between two words of a name


def drops_article(word: str, reading: str) -> bool:
    """Whether ``reading`` (one of :func:`strip_clitics`'s) takes the article off ``word``:
    السورية → سورية, بالجنين → جنين (not ولافروف → لافروف, nor للرياض → الرياض)."""
    return word[: len(word) - len(reading)].endswith(("ال", "لل"))


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
