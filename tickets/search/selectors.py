"""Search and caller history: querysets inside what the user may see, nothing in Python."""

from datetime import timedelta

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Right
from django.db.models.lookups import Exact
from django.utils import timezone

from hotline.pagination import is_text_search
from hotline.textsearch import text_search_condition

from ..lifecycle import OPEN_STATES
from ..models import PhoneMainLine, Ticket
from ..selectors import (
    arms_unit,
    caller_phone_is,
    list_tickets,
    sees_unmasked_caller,
    taking_part,
)
from .query import Query, name_forms, parse

RAW_FIELDS = ["address", "content"]


def lead_lexeme(unit_id: int) -> str:
    """The lexeme a ticket's search vector holds for its lead unit (migration 0009)."""
    return f"@lead{unit_id}"


def _words(words: list[str], lexeme: str | None = None) -> Q:
    return text_search_condition(
        " ".join(words), model=Ticket, raw_fields=RAW_FIELDS, lexeme=lexeme
    )


def _phone_ends_with(last_four: str) -> Q:
    """The main line's last four, written as the index ticket_phone_last4 is, so PostgreSQL
    reads it (01064721234-12 ends in 1234)."""
    return Q(Exact(Right(PhoneMainLine("caller_phone"), 4), last_four))


def _name_begins(name: str) -> Q:
    """A caller's name that begins with what was typed: the whole name, a transliterated
    name's first part (阿依古丽 of 阿依古丽·买买提) or a two-character surname (司马 of
    司马相如); read from the pattern index ticket_caller_name."""
    begins = Q()
    for form in name_forms(name):
        begins |= Q(caller_name__startswith=form)
    return begins


def search_condition(query: Query, *, caller_fields: bool, led_by=None) -> Q:
    """Every part of the query must match, but whole numbers (and masked phones) are
    alternatives: two ticket numbers pasted find both tickets. Phones and names only when
    caller_fields.

    `led_by` (a unit id) adds its lead lexeme to the words' index lookup, which then finds
    only that unit's led tickets: for the arm of a unit's scope, never for a whole scope.
    """
    lexeme = lead_lexeme(led_by) if led_by is not None else None
    condition = Q()
    for digits in query.numbers:
        one = Q(number=digits)
        if caller_fields and digits.replace("-", "").isdigit():  # an extension keeps its dash
            one |= caller_phone_is(digits)
        condition |= one
    for first_three, last_four in query.masked:
        # a phone masked as texts and unit pages show it: the centre finds whose it is
        # (the last-four index, then the first three); anyone else nothing
        one = Q(pk__in=[])
        if caller_fields:
            one = _phone_ends_with(last_four) & Q(caller_phone__startswith=first_three)
        condition |= one
    for digits in query.last_four:
        one = _words([digits], lexeme)
        if caller_fields:
            one |= _phone_ends_with(digits)
        condition &= one
    if query.words:
        words = _words(query.words, lexeme)
        for name in query.names if caller_fields else ():
            # this word the caller's name, the others (if any) words of the text
            rest = [word for word in query.words if word != name]
            words |= _name_begins(name) & (_words(rest, lexeme) if rest else Q())
        condition &= words
    return condition


# A unit taking part in more tickets than this (a department summoned all year) searches
# with the one condition: listing its ids, then reading each, costs more than the scope.
TAKING_PART_LISTED = 200


def search_condition_for(user, q: str) -> Q:
    """What `q` means for this user: the centre may also search callers' phones and names.

    A street (or a department or company taking part in few tickets) searches its two
    arms apart, inside the searched list's SPEC §16 scope (visible_when_searched): its
    led tickets through the lead lexeme in the words' lookup, and the few it takes part in
    by their ids. As one condition inside the scope, PostgreSQL checked the word on every
    ticket the street ever led (5,103 at two million); the lexeme's list steers the GIN
    scan to the street's hits.
    """
    query, caller_fields = parse(q), sees_unmasked_caller(user)
    if not query and (q or "").strip():
        # typed, but nothing in it can be searched (punctuation, a script the text search
        # does not cut): no ticket matches it, rather than every ticket
        return Q(pk__in=[])
    plain = search_condition(query, caller_fields=caller_fields)
    unit = arms_unit(user)
    if unit is None or not (query.words or query.last_four) or connection.vendor != "postgresql":
        return plain
    parts = list(taking_part(unit).values_list("ticket_id", flat=True)[: TAKING_PART_LISTED + 1])
    if len(parts) > TAKING_PART_LISTED:
        return plain
    led = search_condition(query, caller_fields=caller_fields, led_by=unit.pk)
    return led | (plain & Q(pk__in=parts)) if parts else led


def search_tickets(user, q: str = "") -> QuerySet:
    """The user's list (SPEC §16 scope), narrowed by what they typed (SPEC §12)."""
    tickets = list_tickets(user, searched=is_text_search({"q": q}))
    return tickets.filter(search_condition_for(user, q))


def caller_history(phone: str, *, now=None, days: int = 365) -> QuerySet:
    """A caller's tickets of the last 12 months, open ones first, newest first (来电弹屏);
    a main line's include its extensions', as search finds them."""
    now = now or timezone.now()
    open_first = Case(
        When(status__in=OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        Ticket.objects.filter(caller_phone_is(phone), received_at__gte=now - timedelta(days=days))
        .select_related("category", "street", "lead_unit")
        .alias(open_first=open_first)
        .order_by("open_first", "-received_at", "-id")
    )
