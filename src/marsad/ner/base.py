"""The recogniser interface every NER component implements."""

from __future__ import annotations

from typing import Protocol

from marsad.models import Mention


class Recogniser(Protocol):
    """Finds PERSON, ORGANIZATION and LOCATION mentions with offsets into ``text``."""

    def recognise(self, text: str) -> list[Mention]: ...
