"""Texting the caller at the moments of SPEC §15, inside the step's transaction."""

import re

from django.utils import timezone

from hotline.validation import MOBILE

from .. import attempts
from .defaults import DEFAULTS
from .models import TextMessage, TextTemplate

SEND_TASK = "texts.send"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def may_text(ticket) -> bool:
    """Not a confidential ticket, not a caller who declined, and a mobile to text."""
    return (
        not ticket.confidential
        and ticket.notify_caller
        and bool(MOBILE.match(ticket.caller_phone or ""))
    )


def render(body: str, ticket) -> str:
    """Fill {number} {deadline} {unit} {result}; anything else in braces stays as written."""
    deadline = ticket.feedback_deadline
    values = {
        "number": ticket.number,
        "deadline": timezone.localtime(deadline).strftime("%m月%d日%H:%M") if deadline else "",
        "unit": ticket.lead_unit.name if ticket.lead_unit_id else "",
        "result": str(ticket.get_result_display()) if ticket.result else "",
    }
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def text_caller(ticket, event, *, now=None) -> TextMessage | None:
    """Write the caller's text for `event` (pending) and hand it to the outbox."""
    if not may_text(ticket):
        return None
    template = TextTemplate.objects.filter(event=event).first()
    if template is not None and not template.active:
        return None  # switched off in the admin
    body = template.body if template is not None else DEFAULTS.get(event)
    if not body:
        return None
    message = TextMessage.objects.create(
        ticket=ticket,
        event=event,
        phone=ticket.caller_phone,
        body=render(body, ticket),
        created_at=now or timezone.now(),
        next_attempt_at=attempts.claimed_until(),
    )
    attempts.queue(SEND_TASK, [message.pk])
    return message


def send_one(message):
    from .backends import get_backend

    message.provider_ref = get_backend().send(message)
