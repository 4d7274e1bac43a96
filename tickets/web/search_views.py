"""Every role's ticket list and search (SPEC §12): one page, the same filters, exports.

The list is the user's scope from `selectors.list_tickets` (SPEC §16) narrowed by the
filters of `search.filters.TicketSearchFilter` — the API's, so a page and a script see
the same tickets. A unit sees all its tickets here, open and closed, of every month.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.models import Category, Unit, UnitType
from hotline.pagination import COUNT_CAP, ArmsPaginator, HitsPaginator

from .. import exports, selectors
from ..models import Channel, Kind, Status, Urgency
from ..search.filters import SORTS, TicketSearchFilter

PAGE_SIZE = 50


def _filtered(request, queryset=None):
    if request.user.unit_id is None:
        raise PermissionDenied(_("您还没有所属单位"))
    base = selectors.list_tickets(request.user) if queryset is None else queryset
    # A page's form sends every field, the empty ones too: "all" here, not an error.
    data = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        data.setlist(name, [v for v in values if v.strip()])
    return TicketSearchFilter(data, queryset=base, request=request)


@login_required
def ticket_search(request):
    found = _filtered(request)
    ctx = {"filter": found, "choices": _choices(request.user), "sorts": SORTS.items()}
    if not found.is_valid():
        return render(request, "tickets/search/list.html", ctx, status=400)
    text = bool(found.form.cleaned_data.get("q", "").strip())
    if text:
        paginator = HitsPaginator(found.qs, PAGE_SIZE)
    else:  # a street's page from the tops of its led and taking-part tickets
        arms = [_filtered(request, arm).qs for arm in selectors.list_arms(request.user)]
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
