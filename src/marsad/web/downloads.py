"""The export routes: every list of the site as CSV and JSONL, all rows, streamed.

``/entity/<key>/{articles,quotes,mentions,related,timeline}.{csv,jsonl}`` and
``/search.{csv,jsonl}?q=…&source=…&from=…&to=…&entity=…``; the bytes come from
``marsad.exports`` (the same as ``marsad export``). Not cached: an export is read fresh.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import FastAPI, Query
from fastapi.responses import StreamingResponse

from marsad import exports
from marsad.config import Settings
from marsad.store.database import Store


def download(export: exports.Export, fmt: str) -> StreamingResponse:
    """The export as an attachment named after the list (``lavrov-articles.csv``)."""
    filename = f"{export.name}.{fmt}"
    return StreamingResponse(
        exports.chunks(export, fmt),
        media_type=exports.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


def add_export_routes(
    app: FastAPI,
    store: Store,
    settings: Settings,
    types_filter: Callable[[str | None], set[str] | None],
) -> None:
    for fmt in exports.FORMATS:
        _add_format(app, store, settings, types_filter, fmt)


def _add_format(
    app: FastAPI,
    store: Store,
    settings: Settings,
    types_filter: Callable[[str | None], set[str] | None],
    fmt: str,
) -> None:
    @app.get(f"/entity/{{key}}/articles.{fmt}", tags=["exports"], summary=f"articles.{fmt}")
    def entity_articles(key: str) -> StreamingResponse:
        """Every article naming the entity, newest first, with its first mention."""
        return download(exports.entity_articles(store, key), fmt)

    @app.get(f"/entity/{{key}}/quotes.{fmt}", tags=["exports"], summary=f"quotes.{fmt}")
    def entity_quotes(key: str) -> StreamingResponse:
        """Everything the entity said, newest first, with its article."""
        return download(exports.entity_quotes(store, key), fmt)

    @app.get(f"/entity/{{key}}/mentions.{fmt}", tags=["exports"], summary=f"mentions.{fmt}")
    def entity_mentions(key: str) -> StreamingResponse:
        """Every mention of the entity: article, name as written, offsets, type."""
        return download(exports.entity_mentions(store, key), fmt)

    @app.get(f"/entity/{{key}}/related.{fmt}", tags=["exports"], summary=f"related.{fmt}")
    def entity_related(key: str, type: str | None = None) -> StreamingResponse:
        """Every related entity over the window (no top-N cut), best score first."""
        return download(exports.entity_related(store, settings, key, types_filter(type)), fmt)

    @app.get(f"/entity/{{key}}/timeline.{fmt}", tags=["exports"], summary=f"timeline.{fmt}")
    def entity_timeline(key: str) -> StreamingResponse:
        """Articles and stories per day over the window, zero days included."""
        return download(exports.entity_timeline(store, settings, key), fmt)

    @app.get(f"/search.{fmt}", tags=["exports"], summary=f"search.{fmt}")
    def search(
        q: str = "",
        source: Annotated[str | None, Query(description="source slug")] = None,
        date_from: Annotated[str | None, Query(alias="from", description="YYYY-MM-DD")] = None,
        date_to: Annotated[str | None, Query(alias="to", description="YYYY-MM-DD")] = None,
        entity: Annotated[str | None, Query(description="entity id, slug or alias")] = None,
    ) -> StreamingResponse:
        """Every article the search finds, most recently stored first (no cap)."""
        found = exports.search(store, q, source or None, date_from, date_to, entity or None)
        return download(found, fmt)
