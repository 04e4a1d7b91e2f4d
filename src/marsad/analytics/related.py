"""Who is most related to X: co-mentioned entities ranked by log-likelihood ratio.

For entity X and a candidate Y over the N articles of the window, with a = articles
naming both, b = X without Y, c = Y without X, d = neither, the score is Dunning's G²
(2 Σ observed · ln(observed / expected)) of that 2×2 table, kept only when X and Y appear
together more often than chance (a > expected) and in at least ``min_shared`` articles.
Unlike raw counts it does not put the biggest countries on top of every page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from marsad.analytics.window import Window
from marsad.store.database import Store


@dataclass(frozen=True)
class Related:
    id: int
    slug: str
    name: str
    type: str
    shared: int
    score: float


# G² has a χ² distribution with one degree of freedom when the two are independent: 10.83
# is the 0.1 % level. Above it, the words readers see instead of the number.
STRENGTHS: tuple[tuple[float, str], ...] = (
    (200.0, "قوي جدا"),
    (50.0, "قوي"),
    (10.83, "واضح"),
    (0.0, "ضعيف"),
)


def strength_words(score: float) -> str:
    """How strong a relation is, in words ("قوي جدا", "قوي", "واضح", "ضعيف")."""
    return next(words for floor, words in STRENGTHS if score >= floor)


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    n = a + b + c + d
    if n == 0:
        return 0.0
    total = 0.0
    for observed, row, col in (
        (a, a + b, a + c),
        (b, a + b, b + d),
        (c, c + d, a + c),
        (d, c + d, b + d),
    ):
        if observed > 0:
            total += observed * math.log(observed * n / (row * col))
    return 2.0 * total


def related(
    store: Store,
    entity_id: int,
    window: Window,
    *,
    limit: int | None = 10,
    min_shared: int = 2,
    types: set[str] | None = None,
) -> list[Related]:
    start, end = window.bounds
    n = store.articles_total(start, end)
    x = store.entity_total(entity_id, start, end)
    out = []
    for row in store.cooccurrences(entity_id, start, end):
        if types and row["type"] not in types:
            continue
        a = row["shared"]
        y = row["total"]
        if a < min_shared or n == 0 or a * n <= x * y:  # not above chance
            continue
        score = log_likelihood(a, x - a, y - a, max(n - x - y + a, 0))
        out.append(Related(row["id"], row["slug"], row["name"], row["type"], a, round(score, 2)))
    out.sort(key=lambda r: (-r.score, -r.shared, r.name))
    return out[:limit]
