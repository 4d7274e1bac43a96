"""The leaders' dashboard (/dashboard/): rankings, trends, hot topics, drill-downs, exports."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from hotline.models import Unit

from . import exports, periods, selectors
from .models import Group

TREND_W, TREND_H, PAD = 600, 180, 30


def _reader(request):
    if not selectors.reads_all_scores(request.user):
        raise PermissionDenied(_("只有领导、审核员、管理员和热线中心可以查看考核看板"))


def _period(request):
    period = request.GET.get("period") or selectors.latest_period()
    if period:
        try:
            periods.parse_period(period)
        except ValueError as exc:
            raise Http404(_("考核周期须为 YYYY-MM 格式")) from exc
    return period


def _group(request):
    group = request.GET.get("group") or Group.STREET
    if group not in Group.values:
        raise Http404(_("没有这个排名组"))
    return group


def trend_chart(points):
    """SVG coordinates of a composite-over-months line (0–100 on the y axis)."""
    step = (TREND_W - 2 * PAD) / max(len(points) - 1, 1)
    dots = []
    for i, p in enumerate(points):
        if p.get("composite") is None:
            continue
        y = PAD + (TREND_H - 2 * PAD) * (1 - float(p["composite"]) / 100)
        dots.append({"x": round(PAD + i * step, 1), "y": round(y, 1), **p})
    labels = [
        {"x": round(PAD + i * step, 1), "text": p["period"][2:]} for i, p in enumerate(points)
    ]
    return {
        "width": TREND_W,
        "height": TREND_H,
        "line": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "dots": dots,
        "labels": labels,
        "label_y": TREND_H - 8,
        "grid": [
            {"y": round(PAD + (TREND_H - 2 * PAD) * (1 - v / 100), 1), "v": v} for v in (0, 50, 100)
        ],
    }


@login_required
def dashboard(request):
    _reader(request)
    period, group = _period(request), _group(request)
    context = {"period": period, "group": group, "groups": Group.choices}
    if period:
        rows = list(selectors.ranking(period, group))
        cutoffs = periods.cutoff_days()
        trend_unit = None
        code = request.GET.get("unit")
        if code:
            trend_unit = get_object_or_404(Unit, code=code)
        elif rows:
            trend_unit = rows[0].unit
        context.update(
            run=selectors.current_run(period),
            previous=periods.previous(period),
            next=periods.shift(period, 1),
            rows=rows,
            trend_unit=trend_unit,
            trend=trend_chart(selectors.unit_trend(trend_unit.pk, period)) if trend_unit else None,
            growth=selectors.category_growth(period, cutoffs=cutoffs),
            hot_spots=selectors.hot_spots(period, cutoffs=cutoffs),
            overdue=selectors.overdue_units(period),
            per_10k=selectors.per_10k_residents(period),
            whistles=selectors.whistle_figures(period),
        )
    return render(request, "scoring/dashboard.html", context)


@login_required
def ranking_export(request, fmt):
    _reader(request)
    period, group = _period(request), _group(request)
    if not period:
        raise Http404(_("还没有已计算的考核周期"))
    header, body = exports.ranking_table(selectors.ranking(period, group))
    return exports.respond(fmt, f"ranking-{period}-{group}", header, body)


def _drill(request, period, code, measure):
    _reader(request)
    try:
        periods.parse_period(period)
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    if measure not in selectors.MEASURES:
        raise Http404(_("没有这个指标"))
    unit = get_object_or_404(Unit, code=code)
    return unit, selectors.drill_down(period, unit, measure)


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
            "page": page,
            "with_callback": measure in selectors.CALLBACK_MEASURES,
            "stored": (stored or {}).get(measure),
        },
    )


@login_required
def drill_export(request, period, code, measure, fmt):
    unit, tickets = _drill(request, period, code, measure)
    header, body = exports.tickets_table(tickets, measure in selectors.CALLBACK_MEASURES)
    return exports.respond(fmt, f"{period}-{unit.code}-{measure}", header, body)
