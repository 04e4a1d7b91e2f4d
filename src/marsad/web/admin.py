"""The admin API: operator corrections over HTTP, behind a bearer token.

The token is ``settings.admin_token`` (MARSAD_ADMIN_TOKEN or ``admin_token`` in
config.toml). Without a configured token the admin API answers 401 to everyone.

    curl -X POST -H "Authorization: Bearer $MARSAD_ADMIN_TOKEN" -H 'Content-Type: application/json' \\
         -d '{"source": "سيرجي لافروف", "target": "سيرغي لافروف"}' http://127.0.0.1:8000/api/admin/merge
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from pydantic import BaseModel, Field

from marsad.config import Settings
from marsad.entities import edits
from marsad.store.database import Store
from marsad.store.edits import edits_log


class MergeBody(BaseModel):
    source: str
    target: str


class SplitBody(BaseModel):
    entity: str
    aliases: list[str] = []
    name: str | None = None
    type: str | None = None


class RenameBody(BaseModel):
    name: str


class AliasBody(BaseModel):
    alias: str


class DescribeBody(BaseModel):
    description: str
    source: str | None = None
    url: str | None = None


class EnrichBody(BaseModel):
    limit: Annotated[int, Field(ge=1, le=50)] = 10
    min_articles: Annotated[int | None, Field(ge=1)] = None
    entity: str | None = None


def json_only(request: Request) -> None:
    """A body in any other media type than JSON is refused (415) before it is read as one."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media and media != "application/json" and not media.endswith("+json"):
        raise HTTPException(
            status_code=415,
            detail=f"the admin API reads JSON: send Content-Type: application/json (not {media})",
        )


def token_ok(settings: Settings, given: str | None) -> bool:
    """Whether ``given`` is the configured admin token (never when none is configured)."""
    token = settings.admin_token
    return bool(token and given) and hmac.compare_digest(
        (given or "").strip().encode(), (token or "").encode()
    )


def admin_guard(settings: Settings) -> Callable[..., None]:
    """The dependency of every admin route: ``Authorization: Bearer <MARSAD_ADMIN_TOKEN>``."""

    def authorised(authorization: Annotated[str | None, Header()] = None) -> None:
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token_ok(settings, given):
            raise HTTPException(
                status_code=401,
                detail="admin token required (Authorization: Bearer …; set MARSAD_ADMIN_TOKEN)",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return authorised


def admin_router(store: Store, settings: Settings) -> APIRouter:
    authorised = admin_guard(settings)
    router = APIRouter(
        prefix="/api/admin", tags=["admin"], dependencies=[Depends(authorised), Depends(json_only)]
    )

    @router.post("/merge")
    def merge(body: MergeBody) -> dict[str, Any]:
        """Merge ``source`` into ``target`` (ids, slugs or aliases)."""
        return edits.merge(store, body.source, body.target)

    @router.post("/split")
    def split(body: SplitBody) -> dict[str, Any]:
        """Split names off an entity, or bring back an entity merged into it (``name``)."""
        return edits.split(store, body.entity, body.aliases, name=body.name, type_=body.type)

    @router.post("/entity/{key}/rename")
    def rename(key: str, body: RenameBody) -> dict[str, Any]:
        return edits.rename(store, key, body.name)

    @router.post("/entity/{key}/aliases")
    def alias_add(key: str, body: AliasBody) -> dict[str, Any]:
        return edits.alias_add(store, key, body.alias)

    @router.delete("/entity/{key}/aliases/{alias}")
    def alias_remove(key: str, alias: str) -> dict[str, Any]:
        return edits.alias_remove(store, key, alias)

    @router.put("/entity/{key}/description")
    def describe(key: str, body: DescribeBody) -> dict[str, Any]:
        return edits.describe(store, key, body.description, source=body.source, url=body.url)

    @router.post("/enrich")
    def enrich_now(body: EnrichBody) -> dict[str, Any]:
        """Look up descriptions now (as `marsad kb enrich`): ``limit`` entities with at
        least ``min_articles`` articles and none, or ``entity`` alone. Each look-up takes a
        few polite requests: keep ``limit`` small here, run the CLI for many."""
        from dataclasses import asdict

        from marsad.entities.enrich import enrich

        report = enrich(
            store, settings, min_articles=body.min_articles, limit=body.limit, entity=body.entity
        )
        return asdict(report)

    @router.delete("/entity/{key}/enrichment")
    def enrichment_undo(key: str) -> dict[str, Any]:
        """Take back a wrong Wikipedia/Wikidata match (kb enrich); it is never made again."""
        from marsad.entities.enrich import undo

        return undo(store, key)

    @router.put("/source/{slug}/name")
    def source_name(slug: str, body: RenameBody) -> dict[str, Any]:
        """The readable name of a source (``alarabia`` → العربية) on every page."""
        from marsad.sources.names import set_source_name

        return set_source_name(store, slug, body.name)

    @router.get("/edits")
    def log(limit: int = 100) -> list[dict[str, Any]]:
        """Every operator edit, newest first."""
        return edits_log(store, min(max(limit, 1), 1000))

    return router
