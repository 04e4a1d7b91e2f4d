"""Place names that are also a common adjective (``ner_place_homographs.txt``: ``مالي`` is
Mali and "financial"). The recognisers read the word as the place wherever it stands; after
a noun it is the adjective (``محلل مالي``, ``دعم مالي``, ``وفساد مالي``: 19 of 40 articles
on Mali's page of the ANT corpus). Such a mention is kept only where the word before it
announces a place: a location trigger (``في``, ``شمال``), a word of
``ner_place_homograph_heads.txt`` (``حكومة``, ``رئيس``, ``مع``), a clitic glued on
(``ومالي``, ``بمالي``), or no word at all (punctuation, the start of the text).
"""

from __future__ import annotations

import re
from functools import lru_cache

from marsad.arabic.normalise import WORD, normalise, normalise_word
from marsad.models import EntityType, Mention
from marsad.ner.lexicon import LEXICON_DIR, read_word_list, triggers

_GAP = re.compile(r"[ \u00a0\u200f\u200e]+")


@lru_cache(maxsize=1)
def homographs() -> frozenset[str]:
    return frozenset(read_word_list(LEXICON_DIR / "ner_place_homographs.txt"))


@lru_cache(maxsize=1)
def place_heads() -> frozenset[str]:
    return frozenset(read_word_list(LEXICON_DIR / "ner_place_homograph_heads.txt"))


def adjective_use(text: str, mention: Mention) -> bool:
    """Whether the mention is a place's name used as the adjective it also is."""
    if mention.type != EntityType.LOCATION or normalise(mention.text) not in homographs():
        return False
    before = text[max(0, mention.start - 40) : mention.start]
    if before[-1:].isalpha():  # a clitic glued on: ومالي, بمالي
        return False
    words = list(WORD.finditer(before))
    if not words or not _GAP.fullmatch(before[words[-1].end() :]):
        return False  # after punctuation, or first
    word = normalise_word(words[-1].group()).replace(" ", "")
    return "L" not in triggers().get(word, "") and word not in place_heads()
