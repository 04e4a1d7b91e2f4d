"""Named-entity recognition: text → typed mention spans, behind one small interface."""

from marsad.ner.base import Recogniser

__all__ = ["Recogniser"]
