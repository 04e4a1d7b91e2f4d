"""The data of every page, computed once: the HTML views, the JSON API, feeds and CLI call these."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, computed_field

from marsad.analytics.related import related, strength_words
from marsad.analytics.stories import Group, QuoteGroup, group_articles, group_quotes
from marsad.analytics.timeline import timeline
from marsad.analytics.trending import trending
from marsad.analytics.window import Period, Window, parse_day, period_window
from marsad.arabic.normalise import WORD, normalise, normalise_word
from marsad.config import Settings
from marsad.entities.fuzzy import fold, similar, skeleton
from marsad.errors import InputError, NotFound
from marsad.models import EntityType
from marsad.store import enrichment, listing, rollups
from marsad.store.database import Row, Store
from marsad.store.listing import SearchFilters
from marsad.store.stories import story_size

PAGE_SIZE = 20
QUOTES_SHOWN = 5  # "what X said" on the first page of an entity
SNIPPET_CHARS = 110
MIN_SHARED = 2  # "most related" needs at least this many shared articles in the window
# What one request may ask for (public site: no query string may tie up the server).
MAX_PAGE = 100_000  # 2 million articles deep; offsets stay far inside SQLite's int64
MAX_QUERY_CHARS = 200  # a search or autocomplete query, as typed
MAX_QUERY_WORDS = 12  # words of a search (each becomes ~17 clitic forms in the FTS query)


class Suggestion(BaseModel):
    """One autocomplete answer: the entity, the alias that matched, its articles ever."""

    id: int
    slug: str
    name: str
    type: EntityType
    matched: str
    articles: int


class DayCountOut(BaseModel):
    day: date  # the day, or the first day of the week or month (the page's ``bucket``)
    count: int


class PeriodOut(BaseModel):
    """The period a page counts over, as the URL chose it."""

    preset: str | None  # "7", "30", "90", "365", "all"; None for a custom from/to
    start: date
    end: date
    bucket: str  # "day", "week" or "month": what each timeline point counts


def _period(window: Window) -> PeriodOut:
    return PeriodOut(preset=window.preset, start=window.start, end=window.end, bucket=window.bucket)


class Coverage(BaseModel):
    """Where an entity's coverage is, offered when the chosen period holds none of it."""

    first_day: date
    last_day: date
    start: date  # a period as long as the chosen one, ending on its last day of coverage
    end: date


class EntityRef(BaseModel):
    id: int
    slug: str
    name: str
    type: EntityType


class RelatedOut(EntityRef):
    shared: int
    score: float

    @computed_field  # type: ignore[prop-decorator]
    @property
    def strength(self) -> str:
        """The score in words ("قوي جدا", "قوي", "واضح", "ضعيف"), as the pages show it."""
        return strength_words(self.score)


class SourceCount(BaseModel):
    slug: str
    name: str
    articles: int
    share: float


class StoryCopy(BaseModel):
    """Another article of a story, or a verbatim copy another source carried."""

    id: int  # the article (a verbatim copy is stored once: the article it copies)
    title: str
    source: str
    source_slug: str
    published: datetime | None
    day: date | None = None
    url: str | None
    verbatim: bool = False  # word for word the same article, from another source


class ArticleItem(BaseModel):
    id: int
    title: str
    source: str
    source_slug: str
    published: datetime | None
    day: date | None = None  # publication day in the configured time zone
    story_id: int | None = None  # near-duplicates share their story
    url: str | None
    place: str | None = None
    agency: str | None = None
    undated: bool = False  # no publication date found: counted on ``day``, the day first seen
    snippet: str
    highlight: tuple[int, int] | None = None  # offsets of the mention inside ``snippet``
    title_highlights: list[tuple[int, int]] = []  # search: the query's words in ``title``
    # lists show one item per story (marsad.analytics.stories): its other articles and
    # verbatim copies, first published first, and how many other sources they come from
    others: list[StoryCopy] = []
    other_sources: int = 0


class QuoteCopy(BaseModel):
    """Another article (and source) that carried a quote."""

    article_id: int
    title: str
    source: str
    source_slug: str
    day: date | None
    url: str | None


class QuoteItem(BaseModel):
    """Words the entity said (SPEC §7), with the article they come from."""

    text: str
    article_id: int
    title: str
    source: str
    source_slug: str
    day: date | None
    url: str | None  # the original article on its site
    copies: list[QuoteCopy] = []  # the same words carried by other articles (shown once)


class SpokenQuote(QuoteItem):
    """A quote with its speaker (home page)."""

    entity: EntityRef


def _quote(row: Row, copies: Sequence[Row] = ()) -> QuoteItem:
    item = QuoteItem(**{k: v for k, v in row.items() if k in QuoteItem.model_fields})
    item.copies = [
        QuoteCopy(**{k: v for k, v in c.items() if k in QuoteCopy.model_fields}) for c in copies
    ]
    return item


def _spoken(row: Row, copies: Sequence[Row] = ()) -> SpokenQuote:
    speaker = EntityRef(
        id=row["entity_id"],
        slug=row["entity_slug"],
        name=row["entity_name"],
        type=row["entity_type"],
    )
    return SpokenQuote(**_quote(row, copies).model_dump(), entity=speaker)


def _quotes_once(conn: Any, rows: list[Row], limit: int) -> list[QuoteGroup]:
    """At most ``limit`` quotes, each once however many copies carried it."""
    return group_quotes(conn, rows)[:limit]


def _story_copy(row: Row, verbatim: bool = False) -> StoryCopy:
    return StoryCopy(
        id=row.get("article_id") or row["id"],
        title=row["title"],
        source=row["source_name"],
        source_slug=row["source_slug"],
        published=_utc(row.get("published")),
        day=row.get("day"),
        url=row.get("url"),
        verbatim=verbatim,
    )


def _story_items(
    groups: list[Group], make: Callable[[Row], ArticleItem] | None = None
) -> list[ArticleItem]:
    """List items, one per story, each with its other articles and verbatim copies."""
    items = []
    by_id = {a["id"]: a for g in groups for a in (g.lead, *g.others)}
    for g in groups:
        item = (make or _article_item)(g.lead)
        item.others = [_story_copy(o) for o in g.others] + [
            _story_copy(by_id[c["article_id"]] | c | {"day": None}, verbatim=True)
            for c in g.copies  # when that source published it: its own time, if known
        ]
        item.other_sources = len({o.source_slug for o in item.others} - {item.source_slug})
        items.append(item)
    return items


class Enrichment(BaseModel):
    """Where the description came from when `marsad kb enrich` found it, with the licences
    the page must show (text: CC BY-SA from Wikipedia; the image's own from Commons)."""

    wikidata: str | None
    url: str | None
    licence: str | None
    licence_url: str | None
    image_file: str | None
    image_page: str | None
    image_artist: str | None
    image_licence: str | None
    image_licence_url: str | None


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
    period: PeriodOut | None = None
    article_count: int  # in the window
    total_articles: int  # ever
    coverage: Coverage | None = None  # when the period holds none of the entity's articles
    stories: bool
    timeline: list[DayCountOut]
    related: list[RelatedOut]
    related_type: str | None = None  # the type filter applied to "most related"
    min_shared: int = MIN_SHARED
    sources: list[SourceCount]
    articles: list[ArticleItem]
    page: int
    pages: int
    quotes: list[QuoteItem] = []  # newest first (marsad.entities.quotes), each once
    repeats: bool = False  # True: every article listed; False: one item per story
    enrichment: Enrichment | None = None  # the description's source, from kb enrich


class QuotesPage(BaseModel):
    """Everything one entity said, newest first (``/entity/<key>/quotes``)."""

    entity: EntityRef
    period: PeriodOut | None = None
    total: int  # in the period
    page: int
    pages: int
    quotes: list[QuoteItem]


class Trend(EntityRef):
    recent: int
    rise: float


class HomePage(BaseModel):
    window_start: date
    window_end: date
    period: PeriodOut | None = None
    trending: list[Trend]
    latest: list[ArticleItem]
    sources: list[SourceCount]
    timeline: list[DayCountOut]
    quotes: list[SpokenQuote] = []  # the newest, all speakers
    pending_analysis: int = 0  # articles stored with --defer-analysis, not analysed yet


class CompareSeries(EntityRef):
    timeline: list[DayCountOut]
    total: int


class ComparePage(BaseModel):
    window_start: date
    window_end: date
    period: PeriodOut | None = None
    view: str  # "absolute" (articles per day) or "share" (per thousand articles that day)
    series: list[CompareSeries]
    suggestions: list[EntityRef]  # most related to the compared entities, not yet compared


class SearchPage(BaseModel):
    query: str
    total: int
    total_capped: bool = False  # True: more than ``total`` articles match
    page: int
    pages: int
    source: str | None = None  # filters, as given
    date_from: date | None = None
    date_to: date | None = None
    entity: EntityRef | None = None
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
    quotes: list[SpokenQuote] = []  # who said what in it, in reading order
    story_id: int | None = None  # its story (/story/<id>)
    story_articles: int = 1  # articles of its near-duplicate cluster, itself included


class SourcePage(BaseModel):
    slug: str
    name: str
    url: str | None
    country: str | None
    window_start: date
    window_end: date
    period: PeriodOut | None = None
    timeline: list[DayCountOut]
    entities: list[RelatedOut]
    articles: list[ArticleItem]
    page: int
    pages: int
    total_articles: int  # ever
    period_articles: int = 0  # in the period


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


def _utc(value: Any) -> datetime | None:
    """A stored publication time (UTC, read back naive from SQLite, or as its text) as an
    aware UTC datetime: the API's date-times carry their offset (RFC 3339)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _article_item(row: Row, mention_end: int | None = None) -> ArticleItem:
    start = row.get("first_start")
    text, mark = snippet(row["title"], row["text"], start, row.get("first_end") or mention_end)
    return ArticleItem(
        id=row["id"],
        title=row["title"],
        source=row["source_name"],
        source_slug=row["source_slug"],
        published=_utc(row["published"]),
        day=row.get("day"),
        story_id=row.get("story_id"),
        url=row["url"],
        place=row["place"],
        agency=row["agency"],
        undated=row["published"] is None and row.get("day") is not None,
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
    """An entity by id, slug or alias; failing that, by another spelling of a name
    (ترامب finds دونالد ترمب, سيرجى finds سيرغي), the most covered one when several fit."""
    row = store.get_entity(key) or _closest_spelling(store, key)
    if row is None:
        raise NotFound(f"لا يوجد كيان بهذا الاسم: {key}")
    return row


def _closest_spelling(store: Store, key: str) -> Row | None:
    norm = normalise(key)
    if not norm or norm.isdigit():
        return None
    wanted, folded = skeleton(norm), fold(norm)
    one_word = " " not in norm
    found: set[int] = set()
    for alias, entity_id, _ in store.alias_table():
        for candidate in {alias, alias.rsplit(" ", 1)[-1]} if one_word else {alias}:
            if skeleton(candidate) == wanted and similar(fold(candidate), folded):
                found.add(entity_id)
    if not found:
        return None
    with store.engine.connect() as conn:
        totals = rollups.entity_totals(conn, list(found))  # articles ever, one query
    best = max(found, key=lambda eid: (totals.get(eid, 0), -eid))
    return store.get_entity(best)


def entity_page(
    store: Store,
    settings: Settings,
    key: str,
    *,
    page: int = 1,
    stories: bool = False,
    types: set[str] | None = None,
    period: Period | None = None,
    repeats: bool = False,
) -> EntityPage:
    """One entity over a period (default: the configured window): its timeline, most
    related, top sources, what it said and its news on the period's days. The news list
    shows one item per story (``repeats``: every article); pages still hold ``PAGE_SIZE``
    articles each, so counts do not change."""
    check_page_number(page)
    ent = find_entity(store, key)
    window = period_window(store, settings, period)
    start, end = window.bounds
    eid = ent["id"]
    in_window = store.entity_total(eid, start, end)
    with store.engine.connect() as conn:
        total = listing.entity_article_count(conn, eid)
        rows = listing.entity_articles(conn, eid, PAGE_SIZE, (page - 1) * PAGE_SIZE, start, end)
        items = (
            [_article_item(r) for r in rows]
            if repeats
            else _story_items(group_articles(conn, rows, entity_id=eid))
        )
        said = (
            _quotes_once(
                conn,
                listing.entity_quotes(conn, eid, 8 * QUOTES_SHOWN, 0, start, end),
                QUOTES_SHOWN,
            )
            if page == 1
            else []
        )
        coverage = _coverage(conn, eid, window) if in_window == 0 and total else None
    top = store.top_sources(eid, start, end)
    pages = max(1, -(-in_window // PAGE_SIZE))
    if page > pages:
        raise NotFound(f"لا توجد صفحة {page}: أخبار {ent['name']} في {pages} صفحة")
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
        period=_period(window),
        article_count=in_window,
        total_articles=total,
        coverage=coverage,
        stories=stories,
        timeline=_timeline(store, eid, window, stories),
        related=[
            RelatedOut(**r.__dict__)
            for r in related(store, eid, window, types=types, min_shared=MIN_SHARED)
        ],
        related_type=next(iter(types)) if types else None,
        sources=[
            SourceCount(
                slug=r["slug"],
                name=r["name"],
                articles=r["articles"],
                share=round(r["articles"] / max(in_window, 1), 3),
            )
            for r in top
        ],
        articles=items,
        page=page,
        pages=pages,
        quotes=[_quote(q.lead, q.others) for q in said],
        repeats=repeats,
        enrichment=_enrichment(store, eid),
    )


def _coverage(conn: Any, entity_id: int, window: Window) -> Coverage | None:
    """The entity's first and last day of coverage, and a period as long as ``window``
    ending on the last (offered when ``window`` holds none of its articles)."""
    first, last = rollups.entity_span(conn, entity_id)
    if not first or not last:
        return None
    first_day, last_day = date.fromisoformat(first), date.fromisoformat(last)
    start = max(first_day, last_day - timedelta(days=window.length - 1))
    return Coverage(first_day=first_day, last_day=last_day, start=start, end=last_day)


def _enrichment(store: Store, entity_id: int) -> Enrichment | None:
    found = enrichment.get(store, entity_id)
    if found is None or found["status"] != enrichment.MATCHED:
        return None
    return Enrichment(**{k: found[k] for k in Enrichment.model_fields})


def quotes_page(
    store: Store,
    settings: Settings,
    key: str,
    *,
    page: int = 1,
    period: Period | None = None,
) -> QuotesPage:
    """What the entity said on the days of a period (default: all time), newest first."""
    check_page_number(page)
    ent = find_entity(store, key)
    window = period_window(store, settings, period or Period("all"))
    start, end = window.bounds
    with store.engine.connect() as conn:
        total = listing.entity_quote_count(conn, ent["id"], start, end)
        rows = listing.entity_quotes(conn, ent["id"], PAGE_SIZE, (page - 1) * PAGE_SIZE, start, end)
        said = group_quotes(conn, rows)
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:
        raise NotFound(f"لا توجد صفحة {page}: أقوال {ent['name']} في {pages} صفحة")
    return QuotesPage(
        entity=EntityRef(id=ent["id"], slug=ent["slug"], name=ent["name"], type=ent["type"]),
        period=_period(window),
        total=total,
        page=page,
        pages=pages,
        quotes=[_quote(q.lead, q.others) for q in said],
    )


def entity_timeline(
    store: Store,
    settings: Settings,
    key: str,
    *,
    stories: bool = False,
    period: Period | None = None,
) -> tuple[str, list[DayCountOut], str]:
    """(name, counts per bucket over the period, the bucket) — all the chart needs."""
    ent = find_entity(store, key)
    window = period_window(store, settings, period)
    return ent["name"], _timeline(store, ent["id"], window, stories), window.bucket


def source_choices(store: Store) -> list[Row]:
    """Every source (slug, name) for filter menus, largest first."""
    with store.engine.connect() as conn:
        return listing.source_counts(conn, "0000-00-00", "9999-99-99", whole=True)


def entity_timeline_rows(
    store: Store, settings: Settings, key: str, period: Period | None = None
) -> Iterator[list[Any]]:
    """Rows of the entity's timeline over the period (day, articles, stories), one per day
    (zero days included) whatever the period's length: the chart's weeks and months are
    sums of these."""
    ent = find_entity(store, key)
    start, end = (window := period_window(store, settings, period)).bounds
    articles = store.daily_counts(ent["id"], start, end)
    stories = store.daily_counts(ent["id"], start, end, stories=True)
    for d in window.days:
        day = d.isoformat()
        yield [day, articles.get(day, 0), stories.get(day, 0)]


def iso_time(value: Any) -> str:
    """A stored timestamp (datetime, or SQLite's text) as ISO 8601 with its UTC offset
    (``2026-03-10T07:00:00+00:00``), the same from SQLite and PostgreSQL; "" if unknown."""
    if isinstance(value, str) and len(value) in (19, 26) and value[10:11] == " ":
        # SQLite's naive UTC text (``2026-03-10 07:00:00[.000000]``): no datetime needed
        return value[:10] + "T" + value[11:].removesuffix(".000000") + "+00:00"
    moment = _utc(value)
    return moment.isoformat() if moment else ""


def home_page(store: Store, settings: Settings, period: Period | None = None) -> HomePage:
    """Trending, sources, volume, the newest stories and quotes over a period (default:
    the configured window; trending compares its last three days with the rest)."""
    window = period_window(store, settings, period)
    start, end = window.bounds
    with store.engine.connect() as conn:
        rows = listing.latest_articles(conn, limit=40, start=start, end=end)
        latest = _story_items(group_articles(conn, rows, whole_list=True)[:12])
        counts = listing.source_counts(conn, start, end)
        said = _quotes_once(
            conn, listing.latest_quotes(conn, 8 * QUOTES_SHOWN, start, end), QUOTES_SHOWN
        )
    return HomePage(
        window_start=window.start,
        window_end=window.end,
        period=_period(window),
        trending=[
            Trend(id=t.id, slug=t.slug, name=t.name, type=t.type, recent=t.recent, rise=t.rise)
            for t in trending(store, window)
        ],
        latest=latest,
        sources=_source_counts(counts),
        timeline=_timeline(store, None, window),
        quotes=[_spoken(q.lead, q.others) for q in said],
        pending_analysis=store.pending_count(),
    )


def compare_page(
    store: Store,
    settings: Settings,
    keys: list[str],
    *,
    view: str = "absolute",
    period: Period | None = None,
) -> ComparePage:
    keys = list(dict.fromkeys(k.strip() for k in keys if k.strip()))
    if not 1 <= len(keys) <= 5:
        raise InputError("compare takes 1 to 5 entities (e=…&e=…)")
    if view not in {"absolute", "share"}:
        raise InputError("view must be 'absolute' or 'share'")
    window = period_window(store, settings, period)
    all_days = {d.day: d.count for d in _timeline(store, None, window)}
    series: list[CompareSeries] = []
    for key in keys:
        ent = find_entity(store, key)
        if any(s.id == ent["id"] for s in series):
            continue
        points = _timeline(store, ent["id"], window)
        total = sum(p.count for p in points)  # the same rollup rows as entity_total
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
                total=total,
            )
        )
    chosen = {s.id for s in series}
    suggestions: list[EntityRef] = []
    if len(series) < 5:
        for r in related(store, series[0].id, window, limit=12, min_shared=MIN_SHARED):
            if r.id not in chosen and len(suggestions) < 6:
                suggestions.append(EntityRef(id=r.id, slug=r.slug, name=r.name, type=r.type))
    return ComparePage(
        window_start=window.start,
        window_end=window.end,
        period=_period(window),
        view=view,
        series=series,
        suggestions=suggestions,
    )


def search_request(
    store: Store,
    query: str,
    source: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    entity: str | None = None,
) -> tuple[str, SearchFilters, Row | None, Row | None]:
    """A search as asked (page or export), checked: (normalised query, filters, the source's
    row, the entity's row); InputError or NotFound for what cannot be searched."""
    norm = normalise(check_query(query))
    if len(norm.split()) > MAX_QUERY_WORDS:
        raise InputError(
            f"البحث أطول من {MAX_QUERY_WORDS} كلمة — q must have at most {MAX_QUERY_WORDS} words "
            f"(it has {len(norm.split())})"
        )
    start, end = parse_day(date_from, "from"), parse_day(date_to, "to")
    if start and end and start > end:
        raise InputError(f"بداية الفترة ({start}) بعد نهايتها ({end}) — from must not be after to")
    source_row = None
    if source:
        source_row = store.get_source(source)
        if source_row is None:
            raise NotFound(f"لا يوجد مصدر بهذا الاسم: {source}")
    ent = find_entity(store, entity) if entity else None
    filters = SearchFilters(
        source_id=source_row["id"] if source_row else None,
        start=start.isoformat() if start else None,
        end=end.isoformat() if end else None,
        entity_id=ent["id"] if ent else None,
    )
    return norm, filters, source_row, ent


def search_page(
    store: Store,
    query: str,
    *,
    page: int = 1,
    source: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    entity: str | None = None,
) -> SearchPage:
    check_page_number(page)
    norm, filters, source_row, ent = search_request(
        store, query, source, date_from, date_to, entity
    )
    start = date.fromisoformat(filters.start) if filters.start else None
    end = date.fromisoformat(filters.end) if filters.end else None
    with store.engine.connect() as conn:
        total, cap, rows = listing.search(
            conn, norm, filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        found = listing.autocomplete(conn, norm, limit=5) if norm and page == 1 else []
        groups = group_articles(conn, rows)  # one item per story among the page's results
    forms = _query_forms(norm)

    def matched(r: Row) -> ArticleItem:
        found_at = _first_match(r["text"], forms)
        body_at = len(r["title"]) + 1
        r = dict(r, first_start=None if found_at is None else found_at[0] + body_at)
        item = _article_item(r, None if found_at is None else found_at[1] + body_at)
        item.title_highlights = _matches(r["title"], forms)
        return item

    items = _story_items(groups, matched)
    capped = total > cap
    total = min(total, cap)
    return SearchPage(
        query=query,
        total=total,
        total_capped=capped,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        source=source_row["slug"] if source_row else None,
        date_from=start,
        date_to=end,
        entity=EntityRef(id=ent["id"], slug=ent["slug"], name=ent["name"], type=ent["type"])
        if ent
        else None,
        entities=[
            EntityRef(id=e["id"], slug=e["slug"], name=e["name"], type=e["type"]) for e in found
        ],
        articles=items,
    )


def _query_forms(query: str) -> frozenset[str]:
    """Every normalised form of the query's words, with the clitics names take."""
    return frozenset(f for w in normalise(query).split() for f in listing.word_forms(w))


def _matches(text: str, forms: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of every word of ``text`` whose normalised form is one of ``forms``."""
    if not forms:
        return []
    return [m.span() for m in WORD.finditer(text) if normalise_word(m.group()) in forms]


def _first_match(text: str, forms: frozenset[str]) -> tuple[int, int] | None:
    """(start, end) in ``text`` of the first word whose normalised form is one of ``forms``.

    One pass over the words of the text whatever the query (no pattern is built from it);
    harakat and tatweel inside the word stay part of the match.
    """
    if not forms:
        return None
    for m in WORD.finditer(text):
        if normalise_word(m.group()) in forms:
            return m.span()
    return None


def check_page_number(page: int) -> int:
    """``page`` if it is a page number a listing can have, else an InputError (400)."""
    if not 1 <= page <= MAX_PAGE:
        raise InputError(f"رقم الصفحة غير صالح — page must be between 1 and {MAX_PAGE:,}")
    return page


def check_query(query: str) -> str:
    """``query`` if it is short enough to search for, else an InputError (400)."""
    if len(query) > MAX_QUERY_CHARS:
        raise InputError(
            f"البحث أطول من {MAX_QUERY_CHARS} حرف — q must be at most {MAX_QUERY_CHARS} "
            f"characters (it has {len(query):,})"
        )
    return query


def autocomplete(store: Store, prefix: str, limit: int = 8) -> list[dict[str, Any]]:
    """Entities for a typed prefix: any alias, spelling variants and a leading clitic folded."""
    with store.engine.connect() as conn:
        rows = listing.autocomplete(conn, normalise(check_query(prefix)), limit=limit)
    return [{k: r[k] for k in ("id", "slug", "name", "type", "matched", "articles")} for r in rows]


def article_page(store: Store, article_id: int) -> ArticlePage:
    row = store.get_article(article_id)
    if row is None:
        raise NotFound(f"لا يوجد خبر بالرقم {article_id}")
    story = row["story_id"] or row["id"]
    with store.engine.connect() as conn:
        said = listing.article_quotes(conn, article_id)
        in_story = story_size(conn, story)
    return ArticlePage(
        id=row["id"],
        title=row["title"],
        text=row["text"],
        url=row["url"],
        published=_utc(row["published"]),
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
        quotes=[_spoken(q) for q in said],
        story_id=story,
        story_articles=in_story,
    )


def source_page(
    store: Store,
    settings: Settings,
    slug: str,
    *,
    page: int = 1,
    period: Period | None = None,
) -> SourcePage:
    """A source over a period (default: the configured window): its volume, the entities
    it names most and its articles on the period's days, newest first."""
    check_page_number(page)
    src = store.get_source(slug)
    if src is None:
        raise NotFound(f"لا يوجد مصدر بهذا الاسم: {slug}")
    window = period_window(store, settings, period)
    start, end = window.bounds
    ents = store.source_entities(src["id"], start, end)
    with store.engine.connect() as conn:
        total = listing.source_article_count(conn, src["id"])
        in_period = listing.source_period_count(conn, src["id"], start, end)
        rows = listing.latest_articles(
            conn, PAGE_SIZE, (page - 1) * PAGE_SIZE, source_id=src["id"], start=start, end=end
        )
        items = _story_items(group_articles(conn, rows, source_id=src["id"]))
    pages = max(1, -(-in_period // PAGE_SIZE))
    if page > pages:
        raise NotFound(f"لا توجد صفحة {page}: أخبار {src['name']} في {pages} صفحة")
    return SourcePage(
        slug=src["slug"],
        name=src["name"],
        url=src["url"],
        country=src["country"],
        window_start=window.start,
        window_end=window.end,
        period=_period(window),
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
        articles=items,
        page=page,
        pages=pages,
        total_articles=total,
        period_articles=in_period,
    )


def sources_page(
    store: Store, settings: Settings, period: Period | None = None
) -> tuple[PeriodOut, list[dict[str, Any]]]:
    """The /sources data: every source with its articles ever (``articles``), in the period
    (``period_articles``, default: the configured window) and its feeds' status."""
    from marsad.store.feeds import sources_with_feeds

    window = period_window(store, settings, period)
    with store.engine.connect() as conn:
        counts = {r["slug"]: r["articles"] for r in listing.source_counts(conn, *window.bounds)}
    rows = [r | {"period_articles": counts.get(r["slug"], 0)} for r in sources_with_feeds(store)]
    return _period(window), rows
