"""Writing deliveries inside the step's transaction, and making one call."""

import json
import time

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from .. import attempts
from .models import Webhook, WebhookDelivery
from .signing import HEADER, signature

SEND_TASK = "webhooks.deliver"


def ticket_summary(ticket) -> dict:
    """What a receiver learns of a ticket: no caller name, phone or free text (SPEC §3)."""
    code = lambda unit: unit.code if unit else None  # noqa: E731
    return {
        "number": ticket.number,
        "status": ticket.status,
        "kind": ticket.kind,
        "urgency": ticket.urgency,
        "category": ticket.category.code,
        "district": code(ticket.district),
        "street": code(ticket.street),
        "lead_unit": code(ticket.lead_unit),
        "received_at": ticket.received_at,
        "dispatched_at": ticket.dispatched_at,
        "feedback_deadline": ticket.feedback_deadline,
        "replied_at": ticket.replied_at,
        "result": ticket.result or None,
        "overdue": ticket.overdue,
    }


def _subscribers(event):
    # A handful of hooks at most: filtered here, as JSON containment differs per database.
    return [h for h in Webhook.objects.filter(active=True) if event in h.events]


def _body(event, at, ticket, extra) -> str:
    payload = {"event": event, "at": at, "ticket": ticket_summary(ticket), **extra}
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


def call_webhooks(tickets, event, *, now=None, **extra) -> list[WebhookDelivery]:
    """One pending delivery per subscribed hook and ticket; one outbox row hands them over.

    `tickets` may be a queryset: it is read only when some hook wants the event.
    """
    hooks = _subscribers(event)
    if not hooks:
        return []
    now = now or timezone.now()
    rows = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            webhook=hook,
            event=event,
            ticket=ticket,
            body=_body(event, now, ticket, extra),
            created_at=now,
            next_attempt_at=attempts.claimed_until(),
        )
        for ticket in tickets
        for hook in hooks
    )
    attempts.queue(SEND_TASK, [r.pk for r in rows])
    return rows


def post(delivery):
    """One signed POST; a non-2xx answer or no answer raises (the attempt is retried)."""
    body = delivery.body.encode()
    started = time.monotonic()
    try:
        response = requests.post(
            delivery.webhook.url,
            data=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "hotline12345-webhooks",
                "X-Hotline-Event": delivery.event,
                "X-Hotline-Delivery": str(delivery.pk),
                HEADER: signature(delivery.webhook.secret, body),
            },
            timeout=settings.WEBHOOK_TIMEOUT,
            allow_redirects=False,
        )
    finally:
        delivery.duration_ms = int((time.monotonic() - started) * 1000)
    delivery.response_status = response.status_code
    if not 200 <= response.status_code < 300:
        raise RuntimeError(f"answered {response.status_code}")
