"""A broker that refuses or hangs: every step answers within 2 s, no notification is lost,
and all of them arrive once the broker is back (a real worker on the real Redis)."""

import time

import pytest
from django.utils import timezone

from hotline.celery import app
from tests.outbox.brokers import REFUSED, hung_listener, use_broker
from tickets.models import Notification
from tickets.outbox import delivery
from tickets.outbox.models import OutboxMessage
from tickets.texts.models import TextMessage

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

BOUND = 2.0  # seconds: what a step may wait on the broker (SPEC §18)
BODY = {
    "channel": "phone",
    "caller_phone": "13812345678",
    "street": "110101001",
    "kind": "complaint",
    "category": "CX.WJ.SD",
    "content": "路灯不亮",
}


def warm_up(staff, api):
    """One intake before the fault: the first request of a process loads caches (seconds
    on a busy machine), which is not what is measured here. Its text to the caller waits in
    the outbox like the rest."""
    assert api(staff.operator).post("/api/v1/tickets/", BODY, format="json").status_code == 201


def intake_and_dispatch(staff, api, n):
    """n tickets through the API (intake, then dispatch); the slowest request's seconds."""
    slowest, numbers = 0.0, []
    for _ in range(n):
        for path, user, body in (
            ("/api/v1/tickets/", staff.operator, BODY),
            (None, staff.dispatcher, {"unit": "110101001"}),
        ):
            url = path or f"/api/v1/tickets/{numbers[-1]}/dispatch/"
            started = time.monotonic()
            response = api(user).post(url, body, format="json")
            slowest = max(slowest, time.monotonic() - started)
            assert response.status_code in (200, 201), response.content
            if path:
                numbers.append(response.json()["number"])
    return numbers, slowest


def delivered_after_the_broker_is_back(start_worker, numbers):
    """With the real broker and a real worker: the relay hands over what was kept.
    Returns how many rows it handed over, and when it started."""
    start_worker()
    delivery.reset_breaker()
    relayed_at = timezone.now()
    handed = delivery.relay(now=relayed_at + delivery.REPUBLISH_AFTER)
    give_up = time.monotonic() + 30
    while OutboxMessage.objects.filter(status="pending").exists():
        assert time.monotonic() < give_up, "outbox rows still pending after 30 s"
        time.sleep(0.2)
    notified = set(
        Notification.objects.filter(kind="dispatched", user__unit__code="110101001").values_list(
            "ticket__number", flat=True
        )
    )
    assert notified == set(numbers)
    return handed, relayed_at


def steps_on(url, staff, api):
    warm_up(staff, api)
    previous = use_broker(url)
    try:
        return intake_and_dispatch(staff, api, 3)
    finally:
        use_broker(previous)


def assert_all_kept_and_delivered(start_worker, numbers):
    """Every dispatch's notification and every step's announcement (the caller's text)
    waited in the outbox, and the relay hands all of them over once the broker is back."""
    pending = OutboxMessage.objects.filter(status="pending")
    assert pending.filter(task_name="tickets.tasks.deliver_notifications").count() == 3
    announced = pending.filter(kind="announce").order_by("created_at", "pk")
    events = [m.args[1] for m in announced]
    assert events[0] == "created" and sorted(events[1:]) == ["created"] * 3 + ["dispatched"] * 3
    kept = set(pending.exclude(pk=announced[0].pk).values_list("pk", flat=True))
    assert len(kept) == 3 + 6  # the nine kept during the fault (not the warm-up's)
    handed, relayed_at = delivered_after_the_broker_is_back(start_worker, numbers)
    # The relay hands over the nine; a kept row a timed-out hand-over sent after all may
    # reach the starting worker first (it is done before the relay runs, and skipped).
    # The warm-up's announcement, published before the fault, may too. Nothing stays
    # pending: the announcements' texts (the warm-up's too) went out after them.
    done = OutboxMessage.objects.filter(pk__in=kept, status="done")
    assert done.count() == len(kept)
    assert handed + done.filter(done_at__lt=relayed_at).count() >= len(kept)
    assert TextMessage.objects.filter(status="sent").count() == 3 + 1


def test_a_refused_broker(staff, api, start_worker):
    numbers, slowest = steps_on(REFUSED, staff, api)
    assert slowest < BOUND, f"a step waited {slowest:.2f}s on a refused broker"
    assert not Notification.objects.exists()
    assert_all_kept_and_delivered(start_worker, numbers)


def test_a_hung_broker(staff, api, start_worker):
    with hung_listener() as url:
        numbers, slowest = steps_on(url, staff, api)
    assert slowest < BOUND, f"a step waited {slowest:.2f}s on a hung broker"
    assert_all_kept_and_delivered(start_worker, numbers)


def test_compute_with_the_broker_down_is_queued_not_500(staff, api, make_user, start_worker):
    from scoring.models import ScoreRun

    admin = make_user("admin", "12345")
    previous = use_broker(REFUSED)
    try:
        started = time.monotonic()
        response = api(admin).post("/api/v1/scores/compute/", {"period": "2026-10"}, format="json")
        elapsed = time.monotonic() - started
    finally:
        use_broker(previous)
    assert response.status_code == 202 and elapsed < BOUND
    assert OutboxMessage.objects.get().kind == "scores"
    delivered_after_the_broker_is_back(start_worker, [])
    assert ScoreRun.objects.get(period="2026-10").status == "done"
    assert app.conf.broker_url == previous
