"""A sea, a gulf, a river or a mountain named after a country is not the country (issue #15).

The recognisers read a country's name wherever it stands, also inside the name of a place
the country names: ``بحر [الصين] الجنوبي`` (the South China Sea, in 52 articles of the ANT
corpus), ``خليج [المكسيك]``, ``نهر [الأردن]``, ``جبل [لبنان]``, ``ولاية [جورجيا]`` (the US
state). Each such mention put the sea's news on China's page and left the sea without one.
Where the word before a country's name is the head noun of a landmark (``LANDMARK_HEADS``),
the mention is widened to the landmark's name: the head noun, the country's name and, after
it, an adjective of direction (``الجنوبي``, ``الشرقية``) — two seas bear China's name. The
entities then keep them apart: a country's name after a place's head noun is not the
country (:func:`marsad.entities.name_groups.head_pairs`).

Not an island's head: ``جزيرة قطر``, ``جزيرة تايوان`` are the country itself.
"""

from __future__ import annotations

from collections.abc import Collection

from marsad.arabic.normalise import GAP, WORD, normalise_word
from marsad.models import EntityType, Mention
from marsad.ner.homographs import word_before

LANDMARK_HEADS = frozenset({"بحر", "خليج", "نهر", "بحيره", "مضيق", "جبل", "ولايه"})
DIRECTIONS = frozenset(
    f"ال{d}{end}" for d in ("جنوبي", "شمالي", "شرقي", "غربي") for end in ("", "ه")
)
CLITICS = "وفبل"  # a head noun may carry two: وبحر الصين, ولخليج المكسيك


class Landmarks:
    """Widens the mentions of ``countries`` (normalised names) that follow a landmark's head
    noun to the landmark's name."""

    def __init__(self, countries: Collection[str]) -> None:
        self.countries = frozenset(countries)

    def widen(self, text: str, mention: Mention) -> Mention:
        """The landmark ``mention`` is part of, as a place's mention, or ``mention``."""
        if (
            mention.type != EntityType.LOCATION
            or normalise_word(mention.text) not in self.countries
        ):
            return mention
        start = _head_start(text, mention.start)
        if start is None:
            return mention
        end = _direction_end(text, mention.end)
        return Mention(start, end, text[start:end], EntityType.LOCATION)


def _head_start(text: str, start: int) -> int | None:
    """Where the landmark's head noun before ``start`` begins (after a clitic on it)."""
    word = word_before(text, start)
    if word is None:
        return None
    norm, begin = normalise_word(word.group()), word.start()
    for glued in range(3):  # بحر, وبحر, ولبحر
        if all(c in CLITICS for c in norm[:glued]) and norm[glued:] in LANDMARK_HEADS:
            return begin + glued
    return None


def _direction_end(text: str, end: int) -> int:
    """The end of an adjective of direction right after ``end``, or ``end``."""
    gap = GAP.match(text, end)
    if gap is None:
        return end
    word = WORD.match(text, gap.end())
    if word is None or normalise_word(word.group()) not in DIRECTIONS:
        return end
    return word.end()
