"""Deadlines from the level's policy (SPEC §5), computed once and stored on the ticket."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline import workdays

from .models import TimeLimitPolicy

# SPEC §5 defaults, used when the policy table has no row for a level (admin edits it).
DEFAULTS = {
    1: dict(
        feedback_amount=2,
        feedback_counting="hours",
        sign_minutes=30,
        contact_minutes=120,
        report_in_minutes=30,
        return_window_work_hours=2,
    ),
    2: dict(
        feedback_amount=24,
        feedback_counting="hours",
        sign_minutes=120,
        contact_minutes=24 * 60,
        report_in_minutes=24 * 60,
        return_window_work_hours=2,
    ),
    3: dict(
        feedback_amount=7,
        feedback_counting="workdays",
        sign_minutes=120,
        contact_minutes=24 * 60,
        report_in_minutes=24 * 60,
        return_window_work_hours=2,
    ),
    4: dict(
        feedback_amount=15,
        feedback_counting="workdays",
        sign_minutes=120,
        contact_minutes=24 * 60,
        report_in_minutes=24 * 60,
        return_window_work_hours=2,
    ),
}


def policy_for(urgency: int) -> TimeLimitPolicy:
    policy = TimeLimitPolicy.objects.filter(urgency=urgency).first()
    return policy or TimeLimitPolicy(urgency=urgency, **DEFAULTS[urgency])


@dataclass(frozen=True)
class Clock:
    sign: datetime
    contact: datetime
    feedback: datetime
    return_window: datetime


def feedback_deadline(policy: TimeLimitPolicy, start: datetime) -> datetime:
    if policy.feedback_counting == TimeLimitPolicy.Counting.HOURS:
        return workdays.add_clock_hours(start, policy.feedback_amount)
    return workdays.add_working_days(start, policy.feedback_amount)


def clock_from(urgency: int, start: datetime) -> Clock:
    """The lead unit's deadlines for a dispatch (or redispatch, or reopen) at `start`."""
    policy = policy_for(urgency)
    return Clock(
        sign=start + timedelta(minutes=policy.sign_minutes),
        contact=start + timedelta(minutes=policy.contact_minutes),
        feedback=feedback_deadline(policy, start),
        return_window=workdays.add_working_hours(start, policy.return_window_work_hours),
    )


def report_in_deadline(urgency: int, start: datetime) -> datetime:
    return start + timedelta(minutes=policy_for(urgency).report_in_minutes)


def extended(deadline: datetime, days: int) -> datetime:
    return workdays.add_working_days(deadline, days)
