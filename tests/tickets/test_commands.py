"""sweep_deadlines: flags what is past its deadline, once, and says how many."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import leaf
from tickets import actions
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _dispatched(staff, at):
    ticket, _ = actions.create_ticket(
        actor=staff.operator,
        now=at,
        channel="phone",
        kind="complaint",
        category=leaf(),
        content="楼下餐馆夜间噪音扰民",
        address="北京市东城区东华门街道东华门大街1号",
    )
    return actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit="110101001", now=at)


def test_sweep_command_flags_overdue_once(staff):
    late = _dispatched(staff, timezone.now() - timedelta(days=3))
    fresh = _dispatched(staff, timezone.now())
    out = StringIO()
    call_command("sweep_deadlines", stdout=out)
    # sign and contact are both past for the old ticket; its 7 working days are not.
    assert "supervision events written: 2" in out.getvalue()
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert late.overdue and late.sign_overdue and late.contact_overdue
    assert not late.feedback_overdue
    assert not fresh.overdue
    assert TicketEvent.objects.filter(ticket=late, type="supervised").count() == 2

    out = StringIO()
    call_command("sweep_deadlines", stdout=out)
    assert "supervision events written: 0" in out.getvalue()
    assert Ticket.objects.filter(overdue=True).count() == 1
