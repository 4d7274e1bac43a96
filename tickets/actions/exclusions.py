"""Assessment exclusions (SPEC §8): claims of an unreasonable demand, appeals, their reviews."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    ReviewRequest,
    Ticket,
)
from ._steps import _begin, _decide, _event, _evidence, _now, _request, _require


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
