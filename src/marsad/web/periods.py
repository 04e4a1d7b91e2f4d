"""The period picker's links: the same page with another period, every other parameter kept.

Presets are plain links and the custom period a GET form, so the choice works without
JavaScript; a page number is dropped (page 3 of a year is not page 3 of a week).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Query, Request

from marsad.analytics.window import Period

PRESET_LABELS = (
    ("7", "7 أيام"),
    ("30", "30 يوما"),
    ("90", "90 يوما"),
    ("365", "سنة"),
    ("all", "كل الأرشيف"),
)
PERIOD_PARAMS = ("period", "from", "to")


def period_query(
    period: Annotated[
        str | None, Query(description="7, 30, 90, 365 (days up to the newest) or all")
    ] = None,
    date_from: Annotated[
        str | None, Query(alias="from", description="first day, YYYY-MM-DD (wins over period)")
    ] = None,
    date_to: Annotated[str | None, Query(alias="to", description="last day, YYYY-MM-DD")] = None,
) -> Period:
    """The period a request asks for (a FastAPI dependency)."""
    return Period.parse(period, date_from, date_to)


Chosen = Annotated[Period, Depends(period_query)]  # period=…, from=…, to=… in a route


def kept(
    request: Request, drop: tuple[str, ...] = (*PERIOD_PARAMS, "page")
) -> list[tuple[str, str]]:
    """The request's query parameters without ``drop`` (hidden fields of the custom form)."""
    return [(k, v) for k, v in request.query_params.multi_items() if k not in drop and v]


def period_href(request: Request, preset: str) -> str:
    """This page's query string with the preset ``preset`` instead of the current period."""
    return "?" + urlencode([*kept(request), ("period", preset)])


def period_params(request: Request) -> str:
    """``period=…&`` / ``from=…&to=…&`` as the request gave them ('' for the default), to
    carry the period into the page's other links (pager, switches, exports)."""
    given = [(k, v) for k, v in request.query_params.multi_items() if k in PERIOD_PARAMS and v]
    return urlencode(given) + "&" if given else ""
