"""The queues each role works through: dispatch, a unit's inbox, callbacks, reviews, relays
and notifications. Reads through selectors; each row's step posts to the ticket page's."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.models import Role
from hotline.page_access import roles

from .. import guards, inbox_selectors, routing, selectors
from ..lifecycle import STEPS
from ..models import Notification, ReviewRequest
from .common import LIST_LIMIT, safe_next, ticket_for
from .forms import REVIEW_STEPS, step_form

# --- Dispatcher -----------------------------------------------------------------------------


# What a queue row shows, and what its suggested unit and the dispatch step's guard read:
# a whole ticket and its four units' every field cost more to build than the row to show.
DISPATCH_ROW = (
    *("number", "urgency", "received_at", "kind", "status", "address"),
    *("category__name", "category__duty_unit__code", "category__duty_unit__name"),
    *("street__code", "street__name", "district__code", "district__name"),
)


@roles(Role.DISPATCHER, Role.OPERATOR, Role.ADMIN)
def dispatch_queue(request):
    user = request.user
    rows = []
    for ticket in selectors.dispatch_queue(user).only(*DISPATCH_ROW)[:LIST_LIMIT]:
        suggested = routing.suggest_unit(ticket)
        # The refusal of "dispatch" needs no query: state, role and the centre relation.
        can = guards.refusal("dispatch", ticket, user) is None
        rows.append({"ticket": ticket, "suggested": suggested, "can_dispatch": can})
    returns = selectors.pending_reviews(user, "return").select_related("ticket__lead_unit")
    return render(
        request,
        "tickets/dispatch.html",
        {
            "rows": rows,
            "total": selectors.dispatch_queue(user).count(),
            "returns": returns[:LIST_LIMIT],
            "can_review_return": user.role in STEPS["review-return"].roles,
        },
    )


# --- Unit inbox -----------------------------------------------------------------------------


@roles(Role.UNIT_STAFF)
def inbox(request):
    unit = request.user.unit
    if unit is None:
        raise PermissionDenied(_("您还没有所属单位"))
    now = timezone.now()
    start, end = inbox_selectors.today_bounds(now)
    return render(
        request,
        "tickets/inbox.html",
        {
            "tickets": selectors.unit_inbox_page(unit, LIST_LIMIT),
            "counters": inbox_selectors.inbox_counters(unit, now),
            "now": now,
            "today_end": end,
        },
    )


# --- Callback console -----------------------------------------------------------------------


@roles(Role.CALLBACK_AGENT, Role.ADMIN)
def callbacks(request):
    user = request.user
    now = timezone.now()
    ctx = {
        "queue": selectors.callback_queue_page(user, now, LIST_LIMIT),
        "total": selectors.callback_queue_count(user, now),
    }
    number = request.GET.get("t")
    if number:
        ticket = ticket_for(user, number)
        name, phone = selectors.caller_for(user, ticket)
        problem = guards.refusal("callback", ticket, user)
        ctx.update(
            current=ticket,
            caller_name=name,
            caller_phone=phone,
            refused=problem.message if problem else None,
            form=None if problem else step_form("callback", ticket),
        )
    return render(request, "tickets/callbacks.html", ctx)


# --- Reviewer queue -------------------------------------------------------------------------


# What a review row shows, and what a return's suggested unit is read from (routing):
# a page of each section, and a whole ticket's ~40 fields made each row's objects cost
# more to build than the template to show them.
REVIEW_ROW = (
    *("kind", "unit__name", "requested_at", "reason", "days"),
    *("ticket__number", "ticket__kind", "ticket__street", "ticket__district"),
    *("ticket__lead_unit", "ticket__category__name", "ticket__category__duty_unit"),
    "ticket__category__duty_dept_kind",
)


# A section's page: oldest first, so a reviewer works down it; the count and the pager say
# what waits beyond it (a hundred rows of forms was a page no one scrolled through).
REVIEW_PAGE = 25


@roles(Role.REVIEWER, Role.DISPATCHER, Role.ADMIN)
def reviews(request):
    user = request.user
    sections = []
    for kind, label in ReviewRequest.Kind.choices:
        if kind not in REVIEW_STEPS:
            continue  # relay requests have their own page (relays)
        step = REVIEW_STEPS[kind]
        pending = (
            selectors.pending_reviews(user, kind)
            .select_related("ticket__category")
            .only(*REVIEW_ROW)
        )
        page = Paginator(pending, REVIEW_PAGE).get_page(request.GET.get(f"{kind}-page"))
        sections.append(
            {
                "kind": kind,
                "label": label,
                "step": step,
                "can_decide": user.role in STEPS[step].roles,
                "page": page,
                "requests": page.object_list,
            }
        )
    returns = next(s for s in sections if s["kind"] == ReviewRequest.Kind.RETURN)
    if returns["can_decide"] and (rows := list(returns["requests"])):
        # SPEC §12: each return's 改派单位 starts with the suggested unit. Its units come
        # by prefetch: joined into each section's query, nine tables took PostgreSQL ~6 ms
        # to plan (four sections a page) for well under 1 ms of reading.
        prefetch_related_objects(
            [r.ticket for r in rows], "category__duty_unit", "street", "district", "lead_unit"
        )
        returns["requests"] = rows
        departments = routing.departments_by_kind()
        for r in rows:
            r.suggested = routing.redispatch_suggestion(r.ticket, departments)
    return render(request, "tickets/reviews.html", {"sections": sections})


# --- Relay queue: confidential callers reached through the centre (SPEC §3) -----------------


@roles(Role.OPERATOR, Role.DISPATCHER, Role.CALLBACK_AGENT, Role.ADMIN)
def relays(request):
    pending = selectors.pending_reviews(request.user, ReviewRequest.Kind.RELAY).select_related(
        "ticket__lead_unit", "ticket__category"
    )
    return render(request, "tickets/relays.html", {"requests": pending[:LIST_LIMIT]})


# --- Notifications --------------------------------------------------------------------------


@login_required
def notifications(request):
    items = inbox_selectors.notifications_for(request.user)[:LIST_LIMIT]
    return render(request, "tickets/notifications.html", {"items": items})


@login_required
@require_POST
def notifications_read(request):
    mine = Notification.objects.filter(user=request.user, read_at__isnull=True)
    if request.POST.get("id"):
        if not (request.POST["id"].isascii() and request.POST["id"].isdigit()):
            return HttpResponseBadRequest(_("id：通知编号须为数字"))
        mine = mine.filter(pk=request.POST["id"])
    mine.update(read_at=timezone.now())
    return redirect(safe_next(request, reverse("notifications")))
