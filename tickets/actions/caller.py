"""Reaching the caller (SPEC §3, §19): revealing a phone, relaying a message."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    ReviewRequest,
    Ticket,
)
from ._steps import _begin, _decide, _event, _now, _request, _require


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
