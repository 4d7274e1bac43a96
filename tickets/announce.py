"""What a step tells the world (SPEC §15): the caller's text and the webhooks.

Actions call `announce` inside their transaction, after their event. It writes one outbox
row, `tickets.announce`, holding the ticket as the step left it; the worker that runs the
row writes the text message and the webhook deliveries from that picture and sends them.
So a step pays one INSERT for its announcement (not the template, text, hooks and their
rows: a third of an intake's time), a broker that is away neither delays the step nor
loses the announcement, and what is said is what was true at the step, however late the
worker runs. An explicit call in each action, not a signal: the side effect is visible
where it happens.
"""

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .outbox.delivery import enqueue
from .texts.models import TextEvent
from .texts.services import text_caller
from .webhooks.models import WebhookEvent
from .webhooks.services import call_webhooks

TASK = "tickets.announce"
TEXTED = set(TextEvent.values)
SELECTED = ("category", "district", "street", "lead_unit")
# The ticket's own columns a text or a webhook body reads (texts.services.render,
# webhooks.services.ticket_summary, may_text): taken at the step, laid over the row later.
PICTURED = (
    "number",
    "status",
    "kind",
    "urgency",
    "category_id",
    "district_id",
    "street_id",
    "lead_unit_id",
    "received_at",
    "dispatched_at",
    "feedback_deadline",
    "replied_at",
    "result",
    "overdue",
    "confidential",
    "notify_caller",
)


def announce(ticket, event, *, now=None):
    """`event`: created, dispatched, extension_approved, replied, reopened, closed."""
    picture = {name: getattr(ticket, name) for name in PICTURED}
    enqueue(TASK, [ticket.pk, event, now or timezone.now(), picture], kind="announce")


# Defined here, not in tasks.py: a web process knows it from its first step on, without
# the outbox importing every app's tasks (and Celery configuring logging again) to find it.
@shared_task(name=TASK)
def announce_step(ticket_id, event, at, picture):
    """The worker's half: the text and the webhook deliveries of one step, as it was."""
    from .models import Ticket

    ticket = Ticket.objects.select_related(*SELECTED).get(pk=ticket_id)
    for name, value in picture.items():
        # from JSON back to the field's type (a date-time from its text); a foreign key's id
        # that differs drops the related row read above (Django's rule)
        setattr(ticket, name, Ticket._meta.get_field(name).to_python(value))
    at = parse_datetime(at)  # as the outbox's JSON keeps it
    if event in TEXTED:
        text_caller(ticket, event, now=at)
    call_webhooks([ticket], f"ticket.{event}", now=at)


def announce_overdue(ticket_ids, *, breach, now=None):
    """The deadline sweep's breaches, for the webhooks that want them (no text)."""
    from .models import Ticket

    tickets = Ticket.objects.filter(pk__in=ticket_ids).select_related(*SELECTED)
    call_webhooks(tickets, WebhookEvent.OVERDUE, now=now, breach=breach)
