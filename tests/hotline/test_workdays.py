from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from hotline import workdays
from hotline.models import WorkDay

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=BJ)


def test_national_day_week_is_skipped():
    # Tue 30 Sep 2025 → the 1st working day after is Thu 9 Oct (1–8 Oct are off).
    assert workdays.add_working_days(at(2025, 9, 30, 10), 1) == at(2025, 10, 9, 10)


def test_make_up_saturday_counts_as_a_working_day():
    # 11 Oct 2025 is a Saturday worked in lieu (调休上班): it is the 3rd working day.
    assert workdays.is_workday(date(2025, 10, 11))
    assert workdays.add_working_days(at(2025, 9, 30, 10), 3) == at(2025, 10, 11, 10)


def test_make_up_sunday_before_the_holiday():
    # Sun 28 Sep 2025 was worked; Sat 27 Sep was not.
    assert not workdays.is_workday(date(2025, 9, 27))
    assert workdays.add_working_days(at(2025, 9, 26, 10), 1) == at(2025, 9, 28, 10)


def test_spring_festival_2026():
    # Fri 13 Feb: the Saturday 14th is worked, then 15–23 Feb are off.
    assert workdays.add_working_days(at(2026, 2, 13, 15), 1) == at(2026, 2, 14, 15)
    assert workdays.add_working_days(at(2026, 2, 13, 15), 2) == at(2026, 2, 24, 15)
    # A level-3 request (7 working days) dispatched that Friday morning.
    assert workdays.add_working_days(at(2026, 2, 13, 9), 7) == at(2026, 3, 2, 9)


def test_dispatch_on_a_rest_day_gets_the_whole_first_working_day():
    # Dispatched Sunday 1 Mar 2026: one working day runs to the end of Monday.
    assert workdays.add_working_days(at(2026, 3, 1, 16), 1) == at(2026, 3, 3, 0)


def test_clock_hours_ignore_the_calendar():
    assert workdays.add_clock_hours(at(2025, 10, 1, 23), 2) == at(2025, 10, 2, 1)


def test_working_hours_carry_over_the_holiday():
    # 2 office hours from 17:30 on 30 Sep 2025: 30 minutes that day, 90 on 9 Oct.
    assert workdays.add_working_hours(at(2025, 9, 30, 17, 30), 2) == at(2025, 10, 9, 10, 30)
    assert workdays.add_working_hours(at(2025, 9, 30, 7, 0), 2) == at(2025, 9, 30, 11, 0)


def test_year_beyond_the_calendar_counts_weekends_with_a_warning():
    assert not WorkDay.objects.filter(date__year=2031).exists()
    assert "2031" in workdays.unknown_year_warning(date(2031, 1, 1))
    assert workdays.is_workday(date(2031, 1, 1))  # a Wednesday; New Year unknown
    assert not workdays.is_workday(date(2031, 1, 4))  # Saturday
    assert workdays.unknown_year_warning(date(2026, 5, 1)) == ""


def test_an_admin_edit_changes_the_count():
    WorkDay.objects.filter(date=date(2026, 3, 2)).update(is_workday=False, note="台风停工")
    workdays.clear_cache()
    assert workdays.add_working_days(at(2026, 2, 27, 9), 1) == at(2026, 2, 28, 9)
    assert workdays.add_working_days(at(2026, 2, 27, 9), 2) == at(2026, 3, 3, 9)
