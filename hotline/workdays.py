"""China's working-day calendar and deadline arithmetic.

The `WorkDay` table is the truth (seeded from `chinesecalendar`, editable in admin). A
year with no rows in the table is counted as weekends-only, and `unknown_year_warning`
says so, because the official holiday notice for it has not been entered yet.
"""

import logging
import time
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import WorkDay

log = logging.getLogger(__name__)

_CACHE_SECONDS = 300
_years: dict[int, tuple[float, dict[date, bool] | None]] = {}


def clear_cache():
    _years.clear()


def _year_table(year: int) -> dict[date, bool] | None:
    """The year's days from the table, or None when the year is not in it."""
    hit = _years.get(year)
    if hit and time.monotonic() - hit[0] < _CACHE_SECONDS:
        return hit[1]
    rows = dict(WorkDay.objects.filter(date__year=year).values_list("date", "is_workday"))
    table = rows or None
    if table is None:
        log.warning("working-day calendar has no entries for %s: weekends only", year)
    _years[year] = (time.monotonic(), table)
    return table


def unknown_year_warning(day: date) -> str:
    """A warning to show when `day` falls in a year the calendar does not know."""
    if _year_table(day.year) is None:
        return _("%(year)s 年的法定节假日尚未录入工作日历，暂按周末计算。") % {"year": day.year}
    return ""


def is_workday(day: date) -> bool:
    table = _year_table(day.year)
    if table is not None and day in table:
        return table[day]
    return day.weekday() < 5


def add_clock_hours(start: datetime, hours: float) -> datetime:
    return start + timedelta(hours=hours)


def add_working_days(start: datetime, days: int) -> datetime:
    """The same local time `days` working days later.

    A start on a rest day counts from the beginning of the next working day, so a
    ticket dispatched on Saturday still gets its whole first working day.
    """
    local = timezone.localtime(start)
    if not is_workday(local.date()):
        local = _next_workday_start(local)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_workday(day):
            remaining -= 1
    return local.replace(year=day.year, month=day.month, day=day.day)


def add_working_hours(start: datetime, hours: float) -> datetime:
    """`hours` of office time (WORKDAY_START_HOUR–WORKDAY_END_HOUR on working days)."""
    open_h, close_h = settings.WORKDAY_START_HOUR, settings.WORKDAY_END_HOUR
    local = timezone.localtime(start)
    left = timedelta(hours=hours)
    while True:
        day_open = local.replace(hour=open_h, minute=0, second=0, microsecond=0)
        day_close = local.replace(hour=close_h, minute=0, second=0, microsecond=0)
        if not is_workday(local.date()) or local >= day_close:
            local = _next_workday_start(local).replace(hour=open_h)
            continue
        local = max(local, day_open)
        if local + left <= day_close:
            return local + left
        left -= day_close - local
        local = day_close


def _next_workday_start(moment: datetime) -> datetime:
    day = moment.date() + timedelta(days=1)
    while not is_workday(day):
        day += timedelta(days=1)
    return moment.replace(
        year=day.year, month=day.month, day=day.day, hour=0, minute=0, second=0, microsecond=0
    )


def official_calendar_rows():
    """(date, is_workday, note) for every year `chinesecalendar` knows."""
    import chinese_calendar

    first = min(chinese_calendar.holidays).year
    last = max(chinese_calendar.holidays).year
    day, end = date(first, 1, 1), date(last, 12, 31)
    while day <= end:
        work = chinese_calendar.is_workday(day)
        _, name = chinese_calendar.get_holiday_detail(day)
        note = name or ""
        if work and day.weekday() >= 5:
            note = "调休上班"
        yield day, work, note
        day += timedelta(days=1)
