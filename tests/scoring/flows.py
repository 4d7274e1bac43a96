"""Scenario helpers: tickets driven through tickets.actions at chosen moments."""

from datetime import datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from django.test import Client

from hotline.models import Unit
from tests.conftest import leaf
from tickets import actions

BJ = ZoneInfo("Asia/Shanghai")
_phones = count(13800000000)


def at(day, hour=10, minute=0, month=10, year=2026):
    return datetime(year, month, day, hour, minute, tzinfo=BJ)


def new(staff, when, *, street="110101001", category=None):
    ticket, _ = actions.create_ticket(
        actor=staff.operator,
        channel="phone",
        kind="complaint",
        category=category or leaf(),
        content="楼道堆物",
        street=Unit.objects.get(code=street),
        caller_name="张三",
        caller_phone=str(next(_phones)),
        now=when,
    )
    return ticket


def dispatched(staff, when, unit, *, street="110101001", category=None):
    """A new ticket dispatched to `unit` (a code) at `when`."""
    ticket = new(staff, when, street=street, category=category)
    return actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit=unit, now=when)


def worked(ticket, user, when):
    """Signed and caller contacted by the lead unit's `user`, shortly after `when`."""
    ticket = actions.sign_ticket(actor=user, ticket=ticket, now=when + timedelta(minutes=5))
    return actions.contact_caller(actor=user, ticket=ticket, now=when + timedelta(minutes=10))


def replied(ticket, user, when, result="solved"):
    return actions.reply_ticket(actor=user, ticket=ticket, result=result, note="已处理", now=when)


def callback(staff, ticket, when, *, contacted=True, solved=True, sat="satisfied", reopen=True):
    return actions.record_callback(
        actor=staff.callback_agent,
        ticket=ticket,
        valid=True,
        contacted=contacted,
        solved=solved,
        satisfaction=sat,
        reopen=reopen,
        now=when,
    )


def invalid_callback(staff, ticket, when, reason="unreachable"):
    return actions.record_callback(
        actor=staff.callback_agent, ticket=ticket, valid=False, invalid_reason=reason, now=when
    )


def full(staff, user, unit, day, cb_day, **answers):
    """Dispatched on `day`, worked and replied the same day, called back on `cb_day`."""
    t = dispatched(staff, at(day, 9), unit)
    t = worked(t, user, at(day, 9))
    t = replied(t, user, at(day, 15))
    return callback(staff, t, at(cb_day, 10), **answers)


def browser(user):
    """A page client signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client
