"""Dispatch (SPEC §5, §6): deadlines stored from the level's policy, copies, co-units."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from hotline.models import Unit, UnitType
from tests.conftest import leaf
from tickets import actions, routing
from tickets.models import Participation, Status, Ticket, TimeLimitPolicy
from tickets.selectors import visible_tickets

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")


def _dispatch(flow, *, urgency, at, unit="110101001", **kw):
    lift = leaf("CX.WY.DT")  # level 2 by default; other levels need a reason
    fields = {} if urgency == 2 else {"urgency": urgency, "urgency_reason": "测试"}
    ticket = flow.new(now=at, category=lift, **fields)
    return actions.dispatch_ticket(
        actor=flow.staff.dispatcher, ticket=ticket, unit=unit, now=at, **kw
    )


@pytest.mark.parametrize(
    "urgency, sign, contact, feedback",
    [
        (1, timedelta(minutes=30), timedelta(hours=2), timedelta(hours=2)),
        (2, timedelta(hours=2), timedelta(hours=24), timedelta(hours=24)),
        # Monday 3 Nov 2025: 7 working days later is Wednesday 12 Nov; 15 is 24 Nov.
        (3, timedelta(hours=2), timedelta(hours=24), timedelta(days=9)),
        (4, timedelta(hours=2), timedelta(hours=24), timedelta(days=21)),
    ],
)
def test_deadlines_are_stored_per_level(flow, urgency, sign, contact, feedback):
    at = flow.T0
    ticket = _dispatch(flow, urgency=urgency, at=at)
    ticket.refresh_from_db()
    assert ticket.urgency == urgency
    assert ticket.status == Status.DISPATCHED and ticket.dispatched_at == at
    assert ticket.sign_deadline == at + sign
    assert ticket.contact_deadline == at + contact
    assert ticket.feedback_deadline == at + feedback
    # The return window is 2 working hours: Monday 10:00 -> 12:00.
    assert ticket.return_deadline == at + timedelta(hours=2)


def test_level_1_counts_clock_hours_even_on_a_holiday(flow):
    at = datetime(2025, 10, 1, 23, 0, tzinfo=BJ)  # National Day, late evening
    ticket = _dispatch(flow, urgency=1, at=at)
    assert ticket.feedback_deadline == datetime(2025, 10, 2, 1, 0, tzinfo=BJ)


def test_level_3_skips_the_national_day_week_and_counts_the_make_up_saturday(flow):
    # Tue 30 Sep 2025; 1-8 Oct are holidays; Sat 11 Oct is a working day (调休).
    at = datetime(2025, 9, 30, 10, 0, tzinfo=BJ)
    ticket = _dispatch(flow, urgency=3, at=at)
    # 9, 10, 11 (Sat), 13, 14, 15, 16 October.
    assert ticket.feedback_deadline == datetime(2025, 10, 16, 10, 0, tzinfo=BJ)


def test_level_3_skips_the_spring_festival_2026(flow):
    # Fri 13 Feb 2026; Sat 14 Feb works; 15-23 Feb are holidays; Sat 28 Feb works.
    at = datetime(2026, 2, 13, 15, 0, tzinfo=BJ)
    ticket = _dispatch(flow, urgency=3, at=at)
    # 14, 24, 25, 26, 27, 28 Feb, 2 Mar.
    assert ticket.feedback_deadline == datetime(2026, 3, 2, 15, 0, tzinfo=BJ)


def test_a_street_dispatch_copies_its_district(flow):
    ticket = flow.dispatched(unit="110101001", co_units=())
    parts = list(ticket.participations.values_list("unit__code", "role", "active"))
    assert parts == [("110101", Participation.Role.COPY, True)]


def test_a_redispatch_to_another_district_ends_the_first_districts_copy(flow):
    """Found by an audit: 东城 kept reading a ticket the dispatcher had moved to 西城."""
    staff = flow.staff
    ticket = flow.dispatched(unit="110101001", co_units=())
    at = ticket.dispatched_at + timedelta(hours=1)
    actions.return_ticket(actor=staff.street, ticket=ticket, reason="不属本区", now=at)
    actions.review_return(
        actor=staff.dispatcher, ticket=ticket, accept=True, unit="110102001", now=at
    )
    parts = set(ticket.participations.values_list("unit__code", "role", "active"))
    assert parts == {("110101", "copy", False), ("110102", "copy", True)}
    seen_by = lambda user: visible_tickets(user).filter(pk=ticket.pk).exists()  # noqa: E731
    assert not seen_by(staff.district) and seen_by(staff.other_district)
    # and back: the first district's copy comes back, the second's ends
    at += timedelta(hours=1)
    xicheng = flow.user_of("110102001")
    actions.return_ticket(actor=xicheng, ticket=ticket, reason="不属本区", now=at)
    actions.review_return(
        actor=staff.dispatcher, ticket=ticket, accept=True, unit="110101002", now=at
    )
    assert seen_by(staff.district) and not seen_by(staff.other_district)


def test_a_department_dispatch_copies_no_one(flow):
    ticket = flow.dispatched(unit="110101-CGZF", co_units=())
    assert not ticket.participations.exists()


def test_co_units_take_part_and_are_recorded(flow):
    ticket = flow.dispatched(unit="110101001", co_units=["110101-SCJG", "C-WATER"])
    co = set(
        ticket.participations.filter(role=Participation.Role.CO).values_list(
            "unit__code", flat=True
        )
    )
    assert co == {"110101-SCJG", "C-WATER"}
    event = ticket.events.get(type="dispatched")
    assert event.payload["lead"] == "110101001"
    assert sorted(event.payload["co_units"]) == ["110101-SCJG", "C-WATER"]
    assert event.payload["feedback_deadline"] == ticket.feedback_deadline.isoformat()


def test_the_lead_cannot_also_be_a_co_unit(flow, staff):
    ticket = flow.new()
    with pytest.raises(ValidationError) as error:
        actions.dispatch_ticket(
            actor=staff.dispatcher, ticket=ticket, unit="110101001", co_units=["110101001"]
        )
    assert "co_units" in error.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and not ticket.participations.exists()


@pytest.mark.parametrize("code", ["12345", "NOPE", "community"])
def test_only_real_handling_units_can_lead(flow, staff, code):
    if code == "community":
        Unit.objects.create(
            code=code, name="南池子社区", type=UnitType.COMMUNITY, parent=staff.street.unit
        )
    ticket = flow.new()
    with pytest.raises(ValidationError) as error:
        actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit=code)
    assert "unit" in error.value.message_dict
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_district_fallback_when_the_street_is_unknown(flow, staff):
    ticket = flow.new(category=leaf("CX.WJ.SD"), address="北京市西城区某胡同")
    suggested = routing.suggest_unit(ticket)
    assert suggested.code == "110102"
    ticket = actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit=suggested)
    assert ticket.lead_unit.code == "110102"
    # A district leading is not a street dispatch: no copy to itself.
    assert not ticket.participations.exists()


def test_a_gas_leak_goes_to_the_gas_company(flow, staff):
    ticket = flow.new(category=leaf("GG.RQ.XL"))
    assert ticket.urgency == 1
    unit = routing.suggest_unit(ticket)
    ticket = actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit=unit, now=flow.T0)
    assert ticket.lead_unit.code == "C-GAS"
    assert ticket.feedback_deadline == flow.T0 + timedelta(hours=2)
    assert actions.sign_ticket(actor=staff.gas, ticket=ticket).status == Status.SIGNED


def test_editing_a_policy_changes_the_next_dispatch_not_stored_ones(flow):
    before = _dispatch(flow, urgency=3, at=flow.T0)
    stored = (before.sign_deadline, before.contact_deadline, before.feedback_deadline)
    policy = TimeLimitPolicy.objects.get(urgency=3)
    policy.feedback_amount, policy.sign_minutes = 10, 60
    policy.save()

    after = _dispatch(flow, urgency=3, at=flow.T0)
    assert after.sign_deadline == flow.T0 + timedelta(minutes=60)
    # 10 working days from Monday 3 Nov is Monday 17 Nov.
    assert after.feedback_deadline == flow.T0 + timedelta(days=14)
    before.refresh_from_db()
    assert (before.sign_deadline, before.contact_deadline, before.feedback_deadline) == stored
