"""Reads: which tickets a user may see, inboxes, queues, likely repeats. Querysets only."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from hotline.models import Unit, UnitType
from hotline.roles import unit_refusal
from hotline.validation import phone_forms

from .lifecycle import OPEN_STATES
from .models import Participation, ReviewRequest, Status, Ticket
from .row_units import attach_units


def taking_part(unit) -> QuerySet:
    """The participations through which a unit takes part in tickets now (not removed)."""
    return Participation.objects.filter(unit_id=unit.pk, active=True)


def _unit_ticket_ids(unit, *, statuses=None, roles=None):
    """Ids of the tickets a unit leads or takes part in, as one UNION subquery.

    A UNION of two index lookups, not `lead_unit = X OR EXISTS (...)`: PostgreSQL cannot
    use an index for that OR and scans the whole table (470 ms on a million tickets).
    """
    led = Ticket.objects.filter(lead_unit_id=unit.pk)
    parts = taking_part(unit)
    if statuses is not None:
        led = led.filter(status__in=statuses)
        parts = parts.filter(ticket__status__in=statuses)
    if roles is not None:
        parts = parts.filter(role__in=roles)
    # order_by(): no ORDER BY inside a compound statement (SQLite refuses it).
    return led.order_by().values("id").union(parts.order_by().values("ticket_id"))


def sees_every_ticket(user) -> bool:
    """The centre's people (any role that fits the centre) see every ticket."""
    unit = scope_unit(user)
    return unit is not None and unit.type == UnitType.CENTRE


def scope_unit(user):
    """The unit whose view this user reads, or None: no unit, no role, or a role that breaks
    the rule of roles in units (hotline/roles.py) sees nothing."""
    unit = getattr(user, "unit", None)
    if not getattr(user, "is_authenticated", False) or unit is None or not user.role:
        return None
    if unit_refusal(user.role, unit):
        return None
    return unit


def visible_tickets(user) -> QuerySet:
    """The tickets this user may read (SPEC §16). Every ticket read starts here.

    - the centre (every role in it, a leader of the city included): all;
    - a district (its staff and its leader): tickets dispatched to the district or to a unit
      inside it, and those it takes part in;
    - a street, department or company: tickets it leads, co-handles, was summoned to or
      copied on.
    Tickets never dispatched (new, answered, transferred, merged) have no lead unit and no
    participation, so outside the centre they are never matched.
    """
    qs = Ticket.objects.all()
    unit = scope_unit(user)
    if unit is None:
        return qs.none()
    if unit.type == UnitType.CENTRE:
        return qs
    if unit.type == UnitType.DISTRICT:
        # An OR lets PostgreSQL walk the received_at index and stop at a page, where a
        # UNION would collect and sort the district's tickets all.
        units_inside = Unit.objects.filter(district_id=unit.pk).values("pk")
        takes_part = Exists(
            Participation.objects.filter(ticket=OuterRef("pk"), unit_id=unit.pk, active=True)
        )
        return qs.filter(Q(lead_unit_id__in=units_inside) | takes_part)
    return qs.filter(pk__in=_unit_ticket_ids(unit))


def visible_when_searched(user) -> QuerySet:
    """visible_tickets(user) for a list that a text search narrows (SPEC §12): the same
    tickets, with a street's scope as a test on each hit rather than a list of ids.

    A search's own index (the words', the number's) finds its few hits first. As
    `id IN (led ∪ taking part)`, PostgreSQL then hashed every ticket a street ever led
    for each query the page runs (5,103 ids, 2 ms, at two million tickets: it grows with
    history); `lead_unit = X OR id IN (its participations)` reads the hit's own column
    and hashes only the few it takes part in. Without a search that OR scans the whole
    table (see _unit_ticket_ids), so only a searched list takes this form.
    """
    unit = arms_unit(user)
    if unit is None:
        return visible_tickets(user)
    parts = taking_part(unit).values("ticket_id")
    return Ticket.objects.filter(Q(lead_unit_id=unit.pk) | Q(pk__in=parts))


def visible_arms(user) -> list[QuerySet]:
    """visible_tickets(user) as the parts whose union it is, for lists that page from the top
    of each part (hotline.pagination.ArmsPaginator): a street's tickets it leads, read in
    order from the ticket_lead_received index, and those it takes part in. The centre and a
    district have one part, visible_tickets itself.
    """
    unit = arms_unit(user)
    if unit is None:
        return [visible_tickets(user)]
    return [
        Ticket.objects.filter(lead_unit_id=unit.pk),
        Ticket.objects.filter(pk__in=taking_part(unit).values("ticket_id")),
    ]


def arms_unit(user):
    """The street, department or company whose tickets (led, taken part in) are the user's
    scope; None for the centre, a district and no one."""
    unit = scope_unit(user)
    if unit is None or unit.type in (UnitType.CENTRE, UnitType.DISTRICT):
        return None
    return unit


def limit_to_visible(rows: QuerySet, user, ticket_field="ticket") -> QuerySet:
    """Rows about tickets (requests, attachments, hits…) narrowed to the tickets the user sees.

    For the centre nothing is added to the query; anyone else gets `visible_tickets`.
    """
    if sees_every_ticket(user):
        return rows
    return rows.filter(**{f"{ticket_field}__in": visible_tickets(user).values("pk")})


def sees_unmasked_caller(user) -> bool:
    """Only the centre sees a caller's phone in full (and a confidential caller at all)."""
    return sees_every_ticket(user)


def mask_phone(phone: str) -> str:
    """138****5678; a line's extension stays (010****1234-12), so the mask pasted back
    reads as the main line's first three and last four (search's Query.masked)."""
    main, dash, extension = phone.partition("-")
    if len(main) >= 7:
        return f"{main[:3]}****{main[-4:]}{dash}{extension}"
    return "****" if phone else ""


def caller_for(user, ticket) -> tuple[str, str]:
    """(name, phone) as this user may see them."""
    if sees_unmasked_caller(user):
        return ticket.caller_name, ticket.caller_phone
    if ticket.confidential:
        return "", ""
    return ticket.caller_name, mask_phone(ticket.caller_phone)


# What a list row shows of its relations. Units and categories come by prefetch (one small
# `id IN (…)` query each), not by join: a seven-way LEFT JOIN costs PostgreSQL 60-100 ms
# to plan on every page, longer than running it.
ROW_RELATIONS = ("category", "street", "district", "community", "lead_unit", "master")


LIST_ORDER = ("-received_at", "-id")


def with_units(ticket):
    """The ticket with its street, district, community and lead unit, read in one query.

    Joined into a lookup by number (with category, duty unit and master: eight tables),
    PostgreSQL took 2–6 ms to plan it for under 1 ms of reading, on every ticket page.
    """
    attach_units([ticket])
    return ticket


def list_tickets(user, *, searched: bool = False) -> QuerySet:
    """Visible tickets with what a list row shows, in a fixed number of queries; `searched`
    when a text search will narrow it (visible_when_searched)."""
    visible = visible_when_searched(user) if searched else visible_tickets(user)
    return (
        visible.defer("search_tokens")  # the search reads it in SQL; a row never shows it
        .prefetch_related(*ROW_RELATIONS, "participations__unit")
        .order_by(*LIST_ORDER)
    )


def list_arms(user) -> list[QuerySet]:
    """The parts of list_tickets(user) (visible_arms), sorted as the list is."""
    return [arm.order_by(*LIST_ORDER) for arm in visible_arms(user)]


INBOX_STATES = [
    Status.DISPATCHED,
    Status.SIGNED,
    Status.IN_PROGRESS,
    Status.RETURNED,
    Status.REPLIED,
]


def unit_inbox(unit) -> QuerySet:
    """The unit's open tickets (as lead or summoned/co-handler), soonest deadline first.

    A unit's own work list: by construction a part of what its staff see (visible_tickets).
    """
    ids = _unit_ticket_ids(
        unit,
        statuses=INBOX_STATES,
        roles=[Participation.Role.CO, Participation.Role.SUMMONED],
    )
    return _inbox_rows(Ticket.objects.filter(pk__in=ids))


def _inbox_rows(tickets) -> QuerySet:
    return (
        tickets.filter(status__in=INBOX_STATES)
        .select_related("category", "street", "lead_unit")
        .order_by("feedback_deadline", "id")
    )


def unit_inbox_page(unit, limit) -> QuerySet:
    """The first `limit` tickets of unit_inbox, reading O(limit) rows: the first `limit` of
    the tickets it leads (from the ticket_inbox_deadline index, in order) and of those it
    takes part in, then the first `limit` of both. Sorting the whole inbox instead reads
    every open ticket the unit leads (1,398 for the busiest street at two million)."""
    led = Ticket.objects.filter(lead_unit_id=unit.pk, status__in=INBOX_STATES)
    parts = Ticket.objects.filter(
        pk__in=Participation.objects.filter(
            unit_id=unit.pk,
            active=True,
            role__in=[Participation.Role.CO, Participation.Role.SUMMONED],
        ).values("ticket_id"),
        status__in=INBOX_STATES,
    )
    ids = _top_ids((led, parts), ("feedback_deadline", "id"), limit)  # the unit's by their arms
    return _inbox_rows(Ticket.objects.filter(pk__in=ids))[:limit]


def _top_ids(arms, order, limit) -> list:
    """The ids of the first `limit` rows of each arm in `order`: the first `limit` of the
    union are among them."""
    return [pk for arm in arms for pk in arm.order_by(*order).values_list("id", flat=True)[:limit]]


def dispatch_queue(user) -> QuerySet:
    return (
        visible_tickets(user)
        .filter(status=Status.NEW)
        .select_related("category", "street", "district", "category__duty_unit")
        .order_by("urgency", "received_at")
    )


def pending_reviews(user, kind=None) -> QuerySet:
    qs = limit_to_visible(
        ReviewRequest.objects.filter(decision=ReviewRequest.Decision.PENDING), user
    )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("ticket", "unit").order_by("requested_at")


AWAITING_CALLBACK = [Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS, Status.REPLIED]
HANDLING = [Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS]


def callback_queue(user, now=None) -> QuerySet:
    """Replied tickets, and tickets whose feedback deadline has run out, soonest first,
    among those `user` may see.

    Correct for any use; for the queue's page and its count on a large table use
    callback_queue_page and callback_queue_count, which read the two arms apart.
    """
    now = now or timezone.now()
    return (
        visible_tickets(user)
        .filter(_awaiting_callback(now))
        .select_related("category", "lead_unit", "street")
        .order_by("feedback_deadline", "id")
    )


def _callback_arms(user, now):
    """The queue's two disjoint arms, each served by a partial index of its own
    (ticket_replied_deadline, ticket_handling_deadline)."""
    visible = visible_tickets(user)
    return (
        visible.filter(status=Status.REPLIED),
        visible.filter(status__in=HANDLING, feedback_deadline__lte=now),
    )


def _awaiting_callback(now):
    return Q(status=Status.REPLIED) | Q(status__in=HANDLING, feedback_deadline__lte=now)


def callback_queue_count(user, now=None) -> int:
    """How many tickets wait for a callback: two index-only counts added up.

    One count over `replied OR past deadline` has to visit every matching row in the
    table (446 ms on two million tickets); each arm alone is counted from its index.
    """
    now = now or timezone.now()
    return sum(arm.order_by().count() for arm in _callback_arms(user, now))


def callback_queue_page(user, now=None, limit=50) -> QuerySet:
    """The first `limit` tickets of the callback queue, reading O(limit) rows.

    Each arm gives its first `limit` ids in deadline order from its own index; the page
    is the first `limit` of those together. Sorting the whole OR instead reads every
    replied ticket to keep fifty.
    """
    now = now or timezone.now()
    ids = _top_ids(_callback_arms(user, now), ("feedback_deadline", "id"), limit)
    return callback_queue(user, now).filter(pk__in=ids)[:limit]


def caller_phone_is(typed: str) -> Q:
    """The tickets of the phone typed, in any stored form; a landline's main line also finds
    its extensions' tickets (01064721234-12), as one office's callers share it."""
    forms = phone_forms(typed)
    match = Q(caller_phone__in=forms)
    for form in forms:
        if form.startswith("0") and "-" not in form:
            match |= Q(caller_phone__startswith=f"{form}-")
    return match


def likely_repeats(
    *, user, phone="", street=None, category=None, exclude_id=None, now=None, days=30
) -> QuerySet:
    """Open tickets from the last `days` with the same phone (a main line's with its
    extensions', as the caller history shows them), or the same street and category."""
    now = now or timezone.now()
    match = Q()
    if phone:
        match |= caller_phone_is(phone)
    if street is not None and category is not None:
        match |= Q(street=street, category=category)
    if not match:
        return Ticket.objects.none()
    qs = visible_tickets(user).filter(
        match,
        status__in=OPEN_STATES,
        master__isnull=True,
        received_at__gte=now - timedelta(days=days),
    )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs.select_related("category", "street").order_by("-received_at")[:10]


def unit_codes_for(text: str, unit_type=None) -> list[str]:
    """The codes (at most two) of the units a person may mean by what they typed: the unit
    with exactly that code, else those answering to it as a code in any case or as their
    name (八里庄街道 is two). `unit_type` keeps only units of that type."""
    units = Unit.objects.filter(type=unit_type) if unit_type else Unit.objects.all()
    exact = list(units.filter(code=text).values_list("code", flat=True)[:1])
    if exact:
        return exact
    answering = units.filter(Q(name=text) | Q(code__iexact=text))
    return list(answering.values_list("code", flat=True)[:2])


def in_category(code: str) -> Q:
    """Tickets of a category and every category under it: codes are dotted paths
    (CX.WY.DT is under CX.WY), so a prefix takes in the descendants through an index."""
    return Q(category__code=code) | Q(category__code__startswith=f"{code}.")
