"""Search and caller history: querysets inside what the user may see, nothing in Python."""

from datetime import timedelta

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Right
from django.db.models.lookups import Exact
from django.utils import timezone

from hotline.textsearch import text_search_condition

from ..lifecycle import OPEN_STATES
from ..models import Ticket
from ..selectors import list_tickets, sees_unmasked_caller
from .query import Query, parse

RAW_FIELDS = ["address", "content"]


def _words(words: list[str]) -> Q:
    return text_search_condition(" ".join(words), model=Ticket, raw_fields=RAW_FIELDS)


def search_condition(query: Query, *, caller_fields: bool) -> Q:
    """Every part of the query must match. Phones and names only when caller_fields."""
    condition = Q()
    for digits in query.numbers:
        one = Q(number=digits)
        if caller_fields and digits.isdigit():
            one |= Q(caller_phone=digits)
        condition &= one
    for digits in query.last_four:
        one = _words([digits])
        if caller_fields:
            # written as the index ticket_phone_last4 is, so PostgreSQL reads it
            one |= Q(Exact(Right("caller_phone", 4), digits))
        condition &= one
    if query.words:
        words = _words(query.words)
        if caller_fields and query.name:
            words |= Q(caller_name=query.name)
        condition &= words
    return condition


def search_condition_for(user, q: str) -> Q:
    """What `q` means for this user: the centre may also search callers' phones and names."""
    return search_condition(parse(q), caller_fields=sees_unmasked_caller(user))


def search_tickets(user, q: str = "") -> QuerySet:
    """The user's list (SPEC §16 scope), narrowed by what they typed (SPEC §12)."""
    return list_tickets(user).filter(search_condition_for(user, q))


def caller_history(phone: str, *, now=None, days: int = 365) -> QuerySet:
    """A caller's tickets of the last 12 months, open ones first, newest first (来电弹屏)."""
    now = now or timezone.now()
    open_first = Case(
        When(status__in=OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        Ticket.objects.filter(caller_phone=phone, received_at__gte=now - timedelta(days=days))
        .select_related("category", "street", "lead_unit")
        .alias(open_first=open_first)
        .order_by("open_first", "-received_at", "-id")
    )
