"""The pages each role works in. Reads through selectors, writes through actions.BY_STEP."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hotline import validation as rules
from hotline.models import Category, Role, Unit
from hotline.page_access import roles

from .. import actions, guards, inbox_selectors, routing, selectors
from ..attachments import actions as attachment_actions
from ..attachments import selectors as attachment_selectors
from ..lifecycle import STEPS
from ..models import Kind, Participation, ReviewRequest, Status, TicketEvent
from .common import safe_next, ticket_for
from .forms import (
    STEP_FORMS,
    IntakeForm,
    step_form,
)

EVENT_LABELS = {
    "created": gettext_lazy("受理"),
    "answered": gettext_lazy("直接答复"),
    "transferred": gettext_lazy("转警"),
    "merged": gettext_lazy("并单"),
    "repeat_merged": gettext_lazy("重复件并入"),
    "dispatched": gettext_lazy("派单"),
    "signed": gettext_lazy("签收"),
    "contacted": gettext_lazy("联系诉求人"),
    "whistled": gettext_lazy("吹哨"),
    "reported_in": gettext_lazy("部门报到"),
    "part_reported": gettext_lazy("协办反馈"),
    "returned": gettext_lazy("退单"),
    "return_accepted": gettext_lazy("退单通过，改派"),
    "return_rejected": gettext_lazy("退单驳回"),
    "extension_requested": gettext_lazy("申请延期"),
    "extension_approved": gettext_lazy("延期通过"),
    "extension_refused": gettext_lazy("延期驳回"),
    "replied": gettext_lazy("办结反馈"),
    "called_back": gettext_lazy("回访"),
    "unreasonable_claimed": gettext_lazy("申请不合理诉求"),
    "claim_confirmed": gettext_lazy("不合理诉求确认"),
    "claim_rejected": gettext_lazy("不合理诉求查否"),
    "appealed": gettext_lazy("考核申诉"),
    "appeal_upheld": gettext_lazy("申诉通过"),
    "appeal_rejected": gettext_lazy("申诉驳回"),
    "supervised": gettext_lazy("督办（超时）"),
    "attached": gettext_lazy("上传附件"),
    "phone_revealed": gettext_lazy("查看完整号码"),
    "relay_requested": gettext_lazy("请中心转达"),
    "relayed": gettext_lazy("中心已转达"),
    "relay_failed": gettext_lazy("中心未能联系诉求人"),
}

INTAKE_STEPS = ["answer", "transfer", "merge", "dispatch"]


# --- Home -----------------------------------------------------------------------------------


@login_required
def home(request):
    user = request.user
    ctx = {}
    if user.role in (Role.OPERATOR, Role.DISPATCHER):
        ctx["intake_today"] = inbox_selectors.intake_today(user)
        ctx["queue"] = inbox_selectors.centre_counters()
    elif user.role == Role.UNIT_STAFF and user.unit_id:
        ctx["counters"] = inbox_selectors.inbox_counters(user.unit)
    elif user.role == Role.CALLBACK_AGENT:
        ctx["callbacks_due"] = selectors.callback_queue_count(user)
    elif user.role == Role.REVIEWER:
        ctx["reviews"] = inbox_selectors.pending_review_counts()
    return render(request, "tickets/home.html", ctx)


# --- Operator console -----------------------------------------------------------------------


def _intake_panel(user, ticket):
    """The triage steps this user may take on a just-created ticket, with their forms.

    The step that comes next is listed first (the page focuses it at the top): an enquiry
    is answered on the spot (SPEC §4), anything else is dispatched. An address that named
    only the district suggests no unit: the operator picks one of that district's streets
    (one Enter must not send the ticket to the district government).
    """
    suggested = routing.suggest_unit(ticket)
    district_streets = []
    if suggested and not ticket.street_id and suggested.pk == ticket.district_id:
        suggested = None
        district_streets = list(routing.streets_of(ticket.district_id))
    forms = []
    for step in guards.allowed_steps(ticket, user):
        if step.name in INTAKE_STEPS:
            initial = {"unit": suggested.code} if step.name == "dispatch" and suggested else None
            forms.append((step, step_form(step.name, ticket, initial=initial)))
    names = [step.name for step, _form in forms]
    first = "answer" if ticket.kind == Kind.ENQUIRY else "dispatch"
    next_step = first if first in names else (names[0] if names else "")
    forms.sort(key=lambda pair: pair[0].name != next_step)  # stable: the rest keep their order
    repeats = selectors.likely_repeats(
        user=user,
        phone=ticket.caller_phone,
        street=ticket.street,
        category=ticket.category,
        exclude_id=ticket.pk,
    )
    return {
        "ticket": ticket,
        "forms": forms,
        "next": next_step,
        "suggested": suggested,
        "district_streets": district_streets,
        "repeats": repeats,
    }


@roles(Role.OPERATOR, Role.DISPATCHER)
def console(request):
    user = request.user
    form = IntakeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():

        def with_photos(ticket):  # a new ticket's only: a form sent again has them on the first
            attachment_actions.upload_all(
                actor=user, ticket=ticket, uploads=form.cleaned_data["attachments"], step="intake"
            )

        try:  # the ticket and the caller's photos, or neither
            ticket, _created = actions.create_ticket(
                actor=user, with_ticket=with_photos, **form.ticket_fields()
            )
        except ValidationError as exc:
            _attach(form, exc)
        except guards.Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已受理，工单编号 %(n)s") % {"n": ticket.number})
            return redirect(f"{reverse('console')}?t={ticket.number}")
    ctx = {
        "form": form,
        "categories": _leaf_categories(),
        "status_labels": dict(Status.choices),  # the caller history's rows say their status
    }
    number = request.GET.get("t")
    if number and request.method == "GET":
        ticket = (
            selectors.visible_tickets(user)
            .select_related("category__duty_unit", "street", "district", "lead_unit")
            .filter(number=number)
            .first()
        )
        if ticket:
            ctx["panel"] = _intake_panel(user, ticket)
    return render(request, "tickets/console.html", ctx, status=400 if form.errors else 200)


def _leaf_categories():
    return Category.objects.filter(default_urgency__isnull=False, active=True).values(
        "code", "name", "path", "pinyin", "spelling", "default_urgency"
    )


@roles(Role.OPERATOR, Role.DISPATCHER)
def console_lookup(request):
    """As the operator types: the matched district/street, and likely repeats."""
    address = request.GET.get("address", "").strip()
    phone = request.GET.get("phone", "").strip()
    try:  # as the number will be stored, so a repeat is found however it is typed
        phone = rules.normalize_phone(phone)
    except ValidationError:
        pass  # not yet a whole number: no repeat by phone
    place = routing.resolve_place(address)
    district_id, street_id = place.district_id, place.street_id
    names = dict(
        Unit.objects.filter(pk__in=[district_id, street_id, place.community_id]).values_list(
            "pk", "name"
        )
    )
    category = Category.objects.filter(code=request.GET.get("category", "")).first()
    street = Unit(pk=street_id) if street_id else None
    repeats = selectors.likely_repeats(
        user=request.user, phone=phone, street=street, category=category
    )
    return JsonResponse(
        {
            "district": names.get(district_id, ""),
            "street": names.get(street_id, ""),
            "community": names.get(place.community_id, ""),
            "via": place.via,  # "road": only a road's name matched, a guess to check
            "repeats": [
                {
                    "number": t.number,
                    "category": t.category.name,
                    "street": t.street.name if t.street else "",
                    "status": t.get_status_display(),
                    "received_at": timezone.localtime(t.received_at).strftime("%m-%d %H:%M"),
                    "url": reverse("ticket", args=[t.number]),
                }
                for t in repeats
            ],
        }
    )


# --- Ticket page and its steps --------------------------------------------------------------


def _attach(form, exc):
    """A Django ValidationError from an action, shown beside the field it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


TIMELINE_SHOWN = 100


def _timeline(request, ticket):
    """The latest TIMELINE_SHOWN events, oldest first, and how many older ones are left out.

    A ticket supervised and called back for months collects a thousand events; rendering
    them all made its page take most of a second. `?events=all` shows every one.
    """
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor", "unit")
    if request.GET.get("events") == "all":
        return list(events), 0
    latest = list(events.order_by("-at", "-id")[: TIMELINE_SHOWN + 1])
    if len(latest) <= TIMELINE_SHOWN:
        return latest[::-1], 0
    return latest[:TIMELINE_SHOWN][::-1], events.count() - TIMELINE_SHOWN


def _render_ticket(request, ticket, failed=None, refused=None, status=200, revealed=False):
    user = request.user
    name, phone = selectors.caller_for(user, ticket)
    if revealed:  # this very response follows a recorded reveal (actions.reveal_phone)
        phone = ticket.caller_phone
    forms = []
    for step in guards.allowed_steps(ticket, user):
        if failed is not None and failed.prefix == step.name:
            forms.append((step, failed))
            continue
        initial = None
        if step.name == "dispatch":
            suggested = routing.suggest_unit(ticket)
            initial = {"unit": suggested.code} if suggested else None
        forms.append((step, step_form(step.name, ticket, initial=initial)))
    events, hidden = _timeline(request, ticket)
    parts = Participation.objects.filter(ticket=ticket).select_related("unit").order_by("id")
    ctx = {
        "ticket": ticket,
        "caller_name": name,
        "caller_phone": phone,
        "revealed": revealed,
        "forms": forms,
        "failed": failed,
        "refused": refused,
        "events": [(e, EVENT_LABELS.get(e.type, e.type)) for e in events],
        "events_hidden": hidden,
        "participations": parts,
        "requests": ReviewRequest.objects.filter(ticket=ticket).order_by("requested_at"),
        "callbacks": ticket.callbacks.order_by("at"),
        "attachments": attachment_selectors.for_ticket(ticket),
        "texts": ticket.text_messages.all(),
        # a gateway's error may echo the caller's number: the centre's to read
        "gateway_errors_shown": selectors.sees_unmasked_caller(user),
    }
    return render(request, "tickets/ticket.html", ctx, status=status)


@login_required
def ticket_detail(request, number):
    return _render_ticket(request, ticket_for(request.user, number))


@login_required
@require_POST
def ticket_step(request, number, step):
    if step not in STEP_FORMS:
        raise Http404
    ticket = ticket_for(request.user, number)
    form = step_form(step, ticket, data=request.POST, files=request.FILES)
    if form.is_valid():
        try:
            result = _run_step(request.user, ticket, step, form.kwargs())
            if step == "reveal-phone":
                # Shown once, in this answer; reloading the page masks the phone again.
                return _render_ticket(request, result, revealed=True)
        except guards.Refused as exc:
            return _render_ticket(
                request, ticket, refused=(STEPS[step], exc.message), status=exc.status
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("“%(s)s”已完成") % {"s": STEPS[step].label})
            return redirect(safe_next(request, reverse("ticket", args=[number])))
    if not any(s.name == step for s in guards.allowed_steps(ticket, request.user)):
        # Invalid input for a step that is not allowed anyway: say why it is refused.
        problem = guards.refusal(step, ticket, request.user)
        return _render_ticket(
            request, ticket, refused=(STEPS[step], problem.message), status=problem.status
        )
    return _render_ticket(request, ticket, failed=form, status=400)


def _run_step(user, ticket, step, kwargs):
    """The step's action, with the form's files uploaded and cited in the same transaction."""
    uploads = kwargs.pop("attachments", None)
    if not uploads:
        return actions.BY_STEP[step](actor=user, ticket=ticket, **kwargs)
    guards.check(step, ticket, user)  # refuse before any file is stored
    with transaction.atomic():
        kwargs["attachments"] = attachment_actions.upload_all(
            actor=user, ticket=ticket, uploads=uploads, step=step
        )
        return actions.BY_STEP[step](actor=user, ticket=ticket, **kwargs)
