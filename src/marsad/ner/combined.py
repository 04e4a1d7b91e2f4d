"""Several recognisers as one: earlier ones win where spans overlap.

The default pipeline puts the knowledge base's gazetteer first (the operator's names are
trusted, with their spelling variants) and the statistical model second (it finds the
names nobody listed). A recogniser in ``wider`` (the names of countries and international
bodies we list) also takes the place of shorter spans inside one of its names, where the
model stopped short (``[منظمة البلدان] المصدرة للبترول``: OPEC). What ``unless`` says is no
name is left out (a place's name used as the adjective it also is: :mod:`.homographs`);
``widen`` gives a mention the span of the longer name it is part of (a sea named after a
country: :mod:`.landmarks`), where no other mention stands in the way.
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
        wider: Sequence[Recogniser] = (),
        widen: Callable[[str, Mention], Mention] | None = None,
    ) -> None:
        self.recognisers = list(recognisers)
        self.unless = unless
        self.wider = [id(r) for r in wider]
        self.widen = widen

    def recognise(self, text: str) -> list[Mention]:
        taken: list[Mention] = []
        for recogniser in self.recognisers:
            wider = id(recogniser) in self.wider
            for m in recogniser.recognise(text):
                crossed = [t for t in taken if t.start < m.end and m.start < t.end]
                if (
                    wider
                    and crossed
                    and all(m.start <= t.start and t.end <= m.end for t in crossed)
                ):
                    taken = [t for t in taken if t not in crossed]
                    crossed = []
                if not crossed:
                    taken.append(m)
        if self.unless is not None:
            taken = [m for m in taken if not self.unless(text, m)]
        if self.widen is not None:
            taken = [self._widened(text, m, taken) for m in taken]
        return sorted(taken, key=lambda m: m.start)

    def _widened(self, text: str, mention: Mention, taken: list[Mention]) -> Mention:
        assert self.widen is not None
        wide = self.widen(text, mention)
        if wide is mention or any(
            t is not mention and t.start < wide.end and wide.start < t.end for t in taken
        ):
            return mention
        return wide
