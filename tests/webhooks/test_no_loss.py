"""No loss (SPEC §18): with the broker refused or hung, the caller's text and the webhook
calls wait in their rows and the outbox, and go out when the broker is back.

Runs a real Celery worker on a redis-server of its own, on its own port (stopped with
SIGSTOP to hang it); the shared Redis is never touched.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from datetime import timedelta

import pytest
import redis
from django.db import connection
from django.utils import timezone

from hotline.celery import app
from tests.outbox.brokers import REFUSED, use_broker
from tickets import actions
from tickets.outbox import delivery
from tickets.outbox.models import OutboxMessage
from tickets.texts.models import TextMessage
from tickets.webhooks.models import Webhook, WebhookDelivery

from .receiver import receiver

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def own_redis():
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server (Debian: redis-server) to run a broker of its own")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_timeout=1)
    for _ in range(50):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    try:
        yield proc, f"redis://127.0.0.1:{port}/0"
    finally:
        os.kill(proc.pid, signal.SIGCONT)  # in case the test left it stopped
        proc.terminate()
        proc.wait(timeout=10)


def _timed(step):
    started = time.monotonic()
    result = step()
    return result, time.monotonic() - started


@pytest.mark.parametrize("fault", ["refused", "hung"])
def test_texts_and_webhooks_wait_for_the_broker_and_then_go_out(flow, staff, own_redis, fault):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    proc, url = own_redis
    previous = app.conf.broker_url
    delivery.reset_breaker()
    # A process imports every app's tasks on its first enqueue (the outbox's lookup): a
    # one-time cost, paid here so that the timings below measure the broker alone.
    app.loader.import_default_modules()
    with receiver([200]) as server:
        Webhook.objects.create(
            name="区平台",
            url=server.url,
            secret="k" * 32,
            events=["ticket.created", "ticket.dispatched"],
        )
        try:
            if fault == "refused":
                use_broker(REFUSED)
            else:
                use_broker(url)
                os.kill(proc.pid, signal.SIGSTOP)  # accepts connections, answers nothing
            try:
                ticket, took_intake = _timed(flow.new)
                _, took_dispatch = _timed(
                    lambda: actions.dispatch_ticket(
                        actor=staff.dispatcher, ticket=ticket, unit="110101001"
                    )
                )
            finally:
                os.kill(proc.pid, signal.SIGCONT)
            # One wait for the broker at most (PUBLISH_TIMEOUT, then the breaker is open),
            # never two: 1.55 s alone, 2.006 s once late in a full run on a 2-core machine.
            once = delivery.PUBLISH_TIMEOUT + 1
            assert took_intake < once and took_dispatch < once, (took_intake, took_dispatch)
            # Nothing went out, nothing is lost: each step's announcement waits in the outbox
            # (the worker writes the text and the deliveries from it).
            assert server.requests == []
            pending = OutboxMessage.objects.filter(status="pending", kind="announce")
            assert sorted(m.args[1] for m in pending) == ["created", "dispatched"]
            assert not TextMessage.objects.exists() and not WebhookDelivery.objects.exists()

            # The broker is back: a worker on it, and the relay (beat) hands the rows over.
            use_broker(url)
            delivery.reset_breaker()

            def close_worker_connection(**kwargs):
                connection.close()  # the worker thread's own; the test database drops later

            task_postrun.connect(close_worker_connection, weak=False)
            try:
                with start_worker(app, perform_ping_check=False, shutdown_timeout=20):
                    delivery.relay(now=timezone.now() + timedelta(minutes=2))
                    give_up = time.monotonic() + 30
                    # announcements, then the text and the deliveries they queued, all done
                    while time.monotonic() < give_up and (
                        OutboxMessage.objects.filter(status="pending").exists()
                        or WebhookDelivery.objects.filter(status="sent").count() < 2
                        or not TextMessage.objects.filter(status="sent").exists()
                    ):
                        time.sleep(0.2)
            finally:
                task_postrun.disconnect(close_worker_connection)
        finally:
            use_broker(previous)  # also when an assertion above failed: later tests need it
            delivery.reset_breaker()
    assert TextMessage.objects.get(ticket=ticket).status == "sent"
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"sent"}
    events = sorted(server.json(n)["event"] for n in range(len(server.requests)))
    assert events == ["ticket.created", "ticket.dispatched"]  # each once, none twice
