"""Beijing-time periods: a year or a date range as UTC bounds for the stores."""

from __future__ import annotations

import datetime as dt

from assistant.clock import CHINA_TZ, beijing_bounds
from assistant.errors import InputError


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """[1 January, 1 January next year) of a Beijing-time year, as aware datetimes."""
    if not 2000 <= year <= 2100:
        raise InputError("年度应在 2000 到 2100 之间。", f"year {year}")
    start, end = beijing_bounds(dt.date(year, 1, 1), dt.date(year, 12, 31))
    assert start is not None and end is not None
    return start, end


def range_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end] inclusive Beijing dates as [start, end + 1 day) aware datetimes."""
    if end < start:
        raise InputError("截止日期早于起始日期，请调整日期范围。", f"{start} > {end}")
    lower, upper = beijing_bounds(start, end)
    assert lower is not None and upper is not None
    return lower, upper


def beijing_year(at: dt.datetime) -> int:
    """The Beijing-time year of an aware datetime."""
    return at.astimezone(CHINA_TZ).year
