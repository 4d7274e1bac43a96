"""Every write to a ticket, one function per verb.

Each action takes keyword-only arguments with the acting user, runs in one transaction,
locks the ticket row, checks the lifecycle table (guards.check) and writes one
append-only TicketEvent. Views, serializers, commands and tasks call these; nothing else
sets a ticket's status.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.knowledge import actions as knowledge
from hotline.models import Category, Unit, UnitType

from . import deadlines, notify, routing
from .announce import announce
from .attachments.actions import cite
from .guards import Refused, check, intake_refusal
from .lifecycle import OPEN_STATES
from .models import (
    Callback,
    Participation,
    ReviewRequest,
    Satisfaction,
    Status,
    Ticket,
    TicketEvent,
)
from .numbers import next_number


def _now(now):
    return now or timezone.now()


def _locked(ticket) -> Ticket:
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("lead_unit", "category", "street", "district")
        .get(pk=pk)
    )


def _begin(step, ticket, actor, now):
    """Lock the row, then check the step against the lifecycle table."""
    ticket = _locked(ticket)
    check(step, ticket, actor, now)
    return ticket


def _event(ticket, type_, actor, at, note="", unit=None, **payload):
    return TicketEvent.objects.create(
        ticket=ticket,
        type=type_,
        actor=actor,
        at=at,
        note=note or "",
        unit=unit if unit is not None else getattr(actor, "unit", None),
        payload=payload,
    )


def _evidence(ticket, actor, attachments, step) -> dict:
    """Cite uploaded files as the step's evidence (SPEC §14): the event payload lists them."""
    ids = cite(ticket=ticket, actor=actor, ids=attachments, step=step)
    return {"attachments": ids} if ids else {}


def _require(value, field, message):
    if not value:
        raise ValidationError({field: message})


# --- Intake and triage (SPEC §3, §4) ------------------------------------------------------


def create_ticket(*, actor, idempotency_key=None, now=None, **fields) -> tuple[Ticket, bool]:
    """Log a contact as a ticket. Returns (ticket, created); a repeated key returns the first.

    `fields` are Ticket fields (`category` a Category, `street` a Unit or None). The
    address is resolved to district and street when they are not given; urgency defaults
    from the category, and changing it needs `urgency_reason`. A ticket just created
    carries its history so far in `new_events` (its `created` event).
    """
    now = _now(now)
    refused = intake_refusal(actor)
    if refused:
        raise refused
    if idempotency_key:
        first = Ticket.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if first:
            return first, False
    category: Category = fields["category"]
    if not category.is_leaf:
        raise ValidationError({"category": _("请选择最末级分类")})
    urgency = fields.get("urgency") or category.default_urgency
    if urgency != category.default_urgency and not fields.get("urgency_reason"):
        raise ValidationError({"urgency_reason": _("调整响应级别须说明理由")})
    fields["urgency"] = urgency
    if not fields.get("street") and not fields.get("district"):
        district_id, street_id = routing.resolve_address(fields.get("address", ""))
        fields["district_id"], fields["street_id"] = district_id, street_id
    elif fields.get("street") and not fields.get("district"):
        fields["district"] = fields["street"].district
    fields.setdefault("received_at", now)
    try:
        with transaction.atomic():
            ticket = Ticket.objects.create(
                number=next_number(fields["received_at"]),
                created_by=actor,
                idempotency_key=idempotency_key or None,
                **fields,
            )
            # carried on the instance, so the API's answer need not read it back
            ticket.new_events = [_event(ticket, "created", actor, now, channel=ticket.channel)]
            announce(ticket, "created", now=now)
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its ticket.
        if idempotency_key:
            first = Ticket.objects.filter(created_by=actor, idempotency_key=idempotency_key)
            if first.exists():
                return first.get(), False
        raise
    return ticket, True


@transaction.atomic
def answer_ticket(*, actor, ticket, answer, article=None, now=None) -> Ticket:
    """Answer on the spot; `article` (an id) records the knowledge version read out."""
    now = _now(now)
    ticket = _begin("answer", ticket, actor, now)
    _require(answer, "answer", _("请填写答复内容"))
    version = None
    if article is not None:
        version = knowledge.published_version_for_answer(article, now=now)
        knowledge.record_use(version=version, now=now)
    ticket.status, ticket.answer, ticket.answer_article = Status.ANSWERED, answer, version
    ticket.save(update_fields=["status", "answer", "answer_article"])
    cited = {"article": version.article_id, "version": version.number} if version else {}
    _event(ticket, "answered", actor, now, answer, **cited)
    return ticket


@transaction.atomic
def transfer_ticket(*, actor, ticket, to, note="", now=None) -> Ticket:
    now = _now(now)
    ticket = _begin("transfer", ticket, actor, now)
    if to not in {"110", "119", "120", "122"}:
        raise ValidationError({"to": _("只能转 110、119、120 或 122")})
    ticket.status, ticket.transferred_to = Status.TRANSFERRED, to
    ticket.save(update_fields=["status", "transferred_to"])
    _event(ticket, "transferred", actor, now, note, to=to)
    return ticket


@transaction.atomic
def merge_ticket(*, actor, ticket, into, now=None) -> Ticket:
    now = _now(now)
    ticket = _begin("merge", ticket, actor, now)
    # Re-read (and lock) the master even when given an instance: a stale copy could hide
    # that it was closed or merged meanwhile.
    lookup = {"pk": into.pk} if isinstance(into, Ticket) else {"number": into}
    master = Ticket.objects.select_for_update(of=("self",)).filter(**lookup).first()
    if master is None:
        raise ValidationError({"into": _("主工单不存在")})
    if master.pk == ticket.pk:
        raise ValidationError({"into": _("不能并入自身")})
    if master.status not in OPEN_STATES:
        raise Refused(
            409, _("主工单已结束（%(s)s），不能并单") % {"s": master.get_status_display()}
        )
    if master.master_id:
        raise Refused(409, _("主工单本身已并入其他工单"))
    ticket.status, ticket.master = Status.MERGED, master
    ticket.save(update_fields=["status", "master"])
    _event(ticket, "merged", actor, now, into=master.number)
    _event(master, "repeat_merged", actor, now, repeat=ticket.number)
    return ticket


# --- Dispatch and handling (SPEC §5, §6) ---------------------------------------------------


def _assign_lead(ticket, unit, now):
    """Make `unit` the lead with a fresh clock; copy the district on a street dispatch."""
    clock = deadlines.clock_from(ticket.urgency, now)
    ticket.lead_unit = unit
    ticket.dispatched_at = now
    ticket.sign_deadline, ticket.contact_deadline = clock.sign, clock.contact
    ticket.feedback_deadline, ticket.return_deadline = clock.feedback, clock.return_window
    ticket.signed_at = ticket.contacted_at = ticket.replied_at = None
    ticket.sign_overdue = ticket.contact_overdue = ticket.feedback_overdue = False
    ticket.overdue = False
    ticket.status = Status.DISPATCHED
    ticket.save()
    district_id = unit.district_id if unit.type == UnitType.STREET else None
    # A redispatch elsewhere ends the earlier district's copy: it no longer sees the ticket.
    copies = Participation.objects.filter(ticket=ticket, role=Participation.Role.COPY)
    copies.exclude(unit_id=district_id).filter(active=True).update(active=False)
    if district_id:
        copy, made = Participation.objects.get_or_create(
            ticket=ticket,
            unit_id=district_id,
            role=Participation.Role.COPY,
            defaults={"created_at": now},
        )
        if not made and not copy.active:  # back to a district it had left
            copy.active = True
            copy.save(update_fields=["active"])


def _unit(code, field):
    unit = Unit.objects.filter(code=code, active=True).first()
    if unit is None:
        raise ValidationError({field: _("单位编码 %(code)s 不存在") % {"code": code}})
    if unit.type in (UnitType.CENTRE, UnitType.COMMUNITY):
        raise ValidationError({field: _("不能派给%(t)s") % {"t": unit.get_type_display()}})
    return unit


@transaction.atomic
def dispatch_ticket(*, actor, ticket, unit, co_units=(), note="", now=None) -> Ticket:
    now = _now(now)
    ticket = _begin("dispatch", ticket, actor, now)
    lead = unit if isinstance(unit, Unit) else _unit(unit, "unit")
    cos = [c if isinstance(c, Unit) else _unit(c, "co_units") for c in co_units]
    if any(c.pk == lead.pk for c in cos):
        raise ValidationError({"co_units": _("协办单位不能与主办单位相同")})
    _assign_lead(ticket, lead, now)
    for co in cos:
        Participation.objects.get_or_create(
            ticket=ticket, unit=co, role=Participation.Role.CO, defaults={"created_at": now}
        )
    _event(
        ticket,
        "dispatched",
        actor,
        now,
        note,
        lead=lead.code,
        co_units=[c.code for c in cos],
        feedback_deadline=ticket.feedback_deadline.isoformat(),
    )
    announce(ticket, "dispatched", now=now)
    notify.after_commit(
        "dispatched",
        ticket.pk,
        _("新派工单 %(n)s") % {"n": ticket.number},
        unit_ids=[lead.pk, *[c.pk for c in cos]],
    )
    return ticket


@transaction.atomic
def sign_ticket(*, actor, ticket, note="", now=None) -> Ticket:
    now = _now(now)
    ticket = _begin("sign", ticket, actor, now)
    ticket.status, ticket.signed_at = Status.SIGNED, now
    ticket.save(update_fields=["status", "signed_at"])
    _event(ticket, "signed", actor, now, note)
    return ticket


@transaction.atomic
def contact_caller(*, actor, ticket, note="", now=None) -> Ticket:
    now = _now(now)
    ticket = _begin("contact", ticket, actor, now)
    ticket.status, ticket.contacted_at = Status.IN_PROGRESS, now
    ticket.save(update_fields=["status", "contacted_at"])
    _event(ticket, "contacted", actor, now, note)
    return ticket


@transaction.atomic
def whistle(*, actor, ticket, departments, reason, now=None) -> Ticket:
    """街乡吹哨: the lead street summons departments, each with a report-in deadline."""
    now = _now(now)
    ticket = _begin("whistle", ticket, actor, now)
    _require(reason, "reason", _("请填写吹哨事由"))
    _require(departments, "departments", _("请选择被召集的部门"))
    units = [d if isinstance(d, Unit) else _unit(d, "departments") for d in departments]
    if any(u.type != UnitType.DEPARTMENT for u in units):
        raise ValidationError({"departments": _("只能召集职能部门")})
    already = set(
        Participation.objects.filter(
            ticket=ticket, role=Participation.Role.SUMMONED, unit__in=units
        ).values_list("unit__code", flat=True)
    )
    if already:
        raise ValidationError(
            {"departments": _("已召集：%(c)s") % {"c": "、".join(sorted(already))}}
        )
    deadline = deadlines.report_in_deadline(ticket.urgency, now)
    Participation.objects.bulk_create(
        Participation(
            ticket=ticket,
            unit=u,
            role=Participation.Role.SUMMONED,
            created_at=now,
            report_in_deadline=deadline,
        )
        for u in units
    )
    _event(
        ticket,
        "whistled",
        actor,
        now,
        reason,
        departments=[u.code for u in units],
        report_in_deadline=deadline.isoformat(),
    )
    notify.after_commit(
        "summoned",
        ticket.pk,
        _("吹哨召集：工单 %(n)s") % {"n": ticket.number},
        unit_ids=[u.pk for u in units],
    )
    return ticket


@transaction.atomic
def report_in(*, actor, ticket, note="", now=None) -> Ticket:
    """部门报到: a summoned department reports in."""
    now = _now(now)
    ticket = _begin("report-in", ticket, actor, now)
    part = Participation.objects.select_for_update().get(
        ticket=ticket, unit_id=actor.unit_id, role=Participation.Role.SUMMONED
    )
    part.reported_in_at = now
    part.save(update_fields=["reported_in_at"])
    on_time = now <= part.report_in_deadline
    _event(ticket, "reported_in", actor, now, note, on_time=on_time)
    return ticket


@transaction.atomic
def report_part(*, actor, ticket, note, now=None) -> Ticket:
    """A co-handling or summoned unit reports its part back to the lead."""
    now = _now(now)
    ticket = _begin("report-part", ticket, actor, now)
    _require(note, "note", _("请填写办理情况"))
    Participation.objects.filter(
        ticket=ticket,
        unit_id=actor.unit_id,
        part_reported_at__isnull=True,
        role__in=[Participation.Role.CO, Participation.Role.SUMMONED],
    ).update(part_reported_at=now, part_note=note)
    _event(ticket, "part_reported", actor, now, note)
    notify.after_commit(
        "part_reported",
        ticket.pk,
        _("协办单位已反馈：工单 %(n)s") % {"n": ticket.number},
        unit_ids=[ticket.lead_unit_id],
    )
    return ticket


def _request(ticket, kind, actor, now, reason, days=None):
    return ReviewRequest.objects.create(
        ticket=ticket,
        kind=kind,
        unit=actor.unit,
        requested_by=actor,
        requested_at=now,
        reason=reason,
        days=days,
    )


def _decide(ticket, kind, actor, now, approve, note):
    req = ReviewRequest.objects.select_for_update().get(
        ticket=ticket, kind=kind, decision=ReviewRequest.Decision.PENDING
    )
    req.decision = ReviewRequest.Decision.APPROVED if approve else ReviewRequest.Decision.REJECTED
    req.decided_by, req.decided_at, req.decision_note = actor, now, note or ""
    req.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
    return req


def _handling_status(ticket):
    """Where a ticket stands in handling, read from its own timestamps."""
    if ticket.contacted_at:
        return Status.IN_PROGRESS
    return Status.SIGNED if ticket.signed_at else Status.DISPATCHED


@transaction.atomic
def return_ticket(*, actor, ticket, reason, attachments=(), now=None) -> Ticket:
    """退单: the lead unit says the ticket is not its duty, within the return window."""
    now = _now(now)
    ticket = _begin("return", ticket, actor, now)
    _require(reason, "reason", _("请填写退单理由"))
    _request(ticket, ReviewRequest.Kind.RETURN, actor, now, reason)
    ticket.status = Status.RETURNED
    ticket.save(update_fields=["status"])
    _event(
        ticket, "returned", actor, now, reason, **_evidence(ticket, actor, attachments, "return")
    )
    return ticket


@transaction.atomic
def review_return(*, actor, ticket, accept, unit=None, note="", now=None) -> Ticket:
    """Accepted: redispatch, the clock restarts for the new unit. Rejected: back, unchanged."""
    now = _now(now)
    ticket = _begin("review-return", ticket, actor, now)
    old_lead = ticket.lead_unit
    if accept:
        _require(unit, "unit", _("同意退单须指定改派单位"))
        new_lead = unit if isinstance(unit, Unit) else _unit(unit, "unit")
        if new_lead.pk == old_lead.pk:
            raise ValidationError({"unit": _("改派单位不能是原单位")})
    req = _decide(ticket, ReviewRequest.Kind.RETURN, actor, now, accept, note)
    if accept:
        _assign_lead(ticket, new_lead, now)
        _event(
            ticket,
            "return_accepted",
            actor,
            now,
            note,
            lead=new_lead.code,
            previous=old_lead.code,
            feedback_deadline=ticket.feedback_deadline.isoformat(),
        )
        announce(ticket, "dispatched", now=now)
        notify.after_commit(
            "dispatched",
            ticket.pk,
            _("改派工单 %(n)s") % {"n": ticket.number},
            unit_ids=[new_lead.pk],
        )
    else:
        ticket.status = _handling_status(ticket)
        ticket.save(update_fields=["status"])
        _event(ticket, "return_rejected", actor, now, note)
    notify.after_commit(
        "return_decided",
        ticket.pk,
        _("退单审核：%(r)s（工单 %(n)s）") % {"r": req.get_decision_display(), "n": ticket.number},
        unit_ids=[old_lead.pk],
        user_ids=[req.requested_by_id],
    )
    return ticket


@transaction.atomic
def request_extension(*, actor, ticket, days, reason, attachments=(), now=None) -> Ticket:
    now = _now(now)
    ticket = _begin("extend", ticket, actor, now)
    _require(reason, "reason", _("请填写延期理由"))
    if not isinstance(days, int) or not 1 <= days <= 30:
        raise ValidationError({"days": _("延期天数须为 1 到 30 个工作日")})
    _request(ticket, ReviewRequest.Kind.EXTENSION, actor, now, reason, days=days)
    evidence = _evidence(ticket, actor, attachments, "extend")
    _event(ticket, "extension_requested", actor, now, reason, days=days, **evidence)
    return ticket


@transaction.atomic
def review_extension(*, actor, ticket, approve, note="", now=None) -> Ticket:
    now = _now(now)
    ticket = _begin("review-extension", ticket, actor, now)
    req = _decide(ticket, ReviewRequest.Kind.EXTENSION, actor, now, approve, note)
    if approve:
        ticket.feedback_deadline = deadlines.extended(ticket.feedback_deadline, req.days)
        if ticket.feedback_deadline > now:
            ticket.feedback_overdue = False
        ticket.overdue = ticket.sign_overdue or ticket.contact_overdue or ticket.feedback_overdue
        ticket.save(update_fields=["feedback_deadline", "feedback_overdue", "overdue"])
    _event(
        ticket,
        "extension_approved" if approve else "extension_refused",
        actor,
        now,
        note,
        days=req.days,
        feedback_deadline=ticket.feedback_deadline.isoformat(),
    )
    if approve:
        announce(ticket, "extension_approved", now=now)  # the caller is told (SPEC §6)
    notify.after_commit(
        "extension_decided",
        ticket.pk,
        _("延期申请%(r)s（工单 %(n)s）") % {"r": req.get_decision_display(), "n": ticket.number},
        unit_ids=[ticket.lead_unit_id],
    )
    return ticket


@transaction.atomic
def reply_ticket(*, actor, ticket, result, note="", attachments=(), now=None) -> Ticket:
    now = _now(now)
    ticket = _begin("reply", ticket, actor, now)
    if result not in {"solved", "partly_solved", "explained"}:
        raise ValidationError({"result": _("办理结果须为 solved、partly_solved 或 explained")})
    _require(note, "note", _("请填写办理情况"))
    ticket.status, ticket.replied_at = Status.REPLIED, now
    ticket.result, ticket.result_note = result, note
    ticket.save(update_fields=["status", "replied_at", "result", "result_note"])
    evidence = _evidence(ticket, actor, attachments, "reply")
    _event(ticket, "replied", actor, now, note, result=result, **evidence)
    announce(ticket, "replied", now=now)
    return ticket


# --- Callback (SPEC §7) --------------------------------------------------------------------


@transaction.atomic
def record_callback(
    *,
    actor,
    ticket,
    valid,
    invalid_reason="",
    contacted=None,
    solved=None,
    satisfaction="",
    reopen=True,
    now=None,
) -> Ticket:
    """The three answers, or why the callback is not valid. Not solved reopens once."""
    now = _now(now)
    ticket = _begin("callback", ticket, actor, now)
    if valid:
        for field, value in (("contacted", contacted), ("solved", solved)):
            if value is None:
                raise ValidationError({field: _("有效回访须回答此项")})
        if satisfaction not in Satisfaction.values:
            raise ValidationError({"satisfaction": _("请选择满意度")})
    else:
        _require(invalid_reason, "invalid_reason", _("无效回访须说明原因"))
        contacted = solved = None
        satisfaction = ""
    reopening = bool(valid and solved is False and reopen and ticket.reopen_count == 0)
    Callback.objects.create(
        ticket=ticket,
        agent=actor,
        at=now,
        valid=valid,
        invalid_reason=invalid_reason or "",
        contacted=contacted,
        solved=solved,
        satisfaction=satisfaction or "",
        counted=not reopening,
        lead_unit=ticket.lead_unit,
    )
    payload = dict(
        valid=valid,
        contacted=contacted,
        solved=solved,
        satisfaction=satisfaction,
        invalid_reason=invalid_reason or "",
        reopened=reopening,
    )
    if reopening:
        # 重办: the same unit handles it again with a fresh feedback clock.
        policy = deadlines.policy_for(ticket.urgency)
        ticket.feedback_deadline = deadlines.feedback_deadline(policy, now)
        ticket.feedback_overdue = False
        ticket.overdue = ticket.sign_overdue or ticket.contact_overdue
        ticket.reopen_count += 1
        ticket.status, ticket.replied_at, ticket.result = Status.IN_PROGRESS, None, ""
        ticket.save()
        notify.after_commit(
            "reopened",
            ticket.pk,
            _("工单 %(n)s 回访未解决，重办") % {"n": ticket.number},
            unit_ids=[ticket.lead_unit_id],
        )
    else:
        ticket.status = Status.CLOSED
        ticket.save(update_fields=["status"])
    _event(ticket, "called_back", actor, now, invalid_reason or "", **payload)
    announce(ticket, "reopened" if reopening else "closed", now=now)
    return ticket


# --- Assessment exclusions (SPEC §8) ---------------------------------------------------------


def _ask_exclusion(step, kind, event, missing, *, actor, ticket, reason, attachments, now):
    now = _now(now)
    ticket = _begin(step, ticket, actor, now)
    _require(reason, "reason", missing)
    _request(ticket, kind, actor, now, reason)
    _event(ticket, event, actor, now, reason, **_evidence(ticket, actor, attachments, step))
    return ticket


def _decide_exclusion(step, kind, events, *, actor, ticket, approve, note, now):
    """An approved claim or appeal takes the ticket out of the unit's rates (SPEC §8)."""
    now = _now(now)
    ticket = _begin(step, ticket, actor, now)
    _decide(ticket, kind, actor, now, approve, note)
    if approve:
        ticket.excluded, ticket.excluded_reason = True, kind
        ticket.save(update_fields=["excluded", "excluded_reason"])
    _event(ticket, events[0] if approve else events[1], actor, now, note)
    return ticket


@transaction.atomic
def claim_unreasonable(*, actor, ticket, reason, attachments=(), now=None) -> Ticket:
    return _ask_exclusion(
        "claim-unreasonable",
        ReviewRequest.Kind.UNREASONABLE,
        "unreasonable_claimed",
        _("请填写理由"),
        actor=actor,
        ticket=ticket,
        reason=reason,
        attachments=attachments,
        now=now,
    )


@transaction.atomic
def review_claim(*, actor, ticket, approve, note="", now=None) -> Ticket:
    return _decide_exclusion(
        "review-claim",
        ReviewRequest.Kind.UNREASONABLE,
        ("claim_confirmed", "claim_rejected"),
        actor=actor,
        ticket=ticket,
        approve=approve,
        note=note,
        now=now,
    )


@transaction.atomic
def appeal(*, actor, ticket, reason, attachments=(), now=None) -> Ticket:
    return _ask_exclusion(
        "appeal",
        ReviewRequest.Kind.APPEAL,
        "appealed",
        _("请填写申诉理由和依据"),
        actor=actor,
        ticket=ticket,
        reason=reason,
        attachments=attachments,
        now=now,
    )


@transaction.atomic
def review_appeal(*, actor, ticket, approve, note="", now=None) -> Ticket:
    return _decide_exclusion(
        "review-appeal",
        ReviewRequest.Kind.APPEAL,
        ("appeal_upheld", "appeal_rejected"),
        actor=actor,
        ticket=ticket,
        approve=approve,
        note=note,
        now=now,
    )


# The API and pages look actions up by the lifecycle step's name.
# --- Reaching the caller (SPEC §3, §19) -----------------------------------------------------


@transaction.atomic
def reveal_phone(*, actor, ticket, now=None) -> Ticket:
    """The lead unit's staff see the full phone of a non-confidential ticket, recorded.

    The returned ticket carries the phone; the event records who and when, never the number.
    The person's row is locked first so that two reveals at once cannot both pass the
    daily limit.
    """
    now = _now(now)
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
    ticket = _begin("reveal-phone", ticket, actor, now)
    _event(ticket, "phone_revealed", actor, now)
    return ticket


@transaction.atomic
def ask_relay(*, actor, ticket, reason, now=None) -> Ticket:
    """A confidential caller: the lead unit asks the centre to pass a message on."""
    now = _now(now)
    ticket = _begin("ask-relay", ticket, actor, now)
    _require(reason, "reason", _("请填写需要转达的内容"))
    _request(ticket, ReviewRequest.Kind.RELAY, actor, now, reason)
    _event(ticket, "relay_requested", actor, now, reason)
    return ticket


@transaction.atomic
def relay(*, actor, ticket, approve, note="", now=None) -> Ticket:
    """The centre called the caller: relayed (approve) or could not reach them."""
    now = _now(now)
    ticket = _begin("relay", ticket, actor, now)
    _decide(ticket, ReviewRequest.Kind.RELAY, actor, now, approve, note)
    _event(ticket, "relayed" if approve else "relay_failed", actor, now, note)
    return ticket


BY_STEP = {
    "answer": answer_ticket,
    "transfer": transfer_ticket,
    "merge": merge_ticket,
    "dispatch": dispatch_ticket,
    "sign": sign_ticket,
    "contact": contact_caller,
    "whistle": whistle,
    "report-in": report_in,
    "report-part": report_part,
    "return": return_ticket,
    "review-return": review_return,
    "extend": request_extension,
    "review-extension": review_extension,
    "reply": reply_ticket,
    "callback": record_callback,
    "claim-unreasonable": claim_unreasonable,
    "review-claim": review_claim,
    "appeal": appeal,
    "review-appeal": review_appeal,
    "reveal-phone": reveal_phone,
    "ask-relay": ask_relay,
    "relay": relay,
}
