"""The lifecycle table: which step is allowed from which state, by whom, to which state.

This is the one copy of the rules. Actions check it before they write; the API's 403/409
answers and the buttons on a ticket's page are read from it.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from hotline.models import Role

from .models import Status

S = Status
HANDLING = frozenset({S.DISPATCHED, S.SIGNED, S.IN_PROGRESS})
WORKING = frozenset({S.SIGNED, S.IN_PROGRESS})
CENTRE = "centre"  # the acting user sits in the 12345 centre
LEAD = "lead"  # the acting user's unit leads the ticket
SUMMONED = "summoned"  # ... was summoned by a whistle and has not reported in
PARTICIPANT = "participant"  # ... co-handles or was summoned (reports its part)


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    from_states: frozenset
    roles: frozenset
    relation: str
    # None: the state does not change. Several: the action picks by its input.
    to_states: tuple = ()
    # Extra conditions, checked after state, role and relation (see guards.py).
    guards: tuple = field(default=())

    @property
    def keeps_state(self):
        return not self.to_states


def _step(name, label, from_states, roles, relation, to_states=(), guards=()):
    return Step(
        name,
        label,
        frozenset(from_states),
        frozenset(roles),
        relation,
        tuple(to_states),
        tuple(guards),
    )


OPERATORS = {Role.OPERATOR, Role.DISPATCHER}
DISPATCHERS = {Role.DISPATCHER, Role.OPERATOR}
UNIT = {Role.UNIT_STAFF}

STEPS = {
    s.name: s
    for s in [
        # triage at intake (SPEC §4)
        _step("answer", _("直接答复"), {S.NEW}, OPERATORS, CENTRE, [S.ANSWERED]),
        _step("transfer", _("转警"), {S.NEW}, OPERATORS, CENTRE, [S.TRANSFERRED]),
        _step("merge", _("并单"), {S.NEW}, OPERATORS, CENTRE, [S.MERGED]),
        _step(
            "dispatch",
            _("派单"),
            {S.NEW},
            DISPATCHERS,
            CENTRE,
            [S.DISPATCHED],
            guards=["not_enquiry"],
        ),
        # handling (SPEC §6)
        _step("sign", _("签收"), {S.DISPATCHED}, UNIT, LEAD, [S.SIGNED]),
        _step("contact", _("联系诉求人"), {S.SIGNED}, UNIT, LEAD, [S.IN_PROGRESS]),
        _step("whistle", _("吹哨"), WORKING, UNIT, LEAD, guards=["lead_is_street"]),
        _step("report-in", _("报到"), HANDLING | {S.REPLIED}, UNIT, SUMMONED),
        _step(
            "report-part",
            _("协办反馈"),
            HANDLING,
            UNIT,
            PARTICIPANT,
            guards=["part_not_reported", "reported_in_when_summoned"],
        ),
        _step(
            "return", _("退单"), HANDLING, UNIT, LEAD, [S.RETURNED], guards=["within_return_window"]
        ),
        _step(
            "review-return",
            _("审核退单"),
            {S.RETURNED},
            {Role.DISPATCHER, Role.REVIEWER},
            CENTRE,
            [S.DISPATCHED, S.SIGNED, S.IN_PROGRESS],
        ),
        _step(
            "extend",
            _("申请延期"),
            HANDLING,
            UNIT,
            LEAD,
            guards=["before_feedback_deadline", "no_pending_extension"],
        ),
        _step(
            "review-extension",
            _("审核延期"),
            HANDLING | {S.RETURNED},
            {Role.REVIEWER},
            CENTRE,
            guards=["pending_extension"],
        ),
        _step("reply", _("办结反馈"), {S.IN_PROGRESS}, UNIT, LEAD, [S.REPLIED]),
        # callback (SPEC §7)
        _step(
            "callback",
            _("回访"),
            HANDLING | {S.REPLIED},
            {Role.CALLBACK_AGENT},
            CENTRE,
            [S.CLOSED, S.IN_PROGRESS],
            guards=["replied_or_past_deadline"],
        ),
        # exclusions (SPEC §8)
        _step(
            "claim-unreasonable",
            _("申请不合理诉求"),
            WORKING | {S.REPLIED},
            UNIT,
            LEAD,
            guards=["no_pending_claim", "not_excluded"],
        ),
        _step(
            "review-claim",
            _("审核不合理诉求"),
            WORKING | {S.REPLIED, S.CLOSED},
            {Role.REVIEWER},
            CENTRE,
            guards=["pending_claim"],
        ),
        _step(
            "appeal",
            _("考核申诉"),
            {S.CLOSED},
            UNIT,
            LEAD,
            guards=["has_valid_callback", "no_pending_appeal", "not_excluded"],
        ),
        _step(
            "review-appeal",
            _("审核申诉"),
            {S.CLOSED},
            {Role.REVIEWER},
            CENTRE,
            guards=["pending_appeal"],
        ),
        # reaching the caller (SPEC §3, §19): the lead unit reveals the phone of a
        # non-confidential ticket (recorded, rate-limited); a confidential caller is reached
        # only through the centre, which relays what the unit asks.
        _step(
            "reveal-phone",
            _("查看完整号码"),
            HANDLING | {S.REPLIED},
            UNIT,
            LEAD,
            guards=["not_confidential", "reveal_quota"],
        ),
        _step(
            "ask-relay",
            _("请中心转达"),
            HANDLING | {S.REPLIED},
            UNIT,
            LEAD,
            guards=["confidential_caller", "no_pending_relay"],
        ),
        _step(
            "relay",
            _("中心转达"),
            HANDLING | {S.REPLIED, S.RETURNED, S.CLOSED},
            {Role.OPERATOR, Role.DISPATCHER, Role.CALLBACK_AGENT},
            CENTRE,
            guards=["pending_relay"],
        ),
    ]
}

OPEN_STATES = frozenset({S.NEW, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.RETURNED, S.REPLIED})
