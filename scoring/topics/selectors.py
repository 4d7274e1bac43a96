"""Reads for 每月一题: which topics a user sees, the candidates, a topic's months."""

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from hotline.models import Category
from scoring import periods
from scoring.compute import volume_tickets
from scoring.selectors import CITY, DISTRICT, NOTHING, latest_published_period, score_scope
from scoring.summary_models import PeriodSummary
from tickets.models import Callback, Satisfaction

from .models import Topic

MONTHS_BEFORE = 6
MONTHS_AFTER = 6


def visible_topics(user) -> QuerySet:
    """City scope: every topic. A district: its own topics and those its units work on.
    Any other unit: the topics it leads or takes part in."""
    qs = Topic.objects.select_related("category", "district", "lead_unit")
    scope, unit_id = score_scope(user)
    if scope == CITY:
        return qs
    if scope == NOTHING:
        return qs.none()
    if scope == DISTRICT:
        mine = (
            Q(district_id=unit_id)
            | Q(lead_unit__district_id=unit_id)
            | Q(participants__district_id=unit_id)
        )
    else:
        mine = Q(lead_unit_id=unit_id) | Q(participants__id=unit_id)
    return qs.filter(pk__in=Topic.objects.filter(mine).values("pk"))


def candidates(user, period: str | None = None) -> tuple[str | None, list[dict]]:
    """The stored candidates of the last published period (or `period`) for the user's area."""
    period = period or latest_published_period()
    if not period:
        return None, []
    scope, unit_id = score_scope(user)
    qs = PeriodSummary.objects.filter(period=period)
    row = (qs.filter(unit__isnull=True) if scope == CITY else qs.filter(unit_id=unit_id)).first()
    if row is None or scope == NOTHING:
        return period, []
    taken = set(
        Topic.objects.filter(status__in=[Topic.Status.PROPOSED, Topic.Status.ADOPTED]).values_list(
            "category__code", "district__code"
        )
    )
    return period, [
        {**c, "taken": (c["category"], c["district"] or None) in taken} for c in row.candidates
    ]


def _leaves_under(category: Category) -> list[int]:
    """The category's leaves: tickets carry leaf categories (three levels at most)."""
    ids = {category.pk}
    frontier = [category.pk]
    while frontier:
        children = Category.objects.filter(parent_id__in=frontier)
        frontier = list(children.values_list("id", flat=True))
        ids.update(frontier)
    return list(ids)


def topic_months(topic: Topic, *, until: str | None = None) -> list[dict]:
    """The topic's tickets and rates month by month, six months before adoption and after.

    Two grouped queries (tickets, callbacks), each over the whole window: every row gets its
    period from a CASE over the periods' bounds.
    """
    anchor = topic.month or topic.proposed_period
    last = min(periods.shift(anchor, MONTHS_AFTER), until or periods.period_of(timezone.now()))
    first = periods.shift(anchor, -MONTHS_BEFORE)
    cutoffs = periods.cutoff_days()
    names, spans = [], []
    p = first
    while p <= last:
        names.append(p)
        spans.append(periods.bounds(p, cutoffs))
        p = periods.shift(p, 1)
    if not names:
        return []
    leaves = _leaves_under(topic.category)
    area = Q(district_id=topic.district_id) if topic.district_id else Q()

    def which(field):
        return Case(
            *[
                When(**{f"{field}__gte": start, f"{field}__lt": end}, then=Value(name))
                for name, (start, end) in zip(names, spans, strict=True)
            ]
        )

    volume = dict(
        volume_tickets(spans[0][0], spans[-1][1])
        .filter(area, category_id__in=leaves)
        .annotate(p=which("dispatched_at"))
        .values("p")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("p", "n")
    )
    ticket_area = Q(ticket__district_id=topic.district_id) if topic.district_id else Q()
    valid = Q(valid=True)
    callbacks = {
        r["p"]: r
        for r in Callback.objects.filter(
            ticket_area,
            counted=True,
            at__gte=spans[0][0],
            at__lt=spans[-1][1],
            ticket__category_id__in=leaves,
            ticket__excluded=False,
        )
        .annotate(p=which("at"))
        .values("p")
        .annotate(
            n_valid=Count("id", filter=valid),
            n_solved=Count("id", filter=valid & Q(solved=True)),
            n_satisfied=Count("id", filter=valid & Q(satisfaction=Satisfaction.SATISFIED)),
        )
        .order_by()
    }
    rows = []
    for name in names:
        cb = callbacks.get(name, {})
        n = cb.get("n_valid", 0)
        rows.append(
            {
                "period": name,
                "after": bool(topic.month) and name >= topic.month,
                "volume": volume.get(name, 0),
                "valid": n,
                "resolution": cb["n_solved"] / n if n else None,
                "satisfied": cb["n_satisfied"] / n if n else None,
            }
        )
    return rows
