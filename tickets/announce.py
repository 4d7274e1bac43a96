"""What a step tells the world (SPEC §15): the caller's text and the webhooks.

Actions call `announce` inside their transaction, after their event: the text message
and webhook deliveries are written pending with the step and handed to Celery through
the outbox, so a broker that is away neither delays the step nor loses them. An explicit
call in each action, not a signal: the side effect is visible where it happens.
"""

from .texts.models import TextEvent
from .texts.services import text_caller
from .webhooks.models import WebhookEvent
from .webhooks.services import call_webhooks

TEXTED = set(TextEvent.values)
SELECTED = ("category", "district", "street", "lead_unit")


def announce(ticket, event, *, now=None):
    """`event`: created, dispatched, extension_approved, replied, reopened, closed."""
    if event in TEXTED:
        text_caller(ticket, event, now=now)
    call_webhooks([ticket], f"ticket.{event}", now=now)


def announce_overdue(ticket_ids, *, breach, now=None):
    """The deadline sweep's breaches, for the webhooks that want them (no text)."""
    from .models import Ticket

    tickets = Ticket.objects.filter(pk__in=ticket_ids).select_related(*SELECTED)
    call_webhooks(tickets, WebhookEvent.OVERDUE, now=now, breach=breach)
