"""Reads for the rankings API, the leaders' dashboard and its drill-downs. Aggregates only."""

from django.db.models import F, FilteredRelation, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hotline.models import Unit, UnitType
from tickets.models import Satisfaction, Ticket
from tickets.selectors import scope_unit, visible_tickets

from . import periods
from .compute import volume_tickets
from .models import GROUP_OF_TYPE, Group, ScoreRun, UnitScore, WhistleScore
from .summary_models import PeriodSummary

# --- who reads which units' figures (SPEC §16): the one rule ----------------------------------

CITY, DISTRICT, OWN, NOTHING = "city", "district", "own", "nothing"


def score_scope(user) -> tuple[str, int | None]:
    """(scope, unit id): the city; a district and the units in it; one unit; or nothing.

    The unit is the one whose tickets the user reads (tickets.selectors.scope_unit), so one
    rule decides both: a person with no unit, no role, or a role that does not fit their unit
    (hotline.roles.unit_refusal: a reviewer placed in a street, a leader with no unit) reads
    nothing. Then the unit decides: the centre (every role in it, its leaders included) reads
    the city; a district (its leader and its staff) the district and the units in it; a
    street, department or company its own row.
    """
    unit = scope_unit(user)
    if unit is None:
        return NOTHING, None
    if unit.type == UnitType.CENTRE:
        return CITY, None
    if unit.type == UnitType.DISTRICT:
        return DISTRICT, unit.pk
    return OWN, unit.pk


def score_filter(user, field: str = "unit") -> Q | None:
    """A filter on `field` (a Unit foreign key) for the user's scope; None: nothing at all."""
    scope, unit_id = score_scope(user)
    if scope == CITY:
        return Q()
    if scope == DISTRICT:
        return Q(**{f"{field}__district_id": unit_id})
    if scope == OWN:
        return Q(**{f"{field}_id": unit_id})
    return None


def visible_score_units(user) -> QuerySet:
    """The units whose scores, dashboard, drill-downs and exports this user may read."""
    scope, unit_id = score_scope(user)
    if scope == CITY:
        return Unit.objects.all()
    if scope == DISTRICT:
        return Unit.objects.filter(district_id=unit_id)
    if scope == OWN:
        return Unit.objects.filter(pk=unit_id)
    return Unit.objects.none()


def opens_dashboard(user) -> bool:
    """Everyone with a scope opens the dashboard (SPEC §16), narrowed to that scope: the
    centre the city, a district its units, any other unit its own row."""
    return score_scope(user)[0] != NOTHING


def own_group(user) -> str | None:
    """The peer group of the user's own row, for a unit that reads only that row."""
    scope, _unit_id = score_scope(user)
    if scope != OWN:
        return None
    group = GROUP_OF_TYPE.get(user.unit.type)
    return group.value if group else None


def reads_all_scores(user) -> bool:
    return score_scope(user)[0] == CITY


def latest_period() -> str | None:
    return (
        ScoreRun.objects.filter(status=ScoreRun.Status.DONE)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )


def latest_published_period() -> str | None:
    """The dashboard opens here: the last frozen month, not the one still being counted."""
    published = (
        ScoreRun.objects.filter(status=ScoreRun.Status.DONE, published=True)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    return published or latest_period()


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
    """The ranking rows this user may read (see score_scope)."""
    allowed = score_filter(user)
    qs = ranking(period, group)
    return qs.none() if allowed is None else qs.filter(allowed)


def summaries(user, period: str, months: int = 24) -> list:
    """The stored PeriodSummary rows of the user's area (city or district), oldest first."""
    scope, unit_id = score_scope(user)
    wanted = [periods.shift(period, -back) for back in range(months - 1, -1, -1)]
    qs = PeriodSummary.objects.filter(period__in=wanted)
    qs = qs.filter(unit__isnull=True) if scope == CITY else qs.filter(unit_id=unit_id)
    return list(qs.order_by("period"))


def district_rows(user, period: str) -> list:
    """The districts' rows of a period with 万人诉求比 (for the map), within the user's scope."""
    rows = list(
        scores_for(user, period, Group.DISTRICT).only(
            "unit__code",
            "unit__name",
            "unit__population",
            "composite",
            "volume",
            "overdue",
            "rank",
            "period",
            "unit_id",
            "group",
        )
    )
    for row in rows:
        population = row.unit.population
        row.per_10k = row.volume * 10000 / population if population else None
    return rows


def unit_trend(unit_id: int, period: str, months: int = 24) -> list[dict]:
    """The unit's figures over the `months` periods up to `period`, oldest first."""
    wanted = [periods.shift(period, -i) for i in range(months - 1, -1, -1)]
    found = {
        r["period"]: r
        for r in UnitScore.objects.filter(unit_id=unit_id, period__in=wanted).values(
            "period", "composite", "rank", "volume", "valid_callbacks"
        )
    }
    return [found.get(p, {"period": p, "composite": None, "rank": None}) for p in wanted]


def overdue_units(user, period: str, *, limit: int = 10) -> QuerySet:
    return (
        scores_for(user, period)
        .filter(overdue__gt=0)
        .exclude(group=Group.DISTRICT)
        .select_related("unit")
        .order_by("-overdue", "unit__code")[:limit]
    )


def whistle_figures(user, period: str, *, limit: int = 10) -> QuerySet:
    """The units that whistled or were summoned most."""
    allowed = score_filter(user)
    qs = WhistleScore.objects.filter(period=period).select_related("unit")
    qs = qs.none() if allowed is None else qs.filter(allowed)
    return qs.filter(Q(whistles__gt=0) | Q(summons_received__gt=0)).order_by(
        "-whistles", "-summons_received", "unit__code"
    )[:limit]


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
MEASURE_LABELS = {
    "volume": _("受理量"),
    "excluded": _("不计入考核"),
    "overdue": _("反馈超期"),
    "valid_callbacks": _("有效回访"),
    "contacted": _("已联系"),
    "not_contacted": _("未联系"),
    "solved": _("已解决"),
    "not_solved": _("未解决"),
    "satisfied": _("满意"),
    "basically_satisfied": _("基本满意"),
    "unsatisfied": _("不满意"),
}


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


def drill_down_for(user, period: str, unit: Unit, measure: str) -> QuerySet:
    """drill_down within what this user may open: outside the centre the list is also cut
    to the tickets tickets.selectors.visible_tickets gives them."""
    tickets = drill_down(period, unit, measure)
    if not reads_all_scores(user):
        tickets = tickets.filter(pk__in=visible_tickets(user).values("pk"))
    return tickets
