"""The leaders' dashboard (/dashboard/): rankings, trends, hot topics, drill-downs, exports."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hotline import export_jobs as jobs

from . import bands, export_jobs, exports, periods, selectors
from .models import Group

RANKED_PER_PAGE = 50
HEADLINE = [
    # (field, label, kind): kind says how the figure and its change are shown
    ("contacts", _("受理诉求"), "count"),
    ("dispatched", _("派单量"), "count"),
    ("answer_rate", _("直接答复率"), "rate"),
    ("response_rate", _("响应率"), "rate"),
    ("resolution_rate", _("解决率"), "rate"),
    ("satisfaction_rate", _("满意率"), "rate"),
    ("composite", _("综合成绩"), "score"),
    ("overdue", _("反馈超期"), "count"),
    ("returns", _("退单"), "count"),
    ("whistles", _("吹哨"), "count"),
]


def _reader(request):
    """Everyone whose role fits their unit reads the dashboard within their scope (§16)."""
    if not selectors.opens_dashboard(request.user):
        raise PermissionDenied(_("您的账号没有所属单位或角色与单位不符，不能查看考核看板"))


def _period(request):
    period = request.GET.get("period") or selectors.latest_published_period()
    if period:
        try:
            periods.parse_period(period)
        except ValueError as exc:
            raise Http404(_("考核周期须为 YYYY-MM 格式")) from exc
    return period


def _group(request):
    # A unit that reads only its own row opens on its own peer group.
    group = request.GET.get("group") or selectors.own_group(request.user) or Group.STREET
    if group not in Group.values:
        raise Http404(_("没有这个排名组"))
    return group


def _number(value):
    return float(value) if value is not None else None


def headline(summary, before):
    """The headline cards: each figure and its change on the month before."""
    cards = []
    for field, label, kind in HEADLINE:
        now = _number(getattr(summary, field))
        prior = _number(getattr(before, field)) if before else None
        change = now - prior if now is not None and prior is not None else None
        if kind == "rate":
            change = change * 100 if change is not None else None  # percentage points
        cards.append({"field": field, "label": label, "kind": kind, "value": now, "change": change})
    return cards


def chart_labels():
    """The charts' words, translated here and handed to the script with the data."""
    return {
        "contacts": _("受理诉求"),
        "dispatched": _("派单量"),
        "response": _("响应率"),
        "resolution": _("解决率"),
        "satisfaction": _("满意率"),
        "composite": _("综合成绩"),
        "rank": _("名次"),
        "volume": _("受理量"),
        "per_10k": _("万人诉求比"),
        "overdue": _("反馈超期"),
        "tickets": _("件"),
        "no_data": _("暂无数据"),
    }


def _series(summaries):
    return {
        "periods": [s.period for s in summaries],
        "contacts": [s.contacts for s in summaries],
        "dispatched": [s.dispatched for s in summaries],
        "response": [_number(s.response_rate) for s in summaries],
        "resolution": [_number(s.resolution_rate) for s in summaries],
        "satisfaction": [_number(s.satisfaction_rate) for s in summaries],
        "composite": [_number(s.composite) for s in summaries],
    }


def _ranking(request, period, group):
    """The group's rows split into ranked (paged, with bands) and unranked ("—")."""
    rows = selectors.scores_for(request.user, period, group)
    district = request.GET.get("district")
    if district:
        rows = rows.filter(unit__district__code=district)
    rows = list(rows)
    ranked = bands.annotate([r for r in rows if r.rank is not None])
    unranked = [r for r in rows if r.rank is None]
    return Paginator(ranked, RANKED_PER_PAGE).get_page(request.GET.get("page")), unranked


@login_required
def dashboard(request):
    _reader(request)
    period, group = _period(request), _group(request)
    context = {
        "period": period,
        "group": group,
        "groups": Group.choices,
        "bands": bands.bands(),
        "reads_all": selectors.reads_all_scores(request.user),
    }
    if not period:
        return render(request, "scoring/dashboard.html", context)
    history = selectors.summaries(request.user, period)
    summary = history[-1] if history and history[-1].period == period else None
    before = next((s for s in history if s.period == periods.previous(period)), None)
    page, unranked = _ranking(request, period, group)
    trend_unit = None
    code = request.GET.get("unit")
    if code:
        trend_unit = get_object_or_404(selectors.visible_score_units(request.user), code=code)
    elif page.object_list:
        trend_unit = page.object_list[0].unit
    districts = selectors.district_rows(request.user, period)
    context.update(
        run=selectors.current_run(period),
        previous=periods.previous(period),
        next=periods.shift(period, 1),
        district=request.GET.get("district", ""),
        # Drill-down links are built by concatenation: one reverse() per page, not six a row.
        drill=reverse("scoring:drill", args=[period, "UNIT", "volume"]).removesuffix(
            "UNIT/volume/"
        ),
        summary=summary,
        cards=headline(summary, before) if summary else [],
        page=page,
        unranked=unranked,
        trend_unit=trend_unit,
        districts=districts,
        per_10k=sorted((d for d in districts if d.per_10k is not None), key=lambda d: -d.per_10k),
        overdue=selectors.overdue_units(request.user, period),
        whistles=selectors.whistle_figures(request.user, period),
        charts={
            "period": period,
            "labels": chart_labels(),
            "city": _series(history),
            "mix": summary.category_mix[:12] if summary else [],
            "trend": {
                "unit": trend_unit.name if trend_unit else "",
                "points": [
                    {**p, "composite": _number(p.get("composite"))}
                    for p in selectors.unit_trend(trend_unit.pk, period)
                ]
                if trend_unit
                else [],
            },
            "map": [
                {
                    "name": d.unit.name,
                    "code": d.unit.code,
                    "composite": _number(d.composite),
                    "per_10k": round(d.per_10k, 2) if d.per_10k is not None else None,
                    "overdue": d.overdue,
                }
                for d in districts
            ],
        },
        candidates=summary.candidates if summary else [],
    )
    return render(request, "scoring/dashboard.html", context)


@login_required
def ranking_export(request, fmt):
    _reader(request)
    period, group = _period(request), _group(request)
    if not period:
        raise Http404(_("还没有已计算的考核周期"))
    run = selectors.current_run(period)
    rows = selectors.scores_for(request.user, period, group)
    title = _("%(period)s %(group)s排名") % {"period": period, "group": Group(group).label}
    return exports.ranking_export(fmt, f"ranking-{period}-{group}", title, run, rows)


def _drill(request, period, code, measure):
    _reader(request)
    try:
        periods.parse_period(period)
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    if measure not in selectors.MEASURES:
        raise Http404(_("没有这个指标"))
    unit = get_object_or_404(selectors.visible_score_units(request.user), code=code)
    return unit, selectors.drill_down_for(request.user, period, unit, measure)


@login_required
def drill_down(request, period, code, measure):
    unit, tickets = _drill(request, period, code, measure)
    page = Paginator(tickets, 100).get_page(request.GET.get("page"))
    stored = (
        selectors.ranking(period)
        .filter(unit=unit)
        .values(
            "volume",
            "valid_callbacks",
            "contacted",
            "solved",
            "satisfied",
            "basically_satisfied",
            "excluded",
            "overdue",
        )
        .first()
    )
    return render(
        request,
        "scoring/drilldown.html",
        {
            "period": period,
            "unit": unit,
            "measure": measure,
            "measure_label": selectors.MEASURE_LABELS[measure],
            "page": page,
            "with_callback": measure in selectors.CALLBACK_MEASURES,
            "stored": (stored or {}).get(measure),
        },
    )


@login_required
def drill_export(request, period, code, measure, fmt):
    unit, tickets = _drill(request, period, code, measure)
    filename = f"{period}-{unit.code}-{measure}"
    if fmt == "xlsx":
        total = tickets.count()
        if total > jobs.inline_limit():
            # Too big to build within a request: a worker writes it, the page shows progress.
            job = export_jobs.start(
                user=request.user,
                period=period,
                code=unit.code,
                measure=measure,
                total=total,
                filename=filename,
            )
            return redirect("exports:job", job=job)
    title = _("%(period)s %(unit)s %(measure)s 工单明细") % {
        "period": period,
        "unit": unit.name,
        "measure": selectors.MEASURE_LABELS[measure],
    }
    return exports.tickets_export(
        fmt,
        filename,
        title,
        selectors.current_run(period),
        tickets,
        with_callback=measure in selectors.CALLBACK_MEASURES,
    )
