"""督办 (SPEC §6): the sweep flags each breach once and tells the unit and its district."""

from datetime import timedelta

import pytest

from tests.conftest import leaf
from tickets import actions
from tickets.models import Notification, Participation, Ticket, TicketEvent
from tickets.sweep import sweep_deadlines

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def _supervised(ticket):
    return list(
        TicketEvent.objects.filter(ticket=ticket, type="supervised")
        .order_by("id")
        .values_list("payload__breach", flat=True)
    )


def _urgent(flow, **kw):
    """A level-1 ticket: 30 minutes to sign, 2 hours to contact and to reply."""
    return flow.dispatched(unit="C-GAS", category=leaf("GG.RQ.XL"), co_units=(), **kw)


def test_each_breach_is_flagged_once(flow):
    ticket = _urgent(flow)
    assert sweep_deadlines(now=flow.T0 + timedelta(minutes=29)) == 0

    assert sweep_deadlines(now=flow.T0 + timedelta(minutes=31)) == 1
    ticket.refresh_from_db()
    assert (ticket.sign_overdue, ticket.contact_overdue, ticket.feedback_overdue) == (
        True,
        False,
        False,
    )
    assert ticket.overdue
    assert _supervised(ticket) == ["sign_overdue"]
    # A second run at the same or a later time writes nothing new for the same breach.
    assert sweep_deadlines(now=flow.T0 + timedelta(minutes=31)) == 0
    assert sweep_deadlines(now=flow.T0 + timedelta(minutes=90)) == 0
    assert _supervised(ticket) == ["sign_overdue"]

    assert sweep_deadlines(now=flow.T0 + 2 * HOUR + timedelta(seconds=1)) == 2
    ticket.refresh_from_db()
    assert ticket.contact_overdue and ticket.feedback_overdue
    assert _supervised(ticket) == ["sign_overdue", "contact_overdue", "feedback_overdue"]
    assert sweep_deadlines(now=flow.T0 + 10 * HOUR) == 0
    event = ticket.events.filter(type="supervised").first()
    assert (event.unit.code, event.at, event.actor) == (
        "C-GAS",
        flow.T0 + timedelta(minutes=31),
        None,
    )


def test_steps_done_in_time_are_not_flagged(flow, staff):
    ticket = _urgent(flow)
    actions.sign_ticket(actor=staff.gas, ticket=ticket, now=flow.T0 + timedelta(minutes=10))
    actions.contact_caller(actor=staff.gas, ticket=ticket, now=flow.T0 + timedelta(minutes=20))
    actions.reply_ticket(
        actor=staff.gas, ticket=ticket, result="solved", note="已关阀", now=flow.T0 + HOUR
    )
    assert sweep_deadlines(now=flow.T0 + 5 * HOUR) == 0
    ticket.refresh_from_db()
    assert not (ticket.sign_overdue or ticket.contact_overdue or ticket.feedback_overdue)
    assert not ticket.overdue and _supervised(ticket) == []


def test_a_replied_ticket_is_not_flagged_for_feedback(flow):
    ticket = flow.at("replied", whistle=False)  # level 3: replied an hour after dispatch
    assert sweep_deadlines(now=ticket.feedback_deadline + HOUR) == 0
    ticket.refresh_from_db()
    assert not ticket.feedback_overdue


@pytest.mark.parametrize("state", ["new", "answered", "transferred", "merged", "closed"])
def test_tickets_out_of_handling_are_never_flagged(flow, state):
    flow.at(state)
    assert sweep_deadlines(now=flow.T0 + timedelta(days=60)) == 0
    assert not Ticket.objects.filter(overdue=True).exists()


def test_a_late_report_in_is_flagged_on_the_department(flow, staff):
    ticket = flow.at("in_progress")  # 110101-CGZF summoned at T0+15min with 24 hours
    deadline = flow.T0 + timedelta(minutes=15, hours=24)
    assert sweep_deadlines(now=deadline - timedelta(seconds=1)) == 0
    assert sweep_deadlines(now=deadline + timedelta(seconds=1)) == 1
    part = ticket.participations.get(role=Participation.Role.SUMMONED)
    assert part.report_in_overdue
    event = ticket.events.get(type="supervised")
    assert (event.payload["breach"], event.unit.code) == ("report_in_overdue", "110101-CGZF")
    assert sweep_deadlines(now=deadline + HOUR) == 0


def test_a_summoned_department_is_not_supervised_once_the_ticket_is_closed(flow):
    ticket = flow.at("closed")  # whistled at T0+15min, closed two hours later
    assert ticket.participations.filter(reported_in_at__isnull=True).exists()
    assert sweep_deadlines(now=flow.T0 + timedelta(days=2)) == 0
    assert _supervised(ticket) == []


def test_a_timely_report_in_is_not_flagged(flow, staff):
    ticket = flow.at("in_progress")
    actions.report_in(actor=staff.dept, ticket=ticket, now=flow.T0 + HOUR)
    assert sweep_deadlines(now=flow.T0 + timedelta(days=2)) == 0
    assert not ticket.participations.get(role=Participation.Role.SUMMONED).report_in_overdue


def test_overdue_notifies_the_lead_units_staff_and_the_district(
    flow, staff, django_capture_on_commit_callbacks
):
    ticket = flow.dispatched(co_units=())  # street 110101001, district 110101
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines(now=flow.T0 + 3 * HOUR)
    notified = set(
        Notification.objects.filter(ticket=ticket, kind="overdue").values_list(
            "user__username", flat=True
        )
    )
    assert notified == {staff.street.username, staff.district.username}
    assert all(ticket.number in n.message for n in Notification.objects.filter(ticket=ticket))


def test_a_sweep_queues_one_notification_task_per_batch_not_per_ticket(
    flow, staff, monkeypatch, django_capture_on_commit_callbacks
):
    from tickets.outbox.models import OutboxMessage

    tickets = [flow.dispatched(co_units=()) for _ in range(5)]
    Notification.objects.all().delete()
    before = OutboxMessage.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines(now=flow.T0 + 3 * HOUR)  # the 2-hour sign-for limit, on all five
    queued = OutboxMessage.objects.order_by("id")[before:]
    # one task for the batch, not one per ticket
    assert [m.task_name for m in queued] == ["tickets.tasks.deliver_notification_batch"]
    per_ticket = Notification.objects.filter(kind="overdue", user=staff.street)
    assert {n.ticket_id for n in per_ticket} == {t.pk for t in tickets}
    assert per_ticket.count() == 5


def test_an_extension_approved_after_the_breach_clears_it_until_the_new_deadline(flow, staff):
    ticket = flow.at("in_progress", whistle=False)
    deadline = ticket.feedback_deadline
    actions.request_extension(
        actor=staff.street, ticket=ticket, days=2, reason="待配件", now=deadline - HOUR
    )
    assert sweep_deadlines(now=deadline + HOUR) == 1
    actions.review_extension(
        actor=staff.reviewer, ticket=ticket, approve=True, now=deadline + 2 * HOUR
    )
    ticket.refresh_from_db()
    assert ticket.feedback_deadline > deadline + 2 * HOUR
    assert not ticket.feedback_overdue and not ticket.overdue
    assert sweep_deadlines(now=deadline + 3 * HOUR) == 0
    # Past the extended deadline it is a new breach, supervised once more.
    assert sweep_deadlines(now=ticket.feedback_deadline + HOUR) == 1
    assert _supervised(ticket) == ["feedback_overdue", "feedback_overdue"]
