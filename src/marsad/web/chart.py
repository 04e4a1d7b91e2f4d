"""Charts as inline SVG: readable without JavaScript, Arabic axis, exact figures on hover/focus.

Every day is a focusable group (Tab moves through the days) carrying an ``aria-label``
and a ``<title>`` with the exact figure, plus a visible label shown on hover and on
keyboard focus by the chart's own CSS. Time runs left to right, as in Arabic news charts;
the count axis stands on the right, beside the newest days: on a phone the chart scrolls
in its frame and, the page being right-to-left, opens at its right edge — the newest days
with the axis in view.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from marsad.pages import DayCountOut

WIDTH, HEIGHT = 720, 250
LEFT, RIGHT, TOP, BOTTOM = 14, 48, 30, 36
COLOURS = ("#0b6e4f", "#c0392b", "#2c5ea8", "#8a6100", "#7b3fa0")
MONTHS = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)
STYLE = (
    "<style>"
    ".grid{stroke:#dde1e5;stroke-width:1}"
    ".tick,.axis-title{font:12px 'Noto Sans Arabic','DejaVu Sans',sans-serif;fill:#4a525c}"
    ".bar{fill:#0b6e4f}.zero{fill:#b9c0c8}"
    ".day:hover .bar,.day:focus .bar{fill:#c25e00}"
    ".day{outline:none}.day:focus .hit{stroke:#c25e00;stroke-width:2;fill:none}"
    ".tip{visibility:hidden;pointer-events:none}"
    ".day:hover .tip,.day:focus .tip{visibility:visible}"
    ".tip rect{fill:#1d232a;opacity:.92}"
    ".tip text{font:bold 13px 'Noto Sans Arabic','DejaVu Sans',sans-serif;fill:#fff}"
    ".line{fill:none;stroke-width:2.5}"
    "</style>"
)


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000):
        if value <= step * 4:
            return step * 4
    return value


def day_label(day: date, with_year: bool = False) -> str:
    """ "20 نوفمبر" (or "20 نوفمبر 2026")."""
    return f"{day.day} {MONTHS[day.month - 1]}" + (f" {day.year}" if with_year else "")


def _axes(days: Sequence[date], top: int, unit: str) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [
        f'<text x="{WIDTH - 4}" y="{TOP - 12}" class="axis-title" text-anchor="start" '
        f'direction="rtl">{escape(unit)}</text>'
    ]
    for i in range(5):
        value = top * i // 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
        )
        parts.append(
            f'<text x="{WIDTH - RIGHT + 6}" y="{y + 4:.1f}" text-anchor="start" class="tick">'
            f"{value:,}</text>"
        )
    step = max(1, -(-len(days) // 6))
    slot = plot_w / max(len(days), 1)
    for i, day in enumerate(days):
        if i % step == 0:
            x = LEFT + slot * (i + 0.5)
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 20}" text-anchor="middle" '
                f'direction="rtl" class="tick">{day_label(day)}</text>'
            )
    return parts


def _tip(x: float, y: float, label: str) -> str:
    """A dark label above (x, y), kept inside the chart."""
    w = 9 + 7.2 * len(label)
    left = min(max(x - w / 2, 2), WIDTH - w - 2)
    top = max(y - 30, 2)
    return (
        f'<g class="tip" aria-hidden="true"><rect x="{left:.1f}" y="{top:.1f}" width="{w:.1f}" '
        f'height="22" rx="4"/><text x="{left + w / 2:.1f}" y="{top + 16:.1f}" '
        f'text-anchor="middle" direction="rtl">{escape(label)}</text></g>'
    )


def _svg(body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="group" '
        f'aria-label="{escape(label)}" direction="ltr" class="chart">'
        f"<title>{escape(label)}</title>" + STYLE + "".join(body) + "</svg>"
    )


def bar_chart(points: Sequence[DayCountOut], label: str, unit: str = "أخبار") -> str:
    """One bar per day, zero days included (as a grey stub); each day shows its figure."""
    top = _nice_max(max((p.count for p in points), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(points), 1)
    body = _axes([p.day for p in points], top, unit)
    for i, p in enumerate(points):
        h = plot_h * p.count / top if top else 0
        x = LEFT + slot * i + slot * 0.15
        y = TOP + plot_h - h
        text = f"{day_label(p.day, True)}: {p.count:,} {unit}"
        cls, hh = ("bar", h) if p.count else ("zero", 2.0)
        body.append(
            f'<g class="day" tabindex="0" role="img" aria-label="{escape(text)}">'
            f"<title>{p.day.isoformat()}: {p.count}</title>"
            f'<rect class="hit" x="{LEFT + slot * i:.1f}" y="{TOP}" width="{slot:.1f}" '
            f'height="{plot_h}" fill="transparent"/>'
            f'<rect class="{cls}" x="{x:.1f}" y="{TOP + plot_h - hh:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{hh:.1f}"/>'
            + _tip(x + slot * 0.35, y, f"{day_label(p.day)}: {p.count:,}")
            + "</g>"
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
    dashes = ("", "6 3", "2 3", "10 3 2 3", "1 2")  # told apart without colour too
    for n, (name, pts) in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        coords = [
            (LEFT + slot * (i + 0.5), TOP + plot_h - (plot_h * p.count / top if top else 0))
            for i, p in enumerate(pts)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        dash = f' stroke-dasharray="{dashes[n % len(dashes)]}"' if dashes[n % len(dashes)] else ""
        body.append(
            f'<polyline class="line" stroke="{colour}"{dash} points="{path}">'
            f"<title>{escape(name)}</title></polyline>"
        )
    for n, (name, pts) in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        for i, p in enumerate(pts):
            x = LEFT + slot * (i + 0.5)
            y = TOP + plot_h - (plot_h * p.count / top if top else 0)
            text = f"{name}، {day_label(p.day, True)}: {p.count:,} {unit}"
            body.append(
                f'<g class="day" tabindex="0" role="img" aria-label="{escape(text)}">'
                f"<title>{escape(name)} {p.day.isoformat()}: {p.count}</title>"
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
                + _tip(x, y, f"{name} · {day_label(p.day)}: {p.count:,}")
                + "</g>"
            )
    return _svg(body, label)
