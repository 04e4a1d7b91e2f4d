"""The data of every page, computed once: the HTML views, the JSON API, feeds and CLI call these."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from marsad.analytics.related import related
from marsad.analytics.timeline import timeline
from marsad.analytics.trending import trending
from marsad.analytics.window import Window, current_window
from marsad.arabic.normalise import normalise
from marsad.config import Settings
from marsad.errors import InputError, NotFound
from marsad.models import EntityType
from marsad.store.database import Row, Store

PAGE_SIZE = 20
SNIPPET_CHARS = 110


class DayCountOut(BaseModel):
    day: date
    count: int


class EntityRef(BaseModel):
    id: int
    slug: str
    name: str
    type: EntityType


class RelatedOut(EntityRef):
    shared: int
    score: float


class SourceCount(BaseModel):
    slug: str
    name: str
    articles: int
    share: float


class ArticleItem(BaseModel):
    id: int
    title: str
    source: str
    source_slug: str
    published: datetime | None
    url: str | None
    place: str | None = None
    agency: str | None = None
    snippet: str
    highlight: tuple[int, int] | None = None  # offsets of the mention inside ``snippet``


class EntityPage(BaseModel):
    id: int
    slug: str
    name: str
    type: EntityType
    aliases: list[str]
    description: str | None
    description_source: str | None
    description_url: str | None
    window_start: date
    window_end: date
    article_count: int  # in the window
    total_articles: int  # ever
    stories: bool
    timeline: list[DayCountOut]
    related: list[RelatedOut]
    sources: list[SourceCount]
    articles: list[ArticleItem]
    page: int
    pages: int


class Trend(EntityRef):
    recent: int
    rise: float


class HomePage(BaseModel):
    window_start: date
    window_end: date
    trending: list[Trend]
    latest: list[ArticleItem]
    sources: list[SourceCount]
    timeline: list[DayCountOut]


class CompareSeries(EntityRef):
    timeline: list[DayCountOut]
    total: int


class ComparePage(BaseModel):
    window_start: date
    window_end: date
    view: str  # "absolute" or "share"
    series: list[CompareSeries]


class SearchPage(BaseModel):
    query: str
    total: int
    page: int
    pages: int
    entities: list[EntityRef]
    articles: list[ArticleItem]


class MentionOut(EntityRef):
    start: int
    end: int
    surface: str


class ArticlePage(BaseModel):
    id: int
    title: str
    text: str
    url: str | None
    published: datetime | None
    source: str
    source_slug: str
    place: str | None
    agency: str | None
    also_published_by: list[dict[str, Any]]
    mentions: list[MentionOut]


class SourcePage(BaseModel):
    slug: str
    name: str
    url: str | None
    country: str | None
    window_start: date
    window_end: date
    timeline: list[DayCountOut]
    entities: list[RelatedOut]
    articles: list[ArticleItem]
    page: int


def snippet(
    title: str, text: str, start: int | None, end: int | None = None
) -> tuple[str, tuple[int, int] | None]:
    """A piece of the body around a mention (offsets into title + "\\n" + text)."""
    content = f"{title}\n{text}"
    if start is None or start <= len(title):  # mention in the title: show the body's start
        body = text[: 2 * SNIPPET_CHARS]
        cut = body.rfind(" ") if len(text) > len(body) else -1
        body = body[:cut] + " …" if cut > 0 else body
        return body, None
    end = end if end is not None else start
    lo = max(len(title) + 1, start - SNIPPET_CHARS)
    hi = min(len(content), max(end, start) + SNIPPET_CHARS)
    if lo > len(title) + 1:
        lo = content.find(" ", lo) + 1 or lo
    if hi < len(content):
        hi = content.rfind(" ", start, hi) if content.rfind(" ", start, hi) > end else hi
    prefix = "… " if lo > len(title) + 1 else ""
    suffix = " …" if hi < len(content) else ""
    piece = prefix + content[lo:hi].replace("\n", " ") + suffix
    return piece, (len(prefix) + start - lo, len(prefix) + end - lo)


def _article_item(row: Row, mention_end: int | None = None) -> ArticleItem:
    start = row.get("first_start")
    text, mark = snippet(row["title"], row["text"], start, row.get("first_end") or mention_end)
    return ArticleItem(
        id=row["id"],
        title=row["title"],
        source=row["source_name"],
        source_slug=row["source_slug"],
        published=row["published"],
        url=row["url"],
        place=row["place"],
        agency=row["agency"],
        snippet=text,
        highlight=mark,
    )


def _timeline(
    store: Store,
    entity_id: int | None,
    window: Window,
    stories: bool = False,
    source_id: int | None = None,
) -> list[DayCountOut]:
    return [
        DayCountOut(day=date.fromisoformat(d.day), count=d.count)
        for d in timeline(store, entity_id, window, stories=stories, source_id=source_id)
    ]


def _source_counts(rows: list[Row]) -> list[SourceCount]:
    total = sum(r["articles"] for r in rows) or 1
    return [
        SourceCount(
            slug=r["slug"],
            name=r["name"],
            articles=r["articles"],
            share=round(r["articles"] / total, 3),
        )
        for r in rows
    ]


def find_entity(store: Store, key: str) -> Row:
    row = store.get_entity(key)
    if row is None:
        raise NotFound(f"لا يوجد كيان بهذا الاسم: {key}")
    return row


def entity_page(
    store: Store,
    settings: Settings,
    key: str,
    *,
    page: int = 1,
    stories: bool = False,
    types: set[str] | None = None,
) -> EntityPage:
    if page < 1:
        raise InputError("page must be 1 or more")
    ent = find_entity(store, key)
    window = current_window(store, settings)
    start, end = window.bounds
    eid = ent["id"]
    in_window = store.entity_total(eid, start, end)
    total = store.entity_total(eid, "0000-00-00", "9999-99-99")
    rows = store.entity_articles(eid, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    top = store.top_sources(eid, start, end)
    return EntityPage(
        id=eid,
        slug=ent["slug"],
        name=ent["name"],
        type=ent["type"],
        aliases=[a for a in ent["aliases"] if a != ent["name"]],
        description=ent["description"],
        description_source=ent["description_source"],
        description_url=ent["description_url"],
        window_start=window.start,
        window_end=window.end,
        article_count=in_window,
        total_articles=total,
        stories=stories,
        timeline=_timeline(store, eid, window, stories),
        related=[RelatedOut(**r.__dict__) for r in related(store, eid, window, types=types)],
        sources=[
            SourceCount(
                slug=r["slug"],
                name=r["name"],
                articles=r["articles"],
                share=round(r["articles"] / max(in_window, 1), 3),
            )
            for r in top
        ],
        articles=[_article_item(r) for r in rows],
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


def home_page(store: Store, settings: Settings) -> HomePage:
    window = current_window(store, settings)
    return HomePage(
        window_start=window.start,
        window_end=window.end,
        trending=[
            Trend(id=t.id, slug=t.slug, name=t.name, type=t.type, recent=t.recent, rise=t.rise)
            for t in trending(store, window)
        ],
        latest=[_article_item(r) for r in store.latest_articles(limit=12)],
        sources=_source_counts(store.list_sources()),
        timeline=_timeline(store, None, window),
    )


def compare_page(
    store: Store, settings: Settings, keys: list[str], *, view: str = "absolute"
) -> ComparePage:
    keys = [k for k in keys if k.strip()]
    if not 1 <= len(keys) <= 5:
        raise InputError("compare takes 1 to 5 entities (e=…&e=…)")
    if view not in {"absolute", "share"}:
        raise InputError("view must be 'absolute' or 'share'")
    window = current_window(store, settings)
    all_days = {d.day: d.count for d in _timeline(store, None, window)}
    series = []
    for key in keys:
        ent = find_entity(store, key)
        points = _timeline(store, ent["id"], window)
        if view == "share":
            points = [
                DayCountOut(
                    day=p.day,
                    count=round(1000 * p.count / all_days[p.day]) if all_days[p.day] else 0,
                )
                for p in points
            ]
        series.append(
            CompareSeries(
                id=ent["id"],
                slug=ent["slug"],
                name=ent["name"],
                type=ent["type"],
                timeline=points,
                total=store.entity_total(ent["id"], *window.bounds),
            )
        )
    return ComparePage(window_start=window.start, window_end=window.end, view=view, series=series)


def search_page(store: Store, query: str, *, page: int = 1) -> SearchPage:
    if page < 1:
        raise InputError("page must be 1 or more")
    norm = normalise(query)
    total, rows = store.search_articles(norm, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    items = []
    words = norm.split()
    for r in rows:
        start = _first_match(r["text"], words)
        r = dict(r, first_start=None if start is None else start + len(r["title"]) + 1)
        item = _article_item(
            r,
            mention_end=None
            if start is None
            else start + len(r["title"]) + 1 + _word_len(r["text"], start),
        )
        items.append(item)
    entities = [
        EntityRef(id=e["id"], slug=e["slug"], name=e["name"], type=e["type"])
        for e in store.autocomplete(norm, limit=5)
    ]
    return SearchPage(
        query=query,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        entities=entities,
        articles=items,
    )


def _first_match(text: str, words: list[str]) -> int | None:
    """Offset in ``text`` of the first word whose normalised form contains a query word."""
    pos = 0
    for token in text.split(" "):
        norm = normalise(token)
        if any(w in norm for w in words):
            return pos
        pos += len(token) + 1
    return None


def _word_len(text: str, start: int) -> int:
    end = text.find(" ", start)
    return (end if end != -1 else len(text)) - start


def autocomplete(store: Store, prefix: str, limit: int = 8) -> list[dict[str, Any]]:
    return [
        {
            "id": r["id"],
            "slug": r["slug"],
            "name": r["name"],
            "type": r["type"],
            "matched": r["matched"],
            "articles": r["articles"],
        }
        for r in store.autocomplete(normalise(prefix), limit=limit)
    ]


def article_page(store: Store, article_id: int) -> ArticlePage:
    row = store.get_article(article_id)
    if row is None:
        raise NotFound(f"لا يوجد خبر بالرقم {article_id}")
    return ArticlePage(
        id=row["id"],
        title=row["title"],
        text=row["text"],
        url=row["url"],
        published=row["published"],
        source=row["source_name"],
        source_slug=row["source_slug"],
        place=row["place"],
        agency=row["agency"],
        also_published_by=[s for s in row["sources"] if s["slug"] != row["source_slug"]],
        mentions=[
            MentionOut(
                id=m["entity_id"],
                slug=m["slug"],
                name=m["name"],
                type=m["type"],
                start=m["start"],
                end=m["end"],
                surface=m["surface"],
            )
            for m in row["mentions"]
        ],
    )


def source_page(store: Store, settings: Settings, slug: str, *, page: int = 1) -> SourcePage:
    src = store.get_source(slug)
    if src is None:
        raise NotFound(f"لا يوجد مصدر بهذا الاسم: {slug}")
    window = current_window(store, settings)
    ents = store.source_entities(src["id"], *window.bounds)
    return SourcePage(
        slug=src["slug"],
        name=src["name"],
        url=src["url"],
        country=src["country"],
        window_start=window.start,
        window_end=window.end,
        timeline=_timeline(store, None, window, source_id=src["id"]),
        entities=[
            RelatedOut(
                id=e["id"],
                slug=e["slug"],
                name=e["name"],
                type=e["type"],
                shared=e["articles"],
                score=0,
            )
            for e in ents
        ],
        articles=[
            _article_item(r)
            for r in store.latest_articles(
                limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, source_id=src["id"]
            )
        ],
        page=page,
    )
