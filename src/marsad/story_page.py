"""The story page: every source that carried a story, who published first, how long the
others took, and how their headlines differ (``/story/<id>``, ``/api/story/<id>``).

A story is the near-duplicate cluster of ``articles.story_id`` joined, as in the lists,
with the clusters that share one of its headlines on the same day
(``marsad.analytics.stories``). Any article id of the story opens it.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from marsad.analytics.stories import Stories, headline_changes, published_order, story_of
from marsad.arabic.normalise import WORD
from marsad.errors import NotFound
from marsad.pages import StoryCopy, _story_copy, _utc
from marsad.store import stories as stories_store
from marsad.store.database import Store, as_row_id


class StoryArticle(StoryCopy):
    first: bool = False  # published first (or, with no time, the first day and stored first)
    lag_minutes: int | None = None  # after the first, when both times are known
    lag_days: int | None = None  # after the first, by publication day, when a time is not


class HeadlinePart(BaseModel):
    text: str
    change: str  # "same", "added" (not in the first headline) or "removed" (only in it)


class Headline(BaseModel):
    title: str
    sources: list[str]  # source names that used it, first publisher first
    changes: list[HeadlinePart]  # against the first headline (empty for the first itself)


class StorySource(BaseModel):
    slug: str
    name: str
    articles: int


class StoryPage(BaseModel):
    id: int  # the story (its first stored article)
    title: str  # the first published headline
    first: StoryArticle
    articles: list[StoryArticle]  # first published first; verbatim copies included
    sources: list[StorySource]  # most articles first
    headlines: list[Headline]  # each different headline once, in order of first use
    span_minutes: int | None = None  # from the first to the last publication, when timed


def story_page(store: Store, key: int) -> StoryPage:
    article_id = as_row_id(key)
    with store.engine.connect() as conn:
        story = stories_store.story_id_of(conn, article_id) if article_id else None
        if story is None:
            raise NotFound(f"لا توجد قصة بالرقم {key}")
        members = stories_store.story_members(conn, [story])
        same_day = stories_store.same_day_headlines(
            conn, {m["day"] for m in members}, {_longest_word(m["title"]) for m in members}
        )
        union = Stories()
        union.join_headlines([*members, *same_day])
        joined = {story_of(r) for r in same_day if union.find(story_of(r)) == union.find(story)}
        if joined - {story}:
            members = stories_store.story_members(conn, joined | {story})
        copies = stories_store.verbatim_copies(conn, {m["id"] for m in members})
    by_id = {m["id"]: m for m in members}
    rows = [(m, False) for m in members] + [
        (by_id[c["article_id"]] | c | {"day": None}, True)
        for c in copies  # its own time
    ]
    rows.sort(key=lambda rv: (published_order(rv[0]), rv[1]))
    articles = [_story_copy(r, verbatim=v) for r, v in rows]
    first = articles[0]
    timed = [a.published for a in articles if a.published]
    out = [
        StoryArticle(
            **a.model_dump(),
            first=n == 0,
            lag_minutes=_minutes(first.published, a.published),
            lag_days=_days(first, a) if not (first.published and a.published) else None,
        )
        for n, a in enumerate(articles)
    ]
    return StoryPage(
        id=story,
        title=first.title,
        first=out[0],
        articles=out,
        sources=_sources(articles),
        headlines=_headlines(articles),
        span_minutes=_minutes(min(timed), max(timed)) if len(timed) > 1 else None,
    )


def _longest_word(title: str) -> str:
    """The title's longest word: a headline repeated by a rewrite contains it."""
    return max(WORD.findall(title), key=len, default="")


def _minutes(a: datetime | None, b: datetime | None) -> int | None:
    if a is None or b is None:
        return None
    return round((_utc(b) - _utc(a)).total_seconds() / 60)  # type: ignore[operator]


def _days(first: StoryCopy, other: StoryCopy) -> int | None:
    a: date | None = first.day or (first.published.date() if first.published else None)
    b: date | None = other.day or (other.published.date() if other.published else None)
    return (b - a).days if a and b else None


def _sources(articles: list[StoryCopy]) -> list[StorySource]:
    counts: dict[str, StorySource] = {}
    for a in articles:
        found = counts.setdefault(
            a.source_slug, StorySource(slug=a.source_slug, name=a.source, articles=0)
        )
        found.articles += 1
    return sorted(counts.values(), key=lambda s: -s.articles)  # stable: first publisher first


def _headlines(articles: list[StoryCopy]) -> list[Headline]:
    used: dict[str, list[str]] = {}
    for a in articles:
        names = used.setdefault(a.title, [])
        if a.source not in names:
            names.append(a.source)
    first = articles[0].title
    return [
        Headline(
            title=title,
            sources=names,
            changes=[]
            if title == first
            else [HeadlinePart(change=c, text=t) for c, t in headline_changes(first, title)],
        )
        for title, names in used.items()
    ]
