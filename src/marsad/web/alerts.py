"""Alerts on the site: watchlists behind the admin token, each watchlist's page and feed.

* ``/api/admin/watchlists`` (GET, POST), ``/api/admin/watchlists/<id or name>`` (GET,
  DELETE): the operator's API, ``Authorization: Bearer`` as every admin route
  (web/admin.py). Deliveries run after ingest, analysis and crawl rounds (and
  ``marsad alerts run``), never in a web request;
* ``/alerts``: the same for a browser — the admin token is typed once into a form and kept
  in an HttpOnly, SameSite=Strict cookie; forms post to the site itself only;
* ``/alerts/<feed token>``, ``/alerts/<feed token>/feed.atom``, ``/api/alerts/<feed
  token>``: what one watchlist matched, for whoever has its (unguessable) address.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from marsad.alerts import watchlists
from marsad.config import Settings
from marsad.errors import MarsadError
from marsad.store.database import Store
from marsad.web.admin import admin_guard, json_only, token_ok
from marsad.web.atom import atom_feed

COOKIE = "marsad_admin"


class WatchlistBody(BaseModel):
    name: str
    entities: list[str] = []
    query: str = ""
    source: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    email_to: str | None = None


def alerts_router(store: Store, settings: Settings, templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()
    admin = APIRouter(
        prefix="/api/admin",
        tags=["admin"],
        dependencies=[Depends(admin_guard(settings)), Depends(json_only)],
    )

    @admin.get("/watchlists", response_model=list[watchlists.WatchlistOut])
    def list_watchlists() -> list[watchlists.WatchlistOut]:
        """Every watchlist with its matches, deliveries and last delivery error."""
        return watchlists.all_watchlists(store)

    @admin.post("/watchlists", response_model=watchlists.CreatedWatchlist, status_code=201)
    def add_watchlist(body: WatchlistBody) -> watchlists.CreatedWatchlist:
        """Save a watchlist (entities: any of them; query: every word). The answer holds
        its feed token and webhook secret."""
        return _create(store, body.model_dump())

    @admin.get("/watchlists/{key}", response_model=watchlists.WatchlistOut)
    def get_watchlist(key: str) -> watchlists.WatchlistOut:
        return watchlists.describe(store, watchlists.find(store, key))

    @admin.delete("/watchlists/{key}")
    def remove_watchlist(key: str) -> dict[str, Any]:
        return watchlists.remove(store, key)

    router.include_router(admin)

    # ---- one watchlist, by its feed token ------------------------------------------------
    @router.get("/api/alerts/{token}", response_model=watchlists.WatchlistPage, tags=["alerts"])
    def api_watchlist(token: str, page: Annotated[int, Query(ge=1)] = 1) -> Response:
        """What the watchlist matched, newest first (its address is its secret)."""
        data = watchlists.watchlist_page(store, token, page)
        return Response(data.model_dump_json(), media_type="application/json")

    @router.get("/alerts/{token}/feed.atom", include_in_schema=False)
    def watchlist_feed(request: Request, token: str) -> Response:
        data = watchlists.watchlist_page(store, token)
        base = str(request.base_url)
        page_url = f"{base}alerts/{quote(token)}"
        body = atom_feed(f"مرصد: {data.name}", str(request.url), page_url, data.articles, base)
        return Response(body, media_type="application/atom+xml")

    @router.get("/alerts/{token}", response_class=HTMLResponse, include_in_schema=False)
    def watchlist_html(
        request: Request, token: str, page: Annotated[int, Query(ge=1)] = 1
    ) -> HTMLResponse:
        data = watchlists.watchlist_page(store, token, page)
        return templates.TemplateResponse(request, "watchlist.html", {"data": data, "token": token})

    # ---- the operator's page ---------------------------------------------------------------
    def session() -> str:
        """The cookie's value: derived from the admin token (never the token itself);
        changing the token signs every browser out."""
        key = (settings.admin_token or "").encode()
        return hmac.new(key, b"marsad alerts page", hashlib.sha256).hexdigest()

    def signed_in(request: Request) -> bool:
        given = request.cookies.get(COOKIE) or ""
        return bool(settings.admin_token) and hmac.compare_digest(given, session())

    def admin_page(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
        rows = watchlists.all_watchlists(store) if signed_in(request) else []
        context = {"signed_in": signed_in(request), "rows": rows, "error": None} | context
        context["configured"] = bool(settings.admin_token)
        return templates.TemplateResponse(request, "alerts.html", context, status_code=status)

    def back() -> RedirectResponse:
        return RedirectResponse("/alerts", status_code=303)

    @router.get("/alerts", response_class=HTMLResponse, include_in_schema=False)
    def alerts_page(request: Request) -> HTMLResponse:
        return admin_page(request)

    @router.post("/alerts/sign-in", include_in_schema=False)
    def sign_in(request: Request, token: Annotated[str, Form()] = "") -> Response:
        if not token_ok(settings, token):
            return admin_page(request, 401, error="رمز المشرف غير صحيح — wrong admin token")
        resp = back()
        resp.set_cookie(
            COOKIE,
            session(),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
        return resp

    @router.post("/alerts/sign-out", include_in_schema=False)
    def sign_out() -> Response:
        resp = back()
        resp.delete_cookie(COOKIE, path="/")
        return resp

    @router.post("/alerts/new", include_in_schema=False)
    def add_from_form(
        request: Request,
        name: Annotated[str, Form()] = "",
        entities: Annotated[str, Form()] = "",
        query: Annotated[str, Form()] = "",
        source: Annotated[str, Form()] = "",
        webhook_url: Annotated[str, Form()] = "",
        email_to: Annotated[str, Form()] = "",
    ) -> Response:
        if not signed_in(request):
            return admin_page(request, 401, error="سجّل الدخول برمز المشرف أولا")
        body = {
            "name": name,
            "entities": [e.strip() for e in entities.replace("،", ",").split(",") if e.strip()],
            "query": query,
            "source": source or None,
            "webhook_url": webhook_url or None,
            "email_to": email_to or None,
        }
        try:
            made = _create(store, body)
        except MarsadError as exc:
            return admin_page(request, 400, error=str(exc))
        return admin_page(request, 201, created=made)

    @router.post("/alerts/{key}/remove", include_in_schema=False)
    def remove_from_form(request: Request, key: str) -> Response:
        if not signed_in(request):
            return admin_page(request, 401, error="سجّل الدخول برمز المشرف أولا")
        watchlists.remove(store, key)
        return back()

    return router


def _create(store: Store, body: dict[str, Any]) -> watchlists.CreatedWatchlist:
    return watchlists.create(
        store,
        body["name"],
        entities=body.get("entities") or [],
        query=body.get("query") or "",
        source=body.get("source"),
        webhook_url=body.get("webhook_url"),
        webhook_secret=body.get("webhook_secret"),
        email_to=body.get("email_to"),
    )
