"""Callback (SPEC §7): when it may happen, the three answers, reopening once, invalid ones."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from tickets import actions, selectors
from tickets.guards import Refused
from tickets.models import Callback, Status, Ticket

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")
NOT_SOLVED = dict(valid=True, contacted=True, solved=False, satisfaction="unsatisfied")
SOLVED = dict(valid=True, contacted=True, solved=True, satisfaction="basically_satisfied")


def _call(flow, ticket, at, **answers):
    return actions.record_callback(
        actor=flow.staff.callback_agent, ticket=ticket, now=at, **answers
    )


def test_no_callback_before_the_reply_or_the_deadline(flow):
    ticket = flow.at("in_progress")
    just_before = ticket.feedback_deadline - timedelta(seconds=1)
    with pytest.raises(Refused) as refused:
        _call(flow, ticket, just_before, **SOLVED)
    assert refused.value.status == 409
    assert not Callback.objects.exists()
    assert ticket not in selectors.callback_queue(flow.staff.callback_agent, now=just_before)


def test_callback_once_the_deadline_has_run_out_without_a_reply(flow):
    ticket = flow.at("in_progress")
    assert ticket in selectors.callback_queue(
        flow.staff.callback_agent, now=ticket.feedback_deadline
    )
    _call(flow, ticket, ticket.feedback_deadline, **SOLVED)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.callbacks.get().counted


def test_a_solved_callback_closes_and_counts(flow):
    ticket = flow.at("replied")
    assert ticket in selectors.callback_queue(
        flow.staff.callback_agent, now=flow.T0 + timedelta(hours=2)
    )
    at = flow.T0 + timedelta(hours=3)
    _call(flow, ticket, at, **SOLVED)
    ticket.refresh_from_db()
    callback = ticket.callbacks.get()
    assert ticket.status == Status.CLOSED
    assert (callback.valid, callback.contacted, callback.solved, callback.satisfaction) == (
        True,
        True,
        True,
        "basically_satisfied",
    )
    assert (callback.counted, callback.lead_unit.code, callback.at) == (True, "110101001", at)
    assert ticket not in selectors.callback_queue(flow.staff.callback_agent, now=at)


def test_not_solved_reopens_once_to_the_same_unit_and_the_second_callback_counts(flow, staff):
    ticket = flow.at("replied")
    first_at = datetime(2025, 11, 5, 15, 0, tzinfo=BJ)  # Wednesday
    _call(flow, ticket, first_at, **NOT_SOLVED)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.reopen_count == 1
    assert ticket.lead_unit.code == "110101001"
    assert ticket.replied_at is None and ticket.result == ""
    # A fresh 7-working-day clock from the callback: Wednesday 5 -> Friday 14 November.
    assert ticket.feedback_deadline == datetime(2025, 11, 14, 15, 0, tzinfo=BJ)
    first = ticket.callbacks.get()
    assert first.counted is False
    assert ticket.events.get(type="called_back").payload["reopened"] is True

    actions.reply_ticket(
        actor=staff.street, ticket=ticket, result="explained", note="已解释", now=first_at
    )
    second_at = first_at + timedelta(days=1)
    _call(flow, ticket, second_at, **NOT_SOLVED)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.reopen_count == 1
    counted = ticket.callbacks.get(counted=True)
    assert (counted.at, counted.solved) == (second_at, False)
    assert ticket.callbacks.count() == 2
    assert [e.payload["reopened"] for e in ticket.events.filter(type="called_back")] == [
        True,
        False,
    ]


def test_not_solved_without_reopening_closes_at_once(flow):
    ticket = flow.at("replied")
    _call(flow, ticket, flow.T0 + timedelta(hours=3), reopen=False, **NOT_SOLVED)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.reopen_count == 0
    assert ticket.callbacks.get().counted


def test_an_invalid_callback_needs_a_reason_and_records_no_answers(flow):
    ticket = flow.at("replied")
    at = flow.T0 + timedelta(hours=3)
    with pytest.raises(ValidationError) as error:
        _call(flow, ticket, at, valid=False)
    assert "invalid_reason" in error.value.message_dict
    assert not Callback.objects.exists()

    _call(flow, ticket, at, valid=False, invalid_reason="unreachable", contacted=True, solved=False)
    ticket.refresh_from_db()
    callback = ticket.callbacks.get()
    assert (callback.valid, callback.invalid_reason) == (False, "unreachable")
    assert (callback.contacted, callback.solved, callback.satisfaction) == (None, None, "")
    # Not valid: no reopening even though "not solved" was passed along.
    assert ticket.status == Status.CLOSED and ticket.reopen_count == 0


@pytest.mark.parametrize(
    "answers",
    [
        dict(valid=True, solved=True, satisfaction="satisfied"),
        dict(valid=True, contacted=True, satisfaction="satisfied"),
        dict(valid=True, contacted=True, solved=True, satisfaction="happy"),
        dict(valid=True, contacted=True, solved=True),
    ],
)
def test_a_valid_callback_needs_all_three_answers(flow, answers):
    ticket = flow.at("replied")
    with pytest.raises(ValidationError):
        _call(flow, ticket, flow.T0 + timedelta(hours=3), **answers)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLIED
    assert not Callback.objects.exists()
