"""The demo's year: a detailed last month, counted tickets before it, all through the actions;
the progress bar stays off when nobody watches a terminal."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Min
from django.utils import timezone

from hotline.models import Role, User
from tickets import demo
from tickets.models import Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_history_months_carry_counted_tickets_through_the_actions(directory):
    err, out = StringIO(), StringIO()
    call_command(
        "seed_demo",
        "--months",
        "2",
        "--per-day",
        "3",
        "--history-per-day",
        "2",
        "--detailed-months",
        "1",
        stdout=out,
        stderr=err,
    )
    # Not a terminal: no progress bar at all, not thousands of lines of one.
    assert err.getvalue() == ""
    assert "steps refused" not in out.getvalue()
    assert out.getvalue().count("demo12345") == len(demo.CENTRE_LOGINS) + len(demo.UNIT_LOGINS)

    run = demo.Demo(months=2, per_day=1, end=timezone.now())  # only for its month boundary
    detailed_start = run.detailed_start
    older = Ticket.objects.filter(received_at__lt=detailed_start)
    recent = Ticket.objects.filter(received_at__gte=detailed_start)
    months = {
        timezone.localtime(t).strftime("%Y-%m") for t in older.values_list("received_at", flat=True)
    }
    assert len(months) >= 1 and older.count() > 40
    # Before the detailed month: counted tickets only (dispatched, or merged repeats of them).
    assert not older.filter(status__in=[Status.ANSWERED, Status.TRANSFERRED]).exists()
    assert older.exclude(status=Status.MERGED).filter(dispatched_at__isnull=True).count() == 0
    assert recent.filter(status=Status.ANSWERED).exists()
    # Each ticket's history starts with its intake and was written by the actions.
    first = Ticket.objects.annotate(t0=Min("events__at")).values_list("received_at", "t0")
    assert all(received == t0 for received, t0 in first)
    assert TicketEvent.objects.filter(type="called_back", at__lt=detailed_start).count() > 15


def test_a_centre_leader_and_a_district_leader_can_log_in(directory):
    demo.ensure_users()
    leaders = User.objects.filter(role=Role.LEADER).select_related("unit")
    assert {u.unit.type for u in leaders} >= {"centre", "district"}
