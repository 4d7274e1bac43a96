"""What every action shares: the clock, the locked row, the guard, the event."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.models import Unit, UnitType

from ..attachments.actions import cite
from ..guards import check
from ..models import (
    ReviewRequest,
    Status,
    Ticket,
    TicketEvent,
)


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


def _unit(code, field):
    unit = Unit.objects.filter(code=code, active=True).first()
    if unit is None:
        raise ValidationError({field: _("单位编码 %(code)s 不存在") % {"code": code}})
    if unit.type in (UnitType.CENTRE, UnitType.COMMUNITY):
        raise ValidationError({field: _("不能派给%(t)s") % {"t": unit.get_type_display()}})
    return unit


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
