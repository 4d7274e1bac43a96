"""Handling (SPEC §6): sign, contact, whistle and report-in, return, extension, reply."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import leaf
from tickets import actions, guards, selectors
from tickets.guards import Refused
from tickets.models import Participation, ReviewRequest, Status, Ticket

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")
MIN = timedelta(minutes=1)


def _refused(step_call, status):
    with pytest.raises(Refused) as refused:
        step_call()
    assert refused.value.status == status, refused.value.message
    return refused.value


def test_sign_then_contact_record_their_times(flow, staff):
    ticket = flow.dispatched()
    signed = actions.sign_ticket(actor=staff.street, ticket=ticket, now=flow.T0 + 5 * MIN)
    assert (signed.status, signed.signed_at) == (Status.SIGNED, flow.T0 + 5 * MIN)
    done = actions.contact_caller(
        actor=staff.street, ticket=ticket, note="电话已联系", now=flow.T0 + 9 * MIN
    )
    done.refresh_from_db()
    assert (done.status, done.contacted_at) == (Status.IN_PROGRESS, flow.T0 + 9 * MIN)
    assert list(done.events.values_list("type", flat=True)) == [
        "created",
        "dispatched",
        "signed",
        "contacted",
    ]


# --- whistle and report-in ------------------------------------------------------------------


@pytest.mark.parametrize("urgency, minutes", [(1, 30), (2, 24 * 60), (3, 24 * 60)])
def test_a_whistle_summons_departments_with_a_report_in_deadline(flow, staff, urgency, minutes):
    lift = leaf("CX.WY.DT")
    extra = {} if urgency == 2 else {"urgency": urgency, "urgency_reason": "测试"}
    ticket = flow.at("in_progress", whistle=False, category=lift, **extra)
    at = flow.T0 + 20 * MIN
    actions.whistle(
        actor=staff.street,
        ticket=ticket,
        departments=["110101-CGZF", "110101-SCJG"],
        reason="电梯长期故障需联合执法",
        now=at,
    )
    summoned = ticket.participations.filter(role=Participation.Role.SUMMONED)
    assert set(summoned.values_list("unit__code", flat=True)) == {"110101-CGZF", "110101-SCJG"}
    assert {p.report_in_deadline for p in summoned} == {at + timedelta(minutes=minutes)}
    event = ticket.events.get(type="whistled")
    assert sorted(event.payload["departments"]) == ["110101-CGZF", "110101-SCJG"]
    assert event.at == at and event.unit == staff.street.unit
    # Whistling does not change the ticket's state.
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


def test_only_a_street_lead_may_whistle(flow, staff):
    ticket = flow.dispatched(unit="110101-SCJG", co_units=())
    actions.sign_ticket(actor=staff.other_dept, ticket=ticket)
    refused = _refused(
        lambda: actions.whistle(
            actor=staff.other_dept, ticket=ticket, departments=["110101-CGZF"], reason="x"
        ),
        409,
    )
    assert "街乡镇" in refused.message
    assert not ticket.participations.exists()


@pytest.mark.parametrize("code", ["110101002", "C-GAS", "110101"])
def test_a_whistle_summons_departments_only(flow, staff, code):
    ticket = flow.at("in_progress", whistle=False)
    with pytest.raises(ValidationError) as error:
        actions.whistle(actor=staff.street, ticket=ticket, departments=[code], reason="x")
    assert "departments" in error.value.message_dict
    assert not ticket.participations.filter(role=Participation.Role.SUMMONED).exists()


def test_a_department_is_summoned_once(flow, staff):
    ticket = flow.at("in_progress")  # 110101-CGZF already summoned
    with pytest.raises(ValidationError):
        actions.whistle(
            actor=staff.street, ticket=ticket, departments=["110101-CGZF"], reason="再次召集"
        )
    assert ticket.events.filter(type="whistled").count() == 1


def test_report_in_on_time_and_only_once(flow, staff):
    ticket = flow.at("in_progress")  # whistled at T0+15min, level 3: 24 hours to report in
    actions.report_in(actor=staff.dept, ticket=ticket, now=flow.T0 + timedelta(hours=3))
    part = ticket.participations.get(role=Participation.Role.SUMMONED)
    assert part.reported_in_at == flow.T0 + timedelta(hours=3)
    assert ticket.events.get(type="reported_in").payload == {"on_time": True}
    refused = _refused(lambda: actions.report_in(actor=staff.dept, ticket=ticket), 409)
    assert refused.message
    assert ticket.events.filter(type="reported_in").count() == 1


def test_a_late_report_in_is_recorded_as_late(flow, staff):
    ticket = flow.at("in_progress")
    late = flow.T0 + 15 * MIN + timedelta(hours=24) + MIN
    actions.report_in(actor=staff.dept, ticket=ticket, now=late)
    assert ticket.events.get(type="reported_in").payload == {"on_time": False}


def test_a_department_not_summoned_cannot_report_in(flow, staff):
    ticket = flow.at("in_progress")
    _refused(lambda: actions.report_in(actor=staff.other_dept, ticket=ticket), 403)


def test_a_co_handler_reports_its_part_once(flow, staff):
    ticket = flow.at("in_progress")  # 110101-SCJG co-handles
    at = flow.T0 + timedelta(hours=5)
    actions.report_part(actor=staff.other_dept, ticket=ticket, note="已检查电梯", now=at)
    part = ticket.participations.get(unit__code="110101-SCJG", role=Participation.Role.CO)
    assert (part.part_reported_at, part.part_note) == (at, "已检查电梯")
    _refused(lambda: actions.report_part(actor=staff.other_dept, ticket=ticket, note="再"), 409)
    # The lead does not report a part to itself; a stranger unit has no part.
    _refused(lambda: actions.report_part(actor=staff.street, ticket=ticket, note="x"), 403)
    _refused(lambda: actions.report_part(actor=staff.gas, ticket=ticket, note="x"), 403)


def test_a_part_report_needs_a_note(flow, staff):
    ticket = flow.at("in_progress")
    with pytest.raises(ValidationError):
        actions.report_part(actor=staff.other_dept, ticket=ticket, note="")
    assert not ticket.participations.filter(part_reported_at__isnull=False).exists()


# --- return (退单) ---------------------------------------------------------------------------


def test_return_within_the_window_then_refused_after_it(flow, staff):
    # Dispatched Monday 10:00: two working hours run to 12:00.
    inside = flow.dispatched()
    assert inside.return_deadline == flow.T0 + timedelta(hours=2)
    actions.return_ticket(
        actor=staff.street, ticket=inside, reason="属物业职责", now=flow.T0 + 119 * MIN
    )
    assert Ticket.objects.get(pk=inside.pk).status == Status.RETURNED
    request = ReviewRequest.objects.get(ticket=inside)
    assert (request.kind, request.decision) == ("return", "pending")

    late = flow.dispatched()
    _refused(
        lambda: actions.return_ticket(
            actor=staff.street, ticket=late, reason="x", now=flow.T0 + 121 * MIN
        ),
        409,
    )
    assert Ticket.objects.get(pk=late.pk).status == Status.DISPATCHED
    assert not ReviewRequest.objects.filter(ticket=late).exists()


def test_the_return_window_counts_working_hours_only(flow, staff):
    friday_evening = datetime(2025, 11, 7, 17, 30, tzinfo=BJ)
    ticket = flow.dispatched(now=friday_evening)
    # Half an hour on Friday, an hour and a half on Monday from 09:00.
    assert ticket.return_deadline == datetime(2025, 11, 10, 10, 30, tzinfo=BJ)
    actions.return_ticket(
        actor=staff.street,
        ticket=ticket,
        reason="x",
        now=datetime(2025, 11, 8, 12, 0, tzinfo=BJ),
    )
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RETURNED


def test_an_accepted_return_redispatches_with_a_fresh_clock(flow, staff):
    ticket = flow.at("returned")
    review_at = flow.T0 + timedelta(days=1)
    actions.review_return(
        actor=staff.dispatcher, ticket=ticket, accept=True, unit="110101002", now=review_at
    )
    ticket.refresh_from_db()
    assert ticket.lead_unit.code == "110101002"
    assert ticket.status == Status.DISPATCHED
    assert ticket.dispatched_at == review_at
    assert ticket.sign_deadline == review_at + timedelta(hours=2)
    # Tuesday 4 Nov + 7 working days = Thursday 13 Nov.
    assert ticket.feedback_deadline == review_at + timedelta(days=9)
    assert ticket.signed_at is None and ticket.contacted_at is None
    event = ticket.events.get(type="return_accepted")
    assert (event.payload["lead"], event.payload["previous"]) == ("110101002", "110101001")
    request = ReviewRequest.objects.get(ticket=ticket, kind="return")
    assert (request.decision, request.decided_by) == ("approved", staff.dispatcher)

    # The old unit no longer leads: no steps, not in its inbox; the new unit takes over.
    assert guards.refusal("sign", ticket, staff.street).status == 403
    assert guards.allowed_steps(ticket, staff.street) == []
    assert ticket not in selectors.unit_inbox(staff.street.unit)
    assert ticket in selectors.unit_inbox(staff.other_street.unit)
    assert actions.sign_ticket(actor=staff.other_street, ticket=ticket).status == Status.SIGNED


@pytest.mark.parametrize("returned_from", ["dispatched", "signed", "in_progress"])
def test_a_rejected_return_goes_back_with_the_clock_unchanged(flow, staff, returned_from):
    ticket = flow.at(returned_from, whistle=False)
    actions.return_ticket(actor=staff.street, ticket=ticket, reason="x", now=flow.T0 + 30 * MIN)
    before = Ticket.objects.filter(pk=ticket.pk).values().get()
    actions.review_return(
        actor=staff.dispatcher,
        ticket=ticket,
        accept=False,
        note="属本单位职责",
        now=flow.T0 + timedelta(hours=3),
    )
    after = Ticket.objects.filter(pk=ticket.pk).values().get()
    assert after["status"] == returned_from
    assert {k: v for k, v in after.items() if k != "status"} == {
        k: v for k, v in before.items() if k != "status"
    }
    assert ReviewRequest.objects.get(ticket=ticket).decision == "rejected"
    assert ticket.events.last().type == "return_rejected"


def test_an_accepted_return_needs_another_unit(flow, staff):
    ticket = flow.at("returned")
    for unit in (None, "110101001"):
        with pytest.raises(ValidationError):
            actions.review_return(actor=staff.dispatcher, ticket=ticket, accept=True, unit=unit)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RETURNED
    assert ReviewRequest.objects.get(ticket=ticket).decision == "pending"


# --- extension (延期) and reply -------------------------------------------------------------


def test_an_extension_is_asked_before_the_deadline_and_approved(flow, staff):
    ticket = flow.at("in_progress")
    assert ticket.feedback_deadline == datetime(2025, 11, 12, 10, 0, tzinfo=BJ)
    actions.request_extension(
        actor=staff.street, ticket=ticket, days=3, reason="需协调", now=flow.T0 + timedelta(days=2)
    )
    # One pending request at a time.
    _refused(
        lambda: actions.request_extension(
            actor=staff.street, ticket=ticket, days=1, reason="x", now=flow.T0
        ),
        409,
    )
    actions.review_extension(
        actor=staff.reviewer, ticket=ticket, approve=True, now=flow.T0 + timedelta(days=3)
    )
    ticket.refresh_from_db()
    # Wednesday 12 Nov + 3 working days = Monday 17 Nov.
    assert ticket.feedback_deadline == datetime(2025, 11, 17, 10, 0, tzinfo=BJ)
    event = ticket.events.get(type="extension_approved")
    assert event.payload["days"] == 3
    assert datetime.fromisoformat(event.payload["feedback_deadline"]) == ticket.feedback_deadline
    assert ReviewRequest.objects.get(ticket=ticket, kind="extension").decision == "approved"


def test_a_refused_extension_keeps_the_deadline(flow, staff):
    ticket = flow.at("in_progress")
    deadline = ticket.feedback_deadline
    hour = timedelta(hours=1)
    actions.request_extension(
        actor=staff.street, ticket=ticket, days=5, reason="x", now=flow.T0 + hour
    )
    actions.review_extension(
        actor=staff.reviewer, ticket=ticket, approve=False, now=flow.T0 + 2 * hour
    )
    ticket.refresh_from_db()
    assert ticket.feedback_deadline == deadline
    assert ticket.events.last().type == "extension_refused"
    # Decided: a new request may follow.
    actions.request_extension(
        actor=staff.street, ticket=ticket, days=1, reason="y", now=flow.T0 + 3 * hour
    )


def test_no_extension_at_or_after_the_deadline(flow, staff):
    ticket = flow.at("in_progress")
    _refused(
        lambda: actions.request_extension(
            actor=staff.street, ticket=ticket, days=2, reason="x", now=ticket.feedback_deadline
        ),
        409,
    )
    assert not ReviewRequest.objects.filter(ticket=ticket).exists()


@pytest.mark.parametrize("days", [0, 31, "3", None])
def test_extension_days_are_1_to_30_working_days(flow, staff, days):
    ticket = flow.at("in_progress")
    with pytest.raises(ValidationError):
        actions.request_extension(
            actor=staff.street, ticket=ticket, days=days, reason="x", now=flow.T0
        )
    assert not ReviewRequest.objects.filter(ticket=ticket).exists()


def test_reply_records_the_result(flow, staff):
    ticket = flow.at("in_progress")
    at = flow.T0 + timedelta(days=1)
    actions.reply_ticket(
        actor=staff.street, ticket=ticket, result="partly_solved", note="已修一半", now=at
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.replied_at, ticket.result, ticket.result_note) == (
        Status.REPLIED,
        at,
        "partly_solved",
        "已修一半",
    )


@pytest.mark.parametrize("result, note", [("done", "x"), ("solved", "")])
def test_reply_needs_a_known_result_and_a_note(flow, staff, result, note):
    ticket = flow.at("in_progress")
    with pytest.raises(ValidationError):
        actions.reply_ticket(actor=staff.street, ticket=ticket, result=result, note=note)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


def test_a_summoned_department_reports_in_before_it_reports_its_part(flow, staff):
    """Found in the demo: a summoned department was offered 协办反馈 before 报到."""
    from tickets import guards

    ticket = flow.at("in_progress")  # 110101-CGZF summoned, not yet reported in
    steps = [s.name for s in guards.allowed_steps(ticket, staff.dept)]
    assert "report-in" in steps and "report-part" not in steps
    refused = _refused(lambda: actions.report_part(actor=staff.dept, ticket=ticket, note="x"), 409)
    assert "报到" in refused.message
    actions.report_in(actor=staff.dept, ticket=ticket, now=flow.T0 + timedelta(hours=1))
    actions.report_part(actor=staff.dept, ticket=ticket, note="已到场处置")
    part = ticket.participations.get(role=Participation.Role.SUMMONED)
    assert part.part_note == "已到场处置"
