"""The figures a period's dashboard needs, computed with the period and stored.

`store_period` runs inside `compute_period`'s transaction, after the UnitScore rows are
built: the city's and each district's headline figures, the category mix and the 每月一题
candidates. A handful of grouped queries, each over the period (the candidates look at the
three periods before it too); the dashboard then reads ~20 stored rows instead of counting
tickets on every view.
"""

from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from hotline.models import Category, Unit, UnitType
from tickets.models import Status, Ticket, TicketEvent

# compute calls store_period; read its helpers through the module (imported both ways).
from . import compute, periods
from .models import ScoringPolicy
from .summary_models import PeriodSummary

# How many periods the candidates compare: this one and the three before it.
CANDIDATE_SPAN = 4
CANDIDATE_MIN_TICKETS = 5
CANDIDATES_KEPT = 12
CITY = None


def city_policy(period: str) -> "compute.Policy":
    """The weights of the rows that apply to every unit type (period first, then default)."""
    rows = {
        p.period: p
        for p in ScoringPolicy.objects.filter(unit_type__isnull=True).filter(
            Q(period=period) | Q(period__isnull=True)
        )
    }
    row = rows.get(period) or rows.get(None)
    if row is None:
        return compute.Policy()
    return compute.Policy(
        weight_response=row.weight_response,
        weight_resolution=row.weight_resolution,
        weight_satisfaction=row.weight_satisfaction,
        basic_factor=row.basic_factor,
    )


def _score_counts(row) -> Counter:
    return Counter(
        volume=row.volume,
        valid=row.valid_callbacks,
        contacted=row.contacted,
        solved=row.solved,
        satisfied=row.satisfied,
        basic=row.basically_satisfied,
        overdue=row.overdue,
    )


def _areas_of(unit_district: dict[int, int | None], unit_id) -> list:
    """The summaries a unit's figures add to: the city, and its district if it has one."""
    district = unit_district.get(unit_id)
    return [CITY, district] if district else [CITY]


def _candidates(rows, categories, district_names) -> list[dict]:
    """Level-2 categories (in an area) whose tickets rise or keep repeating most.

    `rows`: {(category id, district id or None): [n this period, n-1, n-2, n-3]}.
    Rising: this period against the mean of the three before. Repeating: the least of the
    four months, i.e. a floor the problem has not gone below for four months running.
    """
    scored = []
    for (category_id, district_id), series in rows.items():
        now, before = series[0], series[1:]
        if now < CANDIDATE_MIN_TICKETS:
            continue
        mean_before = sum(before) / len(before)
        category = categories[category_id]
        base = {
            "category": category["code"],
            "name": category["path"] or category["name"],
            "district": district_names[district_id][0] if district_id else "",
            "district_name": district_names[district_id][1] if district_id else "",
            "now": now,
            "series": list(reversed(series)),  # oldest first, for a sparkline
        }
        scored.append({**base, "reason": "rising", "score": round(now - mean_before, 1)})
        scored.append({**base, "reason": "repeating", "score": min(series)})
    kept, seen = [], set()
    for reason in ("rising", "repeating"):
        best = sorted(
            (c for c in scored if c["reason"] == reason and c["score"] > 0),
            key=lambda c: (-c["score"], -c["now"], c["category"], c["district"]),
        )
        for candidate in best:
            key = (candidate["category"], candidate["district"])
            if key in seen:
                continue
            seen.add(key)
            kept.append(candidate)
            if sum(1 for c in kept if c["reason"] == reason) >= CANDIDATES_KEPT // 2:
                break
    return kept


def build_summaries(period: str, scores, whistles, *, run=None, now=None) -> list[PeriodSummary]:
    """The city's and each district's PeriodSummary for a period (unsaved)."""
    cutoffs = periods.cutoff_days()
    start, end = periods.bounds(period, cutoffs)
    earliest, _ = periods.bounds(periods.shift(period, 1 - CANDIDATE_SPAN), cutoffs)
    boundaries = [start] + [
        periods.bounds(periods.shift(period, -back), cutoffs)[0]
        for back in range(1, CANDIDATE_SPAN)
    ]

    units = list(Unit.objects.values_list("id", "type", "district_id", "code", "name"))
    unit_district = {uid: district for uid, _t, district, _c, _n in units}
    district_names = {uid: (code, name) for uid, t, _d, code, name in units if t == "district"}
    areas = [CITY, *district_names]
    counts: dict = {area: Counter() for area in areas}

    # Rates and volume: the district rows already cover every unit inside them; the city
    # adds the units outside any district (city departments, companies).
    for row in scores:
        if row.group == UnitType.DISTRICT:
            counts[row.unit_id].update(_score_counts(row))
            counts[CITY].update(_score_counts(row))
        elif unit_district.get(row.unit_id) is None:
            counts[CITY].update(_score_counts(row))
    for w in whistles:
        for area in _areas_of(unit_district, w.unit_id):
            counts[area]["whistles"] += w.whistles

    contacts = (
        Ticket.objects.filter(received_at__gte=start, received_at__lt=end)
        .values("district_id")
        .annotate(n=Count("id"), answered=Count("id", filter=Q(status=Status.ANSWERED)))
        .order_by()
    )
    for r in contacts:
        for area in [CITY, r["district_id"]] if r["district_id"] else [CITY]:
            counts[area]["contacts"] += r["n"]
            counts[area]["answered"] += r["answered"]
    returns = (
        TicketEvent.objects.filter(type="returned", at__gte=start, at__lt=end)
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for r in returns:
        for area in _areas_of(unit_district, r["unit_id"]):
            counts[area]["returns"] += r["n"]

    # Dispatched tickets by leaf category and district over the last four periods.
    by_leaf = (
        compute.volume_tickets(earliest, end)
        .values("category_id", "district_id")
        .annotate(
            **{
                f"n{back}": Count(
                    "id",
                    filter=Q(dispatched_at__gte=boundaries[back])
                    & (Q(dispatched_at__lt=boundaries[back - 1]) if back else Q()),
                )
                for back in range(CANDIDATE_SPAN)
            }
        )
        .order_by()
    )
    categories = {
        c["id"]: c for c in Category.objects.values("id", "code", "name", "path", "parent_id")
    }

    def ancestor(category_id, level_up):
        for _step in range(level_up):
            parent = categories[category_id]["parent_id"]
            if parent is None:
                break
            category_id = parent
        return category_id

    mix: dict = defaultdict(Counter)
    topic_rows: dict = defaultdict(lambda: defaultdict(lambda: [0] * CANDIDATE_SPAN))
    for r in by_leaf:
        series = [r[f"n{back}"] for back in range(CANDIDATE_SPAN)]
        district = r["district_id"] if r["district_id"] in district_names else None
        top = ancestor(r["category_id"], 2)
        middle = ancestor(r["category_id"], 1)
        for area in [CITY, district] if district else [CITY]:
            mix[area][top] += series[0]
        places = [(CITY, (middle, None))] + ([(district, (middle, district))] if district else [])
        for area, key in places:
            totals = topic_rows[area][key]
            topic_rows[area][key] = [a + b for a, b in zip(totals, series, strict=True)]

    moment = now or timezone.now()
    policy = city_policy(period)
    summaries = []
    for area in areas:
        c = counts[area]
        figures = compute.rates(c, policy) if c["valid"] else {}
        rows = dict(topic_rows.get(area, {}))
        if area is CITY:
            # The city's candidates: whole categories, and categories within one district.
            for district in district_names:
                rows.update(topic_rows.get(district, {}))
        summaries.append(
            PeriodSummary(
                run=run,
                period=period,
                unit_id=area,
                contacts=c["contacts"],
                answered=c["answered"],
                dispatched=c["volume"],
                valid_callbacks=c["valid"],
                response_rate=figures.get("response_rate"),
                resolution_rate=figures.get("resolution_rate"),
                satisfaction_rate=figures.get("satisfaction_rate"),
                composite=figures.get("composite"),
                overdue=c["overdue"],
                returns=c["returns"],
                whistles=c["whistles"],
                category_mix=[
                    {
                        "code": categories[cid]["code"],
                        "name": categories[cid]["name"],
                        "count": n,
                    }
                    for cid, n in mix[area].most_common()
                    if n
                ],
                candidates=_candidates(rows, categories, district_names),
                computed_at=moment,
            )
        )
    return summaries


def store_period(period: str, scores, whistles, *, run=None) -> None:
    """Replace the period's stored summaries (called inside compute_period's transaction)."""
    rows = build_summaries(period, scores, whistles, run=run)
    PeriodSummary.objects.filter(period=period).delete()
    PeriodSummary.objects.bulk_create(rows)
