"""The callback (SPEC §7): the caller asked whether they were contacted, helped, satisfied."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import deadlines, notify
from ..announce import announce
from ..models import (
    Callback,
    Satisfaction,
    Status,
    Ticket,
)
from ._steps import _begin, _event, _now, _require


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
