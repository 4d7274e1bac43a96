"""Dispatch and handling (SPEC §5, §6): dispatch, sign, contact, whistle and report in,
returns and extensions, reply."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hotline.models import Unit, UnitType

from .. import deadlines, notify
from ..announce import announce
from ..models import (
    Participation,
    ReviewRequest,
    Status,
    Ticket,
)
from ._steps import (
    _begin,
    _decide,
    _event,
    _evidence,
    _handling_status,
    _now,
    _request,
    _require,
    _unit,
)


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
