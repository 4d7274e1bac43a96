"""Deadlines (SPEC §5): computed once from the level's policy and the working-day calendar."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hotline import workdays
from hotline.models import WorkDay
from tickets import deadlines
from tickets.models import TimeLimitPolicy

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")
MON = datetime(2025, 11, 3, 10, 0, tzinfo=BJ)


def test_the_default_policies_are_the_spec_table():
    rows = {
        p.urgency: (p.feedback_amount, p.feedback_counting, p.sign_minutes, p.contact_minutes)
        for p in TimeLimitPolicy.objects.all()
    }
    assert rows == {
        1: (2, "hours", 30, 120),
        2: (24, "hours", 120, 1440),
        3: (7, "workdays", 120, 1440),
        4: (15, "workdays", 120, 1440),
    }


def test_a_missing_policy_row_falls_back_to_the_defaults():
    TimeLimitPolicy.objects.filter(urgency=4).delete()
    policy = deadlines.policy_for(4)
    assert policy.pk is None
    assert (policy.feedback_amount, policy.feedback_counting) == (15, "workdays")
    assert deadlines.clock_from(4, MON).feedback == datetime(2025, 11, 24, 10, 0, tzinfo=BJ)


def test_the_clock_of_a_level_1_ticket():
    clock = deadlines.clock_from(1, MON)
    assert clock.sign == MON + timedelta(minutes=30)
    assert clock.contact == clock.feedback == MON + timedelta(hours=2)
    assert clock.return_window == MON + timedelta(hours=2)


def test_a_start_on_a_rest_day_gets_its_whole_first_working_day():
    saturday = datetime(2025, 11, 8, 16, 0, tzinfo=BJ)
    # Counting starts Monday 00:00: 7 working days later is Wednesday 19 Nov 00:00.
    assert deadlines.clock_from(3, saturday).feedback == datetime(2025, 11, 19, 0, 0, tzinfo=BJ)
    # The return window opens Monday 09:00.
    assert deadlines.clock_from(3, saturday).return_window == datetime(
        2025, 11, 10, 11, 0, tzinfo=BJ
    )


def test_the_return_window_skips_the_national_day_week():
    evening = datetime(2025, 9, 30, 17, 30, tzinfo=BJ)  # Tuesday before the holiday
    assert deadlines.clock_from(3, evening).return_window == datetime(
        2025, 10, 9, 10, 30, tzinfo=BJ
    )


def test_report_in_deadlines():
    assert deadlines.report_in_deadline(1, MON) == MON + timedelta(minutes=30)
    for level in (2, 3, 4):
        assert deadlines.report_in_deadline(level, MON) == MON + timedelta(hours=24)


def test_an_extension_adds_working_days_across_a_holiday():
    before_holiday = datetime(2025, 9, 29, 18, 0, tzinfo=BJ)  # Monday
    # 30 Sep, then 9 and 10 Oct.
    assert deadlines.extended(before_holiday, 3) == datetime(2025, 10, 10, 18, 0, tzinfo=BJ)


def test_a_calendar_edit_in_admin_moves_later_deadlines():
    # The government declares Friday 7 Nov 2025 a holiday after the fact.
    WorkDay.objects.filter(date="2025-11-07").update(is_workday=False, note="临时放假")
    workdays.clear_cache()
    assert deadlines.clock_from(3, MON).feedback == datetime(2025, 11, 13, 10, 0, tzinfo=BJ)


def test_a_year_beyond_the_calendar_counts_weekends_only():
    WorkDay.objects.filter(date__year=2027).delete()
    workdays.clear_cache()
    friday = datetime(2027, 1, 1, 10, 0, tzinfo=BJ)  # New Year's Day, unknown to the table
    assert workdays.unknown_year_warning(friday.date())
    assert deadlines.clock_from(3, friday).feedback == datetime(2027, 1, 12, 10, 0, tzinfo=BJ)
