"""Every step of the lifecycle table: the right role and state go ahead, the wrong ones are
refused (403 role, 409 state) and change nothing; every success writes one history event."""

from datetime import timedelta

import pytest

from hotline.models import Role
from tickets import actions, guards, lifecycle
from tickets.guards import Refused
from tickets.models import (
    Callback,
    Notification,
    Participation,
    ReviewRequest,
    Status,
    Ticket,
    TicketEvent,
)

# step -> (who may do it: a `staff` attribute, keyword arguments of the action)
CASES = {
    "answer": ("operator", {"answer": "可到政务服务中心办理"}),
    "transfer": ("operator", {"to": "119", "note": "楼道冒烟"}),
    "merge": ("operator", {}),  # `into` is an open master made per test
    "dispatch": ("dispatcher", {"unit": "110101001"}),
    "sign": ("street", {}),
    "contact": ("street", {"note": "已电话联系"}),
    "whistle": ("street", {"departments": ["110101-CGZF"], "reason": "占道经营需执法"}),
    "report-in": ("dept", {"note": "已到场"}),
    "report-part": ("other_dept", {"note": "已检查电梯"}),
    "return": ("street", {"reason": "属物业公司职责"}),
    "review-return": ("dispatcher", {"accept": True, "unit": "110101002"}),
    "extend": ("street", {"days": 3, "reason": "需协调产权单位"}),
    "review-extension": ("reviewer", {"approve": True}),
    "reply": ("street", {"result": "solved", "note": "已修复"}),
    "callback": (
        "callback_agent",
        {"valid": True, "contacted": True, "solved": True, "satisfaction": "satisfied"},
    ),
    "claim-unreasonable": ("street", {"reason": "诉求人要求拆除合法建筑"}),
    "review-claim": ("reviewer", {"approve": True}),
    "appeal": ("street", {"reason": "回访时诉求人表述与事实不符，附录音"}),
    "review-appeal": ("reviewer", {"approve": True}),
    "reveal-phone": ("street", {}),
    "ask-relay": ("street", {"reason": "请转告：周三上午上门查看"}),
    "relay": ("operator", {"approve": True, "note": "已转告"}),
}

# step -> (state to build, an earlier action that makes the step's guards hold)
PREPARED = {
    "answer": ("new", None),
    "transfer": ("new", None),
    "merge": ("new", None),
    "dispatch": ("new", None),
    "sign": ("dispatched", None),
    "contact": ("signed", None),
    "whistle": ("in_progress", None),
    "report-in": ("in_progress", None),
    "report-part": ("in_progress", None),
    "return": ("dispatched", None),
    "review-return": ("returned", None),
    "extend": ("in_progress", None),
    "review-extension": ("in_progress", "extend"),
    "reply": ("in_progress", None),
    "callback": ("replied", None),
    "claim-unreasonable": ("in_progress", None),
    "review-claim": ("in_progress", "claim-unreasonable"),
    "appeal": ("closed", None),
    "review-appeal": ("closed", "appeal"),
    "reveal-phone": ("signed", None),
    "ask-relay": ("signed", None),
    "relay": ("signed", "ask-relay"),
}
# Steps that need a confidential caller (reached only through the centre).
CONFIDENTIAL = {"ask-relay", "relay"}

pytestmark = pytest.mark.django_db

ALL_STATES = list(Status.values)


def test_the_table_covers_every_action_and_the_action_map_matches():
    assert set(CASES) == set(lifecycle.STEPS) == set(actions.BY_STEP)


def _when(flow, step):
    # Inside the 2-working-hour return window, after every step the builder takes.
    return flow.T0 + timedelta(minutes=30 if step == "return" else 240)


def _whistle_for(step):
    # The whistle step itself must start from an un-whistled ticket.
    return step != "whistle"


def _kwargs(flow, step):
    kwargs = dict(CASES[step][1])
    if step == "merge":
        kwargs["into"] = flow.new().number
    return kwargs


def _prepared(flow, staff, step):
    state, before = PREPARED[step]
    ticket = flow.at(state, whistle=_whistle_for(step))
    if step in CONFIDENTIAL:
        Ticket.objects.filter(pk=ticket.pk).update(confidential=True)
        ticket.refresh_from_db()
    if before:
        actor_name, kwargs = CASES[before]
        actions.BY_STEP[before](
            actor=getattr(staff, actor_name), ticket=ticket, now=_when(flow, step), **kwargs
        )
    return ticket


def _snapshot():
    """Everything a step could touch."""
    tables = (Ticket, TicketEvent, Participation, ReviewRequest, Callback, Notification)
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in tables}


def _users(staff, make_user):
    return {
        Role.OPERATOR: staff.operator,
        Role.DISPATCHER: staff.dispatcher,
        Role.CALLBACK_AGENT: staff.callback_agent,
        Role.REVIEWER: staff.reviewer,
        Role.LEADER: staff.leader,
        Role.ADMIN: make_user(Role.ADMIN, "12345"),
    }


@pytest.mark.parametrize("step", list(lifecycle.STEPS))
def test_a_step_succeeds_for_its_role_and_writes_one_event(flow, staff, step):
    ticket = _prepared(flow, staff, step)
    actor = getattr(staff, CASES[step][0])
    kwargs = _kwargs(flow, step)
    now = _when(flow, step)
    assert step in [s.name for s in guards.allowed_steps(ticket, actor, now)]
    others = Ticket.objects.exclude(pk=ticket.pk)
    other_events = {t.pk: t.events.count() for t in others}
    before = ticket.events.count()

    result = actions.BY_STEP[step](actor=actor, ticket=ticket, now=now, **kwargs)

    assert isinstance(result, Ticket)
    assert ticket.events.count() == before + 1
    new_event = ticket.events.order_by("-id").first()
    assert new_event.actor == actor and new_event.at == now
    if lifecycle.STEPS[step].to_states:
        assert result.status in lifecycle.STEPS[step].to_states
    # Only a merge touches a second ticket's history (the master's), once.
    changed = {
        pk
        for pk, n in other_events.items()
        if TicketEvent.objects.filter(ticket_id=pk).count() != n
    }
    if step == "merge":
        master = Ticket.objects.get(number=kwargs["into"])
        assert changed == {master.pk}
        assert master.events.filter(type="repeat_merged").count() == 1
    else:
        assert changed == set()


@pytest.mark.parametrize("step", list(lifecycle.STEPS))
def test_a_disallowed_role_is_refused_403_and_nothing_changes(flow, staff, make_user, step):
    ticket = _prepared(flow, staff, step)
    kwargs = _kwargs(flow, step)
    now = _when(flow, step)
    users = _users(staff, make_user)
    users[Role.UNIT_STAFF] = staff.street  # the lead unit: right unit, wrong kind of step
    roles = [r for r in Role.values if r not in lifecycle.STEPS[step].roles]
    assert roles
    before = _snapshot()
    for role in roles:
        user = users[role]
        with pytest.raises(Refused) as refused:
            actions.BY_STEP[step](actor=user, ticket=ticket, now=now, **kwargs)
        assert refused.value.status == 403, (step, role, refused.value.message)
        assert refused.value.message
        assert guards.refusal(step, ticket, user, now).status == 403
        assert step not in [s.name for s in guards.allowed_steps(ticket, user, now)]
    assert _snapshot() == before


@pytest.mark.parametrize("step", list(lifecycle.STEPS))
def test_a_disallowed_state_is_refused_409_and_nothing_changes(flow, staff, step):
    actor = getattr(staff, CASES[step][0])
    states = [s for s in ALL_STATES if s not in lifecycle.STEPS[step].from_states]
    assert states
    for state in states:
        ticket = flow.at(state)
        kwargs = _kwargs(flow, step)
        now = _when(flow, step)
        before = _snapshot()
        with pytest.raises(Refused) as refused:
            actions.BY_STEP[step](actor=actor, ticket=ticket, now=now, **kwargs)
        assert refused.value.status == 409, (step, state, refused.value.message)
        assert str(Status(state).label) in refused.value.message
        assert _snapshot() == before, (step, state)


def test_a_unit_that_does_not_lead_is_refused_403(flow, staff):
    ticket = flow.at("signed")
    before = _snapshot()
    for step in ["contact", "whistle", "return", "extend", "claim-unreasonable"]:
        with pytest.raises(Refused) as refused:
            actions.BY_STEP[step](
                actor=staff.other_street, ticket=ticket, now=flow.T0, **CASES[step][1]
            )
        assert refused.value.status == 403, step
    assert _snapshot() == before


def test_history_is_append_only(flow):
    ticket = flow.dispatched()
    event = ticket.events.first()
    event.note = "改写历史"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    event.refresh_from_db()
    assert event.note == ""
    assert list(ticket.events.values_list("type", flat=True)) == ["created", "dispatched"]


def test_history_cannot_be_changed_in_bulk_either(flow):
    ticket = flow.at("signed")
    events = TicketEvent.objects.filter(ticket=ticket)
    before = list(events.values_list("type", "note"))
    with pytest.raises(ValueError, match="append-only"):
        events.update(note="rewritten")
    with pytest.raises(ValueError, match="append-only"):
        events.delete()
    assert list(events.values_list("type", "note")) == before
