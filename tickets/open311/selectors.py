"""Public reads for Open311: leaf categories as services, non-confidential tickets as requests."""

from datetime import timedelta

from django.db.models import OuterRef, QuerySet, Subquery

from hotline.models import Category

from ..lifecycle import OPEN_STATES
from ..models import Ticket, TicketEvent

MAX_REQUESTS = 1000
DEFAULT_WINDOW = timedelta(days=90)


def services() -> QuerySet:
    """Each active leaf category is one Open311 service."""
    return Category.objects.filter(default_urgency__isnull=False, active=True).order_by("code")


def public_requests() -> QuerySet:
    """Tickets anyone may read: never a confidential one. Rows carry their last event time."""
    last_event = TicketEvent.objects.filter(ticket=OuterRef("pk")).order_by("-at", "-id")
    return (
        Ticket.objects.filter(confidential=False)
        .select_related("category", "lead_unit", "master", "district", "street")
        .annotate(updated_at=Subquery(last_event.values("at")[:1]))
        .order_by("-received_at", "-id")
    )


def search_requests(
    *, ids=(), service_codes=(), start=None, end=None, statuses=(), now
) -> QuerySet:
    """GeoReport v2 `GET requests`: ids override every other filter; otherwise 90 days."""
    qs = public_requests()
    if ids:
        return qs.filter(number__in=ids)[:MAX_REQUESTS]
    if start is None and end is None:
        start, end = now - DEFAULT_WINDOW, now
    elif start is None:
        start = end - DEFAULT_WINDOW
    qs = qs.filter(received_at__gte=start)
    if end is not None:
        qs = qs.filter(received_at__lte=end)
    if service_codes:
        qs = qs.filter(category__code__in=service_codes)
    if set(statuses) == {"open"}:
        qs = qs.filter(status__in=OPEN_STATES)
    elif set(statuses) == {"closed"}:
        qs = qs.exclude(status__in=OPEN_STATES)
    return qs[:MAX_REQUESTS]
