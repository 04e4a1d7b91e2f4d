"""Named-entity recognition: text → typed mention spans, behind one small interface."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from marsad.ner.base import Recogniser

if TYPE_CHECKING:
    from marsad.ner.crf import CrfRecogniser

__all__ = ["Recogniser", "load_default"]


@lru_cache(maxsize=1)
def load_default() -> CrfRecogniser:
    """The CRF recogniser shipped in the package, loaded once per process."""
    from marsad.ner.crf import CrfRecogniser

    return CrfRecogniser.load()
