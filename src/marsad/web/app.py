"""The web application: server-rendered Arabic pages, each with a JSON twin under /api."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import anyio.to_thread
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from marsad import pages, story_page
from marsad.analytics.window import Period
from marsad.config import Settings
from marsad.errors import InputError, NotFound, StoreError
from marsad.store.database import Store
from marsad.web.admin import admin_router
from marsad.web.alerts import alerts_router
from marsad.web.atom import atom_feed
from marsad.web.cache import PageCache
from marsad.web.chart import BUCKET_NAMES, COLOURS, bar_chart, bucket_label, day_label, line_chart
from marsad.web.downloads import add_export_routes
from marsad.web.extras import (
    PNG_AVAILABLE,
    arabic_number,
    counted,
    counted_text,
    hijri_date,
    lag_text,
    png_chart,
    short_date,
    source_items,
)
from marsad.web.headers import SecurityHeaders
from marsad.web.links import http_link, readable_url
from marsad.web.periods import PRESET_LABELS, Chosen, kept, period_href, period_params

HERE = Path(__file__).parent
TYPE_NAMES = {"PERSON": "شخص", "ORGANIZATION": "منظمة", "LOCATION": "مكان"}
TYPE_FILTERS = {"people": "PERSON", "organisations": "ORGANIZATION", "places": "LOCATION"}


def arabic_date(value: Any) -> str:
    if value is None:
        return "تاريخ غير معروف"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return day_label(value, with_year=True)


def app_from_environment() -> FastAPI:
    """The app for the configured database (``marsad serve --workers N`` starts one per process)."""
    from marsad.config import load_settings

    settings = load_settings()
    return create_app(Store(settings.database_url), settings)


def create_app(store: Store, settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # handlers run in anyio's thread pool (40 by default): a few, first come first served
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        # the home page's period as configured, its sums kept (store/window_totals.py); a
        # read-only database keeps none: the pages sum the rollups
        with suppress(StoreError):
            store.keep_window(settings.window_days)
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="marsad API",
        description="Arabic news monitoring: entities, timelines and associations. Every HTML page has a JSON twin here.",
        version="0.1.0",
        docs_url=None,  # the Swagger UI loads from a CDN; pages must work offline
        redoc_url=None,
    )
    app.add_middleware(SecurityHeaders)  # CSP, nosniff, no framing (web/headers.py)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(admin_router(store, settings))  # operator edits (web/admin.py)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["arabic_date"] = arabic_date
    templates.env.filters["urlquote"] = lambda s: quote(str(s), safe="")
    templates.env.filters["http_link"] = http_link  # only http(s) URLs from data become links
    templates.env.filters["readable_url"] = readable_url  # %D8%B3… shown as Arabic
    templates.env.filters["hijri_date"] = hijri_date
    templates.env.filters["short_date"] = short_date
    templates.env.filters["num"] = arabic_number
    templates.env.filters["counted"] = counted  # 3 أخبار، 15 خبرا، خبران
    templates.env.filters["counted_text"] = counted_text
    templates.env.filters["lag"] = lag_text  # "بعد ساعتين و5 دقائق" (story pages)
    templates.env.filters["clock"] = lambda t: t.strftime("%H:%M")
    templates.env.globals.update(
        type_names=TYPE_NAMES,
        colours=COLOURS,
        max_query=pages.MAX_QUERY_CHARS,
        period_presets=PRESET_LABELS,
        period_href=period_href,
        period_params=period_params,
        period_keep=kept,
        bucket_names=BUCKET_NAMES,
        bucket_label=bucket_label,
        source_items=source_items,  # the home page's ~330 sources in one pass
    )

    app.include_router(alerts_router(store, settings, templates))  # web/alerts.py
    cached = _CachedPages(PageCache(store, settings), store, settings)
    app.state.page_cache = cached.cache

    def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=status)

    def cached_html(request: Request, build: Callable[[], HTMLResponse]) -> HTMLResponse:
        """The whole rendered page from the page cache (same URL, same data version)."""
        if cached.cache.size <= 0:
            return build()
        return HTMLResponse(cached.cache.get(("html", str(request.url)), lambda: build().body))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": str(exc)}, status_code=404)
        return render(request, "error.html", 404, title="غير موجود", message=str(exc))

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": str(exc)}, status_code=400)
        return render(request, "error.html", 400, title="طلب غير صالح", message=str(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, exc: RequestValidationError) -> Response:
        errors = [{k: _json_safe(v) for k, v in e.items()} for e in exc.errors()]
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in errors
        )
        if any(e.get("type") == "json_invalid" for e in errors):  # not JSON at all: 400
            why = next(e for e in errors if e.get("type") == "json_invalid")
            problems = f"the request body is not valid JSON ({why.get('ctx', {}).get('error')})"
            return JSONResponse({"error": problems, "detail": errors}, status_code=400)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": problems, "detail": errors}, status_code=422)
        return render(
            request,
            "error.html",
            400,
            title="طلب غير صالح",
            message=f"معاملات غير صالحة: {problems}",
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or exc.status_code != 404:
            return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)
        return render(
            request, "error.html", 404, title="غير موجود", message="لا توجد صفحة بهذا العنوان."
        )

    def types_filter(type_: str | None) -> set[str] | None:
        if not type_:
            return None
        if type_ not in TYPE_FILTERS:
            raise InputError("type must be one of: people, organisations, places")
        return {TYPE_FILTERS[type_]}

    # ---- JSON API ----------------------------------------------------------------------
    @app.get("/api/home", response_model=pages.HomePage, tags=["pages"])
    def api_home(period: Chosen) -> Response:
        return _json(cached.home_page(period=period))

    @app.get("/api/entity/{key}", response_model=pages.EntityPage, tags=["pages"])
    def api_entity(
        key: str,
        period: Chosen,
        page: Annotated[int, Query(ge=1)] = 1,
        stories: bool = False,
        type: str | None = None,
        repeats: Annotated[
            bool, Query(description="every article, not one item per story")
        ] = False,
    ) -> Response:
        return _json(
            cached.entity_page(
                key,
                page=page,
                stories=stories,
                types=types_filter(type),
                period=period,
                repeats=repeats,
            )
        )

    @app.get("/api/entity/{key}/quotes", response_model=pages.QuotesPage, tags=["pages"])
    def api_entity_quotes(
        key: str, period: Chosen, page: Annotated[int, Query(ge=1)] = 1
    ) -> Response:
        """What the entity said (quoted and reported speech) in the period (default: all
        time), newest first."""
        return _json(cached.quotes_page(key, page=page, period=_all_time(period)))

    @app.get("/api/compare", response_model=pages.ComparePage, tags=["pages"])
    def api_compare(
        period: Chosen,
        e: Annotated[list[str], Query()] = [],  # noqa: B006
        view: str = "absolute",
    ) -> Response:
        return _json(cached.compare_page(e, view=view, period=period))

    @app.get("/api/search", response_model=pages.SearchPage, tags=["pages"])
    def api_search(
        q: str = "",
        page: Annotated[int, Query(ge=1)] = 1,
        source: Annotated[str | None, Query(description="source slug")] = None,
        date_from: Annotated[str | None, Query(alias="from", description="YYYY-MM-DD")] = None,
        date_to: Annotated[str | None, Query(alias="to", description="YYYY-MM-DD")] = None,
        entity: Annotated[str | None, Query(description="entity id, slug or alias")] = None,
    ) -> Response:
        """Articles containing every word (normalised, clitics folded), newest first."""
        return _json(
            cached.search_page(
                q,
                page=page,
                source=source,
                date_from=date_from,
                date_to=date_to,
                entity=entity,
            )
        )

    @app.get("/api/autocomplete", tags=["pages"], response_model=list[pages.Suggestion])
    async def api_autocomplete(
        q: str = "", limit: Annotated[int, Query(ge=1, le=20)] = 8
    ) -> Response:
        """Entities for what is typed so far (any alias, spelling variants, clitics)."""
        # async: a few hundred microseconds of SQLite, cheaper than a thread hop
        rows = cached.autocomplete(q, limit)
        return Response(json.dumps(rows, ensure_ascii=False), media_type="application/json")

    @app.get("/api/article/{article_id}", response_model=pages.ArticlePage, tags=["pages"])
    def api_article(article_id: int) -> Response:
        return _json(pages.article_page(store, article_id))

    @app.get("/api/story/{article_id}", response_model=story_page.StoryPage, tags=["pages"])
    def api_story(article_id: int) -> Response:
        """A story (any of its articles' ids): every source that carried it, first first,
        the time after the first, and how the headlines differ."""
        return _json(story_page.story_page(store, article_id))

    @app.get("/api/source/{slug}", response_model=pages.SourcePage, tags=["pages"])
    def api_source(slug: str, period: Chosen, page: Annotated[int, Query(ge=1)] = 1) -> Response:
        return _json(cached.source_page(slug, page=page, period=period))

    @app.get("/api/sources", tags=["pages"])
    def api_sources(period: Chosen) -> list[dict[str, Any]]:
        """Every source with its article count (every article it carried, whatever its
        date), the first and last day of them (``first_day``, ``last_day``), its articles in
        the period (``period_articles``; default: the last 30 days) and its feeds' status
        (last success, last error, failed polls in a row, pages done and failed)."""
        return pages.sources_page(store, settings, period)[1]

    @app.get("/api/stats", tags=["pages"])
    def api_stats() -> dict[str, int]:
        return store.stats()

    # ---- HTML pages --------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, period: Chosen) -> HTMLResponse:
        def build() -> HTMLResponse:
            data = cached.home_page(period=period)
            each = BUCKET_NAMES[data.period.bucket] if data.period else "يوم"
            chart = bar_chart(data.timeline, f"عدد الأخبار كل {each}", bucket=_bucket(data))
            return render(request, "home.html", data=data, chart=chart)

        return cached_html(request, build)

    @app.get("/entity/{key}", response_class=HTMLResponse, include_in_schema=False)
    def entity(
        request: Request,
        key: str,
        period: Chosen,
        page: Annotated[int, Query(ge=1)] = 1,
        stories: bool = False,
        type: str | None = None,
        repeats: bool = False,
    ) -> HTMLResponse:
        def build() -> HTMLResponse:
            data = cached.entity_page(
                key,
                page=page,
                stories=stories,
                types=types_filter(type),
                period=period,
                repeats=repeats,
            )
            each = BUCKET_NAMES[_bucket(data)]
            chart = bar_chart(
                data.timeline,
                f"عدد الأخبار كل {each} عن {data.name}",
                "قصص" if stories else "أخبار",
                _bucket(data),
            )
            page_url = f"{request.base_url}entity/{quote(data.slug)}"
            image = f"{page_url}/chart.{'png' if PNG_AVAILABLE else 'svg'}"
            return render(
                request,
                "entity.html",
                data=data,
                chart=chart,
                page_url=page_url,
                image_url=image,
                type_filter=type,
            )

        return cached_html(request, build)

    @app.get("/entity/{key}/quotes", response_class=HTMLResponse, include_in_schema=False)
    def entity_quotes(
        request: Request, key: str, period: Chosen, page: Annotated[int, Query(ge=1)] = 1
    ) -> HTMLResponse:
        def build() -> HTMLResponse:
            data = cached.quotes_page(key, page=page, period=_all_time(period))
            return render(request, "quotes.html", data=data)

        return cached_html(request, build)

    @app.get("/entity/{key}/chart.svg", include_in_schema=False)
    def entity_chart(key: str, period: Chosen, stories: bool = False) -> Response:
        name, points, bucket = cached.entity_timeline(key, stories=stories, period=period)
        label = f"عدد الأخبار كل {BUCKET_NAMES[bucket]} عن {name}"
        body = bar_chart(points, label, "قصص" if stories else "أخبار", bucket)
        return Response(body, media_type="image/svg+xml")

    @app.get("/entity/{key}/chart.png", include_in_schema=False)
    def entity_chart_png(key: str, period: Chosen, stories: bool = False) -> Response:
        """The chart as a 1200×630 PNG for link previews (og:image)."""
        name, points, bucket = cached.entity_timeline(key, stories=stories, period=period)
        if not PNG_AVAILABLE:
            return Response(bar_chart(points, name, bucket=bucket), media_type="image/svg+xml")
        label = f"عدد الأخبار كل {BUCKET_NAMES[bucket]} عن {name}"
        return Response(png_chart(points, label), media_type="image/png")

    add_export_routes(app, store, settings, types_filter)  # every list as CSV / JSONL

    @app.get("/entity/{key}/feed.atom", include_in_schema=False)
    def entity_feed(request: Request, key: str, period: Chosen) -> Response:
        data = cached.entity_page(key, period=period)
        return _atom_response(request, data.name, f"entity/{quote(data.slug)}", data.articles)

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare(
        request: Request,
        period: Chosen,
        e: Annotated[list[str], Query()] = [],  # noqa: B006
        view: str = "absolute",
    ) -> HTMLResponse:
        def build() -> HTMLResponse:
            data = cached.compare_page(e, view=view, period=period)
            unit = "لكل ألف خبر" if view == "share" else "أخبار"
            lines = [(s.name, s.timeline) for s in data.series]
            chart = line_chart(lines, "مقارنة", unit, _bucket(data))
            return render(request, "compare.html", data=data, chart=chart, keys=e)

        return cached_html(request, build)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search(
        request: Request,
        q: str = "",
        page: Annotated[int, Query(ge=1)] = 1,
        source: str | None = None,
        date_from: Annotated[str | None, Query(alias="from")] = None,
        date_to: Annotated[str | None, Query(alias="to")] = None,
        entity: str | None = None,
    ) -> HTMLResponse:
        def build() -> HTMLResponse:
            data = cached.search_page(
                q,
                page=page,
                source=source or None,
                date_from=date_from,
                date_to=date_to,
                entity=entity or None,
            )
            params = {
                "q": q,
                "source": data.source,
                "from": data.date_from,
                "to": data.date_to,
                "entity": data.entity.slug if data.entity else None,
            }
            base = "?" + "".join(f"{k}={quote(str(v), safe='')}&" for k, v in params.items() if v)
            return render(
                request,
                "search.html",
                data=data,
                pager_base=base,
                all_sources=[(r["slug"], r["name"]) for r in cached.source_choices()],
            )

        return cached_html(request, build)

    @app.get("/article/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article(request: Request, article_id: int) -> HTMLResponse:
        data = pages.article_page(store, article_id)
        return render(request, "article.html", data=data, segments=_linked_segments(data))

    @app.get("/story/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def story(request: Request, article_id: int) -> HTMLResponse:
        data = story_page.story_page(store, article_id)
        return render(request, "story.html", data=data)

    @app.get("/sources", response_class=HTMLResponse, include_in_schema=False)
    def sources(request: Request, period: Chosen) -> HTMLResponse:
        chosen, rows = pages.sources_page(store, settings, period)
        return render(request, "sources.html", rows=rows, period=chosen)

    @app.get("/source/{slug}", response_class=HTMLResponse, include_in_schema=False)
    def source(
        request: Request, slug: str, period: Chosen, page: Annotated[int, Query(ge=1)] = 1
    ) -> HTMLResponse:
        def build() -> HTMLResponse:
            data = cached.source_page(slug, page=page, period=period)
            chart = bar_chart(data.timeline, data.name, bucket=_bucket(data))
            return render(request, "source.html", data=data, chart=chart)

        return cached_html(request, build)

    @app.get("/source/{slug}/feed.atom", include_in_schema=False)
    def source_feed(request: Request, slug: str, period: Chosen) -> Response:
        data = cached.source_page(slug, period=period)
        return _atom_response(request, data.name, f"source/{quote(slug)}", data.articles)

    return app


def _bucket(data: Any) -> str:
    """The bucket of a page's timeline (``day``, ``week``, ``month``)."""
    return data.period.bucket if data.period else "day"


def _all_time(period: Period) -> Period | None:
    """The period asked for, or all time when none was (quotes and the articles export
    default to everything, as before periods existed)."""
    return period if period.preset or period.custom else Period("all")


def _json_safe(value: Any) -> Any:
    """A validation error's field as JSON can carry it (a raw body arrives as bytes)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
    return value


def _json(data: Any) -> Response:
    """A page model as JSON (already validated: no second pass through the response model)."""
    return Response(data.model_dump_json(), media_type="application/json")


class _CachedPages:
    """The page functions of ``marsad.pages``, answered from the page cache when fresh."""

    WITH_SETTINGS = {
        "entity_page",
        "compare_page",
        "source_page",
        "entity_timeline",
        "home_page",
        "quotes_page",
    }

    def __init__(self, cache: PageCache, store: Store, settings: Settings) -> None:
        self.cache, self.store, self.settings = cache, store, settings

    def __getattr__(self, name: str) -> Any:
        fn = getattr(pages, name)
        lead = (self.store, self.settings) if name in self.WITH_SETTINGS else (self.store,)

        def call(*args: Any, **kwargs: Any) -> Any:
            key = (name, _hashable(args), _hashable(sorted(kwargs.items())))
            return self.cache.get(key, lambda: fn(*lead, *args, **kwargs))

        return call


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, set | frozenset):
        return frozenset(value)
    return value


def _atom_response(
    request: Request, name: str, page_path: str, items: list[pages.ArticleItem]
) -> Response:
    """The Atom feed of a page that lists articles (``page_path`` relative to the site)."""
    base = str(request.base_url)
    body = atom_feed(f"مرصد: {name}", str(request.url), base + page_path, items, base)
    return Response(body, media_type="application/atom+xml")


def _linked_segments(data: pages.ArticlePage) -> list[tuple[str, str, pages.MentionOut | None]]:
    """The article split into (part, text, mention) so the template can link each mention."""
    title_len = len(data.title) + 1
    out: list[tuple[str, str, pages.MentionOut | None]] = []
    pos = title_len
    for m in data.mentions:
        if m.start < pos:
            continue
        out.append(("text", data.text[pos - title_len : m.start - title_len], None))
        out.append(("mention", data.text[m.start - title_len : m.end - title_len], m))
        pos = m.end
    out.append(("text", data.text[pos - title_len :], None))
    return out
