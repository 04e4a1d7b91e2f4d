"""Charts as inline SVG: readable without JavaScript, with axis labels and per-day tooltips."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from marsad.pages import DayCountOut

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 34
COLOURS = ("#0b6e4f", "#c0392b", "#2c5ea8", "#b8860b", "#7b3fa0")


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4
    return value


def _day_label(day: date) -> str:
    return f"{day.day}/{day.month}"


def _axes(days: Sequence[date], top: int, unit: str) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [
        f'<text x="{LEFT - 6}" y="{TOP - 2}" class="axis-title" text-anchor="end">{escape(unit)}</text>'
    ]
    for i in range(5):
        value = top * i // 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{value}</text>'
        )
    step = max(1, len(days) // 8)
    slot = plot_w / max(len(days), 1)
    for i, day in enumerate(days):
        if i % step == 0 or i == len(days) - 1:
            x = LEFT + slot * (i + 0.5)
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" class="tick">{_day_label(day)}</text>'
            )
    return parts


def _svg(body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" direction="ltr" class="chart">'
        "<style>.grid{stroke:#ddd;stroke-width:1}.tick,.axis-title{font:12px sans-serif;fill:#555}"
        ".bar{fill:#0b6e4f}.bar:hover,.bar:focus{fill:#e67e22}.line{fill:none;stroke-width:2.5}</style>"
        + "".join(body)
        + "</svg>"
    )


def bar_chart(points: Sequence[DayCountOut], label: str, unit: str = "أخبار") -> str:
    """One bar per day, zero days included; each bar's <title> gives the exact figure."""
    top = _nice_max(max((p.count for p in points), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(points), 1)
    body = _axes([p.day for p in points], top, unit)
    for i, p in enumerate(points):
        h = plot_h * p.count / top if top else 0
        x = LEFT + slot * i + slot * 0.15
        y = TOP + plot_h - h
        body.append(
            f'<rect class="bar" tabindex="0" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{max(h, 0):.1f}">'
            f"<title>{p.day.isoformat()}: {p.count}</title></rect>"
        )
    return _svg(body, label)


def line_chart(
    series: Sequence[tuple[str, Sequence[DayCountOut]]], label: str, unit: str = "أخبار"
) -> str:
    """Several daily series on one chart, one colour each (legend is drawn by the page)."""
    days = [p.day for p in series[0][1]] if series else []
    top = _nice_max(max((p.count for _, pts in series for p in pts), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(days), 1)
    body = _axes(days, top, unit)
    for n, (name, pts) in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        coords = [
            (LEFT + slot * (i + 0.5), TOP + plot_h - (plot_h * p.count / top if top else 0))
            for i, p in enumerate(pts)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(
            f'<polyline class="line" stroke="{colour}" points="{path}"><title>{escape(name)}</title></polyline>'
        )
        for (x, y), p in zip(coords, pts, strict=True):
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}" tabindex="0">'
                f"<title>{escape(name)} {p.day.isoformat()}: {p.count}</title></circle>"
            )
    return _svg(body, label)
