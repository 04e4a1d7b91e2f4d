"""The period every page counts over: a preset (7 / 30 / 90 / 365 days, all time) or a
custom ``from``/``to``, and how its timeline is bucketed (days, weeks or months)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from marsad.arabic.normalise import normalise_digits
from marsad.config import Settings
from marsad.errors import InputError
from marsad.store.database import Store

PRESETS = ("7", "30", "90", "365", "all")
DAILY_UP_TO = 92  # days: a longer period charts by week …
WEEKLY_UP_TO = 731  # … and a longer one still by month
WEEK_STARTS = 5  # Saturday (date.weekday()), the first day of the week in most Arab countries


@dataclass(frozen=True)
class Period:
    """What a URL asks for (``period=30``, ``from=…&to=…``), checked but not yet resolved
    against the data; hashable, so a page cache can key on it."""

    preset: str | None = None
    start: date | None = None
    end: date | None = None

    @classmethod
    def parse(
        cls, period: str | None = None, date_from: str | None = None, date_to: str | None = None
    ) -> Period:
        preset = (period or "").strip() or None
        if preset is not None and preset not in PRESETS:
            raise InputError(
                f"فترة غير معروفة: «{period}» — period must be one of {', '.join(PRESETS)} "
                "(or give from/to as YYYY-MM-DD)"
            )
        start, end = parse_day(date_from, "from"), parse_day(date_to, "to")
        if start and end and start > end:
            raise InputError(
                f"بداية الفترة ({start}) بعد نهايتها ({end}) — from must not be after to"
            )
        if start or end:
            preset = None  # an explicit from/to wins over a preset
        return cls(preset, start, end)

    @property
    def custom(self) -> bool:
        return self.start is not None or self.end is not None


def parse_day(value: str | None, name: str) -> date | None:
    """A YYYY-MM-DD query parameter; anything else is an InputError with a clear message."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(normalise_digits(value.strip()))  # "٢٠٢٦-١١-٢٠" too
    except ValueError:
        raise InputError(
            f"تاريخ غير صالح في {name}: «{value}» — اكتبه بالشكل YYYY-MM-DD، مثل 2026-11-20 "
            f"({name} must be a date YYYY-MM-DD)"
        ) from None


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    preset: str | None = None  # the preset it came from; None: a custom from/to

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    @property
    def bounds(self) -> tuple[str, str]:
        return self.start.isoformat(), self.end.isoformat()

    @property
    def length(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def bucket(self) -> str:
        """``day``, ``week`` or ``month``: how a timeline over this window is charted."""
        if self.length <= DAILY_UP_TO:
            return "day"
        return "week" if self.length <= WEEKLY_UP_TO else "month"

    def bucket_of(self, day: date) -> date:
        """The first day of ``day``'s bucket (never before the window's start)."""
        bucket = self.bucket
        if bucket == "week":
            first = day - timedelta(days=(day.weekday() - WEEK_STARTS) % 7)
        elif bucket == "month":
            first = day.replace(day=1)
        else:
            return day
        return max(first, self.start)

    @property
    def buckets(self) -> list[date]:
        """The first day of every bucket, oldest first."""
        return [date.fromisoformat(d) for d in dict.fromkeys(self.bucket_starts.values())]

    @cached_property
    def bucket_starts(self) -> dict[str, str]:
        """Every day of the window (YYYY-MM-DD) → the first day of its bucket, oldest first
        (computed once per window: a compare page's six timelines share it)."""
        return {d.isoformat(): self.bucket_of(d).isoformat() for d in self.days}


def _newest_day(store: Store, settings: Settings, dated: bool = True) -> date:
    """Today (in the configured time zone), or the newest article's day when that is older
    (a historical corpus), so that the pages still show the data. Articles without a
    publication date do not count here (``dated``): counted on the day they were first seen,
    a few of them must not move an old archive's default period to today."""
    end = datetime.now(settings.tz).date()
    newest = store.max_day(dated=dated) or (store.max_day() if dated else None)
    if newest and date.fromisoformat(newest) < end:
        end = date.fromisoformat(newest)
    return end


def current_window(
    store: Store, settings: Settings, days: int | None = None, end: date | None = None
) -> Window:
    """The last ``days`` days (default: the configured window) up to the newest day."""
    days = days or settings.window_days
    end = end or _newest_day(store, settings)
    return Window(end - timedelta(days=days - 1), end, str(days))


def period_window(store: Store, settings: Settings, period: Period | None = None) -> Window:
    """The window a page counts over for what the URL asked (default: the configured
    number of days up to the newest day). ``all`` runs from the oldest article's day; a
    custom period missing one end takes the data's oldest or newest day for it."""
    period = period or Period()
    if period.custom:
        start = period.start or _oldest_day(store) or period.end
        end = period.end or max(_newest_day(store, settings), start or date.min)
        assert start is not None
        return Window(start, end, None)
    if period.preset == "all":
        end = _newest_day(store, settings, dated=False)  # every article, undated ones too
        return Window(min(_oldest_day(store) or end, end), end, "all")
    if period.preset:
        return current_window(store, settings, int(period.preset))
    return current_window(store, settings)


def _oldest_day(store: Store) -> date | None:
    oldest = store.min_day()
    return date.fromisoformat(oldest) if oldest else None
