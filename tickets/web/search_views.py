"""Every role's ticket list and search (SPEC §12): one page, the same filters, exports.

The list is the user's scope from `selectors.list_tickets` (SPEC §16) narrowed by the
filters of `search.filters.TicketSearchFilter` — the API's, so a page and a script see
the same tickets. A unit sees all its tickets here, open and closed, of every month.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import export_jobs
from hotline.models import Category, Unit, UnitType
from hotline.pagination import (
    COUNT_CAP,
    ArmsPaginator,
    HitsPaginator,
    capped_count,
    is_text_search,
)

from .. import exports, selectors
from ..models import Channel, Kind, Status, Urgency
from ..search import export_job  # noqa: F401 (registers the job's builder)
from ..search.filters import SORTS, search_list

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")


def _filtered(request):
    """The filters of the page's query. The 主办单位 box sends what was typed when nothing was
    picked (no script, or typed fast): the filter takes a unit's name as its code, and
    one no unit (or several) answers to is an error at the field, never dropped."""
    if request.user.unit_id is None:
        raise PermissionDenied(_("您还没有所属单位"))
    return search_list(request.user, dict(request.GET.lists()))


@login_required
def ticket_search(request):
    found = _filtered(request)
    ctx = {"filter": found, "choices": _choices(request.user), "sorts": SORTS.items()}
    if not found.is_valid():
        return render(request, "tickets/search/list.html", ctx, status=400)
    text = is_text_search(found.form.cleaned_data)
    if text:
        paginator = HitsPaginator(found.qs, PAGE_SIZE)
    else:  # a street's page from the tops of its led and taking-part tickets
        # narrowed by the list's own validated filters, not a form built again for each
        arms = [found.filter_queryset(arm) for arm in selectors.list_arms(request.user)]
        paginator = ArmsPaginator(found.qs, PAGE_SIZE, arms=arms)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx.update(
        page=page,
        more=paginator.capped,
        cap=COUNT_CAP,
        query=query.urlencode(),
        now=timezone.now(),
        unmasked=selectors.sees_unmasked_caller(request.user),
    )
    return render(request, "tickets/search/list.html", ctx)


@login_required
def ticket_export(request, fmt):
    if fmt not in EXPORT_FORMATS:  # export.pdf is no CSV under another name
        raise Http404
    found = _filtered(request)
    if not found.is_valid():
        return render(
            request,
            "tickets/search/list.html",
            {"filter": found, "choices": _choices(request.user), "sorts": SORTS.items()},
            status=400,
        )
    name = f"tickets-{timezone.localtime():%Y%m%d-%H%M}"
    if fmt == "xlsx":
        total = capped_count(found.qs, export_jobs.inline_limit())
        if total > export_jobs.inline_limit():
            # Too big to build within a request: a worker writes it, a page shows progress.
            # The query as the page read it: a unit typed by name goes as its code.
            job = export_jobs.start(
                user=request.user,
                kind="tickets",
                total=found.qs.count(),
                filename=name,
                query=found.resolved_query(),
            )
            return redirect("exports:job", job=job)
        return exports.xlsx_response(request.user, found.qs, name)
    return exports.csv_response(request.user, found.qs, name)


def _choices(user):
    """The options of the filter form: districts and the streets a user can pick from."""
    units = Unit.objects.filter(active=True).order_by("code")
    unit = user.unit
    streets = units.filter(type=UnitType.STREET)
    if unit is not None and unit.type == UnitType.DISTRICT:
        streets = streets.filter(district=unit)
    return {
        "status": Status.choices,
        "kind": Kind.choices,
        "urgency": Urgency.choices,
        "channel": Channel.choices,
        "districts": units.filter(type=UnitType.DISTRICT).values_list("code", "name"),
        "streets": streets.values_list("code", "name"),
        "areas": Category.objects.filter(level__lte=2).order_by("code").values_list("code", "path"),
    }
