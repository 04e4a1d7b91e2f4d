"""Several recognisers as one: earlier ones win where spans overlap.

The default pipeline puts the knowledge base's gazetteer first (the operator's names are
trusted, with their spelling variants) and the statistical model second (it finds the
names nobody listed). What ``unless`` says is no name is left out (a place's name used as
the adjective it also is: :mod:`.homographs`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from marsad.models import Mention
from marsad.ner.base import Recogniser


class CombinedRecogniser:
    def __init__(
        self,
        recognisers: Sequence[Recogniser],
        unless: Callable[[str, Mention], bool] | None = None,
    ) -> None:
        self.recognisers = list(recognisers)
        self.unless = unless

    def recognise(self, text: str) -> list[Mention]:
        taken: list[Mention] = []
        for recogniser in self.recognisers:
            for m in recogniser.recognise(text):
                if all(m.end <= t.start or m.start >= t.end for t in taken):
                    taken.append(m)
        if self.unless is not None:
            taken = [m for m in taken if not self.unless(text, m)]
        return sorted(taken, key=lambda m: m.start)
