"""Beijing time: receipt years, queue dates and periods follow it (no daylight saving, so a fixed offset is exact)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8))


def beijing_bounds(day_from: date | None, day_to: date | None) -> tuple[datetime | None, datetime | None]:
    """UTC-aware [start, end) bounds of an inclusive Beijing-time date range."""
    start = datetime.combine(day_from, time(), CHINA_TZ) if day_from else None
    end = datetime.combine(day_to + timedelta(days=1), time(), CHINA_TZ) if day_to else None
    return start, end
