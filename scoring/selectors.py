"""Reads for the rankings API, the leaders' dashboard and its drill-downs. Aggregates only."""

from django.db.models import Count, F, FilteredRelation, FloatField, Q, QuerySet
from django.db.models.functions import Cast

from hotline.models import Role, Unit, UnitType
from tickets.models import Satisfaction, Ticket

from . import periods
from .compute import volume_tickets
from .models import Group, ScoreRun, UnitScore, WhistleScore

READER_ROLES = {Role.LEADER, Role.REVIEWER, Role.ADMIN}


def reads_all_scores(user) -> bool:
    """Leaders, reviewers, admins and anyone in the centre read every unit's figures."""
    if not user.is_authenticated:
        return False
    if user.role in READER_ROLES:
        return True
    unit = getattr(user, "unit", None)
    return unit is not None and unit.type == UnitType.CENTRE


def latest_period() -> str | None:
    return (
        ScoreRun.objects.filter(status=ScoreRun.Status.DONE)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )


def current_run(period: str) -> ScoreRun | None:
    return (
        ScoreRun.objects.filter(period=period, status=ScoreRun.Status.DONE)
        .select_related("computed_by", "published_by", "override_by")
        .order_by("-id")
        .first()
    )


def ranking(period: str, group: str | None = None) -> QuerySet:
    """A period's rows, ranked first (rank 1 up), then the unranked by composite."""
    qs = UnitScore.objects.filter(period=period).select_related("unit")
    if group:
        qs = qs.filter(group=group)
    return qs.order_by(
        "group", F("rank").asc(nulls_last=True), F("composite").desc(nulls_last=True), "unit__code"
    )


def scores_for(user, period: str, group: str | None = None) -> QuerySet:
    """What this user may read: everything, or (unit staff) only their own unit's rows."""
    qs = ranking(period, group)
    if reads_all_scores(user):
        return qs
    if user.is_authenticated and user.unit_id:
        return qs.filter(unit_id=user.unit_id)
    return qs.none()


def unit_trend(unit_id: int, period: str, months: int = 12) -> list[dict]:
    """The unit's figures over the `months` periods up to `period`, oldest first."""
    wanted = [periods.shift(period, -i) for i in range(months - 1, -1, -1)]
    found = {
        r["period"]: r
        for r in UnitScore.objects.filter(unit_id=unit_id, period__in=wanted).values(
            "period", "composite", "rank", "volume", "valid_callbacks"
        )
    }
    return [found.get(p, {"period": p, "composite": None, "rank": None}) for p in wanted]


def category_growth(
    period: str, *, by: str = "parent", limit: int = 10, cutoffs=None
) -> list[dict]:
    """Categories of dispatched tickets that grew most against the previous period.

    `by="parent"` groups leaves under their parent (level 2 of the taxonomy), `"leaf"`
    keeps the leaf. One grouped query over both periods with conditional counts.
    """
    cutoffs = periods.cutoff_days() if cutoffs is None else cutoffs
    start, end = periods.bounds(period, cutoffs)
    prev_start, _ = periods.bounds(periods.previous(period), cutoffs)
    key = "category__parent" if by == "parent" else "category"
    rows = (
        volume_tickets(prev_start, end)
        .values(f"{key}_id", f"{key}__code", f"{key}__path")
        .annotate(
            now=Count("id", filter=Q(dispatched_at__gte=start)),
            before=Count("id", filter=Q(dispatched_at__lt=start)),
        )
        .annotate(growth=F("now") - F("before"))
        .filter(now__gt=0)
        .order_by("-growth", "-now", f"{key}__code")[:limit]
    )
    return [
        {
            "code": r[f"{key}__code"],
            "name": r[f"{key}__path"],
            "now": r["now"],
            "before": r["before"],
            "growth": r["growth"],
            "ratio": (r["growth"] / r["before"]) if r["before"] else None,
        }
        for r in rows
    ]


def hot_spots(period: str, *, limit: int = 15, cutoffs=None) -> QuerySet:
    """Street × leaf category pairs with the most dispatched tickets: 每月一题 candidates."""
    start, end = periods.bounds(period, cutoffs)
    return (
        volume_tickets(start, end)
        .filter(street__isnull=False)
        .values("street__code", "street__name", "category__code", "category__path")
        .annotate(n=Count("id"))
        .order_by("-n", "street__code", "category__code")[:limit]
    )


def overdue_units(period: str, *, limit: int = 15) -> QuerySet:
    return (
        UnitScore.objects.filter(period=period, overdue__gt=0)
        .exclude(group=Group.DISTRICT)
        .select_related("unit")
        .order_by("-overdue", "unit__code")[:limit]
    )


def per_10k_residents(period: str) -> QuerySet:
    """万人诉求比 of the districts whose population is known."""
    return (
        UnitScore.objects.filter(
            period=period, group=Group.DISTRICT, unit__population__isnull=False
        )
        .exclude(unit__population=0)
        .select_related("unit")
        .annotate(
            per_10k=Cast(F("volume"), FloatField()) * 10000.0 / F("unit__population"),
        )
        .order_by("-per_10k")
    )


def whistle_figures(period: str) -> QuerySet:
    return WhistleScore.objects.filter(period=period).select_related("unit").order_by("unit__code")


# --- drill-down: the exact tickets behind a figure --------------------------------------------

VOLUME_MEASURES = {
    "volume": Q(),
    "excluded": Q(excluded=True),
    "overdue": Q(feedback_overdue=True),
}
_valid = Q(cb__valid=True)
CALLBACK_MEASURES = {
    "valid_callbacks": _valid,
    "contacted": _valid & Q(cb__contacted=True),
    "not_contacted": _valid & Q(cb__contacted=False),
    "solved": _valid & Q(cb__solved=True),
    "not_solved": _valid & Q(cb__solved=False),
    "satisfied": _valid & Q(cb__satisfaction=Satisfaction.SATISFIED),
    "basically_satisfied": _valid & Q(cb__satisfaction=Satisfaction.BASICALLY_SATISFIED),
    "unsatisfied": _valid & Q(cb__satisfaction=Satisfaction.UNSATISFIED),
}
# A rate links to its denominator, the valid callbacks, listed with their answers.
MEASURES = [*VOLUME_MEASURES, *CALLBACK_MEASURES]


def _led_by(unit: Unit, field: str) -> Q:
    if unit.type == UnitType.DISTRICT:
        return Q(**{f"{field}__district_id": unit.pk})
    return Q(**{f"{field}_id": unit.pk})


def drill_down(period: str, unit: Unit, measure: str) -> QuerySet:
    """The tickets that make up one figure of one unit's row, as compute counted them.

    Read live: a ticket excluded after the computation drops out here, so the page says
    when its count differs from the stored figure.
    """
    start, end = periods.bounds(period)
    if measure in VOLUME_MEASURES:
        qs = volume_tickets(start, end).filter(_led_by(unit, "lead_unit"), VOLUME_MEASURES[measure])
    elif measure in CALLBACK_MEASURES:
        qs = (
            Ticket.objects.annotate(
                cb=FilteredRelation(
                    "callbacks",
                    condition=Q(
                        callbacks__counted=True, callbacks__at__gte=start, callbacks__at__lt=end
                    ),
                )
            )
            .filter(_led_by(unit, "cb__lead_unit"), CALLBACK_MEASURES[measure], excluded=False)
            .annotate(
                cb_at=F("cb__at"),
                cb_contacted=F("cb__contacted"),
                cb_solved=F("cb__solved"),
                cb_satisfaction=F("cb__satisfaction"),
            )
        )
    else:
        raise ValueError(f"unknown measure {measure!r}")
    return qs.select_related("category", "street", "lead_unit").order_by("dispatched_at", "id")
