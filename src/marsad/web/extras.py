"""Small helpers of the web layer: number and date filters, the PNG chart.

The PNG (for link previews: og:image / twitter:image) is drawn with Pillow when it is
installed; without Pillow the pages point previews at the SVG chart instead.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from marsad.pages import DayCountOut
from marsad.web.chart import day_label

try:
    from PIL import Image, ImageDraw, ImageFont, features

    PNG_AVAILABLE = True
except ImportError:  # pragma: no cover - Pillow is optional
    PNG_AVAILABLE = False

FONTS = (
    "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def short_date(value: Any) -> str:
    """ "20 نوفمبر" (for axes and compact lists)."""
    d = _as_date(value)
    return day_label(d) if d else ""


def hijri_date(value: Any) -> str:
    """The Hijri date, e.g. "10 جمادى الآخرة 1448 هـ" (empty when unknown)."""
    d = _as_date(value)
    return "" if d is None else _hijri(d)


@cache
def _hijri(d: date) -> str:
    try:
        from hijridate import Gregorian

        h = Gregorian(d.year, d.month, d.day).to_hijri()
    except (ImportError, OverflowError, ValueError):
        return ""
    return f"{h.day} {h.month_name('ar')} {h.year} هـ"


def arabic_number(value: Any) -> str:
    """Digits with thousands separators (Western digits, as most Arabic news sites use)."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


# A noun counted in digits, as Arabic agrees it: one and two alone are words (خبر واحد،
# خبران); otherwise the last two digits decide: 3–10 take the plural (3 أخبار), 11–99 the
# accusative singular (15 خبرا), 0–2 the singular (100 خبر، 0 خبر).
COUNTED = {
    "خبر": ("خبر واحد", "خبران", "أخبار", "خبرا", "خبر"),
    "يوم": ("يوم واحد", "يومان", "أيام", "يوما", "يوم"),
    "خبر مشترك": ("خبر مشترك واحد", "خبران مشتركان", "أخبار مشتركة", "خبرا مشتركا", "خبر مشترك"),
    "مصدر آخر": ("مصدر آخر", "مصدران آخران", "مصادر أخرى", "مصدرا آخر", "مصدر آخر"),
    "نسخة أخرى": ("نسخة أخرى", "نسختان أخريان", "نسخ أخرى", "نسخة أخرى", "نسخة أخرى"),
    "مصدر": ("مصدر واحد", "مصدران", "مصادر", "مصدرا", "مصدر"),
    "دقيقة": ("دقيقة واحدة", "دقيقتان", "دقائق", "دقيقة", "دقيقة"),
    "ساعة": ("ساعة واحدة", "ساعتان", "ساعات", "ساعة", "ساعة"),
}


# the same words escaped for HTML once, not at every count a page shows
_COUNTED_HTML = {noun: tuple(str(escape(f)) for f in forms) for noun, forms in COUNTED.items()}


def _agreed(value: Any, forms: Sequence[str]) -> tuple[str | None, str]:
    """(the number in digits, or None when the word says it: one, two; the noun's form)."""
    n = int(value)
    one, two, few, many, single = forms
    if n == 1:
        return None, one
    if n == 2:
        return None, two
    tail = n % 100
    return arabic_number(n), few if 3 <= tail <= 10 else many if tail >= 11 else single


def counted_text(value: Any, noun: str) -> str:
    """``15 خبرا``, ``3 أخبار``, ``خبران``: a count and its noun, as plain text."""
    number, form = _agreed(value, COUNTED[noun])
    return form if number is None else f"{number} {form}"


def counted(value: Any, noun: str) -> Markup:
    """``counted_text`` with the number isolated for bidirectional text (``<bdi>``): digits
    and separators need no escaping, the words were escaped once (the home page counts
    every source: ~340 calls a page)."""
    number, form = _agreed(value, _COUNTED_HTML[noun])
    if number is None:
        return Markup(form)
    if not number[:1].isdigit():  # a negative count: no <bdi>, as before
        return Markup(f"{number} {form}")
    return Markup(f"<bdi>{number}</bdi> {form}")


def source_items(sources: Sequence[Any], query: str) -> Markup:
    """The home page's list of sources, each linked (``query``: the period's parameters,
    ``?period=7``) with its articles in the period: the ``<li>`` items as the template wrote
    them, built here in one pass (a million articles come from ~330 sources: the template's
    loop cost ~2 CPU-ms a page, half of its whole rendering). A slug quoted with no safe
    character is letters, digits, ``_.-~`` and ``%XX`` only: nothing to escape."""
    tail = escape(query)
    return Markup(
        "".join(
            f'\n    <li><a href="/source/{quote(str(s.slug), safe="")}{tail}"><bdi>'
            f'{escape(s.name)}</bdi></a> <span class="count">{counted(s.articles, "خبر")} '
            "في الفترة</span></li>\n  "
            for s in sources
        )
    )


def lag_text(minutes: int | None, days: int | None = None) -> str:
    """How long after the first publication: "بعد ساعتين و5 دقائق", "بعد 3 أيام",
    "في الوقت نفسه"; empty when unknown."""
    if minutes is None:
        if days is None:
            return ""
        return "في اليوم نفسه" if days == 0 else f"بعد {_after(days, 'يوم')}"
    if minutes == 0:
        return "في الوقت نفسه"
    if minutes < 0:  # a copy dated before the first timed one: only its day was known
        return ""
    if minutes >= 2 * 24 * 60:
        return f"بعد {_after(round(minutes / (24 * 60)), 'يوم')}"
    hours, mins = divmod(minutes, 60)
    parts = [_after(hours, "ساعة")] if hours else []
    if mins:
        parts.append(_after(mins, "دقيقة"))
    return "بعد " + " و".join(parts)


_AFTER = {"يوم": ("يوم", "يومين"), "ساعة": ("ساعة", "ساعتين"), "دقيقة": ("دقيقة", "دقيقتين")}


def _after(n: int, noun: str) -> str:
    """A count after a preposition (بعد ساعة، بعد يومين، بعد 3 أيام)."""
    if n in (1, 2):
        return _AFTER[noun][n - 1]
    return counted_text(n, noun)


@cache
def _font(size: int) -> Any:
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def png_chart(
    points: Sequence[DayCountOut], title: str = "", width: int = 1200, height: int = 630
) -> bytes:
    """Bars per day on a 1200×630 canvas (the size link previews expect), axis in Arabic."""
    img = Image.new("RGB", (width, height), "#ffffff")
    draw = ImageDraw.Draw(img)
    left, right, top, bottom = 90, 40, 90, 90
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((p.count for p in points), default=0)
    step = 1
    for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000):
        step = s
        if peak <= s * 4:
            break
    scale_top = max(step * 4, 4)
    small, label = _font(22), _font(26)
    shaping = features.check("raqm")
    for i in range(5):
        value = scale_top * i // 4
        y = top + plot_h - plot_h * i / 4
        draw.line([(left, y), (width - right, y)], fill="#dddddd", width=2)
        draw.text((left - 12, y), f"{value:,}", fill="#555555", font=small, anchor="rm")
    slot = plot_w / max(len(points), 1)
    every = max(1, len(points) // 6)
    for i, p in enumerate(points):
        h = plot_h * p.count / scale_top
        x0 = left + slot * i + slot * 0.15
        draw.rectangle([x0, top + plot_h - h, x0 + slot * 0.7, top + plot_h], fill="#0b6e4f")
        if i % every == 0 or i == len(points) - 1:
            text = short_date(p.day) if shaping else f"{p.day.day}/{p.day.month}"
            kwargs = {"direction": "rtl"} if shaping else {}
            draw.text(
                (x0 + slot * 0.35, top + plot_h + 30),
                text,
                fill="#333333",
                font=label,
                anchor="mm",
                **kwargs,
            )
    if title and shaping:
        draw.text(
            (width - right, 45), title, fill="#1d232a", font=_font(38), anchor="rm", direction="rtl"
        )
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()
