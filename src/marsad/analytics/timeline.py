"""Articles per day, zero days included."""

from __future__ import annotations

from dataclasses import dataclass

from marsad.analytics.window import Window
from marsad.store.database import Store


@dataclass(frozen=True)
class DayCount:
    day: str  # YYYY-MM-DD
    count: int


def timeline(
    store: Store,
    entity_id: int | None,
    window: Window,
    *,
    stories: bool = False,
    source_id: int | None = None,
) -> list[DayCount]:
    start, end = window.bounds
    counts = store.daily_counts(entity_id, start, end, stories=stories, source_id=source_id)
    return [DayCount(d.isoformat(), counts.get(d.isoformat(), 0)) for d in window.days]
