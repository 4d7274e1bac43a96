"""Reads: which tickets a user may see, inboxes, queues, likely repeats. Querysets only."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from hotline.models import UnitType

from .lifecycle import OPEN_STATES
from .models import Participation, ReviewRequest, Status, Ticket


def _unit_ticket_ids(unit, *, statuses=None, roles=None):
    """Ids of the tickets a unit leads or takes part in, as one UNION subquery.

    A UNION of two index lookups, not `lead_unit = X OR EXISTS (...)`: PostgreSQL cannot
    use an index for that OR and scans the whole table (470 ms on a million tickets).
    """
    led = Ticket.objects.filter(lead_unit_id=unit.pk)
    parts = Participation.objects.filter(unit_id=unit.pk, active=True)
    if statuses is not None:
        led = led.filter(status__in=statuses)
        parts = parts.filter(ticket__status__in=statuses)
    if roles is not None:
        parts = parts.filter(role__in=roles)
    # order_by(): no ORDER BY inside a compound statement (SQLite refuses it).
    return led.order_by().values("id").union(parts.order_by().values("ticket_id"))


def visible_tickets(user) -> QuerySet:
    """The centre sees all; a district its district; any other unit what it takes part in."""
    qs = Ticket.objects.all()
    unit = getattr(user, "unit", None)
    if not user.is_authenticated or unit is None:
        return qs.none()
    if unit.type == UnitType.CENTRE:
        return qs
    if unit.type == UnitType.DISTRICT:
        # Most tickets of a district match: an OR lets PostgreSQL walk the received_at
        # index and stop at a page, where a UNION would collect and sort them all.
        takes_part = Exists(
            Participation.objects.filter(ticket=OuterRef("pk"), unit_id=unit.pk, active=True)
        )
        return qs.filter(Q(district_id=unit.pk) | Q(lead_unit__district_id=unit.pk) | takes_part)
    return qs.filter(pk__in=_unit_ticket_ids(unit))


def sees_unmasked_caller(user) -> bool:
    """Only the centre sees a caller's phone in full (and a confidential caller at all)."""
    unit = getattr(user, "unit", None)
    return unit is not None and unit.type == UnitType.CENTRE


def mask_phone(phone: str) -> str:
    if len(phone) >= 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "****" if phone else ""


def caller_for(user, ticket) -> tuple[str, str]:
    """(name, phone) as this user may see them."""
    if sees_unmasked_caller(user):
        return ticket.caller_name, ticket.caller_phone
    if ticket.confidential:
        return "", ""
    return ticket.caller_name, mask_phone(ticket.caller_phone)


def list_tickets(user) -> QuerySet:
    """Visible tickets with what a list row shows, in a fixed number of queries."""
    return (
        visible_tickets(user)
        .select_related("category", "street", "district", "lead_unit")
        .prefetch_related("participations__unit")
        .order_by("-received_at", "-id")
    )


INBOX_STATES = [
    Status.DISPATCHED,
    Status.SIGNED,
    Status.IN_PROGRESS,
    Status.RETURNED,
    Status.REPLIED,
]


def unit_inbox(unit) -> QuerySet:
    """The unit's open tickets (as lead or summoned/co-handler), soonest deadline first."""
    ids = _unit_ticket_ids(
        unit,
        statuses=INBOX_STATES,
        roles=[Participation.Role.CO, Participation.Role.SUMMONED],
    )
    return (
        Ticket.objects.filter(pk__in=ids, status__in=INBOX_STATES)
        .select_related("category", "street", "lead_unit")
        .order_by("feedback_deadline", "id")
    )


def dispatch_queue() -> QuerySet:
    return (
        Ticket.objects.filter(status=Status.NEW)
        .select_related("category", "street", "district", "category__duty_unit")
        .order_by("urgency", "received_at")
    )


def pending_reviews(kind=None) -> QuerySet:
    qs = ReviewRequest.objects.filter(decision=ReviewRequest.Decision.PENDING)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("ticket", "unit", "requested_by").order_by("requested_at")


AWAITING_CALLBACK = [Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS, Status.REPLIED]


def callback_queue(now=None) -> QuerySet:
    """Replied tickets, and tickets whose feedback deadline has run out."""
    now = now or timezone.now()
    return (
        # The explicit status__in lets PostgreSQL use the partial index ticket_awaiting_callback.
        Ticket.objects.filter(status__in=AWAITING_CALLBACK)
        .filter(Q(status=Status.REPLIED) | Q(feedback_deadline__lte=now))
        .select_related("category", "lead_unit", "street")
        .order_by("feedback_deadline", "id")
    )


def likely_repeats(
    *, phone="", street=None, category=None, exclude_id=None, now=None, days=30
) -> QuerySet:
    """Open tickets from the last `days` with the same phone, or same street and category."""
    now = now or timezone.now()
    match = Q()
    if phone:
        match |= Q(caller_phone=phone)
    if street is not None and category is not None:
        match |= Q(street=street, category=category)
    if not match:
        return Ticket.objects.none()
    qs = Ticket.objects.filter(
        match,
        status__in=OPEN_STATES,
        master__isnull=True,
        received_at__gte=now - timedelta(days=days),
    )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs.select_related("category", "street").order_by("-received_at")[:10]
