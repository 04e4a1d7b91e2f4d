"""Trending entities: a rise against each entity's own baseline, not raw volume.

rise = (articles per day over the last ``recent`` days + 1) /
       (articles per day over the ``baseline`` days before them + 1)
Entities need at least ``min_recent`` articles in the recent days.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from marsad.analytics.window import Window
from marsad.store.database import Store


@dataclass(frozen=True)
class Trend:
    id: int
    slug: str
    name: str
    type: str
    recent: int
    baseline_per_day: float
    rise: float


def trending(
    store: Store, window: Window, *, recent: int = 3, limit: int = 10, min_recent: int = 3
) -> list[Trend]:
    recent_start = window.end - timedelta(days=recent - 1)
    baseline_days = max((recent_start - window.start).days, 1)
    start, end = window.bounds
    split = recent_start.isoformat()

    def score(entity_id: int, r: int, earlier: int) -> tuple[int, int, float, float]:
        base = earlier / baseline_days
        return entity_id, r, base, (r / recent + 1) / (base + 1)

    def order(t: tuple[int, int, float, float]) -> tuple[float, int, int]:
        return -t[3], -t[1], t[0]  # equal scores: by entity id

    # the default period: its sums are kept, ranked by the same rise in SQL (read with a
    # margin, and ranked again here: the order does not rest on SQLite's arithmetic)
    kept = store.kept_window_sums(start, split, end, min_recent, (recent, baseline_days), 2 * limit)
    if kept is not None:
        scored = sorted((score(*k) for k in kept), key=order)
    else:
        scored = _leaders(store, window, split, recent, min_recent, limit, score, order)
    rows = store.entity_rows(t[0] for t in scored[:limit])
    return [
        Trend(
            eid,
            rows[eid]["slug"],
            rows[eid]["name"],
            rows[eid]["type"],
            r,
            round(base, 2),
            round(rise, 2),
        )
        for eid, r, base, rise in scored[:limit]
    ]


def _leaders(
    store: Store,
    window: Window,
    split: str,
    recent: int,
    min_recent: int,
    limit: int,
    score: Callable[[int, int, int], tuple[int, int, float, float]],
    order: Callable[[tuple[int, int, float, float]], tuple[float, int, int]],
) -> list[tuple[int, int, float, float]]:
    """The candidates scored, the ``limit`` best first, from the daily rollups."""
    start, end = window.bounds
    # the most recent articles first: an entity's rise is at most r / recent + 1 (no
    # earlier article), so once that is below the limit-th rise found, none after can
    # enter, and their earlier days are not read (a million articles: ~1,500 candidates)
    candidates = sorted(
        store.recent_sums(start, split, end, min_recent), key=lambda t: (-t[1], t[0])
    )
    scored: list[tuple[int, int, float, float]] = []
    chunk = 4 * limit
    for at in range(0, len(candidates), chunk):
        part = candidates[at : at + chunk]
        if len(scored) >= limit and part[0][1] / recent + 1 < scored[limit - 1][3]:
            break
        earlier = store.earlier_sums([e for e, _ in part], start, split, end)
        scored += [score(entity_id, r, earlier.get(entity_id, 0)) for entity_id, r in part]
        scored.sort(key=order)
    return scored
