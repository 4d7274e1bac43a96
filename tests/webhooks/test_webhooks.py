"""Webhooks (SPEC §15): registered by admins, signed, retried with back-off, logged."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tickets import actions, attempts
from tickets.sweep import sweep_deadlines
from tickets.webhooks.models import Webhook, WebhookDelivery

from .receiver import receiver

pytestmark = pytest.mark.django_db

SECRET = "s3cret-for-the-grid-platform"


def _hook(url, events=("ticket.dispatched",), **fields):
    return Webhook.objects.create(
        name="网格平台", url=url, secret=SECRET, events=list(events), **fields
    )


def _signed_correctly(headers, body, secret=SECRET):
    # What a receiver does, written out here without the project's helper.
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-Hotline-Signature"], expected)


def test_a_real_server_receives_a_signed_delivery(flow, staff, committed):
    with receiver([200]) as server, committed():
        _hook(server.url)
        ticket = flow.dispatched()
    [(path, headers, body)] = server.requests
    assert path == "/hook" and _signed_correctly(headers, body)
    assert not _signed_correctly(headers, body, secret="another secret")
    assert headers["X-Hotline-Event"] == "ticket.dispatched"
    payload = json.loads(body)
    assert payload["event"] == "ticket.dispatched" and payload["ticket"]["number"] == ticket.number
    assert (
        payload["ticket"]["lead_unit"] == "110101001"
        and payload["ticket"]["status"] == "dispatched"
    )
    # Other systems learn nothing personal about the caller.
    assert "13812345678" not in body.decode() and "张先生" not in body.decode()
    delivery = WebhookDelivery.objects.get()
    assert headers["X-Hotline-Delivery"] == str(delivery.pk)
    assert (delivery.status, delivery.response_status, delivery.attempts) == ("sent", 200, 1)


def test_only_the_events_a_hook_asked_for_and_only_active_hooks(flow, staff, committed):
    with receiver([200]) as server, committed():
        _hook(server.url, events=["ticket.created", "ticket.closed"])
        _hook(server.url, events=["ticket.dispatched"], active=False)
        flow.at("closed")
    assert [json.loads(r[2])["event"] for r in server.requests] == [
        "ticket.created",
        "ticket.closed",
    ]


def test_every_event_of_a_tickets_life(flow, staff, committed):
    events = [
        "ticket.created",
        "ticket.dispatched",
        "ticket.extension_approved",
        "ticket.replied",
        "ticket.reopened",
    ]
    with receiver([200]) as server, committed():
        _hook(server.url, events=events)
        ticket = flow.at("in_progress")
        actions.request_extension(
            actor=staff.street, ticket=ticket, days=2, reason="r", now=flow.T0 + timedelta(hours=1)
        )
        actions.review_extension(actor=staff.reviewer, ticket=ticket, approve=True)
        actions.reply_ticket(actor=staff.street, ticket=ticket, result="solved", note="ok")
        actions.record_callback(
            actor=staff.callback_agent,
            ticket=ticket,
            valid=True,
            contacted=True,
            solved=False,
            satisfaction="unsatisfied",
        )
    bodies = [json.loads(r[2]) for r in server.requests]
    assert [b["event"] for b in bodies] == events
    # The worker ran every announcement after the last step: each body still tells the
    # ticket as its own step left it.
    told = [(b["ticket"]["status"], b["ticket"]["lead_unit"]) for b in bodies]
    assert told[:2] == [("new", None), ("dispatched", "110101001")]
    assert [status for status, _ in told[2:]] == ["in_progress", "replied", "in_progress"]


def test_a_failed_call_is_logged_and_retried_with_back_off(flow, committed):
    with receiver([500, 502, 200]) as server:
        _hook(server.url)
        with committed():
            flow.dispatched()
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.response_status, delivery.attempts) == ("pending", 500, 1)
        first_wait = delivery.next_attempt_at - timezone.now()
        assert timedelta(seconds=20) < first_wait <= timedelta(seconds=30)
        with committed():
            assert attempts.retry_due(WebhookDelivery, "webhooks.deliver") == 0  # not yet due
            attempts.retry_due(WebhookDelivery, "webhooks.deliver", now=delivery.next_attempt_at)
        delivery.refresh_from_db()
        assert (delivery.response_status, delivery.attempts) == (502, 2)
        second_wait = delivery.next_attempt_at - timezone.now()
        assert second_wait > first_wait + timedelta(seconds=20)  # backing off: 30 s, then 60 s
        with committed():
            attempts.retry_due(WebhookDelivery, "webhooks.deliver", now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_status, delivery.attempts) == ("sent", 200, 3)
    bodies = {r[2] for r in server.requests}
    signatures = {r[1]["X-Hotline-Signature"] for r in server.requests}
    assert len(server.requests) == 3 and len(bodies) == 1 and len(signatures) == 1


def test_a_receiver_that_is_down_leaves_the_delivery_pending(flow, committed):
    _hook("http://127.0.0.1:1/hook")
    with committed():
        ticket = flow.dispatched()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.response_status is None
    assert "Connection" in delivery.last_error and delivery.ticket == ticket


def test_the_sweep_announces_overdue_tickets(flow, committed):
    with receiver([200]) as server:
        _hook(server.url, events=["ticket.overdue"])
        ticket = flow.dispatched()
        with committed():
            sweep_deadlines(now=ticket.sign_deadline + timedelta(minutes=1))
    [payload] = [json.loads(r[2]) for r in server.requests]
    assert payload["event"] == "ticket.overdue" and payload["breach"] == "sign_overdue"
    assert payload["ticket"]["overdue"] is True


def test_only_admins_register_hooks_through_the_api(api, staff, make_user):
    from hotline.models import Role

    admin = make_user(Role.ADMIN, "12345")
    body = {"name": "区平台", "url": "https://grid.example.gov.cn/in", "events": ["ticket.closed"]}
    for user in (staff.operator, staff.leader, staff.street):
        assert api(user).post("/api/v1/webhooks/", body, format="json").status_code == 403
        assert api(user).get("/api/v1/webhooks/").status_code == 403
    created = api(admin).post("/api/v1/webhooks/", body, format="json")
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    assert len(secret) == 64 and Webhook.objects.get().secret == secret  # shown this once
    listed = api(admin).get("/api/v1/webhooks/").json()["results"]
    assert listed[0]["events"] == ["ticket.closed"] and "secret" not in listed[0]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"events": ["ticket.eaten"]}, "events"),
        ({"events": []}, "events"),
        ({"url": "ftp://grid.example.gov.cn/in"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"secret": "short"}, "secret"),
    ],
)
def test_bad_registrations_name_the_field_and_change_nothing(api, make_user, change, field):
    from hotline.models import Role

    admin = make_user(Role.ADMIN, "12345")
    body = {"name": "区平台", "url": "https://grid.example.gov.cn/in", "events": ["ticket.closed"]}
    response = api(admin).post("/api/v1/webhooks/", {**body, **change}, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Webhook.objects.exists()


def test_the_admin_shows_the_delivery_log_with_status_codes(flow, admin_client, committed):
    with receiver([404]) as server, committed():
        hook = _hook(server.url)
        flow.dispatched()
    page = admin_client.get(reverse("admin:webhooks_webhookdelivery_changelist"))
    assert page.status_code == 200 and "404" in page.content.decode()
    page = admin_client.get(reverse("admin:webhooks_webhook_change", args=[hook.pk]))
    assert page.status_code == 200 and "ticket.dispatched" in page.content.decode()
