"""The transactional outbox: written with the step, delivered after commit, at least once."""

import time

import pytest
from celery import shared_task
from django.db import connection, transaction

from hotline.celery import app
from tickets.outbox import delivery, enqueue
from tickets.outbox.models import OutboxMessage

from .brokers import REFUSED, hung_listener, use_broker

pytestmark = pytest.mark.django_db

RAN = []


@shared_task(name="tests.outbox.record")
def record(value):
    RAN.append(value)


@shared_task(name="tests.outbox.boom")
def boom():
    raise RuntimeError("the remote end said no")


@pytest.fixture(autouse=True)
def _fresh():
    RAN.clear()
    delivery.reset_breaker()
    yield
    delivery.reset_breaker()


def test_a_rolled_back_step_leaves_no_work(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            enqueue("tests.outbox.record", [1])
            1 / 0  # noqa: B018 - the step fails after writing its outbox row
    assert callbacks == [] and not OutboxMessage.objects.exists() and RAN == []


def test_eager_mode_runs_the_task_after_commit_and_marks_it_done(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            message = enqueue("tests.outbox.record", ["冒号:值"], kind="test")
    assert RAN == [] and len(callbacks) == 1  # nothing runs before the commit
    callbacks[0]()
    message.refresh_from_db()
    assert RAN == ["冒号:值"] and message.status == "done" and message.done_at


def test_a_second_delivery_of_a_done_row_does_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue("tests.outbox.record", [7])
    assert delivery.run_message(message.pk) == "skipped"
    assert RAN == [7]


def test_an_unknown_task_is_refused_at_once():
    with pytest.raises(ValueError, match="no Celery task"):
        enqueue("tests.outbox.no_such_task", [])
    assert not OutboxMessage.objects.exists()


def test_a_failing_task_backs_off_then_is_given_up(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue("tests.outbox.boom", [])
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "said no" in message.last_error and message.available_at > message.created_at
    # Not due yet: the relay leaves it alone until its backoff has passed.
    assert not delivery.due().filter(pk=message.pk).exists()
    for _ in range(delivery.MAX_ATTEMPTS - 1):
        delivery.run_message(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", delivery.MAX_ATTEMPTS)


def test_a_refused_broker_costs_the_step_nothing_and_the_relay_delivers_later(
    django_capture_on_commit_callbacks,
):
    app.conf.task_always_eager = False  # really try the broker (the autouse fixture restores)
    previous = use_broker(REFUSED)
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            message = enqueue("tests.outbox.record", [42])
        elapsed = time.monotonic() - started
    finally:
        use_broker(previous)
    message.refresh_from_db()
    assert message.status == "pending" and message.published_at is None and RAN == []
    assert elapsed < 2, f"the step waited {elapsed:.2f}s on a refused broker"
    # The broker is back (here: in-process delivery); the relay finds the row once it is due.
    app.conf.task_always_eager = True
    assert delivery.relay() == 0  # not yet: the after-commit hand-over had its few seconds
    later = message.created_at + delivery.RELAY_AFTER
    assert delivery.relay(now=later) == 1
    message.refresh_from_db()
    assert message.status == "done" and RAN == [42]


@pytest.fixture
def hung_broker():
    with hung_listener() as url:
        yield url


def test_a_hung_broker_holds_the_step_less_than_two_seconds(
    hung_broker, django_capture_on_commit_callbacks
):
    app.conf.task_always_eager = False
    previous = use_broker(hung_broker)
    try:
        timings = []
        for value in range(3):
            started = time.monotonic()
            with django_capture_on_commit_callbacks(execute=True):
                enqueue("tests.outbox.record", [value])
            timings.append(time.monotonic() - started)
    finally:
        use_broker(previous)
    assert max(timings) < 2, timings
    # After the first timeout the others do not even try (the breaker is open).
    assert sum(timings[1:]) < 0.5, timings
    assert OutboxMessage.objects.filter(status="pending").count() == 3


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_row_and_marks_it_done():
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    def close_worker_connection(**kwargs):
        connection.close()  # the worker thread's own connection; the test DB must drop later

    task_postrun.connect(close_worker_connection, weak=False)
    try:
        app.control.purge()
        with start_worker(app, perform_ping_check=False, shutdown_timeout=20):
            with transaction.atomic():
                message = enqueue("tests.outbox.record", ["worker"])
            give_up = time.monotonic() + 20
            while time.monotonic() < give_up:
                message.refresh_from_db()
                if message.status == "done":
                    break
                time.sleep(0.1)
    finally:
        task_postrun.disconnect(close_worker_connection)
    assert message.status == "done" and message.published_at and RAN == ["worker"]
