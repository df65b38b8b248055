"""The period clock: which instants belong to a period, and which period a day is in.

Every period boundary of the module (providers, the call data check, budgets, reports,
the provisional refresh) goes through :func:`period_bounds`, with the time zone of the
company's working schedule and the company's *business-day start*, never the time zone
of whoever presses *Compute* (the cron has none). A night shift that starts at 22:00
belongs to the day it started when the business day starts at, say, 06:00.
"""

import calendar
from datetime import date, datetime, time, timedelta

import pytz

PERIOD_TYPES = ("month", "quarter", "year")


def day_start_time(day_start_hours):
    """The local time a business day starts, from hours as a float (``6.5`` = 06:30).

    >>> day_start_time(0), day_start_time(6), day_start_time(6.5), day_start_time(23.99)
    (datetime.time(0, 0), datetime.time(6, 0), datetime.time(6, 30), datetime.time(23, 59))
    >>> day_start_time(24)
    Traceback (most recent call last):
    ...
    ValueError: a business day starts between 00:00 and 23:59, not 24
    """
    hours = float(day_start_hours or 0.0)
    if not 0 <= hours < 24:
        raise ValueError(f"a business day starts between 00:00 and 23:59, not {day_start_hours:g}")
    minutes = int(round(hours * 60))
    minutes = min(minutes, 24 * 60 - 1)
    return time(minutes // 60, minutes % 60)


def period_bounds(date_from, date_to, tz_name="UTC", day_start_hours=0.0):
    """Naive UTC datetimes ``[start, stop)`` of the business days ``date_from`` to
    ``date_to`` (inclusive) in the time zone ``tz_name``.

    A month in Ho Chi Minh City (UTC+7) starts at 17:00 UTC the day before:

    >>> period_bounds(date(2026, 9, 1), date(2026, 9, 30), "Asia/Ho_Chi_Minh")
    (datetime.datetime(2026, 8, 31, 17, 0), datetime.datetime(2026, 9, 30, 17, 0))

    so a call at 00:30 local on Sep 1 (17:30 UTC on Aug 31) is in September. With a
    business day starting at 06:00, it belongs to the shift of Aug 31 instead:

    >>> period_bounds(date(2026, 9, 1), date(2026, 9, 30), "Asia/Ho_Chi_Minh", 6)
    (datetime.datetime(2026, 8, 31, 23, 0), datetime.datetime(2026, 9, 30, 23, 0))

    Daylight saving time is handled by the zone (New York is UTC-4 in September,
    UTC-5 in November):

    >>> period_bounds(date(2026, 9, 1), date(2026, 11, 30), "America/New_York")
    (datetime.datetime(2026, 9, 1, 4, 0), datetime.datetime(2026, 12, 1, 5, 0))
    >>> period_bounds(date(2026, 9, 1), date(2026, 9, 1))
    (datetime.datetime(2026, 9, 1, 0, 0), datetime.datetime(2026, 9, 2, 0, 0))
    """
    tz = pytz.timezone(tz_name or "UTC")
    start_time = day_start_time(day_start_hours)
    start = tz.localize(datetime.combine(date_from, start_time))
    stop = tz.localize(datetime.combine(date_to + timedelta(days=1), start_time))
    return (
        start.astimezone(pytz.utc).replace(tzinfo=None),
        stop.astimezone(pytz.utc).replace(tzinfo=None),
    )


def business_date(utc_datetime, tz_name="UTC", day_start_hours=0.0):
    """The business day a naive UTC instant belongs to.

    >>> business_date(datetime(2026, 8, 31, 17, 30), "Asia/Ho_Chi_Minh")
    datetime.date(2026, 9, 1)
    >>> business_date(datetime(2026, 8, 31, 17, 30), "Asia/Ho_Chi_Minh", 6)
    datetime.date(2026, 8, 31)
    >>> business_date(datetime(2026, 8, 31, 16, 30), "Asia/Ho_Chi_Minh")
    datetime.date(2026, 8, 31)
    """
    tz = pytz.timezone(tz_name or "UTC")
    local = pytz.utc.localize(utc_datetime).astimezone(tz).replace(tzinfo=None)
    start_time = day_start_time(day_start_hours)
    shift = timedelta(hours=start_time.hour, minutes=start_time.minute)
    return (local - shift).date()


def period_of(day, period_type="month"):
    """First and last day of the ``period_type`` period containing ``day``.

    >>> period_of(date(2026, 9, 16))
    (datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))
    >>> period_of(date(2027, 2, 10))
    (datetime.date(2027, 2, 1), datetime.date(2027, 2, 28))
    >>> period_of(date(2026, 11, 29), "quarter")
    (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    >>> period_of(date(2026, 5, 2), "year")
    (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    >>> period_of(date(2026, 5, 2), "week")
    Traceback (most recent call last):
    ...
    ValueError: unknown period type 'week'
    """
    if period_type == "month":
        first_month, months = day.month, 1
    elif period_type == "quarter":
        first_month, months = 3 * ((day.month - 1) // 3) + 1, 3
    elif period_type == "year":
        first_month, months = 1, 12
    else:
        raise ValueError(f"unknown period type {period_type!r}")
    last_month = first_month + months - 1
    last_day = calendar.monthrange(day.year, last_month)[1]
    return date(day.year, first_month, 1), date(day.year, last_month, last_day)
