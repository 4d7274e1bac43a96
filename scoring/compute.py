"""The monthly three rates (三率), composite scores and rankings (SPEC §9).

One grouped query per figure, over the whole period, in the database; Python then loops
over the ~500 unit rows (never over tickets) to derive rates, ranks and flags, and writes
them in one transaction.
"""

import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.models import Unit, UnitType
from tickets.guards import Refused
from tickets.models import Callback, Participation, Satisfaction, Status, Ticket, TicketEvent

from . import periods, summaries
from .models import GROUP_OF_TYPE, SCORED_TYPES, ScoreRun, ScoringPolicy, UnitScore, WhistleScore

Z95 = 1.96
PLACES = Decimal("0.0001")
COUNTS = ("volume", "excluded", "overdue", "valid", "contacted", "solved", "satisfied", "basic")


@dataclass(frozen=True)
class Policy:
    weight_response: Decimal = Decimal("0.10")
    weight_resolution: Decimal = Decimal("0.50")
    weight_satisfaction: Decimal = Decimal("0.40")
    basic_factor: Decimal = Decimal("0.9")
    min_valid_callbacks: int = 10
    flag_bottom_n: int = 10

    def as_json(self):
        return {
            k: format(v.normalize(), "f") if isinstance(v, Decimal) else v
            for k, v in asdict(self).items()
        }


def policies_for(period: str) -> dict[str, Policy]:
    """{unit type: Policy}: the most specific ScoringPolicy row for each scored type."""
    rows = {
        (p.period, p.unit_type): p
        for p in ScoringPolicy.objects.filter(Q(period=period) | Q(period__isnull=True))
    }
    chosen = {}
    for unit_type in SCORED_TYPES:
        for key in ((period, unit_type), (period, None), (None, unit_type), (None, None)):
            if key in rows:
                row = rows[key]
                chosen[unit_type] = Policy(
                    weight_response=row.weight_response,
                    weight_resolution=row.weight_resolution,
                    weight_satisfaction=row.weight_satisfaction,
                    basic_factor=row.basic_factor,
                    min_valid_callbacks=row.min_valid_callbacks,
                    flag_bottom_n=row.flag_bottom_n,
                )
                break
        else:
            chosen[unit_type] = Policy()
    return chosen


def wilson(successes, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion successes/n (z = 1.96: 95 %)."""
    if n <= 0:
        raise ValueError("no observations")
    p = float(successes) / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = p + z2 / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, (centre - margin) / denominator), min(1.0, (centre + margin) / denominator)


def _q(value) -> Decimal:
    return Decimal(str(value)).quantize(PLACES, rounding=ROUND_HALF_UP)


def rates(figures: Counter, policy: Policy) -> dict:
    """Rates, composite and their 95 % intervals from one unit's counts.

    Each interval is a Wilson interval over the n valid callbacks. For the satisfaction
    rate and the composite the "successes" are not 0/1 answers but per-callback scores in
    [0, 1] (1, 0.9, 0 for satisfaction; the weighted sum of the three answers for the
    composite). A variable bounded in [0, 1] with mean p has variance at most p(1 - p), so
    treating the mean score as a binomial proportion over-states its variance: the interval
    is conservative, never too narrow. We prefer this to adding up the components' bounds,
    which ignores that the three answers of one caller move together and gives intervals
    too wide to tell any two units apart.
    """
    n = figures["valid"]
    if not n:
        return {}
    factor = policy.basic_factor
    satisfaction_points = figures["satisfied"] + factor * figures["basic"]
    # Exact decimal numerators divided once: equal ratios give equal composites (ties).
    composite_points = (
        policy.weight_response * figures["contacted"]
        + policy.weight_resolution * figures["solved"]
        + policy.weight_satisfaction * satisfaction_points
    )
    out = {
        "response_rate": _q(Decimal(figures["contacted"]) / n),
        "resolution_rate": _q(Decimal(figures["solved"]) / n),
        "satisfaction_rate": _q(satisfaction_points / n),
        "composite": _q(100 * composite_points / n),
    }
    for name, points in (
        ("response", figures["contacted"]),
        ("resolution", figures["solved"]),
        ("satisfaction", satisfaction_points),
    ):
        low, high = wilson(points, n)
        out[f"{name}_low"], out[f"{name}_high"] = _q(low), _q(high)
    # The weights sum to 1 (checked in admin); divide by their sum in case they do not.
    weight_sum = policy.weight_response + policy.weight_resolution + policy.weight_satisfaction
    weight_sum = weight_sum or Decimal(1)
    low, high = wilson(composite_points / weight_sum, n)
    out["composite_low"], out["composite_high"] = _q(100 * low), _q(100 * high)
    return out


# --- the grouped queries -------------------------------------------------------------------


def _callback_counts(start, end) -> dict[int, Counter]:
    """Counted callbacks of the period on tickets not excluded, by the unit they judge."""
    valid = Q(valid=True)
    # Excluded tickets are few (partial index ticket_excluded): a hashed NOT IN of their ids
    # instead of joining every ticket to read `excluded`. With the covering index
    # callback_counted_figures the month's callbacks are read from the index alone.
    excluded = Ticket.objects.filter(excluded=True).order_by().values("id")
    # Annotation names must not shadow the model's fields (valid, contacted, solved).
    rows = (
        Callback.objects.filter(counted=True, at__gte=start, at__lt=end)
        .exclude(ticket_id__in=excluded)
        .values("lead_unit_id")
        .annotate(
            n_valid=Count("id", filter=valid),
            n_contacted=Count("id", filter=valid & Q(contacted=True)),
            n_solved=Count("id", filter=valid & Q(solved=True)),
            n_satisfied=Count("id", filter=valid & Q(satisfaction=Satisfaction.SATISFIED)),
            n_basic=Count("id", filter=valid & Q(satisfaction=Satisfaction.BASICALLY_SATISFIED)),
        )
        .order_by()
    )
    return {r.pop("lead_unit_id"): Counter({k[2:]: v for k, v in r.items()}) for r in rows}


def volume_tickets(start, end):
    """Tickets that count in a unit's volume: led by it, dispatched in the period.

    Direct answers and transfers are never dispatched; merged repeats are left out by name.
    A redispatch (accepted return) moves the ticket and its dispatch time to the new unit.
    """
    # Every column read here is in the partial covering index ticket_volume.
    return Ticket.objects.filter(
        dispatched_at__gte=start, dispatched_at__lt=end, lead_unit__isnull=False
    ).exclude(status=Status.MERGED)


def _volume_counts(start, end) -> dict[int, Counter]:
    rows = (
        volume_tickets(start, end)
        .values("lead_unit_id")
        .annotate(
            volume=Count("id"),
            excluded=Count("id", filter=Q(excluded=True)),
            overdue=Count("id", filter=Q(feedback_overdue=True)),
        )
        .order_by()
    )
    return {r.pop("lead_unit_id"): Counter(r) for r in rows}


def _whistle_counts(start, end) -> dict[int, Counter]:
    counts: dict[int, Counter] = defaultdict(Counter)
    whistles = (
        TicketEvent.objects.filter(type="whistled", at__gte=start, at__lt=end, unit__isnull=False)
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for r in whistles:
        counts[r["unit_id"]]["whistles"] += r["n"]
    summons = Participation.objects.filter(
        role=Participation.Role.SUMMONED, created_at__gte=start, created_at__lt=end
    )
    sent = summons.values("ticket__lead_unit_id").annotate(n=Count("id")).order_by()
    for r in sent:
        if r["ticket__lead_unit_id"]:
            counts[r["ticket__lead_unit_id"]]["summons_sent"] += r["n"]
    received = (
        summons.values("unit_id")
        .annotate(
            summons_received=Count("id"),
            reported_on_time=Count("id", filter=Q(reported_in_at__lte=F("report_in_deadline"))),
            reported_late=Count("id", filter=Q(reported_in_at__gt=F("report_in_deadline"))),
            not_reported=Count("id", filter=Q(reported_in_at__isnull=True)),
        )
        .order_by()
    )
    for r in received:
        counts[r.pop("unit_id")].update(r)
    return counts


# --- ranking ---------------------------------------------------------------------------------


def _rank(rows: list[UnitScore], policy: Policy, previous: dict[int, int]):
    """Rank one peer group in place: composite desc, then volume desc; full ties share a rank."""
    ranked = [
        r
        for r in rows
        if r.composite is not None and r.valid_callbacks >= policy.min_valid_callbacks
    ]
    ranked.sort(key=lambda r: (-r.composite, -r.volume, r.unit_id))
    n = len(ranked)
    position = 0
    while position < n:
        # The tie group [position, last]: same composite and same volume.
        last = position
        while last + 1 < n and (ranked[last + 1].composite, ranked[last + 1].volume) == (
            ranked[position].composite,
            ranked[position].volume,
        ):
            last += 1
        for row in ranked[position : last + 1]:
            row.rank = position + 1
            # A tie that reaches into the bottom N is flagged whole.
            row.flagged = row.group == "street" and last + 1 > n - policy.flag_bottom_n
        position = last + 1
    for i, row in enumerate(ranked):
        before = previous.get(row.unit_id)
        row.rank_change = before - row.rank if before is not None else None
        neighbours = ranked[max(0, i - 1) : i] + ranked[i + 1 : i + 2]
        row.not_distinguishable = any(
            row.composite_low <= other.composite_high and other.composite_low <= row.composite_high
            for other in neighbours
        )


# --- the run ---------------------------------------------------------------------------------


def build_rows(period: str, start, end, policies: dict[str, Policy], run=None, progress=None):
    """The UnitScore and WhistleScore rows of a period (unsaved)."""
    step = progress or (lambda name: None)
    units = list(Unit.objects.values_list("id", "type", "district_id", "active"))
    step("units")
    by_lead = _callback_counts(start, end)
    step("callbacks")
    for unit_id, counts in _volume_counts(start, end).items():
        by_lead.setdefault(unit_id, Counter()).update(counts)
    step("volume")

    # A district's figures: every ticket led by a unit inside it, itself included.
    district_of = {uid: district for uid, _t, district, _a in units}
    by_district: dict[int, Counter] = defaultdict(Counter)
    for unit_id, counts in by_lead.items():
        if district_of.get(unit_id):
            by_district[district_of[unit_id]].update(counts)

    previous_ranks = dict(
        UnitScore.objects.filter(period=periods.previous(period), rank__isnull=False).values_list(
            "unit_id", "rank"
        )
    )
    step("previous")
    scores = []
    for unit_id, unit_type, _district, active in units:
        if unit_type not in GROUP_OF_TYPE:
            continue
        figures = by_district[unit_id] if unit_type == UnitType.DISTRICT else by_lead.get(unit_id)
        figures = figures or Counter()
        if not active and not any(figures.values()):
            continue
        scores.append(
            UnitScore(
                run=run,
                period=period,
                unit_id=unit_id,
                group=GROUP_OF_TYPE[unit_type].value,
                volume=figures["volume"],
                valid_callbacks=figures["valid"],
                contacted=figures["contacted"],
                solved=figures["solved"],
                satisfied=figures["satisfied"],
                basically_satisfied=figures["basic"],
                excluded=figures["excluded"],
                overdue=figures["overdue"],
                **rates(figures, policies[unit_type]),
            )
        )
    by_group = defaultdict(list)
    for row in scores:
        by_group[row.group].append(row)
    for group, rows in by_group.items():
        _rank(rows, policies[group], previous_ranks)
    step("ranks")

    whistles = [
        WhistleScore(run=run, period=period, unit_id=unit_id, **counts)
        for unit_id, counts in sorted(_whistle_counts(start, end).items())
    ]
    step("whistles")
    return scores, whistles


def latest_run(period: str, *, published=None):
    runs = ScoreRun.objects.filter(period=period, status=ScoreRun.Status.DONE)
    if published is not None:
        runs = runs.filter(published=published)
    return runs.order_by("-id").first()


def compute_period(
    period: str, *, actor=None, override_reason: str = "", now=None, progress=None
) -> ScoreRun:
    """Compute (or recompute) a period's rows, replacing the previous ones.

    A published period is frozen: recomputing it needs `override_reason`, recorded on the
    run with who and when. The run record is written first and survives a failure, marked
    failed; the rows are written in one transaction, so a failure leaves none of them.
    """
    periods.parse_period(period)
    now = now or timezone.now()
    frozen = latest_run(period, published=True)
    if frozen and not override_reason.strip():
        raise Refused(
            409,
            _("%(p)s 的排名已发布（冻结），重算须说明理由") % {"p": period},
        )
    start, end = periods.bounds(period)
    policies = policies_for(period)
    # The override is on the run from its first write: a process that dies mid-way leaves
    # it for recover_stuck_runs, which redoes the period with the same reason.
    override = {"override_reason": override_reason, "override_by": actor, "override_at": now}
    run = ScoreRun.objects.create(
        period=period,
        period_start=start,
        period_end=end,
        started_at=now,
        computed_by=actor,
        weights={t: p.as_json() for t, p in policies.items()},
        **(override if frozen else {}),
    )
    try:
        with transaction.atomic():
            # Two computations of one period queue up here instead of interleaving.
            list(ScoreRun.objects.select_for_update().filter(period=period).values_list("id"))
            scores, whistles = build_rows(period, start, end, policies, run, progress)
            UnitScore.objects.filter(period=period).delete()
            WhistleScore.objects.filter(period=period).delete()
            UnitScore.objects.bulk_create(scores, batch_size=500)
            WhistleScore.objects.bulk_create(whistles, batch_size=500)
            summaries.store_period(period, scores, whistles, run=run)  # the dashboard's figures
            if frozen:
                # The period stays frozen; the override is on record.
                run.published, run.published_at = True, frozen.published_at
                run.published_by_id = frozen.published_by_id
            run.status, run.finished_at = ScoreRun.Status.DONE, timezone.now()
            run.save()
            if progress:
                progress("saved")
    except Exception as exc:
        run.status, run.finished_at = ScoreRun.Status.FAILED, timezone.now()
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.save()
        raise
    return run


@transaction.atomic
def publish_period(period: str, *, actor=None, now=None) -> ScoreRun:
    """Freeze the period's latest done run: from now on recomputing it needs an override."""
    run = (
        ScoreRun.objects.select_for_update()
        .filter(period=period, status=ScoreRun.Status.DONE)
        .order_by("-id")
        .first()
    )
    if run is None:
        raise Refused(409, _("%(p)s 尚未计算完成，不能发布") % {"p": period})
    if not run.published:
        run.published, run.published_at, run.published_by = True, now or timezone.now(), actor
        run.save(update_fields=["published", "published_at", "published_by"])
    return run
