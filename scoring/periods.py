"""Assessment periods: "YYYY-MM" and the span of time it covers in Beijing time.

A period ends at 24:00 of its cut-off day (the month's last day when no cut-off is set)
and starts where the previous period ended, so a change of cut-off day never leaves a gap
or an overlap between two periods.
"""

import calendar
import re
from datetime import date, datetime, time, timedelta

from django.utils import timezone

_PERIOD = re.compile(r"\A([0-9]{4})-(0[1-9]|1[0-2])\Z")  # \Z: "$" takes a final newline


def parse_period(period: str) -> tuple[int, int]:
    match = _PERIOD.match(period or "")
    if not match:
        raise ValueError(f"not a period (YYYY-MM): {period!r}")
    year = int(match.group(1))
    if not 1901 <= year <= 2198:  # room for a period's neighbours; no date overflow (0000-01)
        raise ValueError(f"period out of range: {period!r}")
    return year, int(match.group(2))


def shift(period: str, months: int) -> str:
    year, month = parse_period(period)
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def previous(period: str) -> str:
    return shift(period, -1)


def cutoff_days() -> dict:
    """{period or None: cut-off day or None} from the policies that apply to every type."""
    from .models import ScoringPolicy

    return dict(
        ScoringPolicy.objects.filter(unit_type__isnull=True).values_list("period", "cutoff_day")
    )


def _end(period: str, cutoffs: dict) -> datetime:
    year, month = parse_period(period)
    day = cutoffs.get(period, cutoffs.get(None))
    if day:
        last = date(year, month, min(day, calendar.monthrange(year, month)[1]))
    else:
        last = date(year, month, calendar.monthrange(year, month)[1])
    return _midnight(last + timedelta(days=1))


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def bounds(period: str, cutoffs: dict | None = None) -> tuple[datetime, datetime]:
    """[start, end) of the period, aware datetimes."""
    cutoffs = cutoff_days() if cutoffs is None else cutoffs
    return _end(previous(period), cutoffs), _end(period, cutoffs)


def period_of(moment: datetime, cutoffs: dict | None = None) -> str:
    """The period a moment falls in."""
    cutoffs = cutoff_days() if cutoffs is None else cutoffs
    local = timezone.localtime(moment, timezone.get_default_timezone())
    period = f"{local.year:04d}-{local.month:02d}"
    start, end = bounds(period, cutoffs)
    if moment >= end:
        return shift(period, 1)
    if moment < start:
        return shift(period, -1)
    return period
