"""The time window every page counts over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from marsad.config import Settings
from marsad.store.database import Store


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    @property
    def bounds(self) -> tuple[str, str]:
        return self.start.isoformat(), self.end.isoformat()


def current_window(
    store: Store, settings: Settings, days: int | None = None, end: date | None = None
) -> Window:
    """The last ``days`` days up to today (in the configured time zone).

    When the newest article is older than today (a historical corpus), the window ends
    on the newest article's day instead, so the pages still show the data.
    """
    days = days or settings.window_days
    if end is None:
        end = datetime.now(settings.tz).date()
        newest = store.max_day()
        if newest and date.fromisoformat(newest) < end:
            end = date.fromisoformat(newest)
    return Window(end - timedelta(days=days - 1), end)
