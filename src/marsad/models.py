"""The typed data model shared by every stage of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class EntityType(StrEnum):
    PERSON = "PERSON"
    ORGANIZATION = "ORGANIZATION"
    LOCATION = "LOCATION"

    @property
    def arabic(self) -> str:
        return {"PERSON": "شخص", "ORGANIZATION": "منظمة", "LOCATION": "مكان"}[self.value]


@dataclass(frozen=True, slots=True)
class Source:
    """A publisher: a site, an agency or a feed owner."""

    slug: str
    name: str
    url: str | None = None
    country: str | None = None


@dataclass(slots=True)
class Article:
    """One news item, cleaned, with the original text kept for display and offsets."""

    title: str
    text: str
    source: Source
    url: str | None = None
    published: datetime | None = None  # timezone-aware; None when unknown (never invented)
    place: str | None = None  # dateline place, e.g. "موسكو"
    agency: str | None = None  # e.g. "سانا", "تاس"
    author: str | None = None
    cleaned: bool = False  # boilerplate and dateline already taken out (extract_articles)


def content_of(title: str, text: str) -> str:
    """The text that mention and quote offsets point into: title, a newline, then the body."""
    return f"{title}\n{text}"


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of an article's text naming an entity.

    Offsets are character offsets into ``Article.title + "\\n" + Article.text``
    (see :func:`content_of`).
    """

    start: int
    end: int
    text: str
    type: EntityType


@dataclass(slots=True)
class Entity:
    """A person, organisation or place, with every name it is known by."""

    name: str
    type: EntityType
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    description_source: str | None = None
    description_url: str | None = None
    wikidata: str | None = None
    slug: str | None = None
    id: int | None = None
