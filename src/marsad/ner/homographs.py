"""Place names that are also a common adjective (``ner_place_homographs.txt``: ``مالي`` is
Mali and "financial"). The recognisers read the word as the place wherever it stands; after
a noun it is the adjective (``محلل مالي``, ``دعم مالي``, ``وفساد مالي``: 19 of 40 articles
on Mali's page of the ANT corpus). Such a mention is kept only where the word before it
announces a place: a location trigger (``في``, ``شمال``), a word of
``ner_place_homograph_heads.txt`` (``حكومة``, ``رئيس``, ``مع``), a clitic glued on
(``ومالي``, ``بمالي``), or no word at all (punctuation, the start of the text).

Names that are also a currency (``ner_currency_homographs.txt``: ``الريال``, Real Madrid's
short name) are the currency, and no name, before an adjective of origin (``الريال
الإيراني``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from marsad.arabic.normalise import GAP, WORD, normalise, normalise_word
from marsad.models import EntityType, Mention
from marsad.ner.lexicon import LEXICON_DIR, read_word_list, triggers


@lru_cache(maxsize=1)
def homographs() -> frozenset[str]:
    return frozenset(read_word_list(LEXICON_DIR / "ner_place_homographs.txt"))


@lru_cache(maxsize=1)
def place_heads() -> frozenset[str]:
    return frozenset(read_word_list(LEXICON_DIR / "ner_place_homograph_heads.txt"))


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    return frozenset(read_word_list(LEXICON_DIR / "ner_currency_homographs.txt"))


def no_name(text: str, mention: Mention) -> bool:
    """Whether the mention is a common word that is also a name: an adjective or a
    currency."""
    norm = normalise(mention.text)  # once: this runs on every mention of every article
    return adjective_use(text, mention, norm) or currency_use(text, mention, norm)


def currency_use(text: str, mention: Mention, norm: str) -> bool:
    """Whether the mention (``norm``: its text normalised) is a currency before an
    adjective of origin (``الريال الإيراني``, the adjective in the span or after it)."""
    words = norm.split()
    first = words[0] if words else ""
    if first not in currencies() and "ال" + first[2:] not in currencies():  # للريال
        return False
    if len(words) == 1 and text[mention.end : mention.end + 1] == " ":
        after = WORD.match(text, mention.end + 1)
        words.append(normalise_word(after.group()) if after is not None else "")
    return len(words) == 2 and _origin(words[1])


def _origin(word: str) -> bool:
    """الايراني, السعوديه: an adjective of the shape of a nisba, with the article."""
    return word.startswith("ال") and len(word) >= 5 and word.endswith(("ي", "يه"))


def adjective_use(text: str, mention: Mention, norm: str) -> bool:
    """Whether the mention (``norm``: its text normalised) is a place's name used as the
    adjective it also is."""
    if mention.type != EntityType.LOCATION or norm not in homographs():
        return False
    if text[mention.start - 1 : mention.start].isalpha():  # a clitic glued on: ومالي, بمالي
        return False
    before = word_before(text, mention.start)
    if before is None:
        return False  # after punctuation, or first
    word = normalise_word(before.group()).replace(" ", "")
    return "L" not in triggers().get(word, "") and word not in place_heads()


def word_before(text: str, start: int, reach: int = 40) -> re.Match[str] | None:
    """The word of ``text`` that ends right before ``start``, spaces between, or None (after
    punctuation, or first)."""
    before = text[max(0, start - reach) : start]
    words = list(WORD.finditer(before))
    if not words or not GAP.fullmatch(before[words[-1].end() :]):
        return None
    return WORD.match(text, start - len(before) + words[-1].start())
