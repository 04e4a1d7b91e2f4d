"""Articles per day, week or month over a window, empty buckets included."""

from __future__ import annotations

from dataclasses import dataclass

from marsad.analytics.window import Window
from marsad.store.database import Store


@dataclass(frozen=True)
class DayCount:
    day: str  # YYYY-MM-DD: the day, or the first day of the week or month in the window
    count: int


def timeline(
    store: Store,
    entity_id: int | None,
    window: Window,
    *,
    stories: bool = False,
    source_id: int | None = None,
) -> list[DayCount]:
    """One figure per bucket of the window (``window.bucket``: days up to about three
    months, then weeks, then months). A story counts once per day, so a story that ran
    over several days of one week counts once for each of them in that week."""
    start, end = window.bounds
    counts = store.daily_counts(entity_id, start, end, stories=stories, source_id=source_id)
    starts = window.bucket_starts
    sums = dict.fromkeys(starts.values(), 0)
    for day, n in counts.items():
        sums[starts[day]] += n
    return [DayCount(d, n) for d, n in sums.items()]
