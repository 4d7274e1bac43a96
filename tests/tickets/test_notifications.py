"""Notifications go through Celery after commit; a broker that is down loses nothing."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from hotline.celery import app
from tickets import actions
from tickets.guards import Refused
from tickets.models import Notification, Status, Ticket

from ..outbox.brokers import use_broker

pytestmark = pytest.mark.django_db


def _notified(ticket, kind):
    return set(
        Notification.objects.filter(ticket=ticket, kind=kind).values_list(
            "user__username", flat=True
        )
    )


def test_a_dispatch_notifies_the_lead_and_co_units_after_commit(
    flow, staff, django_capture_on_commit_callbacks
):
    ticket = flow.new()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.dispatch_ticket(
            actor=staff.dispatcher, ticket=ticket, unit="110101001", co_units=["110101-SCJG"]
        )
    # Nothing is delivered before the transaction commits: the units' notification and
    # the step's announcement (SPEC §15) wait for it.
    assert len(callbacks) == 2 and not Notification.objects.exists()
    for callback in callbacks:
        callback()
    assert _notified(ticket, "dispatched") == {staff.street.username, staff.other_dept.username}
    assert Notification.objects.get(user=staff.street).message.endswith(ticket.number)


def test_a_whistle_notifies_the_summoned_departments(
    flow, staff, django_capture_on_commit_callbacks
):
    ticket = flow.at("in_progress", whistle=False)
    with django_capture_on_commit_callbacks(execute=True):
        actions.whistle(
            actor=staff.street, ticket=ticket, departments=["110101-CGZF"], reason="需执法"
        )
    assert _notified(ticket, "summoned") == {staff.dept.username}


def test_a_return_decision_notifies_the_unit_that_asked(
    flow, staff, django_capture_on_commit_callbacks
):
    ticket = flow.at("returned")
    with django_capture_on_commit_callbacks(execute=True):
        actions.review_return(actor=staff.dispatcher, ticket=ticket, accept=True, unit="110101002")
    assert staff.street.username in _notified(ticket, "return_decided")
    assert _notified(ticket, "dispatched") == {staff.other_street.username}


def test_a_refused_step_notifies_no_one(flow, staff, django_capture_on_commit_callbacks):
    ticket = flow.new()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Refused):
            actions.dispatch_ticket(actor=staff.street, ticket=ticket, unit="110101001")
    assert callbacks == [] and not Notification.objects.exists()


def test_a_broker_that_is_down_does_not_fail_or_lose_an_intake(
    flow, staff, django_capture_on_commit_callbacks
):
    from tickets.outbox import delivery

    app.conf.task_always_eager = False  # really try the broker (the autouse fixture restores)
    delivery.reset_breaker()
    previous = use_broker("redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            ticket = flow.new()
            actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit="110101001")
        elapsed = time.monotonic() - started
    finally:
        use_broker(previous)
        delivery.reset_breaker()
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit.code == "110101001"
    assert list(ticket.events.values_list("type", flat=True)) == ["created", "dispatched"]
    # Kept in the outbox, and quickly: an intake does not wait on a dead broker.
    assert elapsed < 2, f"took {elapsed:.1f}s with the broker down"
    assert _notified(ticket, "dispatched") == set()
    # The broker is back (here: in-process); the outbox relay delivers what was kept.
    app.conf.task_always_eager = True
    # Three rows: the unit's notification and the two steps' announcements (SPEC §15).
    assert delivery.relay(now=timezone.now() + delivery.RELAY_AFTER) == 3
    assert _notified(ticket, "dispatched") == {staff.street.username}


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_delivers_the_notification(flow, staff):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun, task_prerun

    assert settings.REDIS_URL and app.conf.broker_url == settings.REDIS_URL
    assert app.conf.task_always_eager is False
    ran_in = []

    def record_thread(**kwargs):
        ran_in.append(threading.get_ident())

    def close_worker_connection(**kwargs):
        connection.close()  # the worker thread's own connection; the test DB must drop later

    task_prerun.connect(record_thread, weak=False)
    task_postrun.connect(close_worker_connection, weak=False)
    try:
        app.control.purge()  # leftovers of an earlier run would name tickets long gone
        with start_worker(app, perform_ping_check=False, shutdown_timeout=20):
            ticket = flow.new()
            actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit="110101001")
            give_up = time.monotonic() + 20
            while not _notified(ticket, "dispatched") and time.monotonic() < give_up:
                time.sleep(0.1)
    finally:
        task_prerun.disconnect(record_thread)
        task_postrun.disconnect(close_worker_connection)
    assert _notified(ticket, "dispatched") == {staff.street.username}
    assert ran_in and threading.get_ident() not in ran_in
