"""Checks a step against the lifecycle table: role (403), relation (403), state and guards (409)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.models import UnitType

from . import lifecycle
from .models import Kind, Participation, ReviewRequest, Status, TicketEvent


class Refused(Exception):
    """A step that may not happen now. `status` is the HTTP answer: 403 role, 409 state."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _pending(ticket, kind):
    return ReviewRequest.objects.filter(
        ticket=ticket, kind=kind, decision=ReviewRequest.Decision.PENDING
    ).exists()


def _participation(ticket, user, roles):
    return Participation.objects.filter(
        ticket=ticket, unit_id=user.unit_id, role__in=roles, active=True
    )


def _reveals_today(user, now):
    """How many phones this person revealed today: counted from the history, not kept apart."""
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return TicketEvent.objects.filter(type="phone_revealed", actor=user, at__gte=start).count()


def _reveal_quota(t, u, now):
    limit = settings.PHONE_REVEALS_PER_DAY
    if _reveals_today(u, now) >= limit:
        return Refused(429, _("今天查看完整号码已达 %(n)s 次上限") % {"n": limit})
    return None


# Each guard returns a message when the step is refused (409), a Refused with its own
# status, or None.
GUARDS = {
    "not_confidential": lambda t, u, now: (
        Refused(403, _("保密工单不向承办单位显示号码，请中心转达")) if t.confidential else None
    ),
    "reveal_quota": _reveal_quota,
    "confidential_caller": lambda t, u, now: (
        None if t.confidential else _("非保密工单，可直接查看完整号码联系诉求人")
    ),
    "no_pending_relay": lambda t, u, now: (
        _("已有转达请求待中心处理") if _pending(t, ReviewRequest.Kind.RELAY) else None
    ),
    "pending_relay": lambda t, u, now: (
        None if _pending(t, ReviewRequest.Kind.RELAY) else _("没有待转达的请求")
    ),
    "lead_is_street": lambda t, u, now: (
        None if t.lead_unit and t.lead_unit.type == UnitType.STREET else _("只有街乡镇可以吹哨")
    ),
    "within_return_window": lambda t, u, now: (
        None if t.return_deadline and now <= t.return_deadline else _("已超过退单时限，不能退单")
    ),
    "before_feedback_deadline": lambda t, u, now: (
        None
        if t.feedback_deadline and now < t.feedback_deadline
        else _("延期须在反馈时限届满前申请")
    ),
    "no_pending_extension": lambda t, u, now: (
        _("已有延期申请待审核") if _pending(t, ReviewRequest.Kind.EXTENSION) else None
    ),
    "pending_extension": lambda t, u, now: (
        None if _pending(t, ReviewRequest.Kind.EXTENSION) else _("没有待审核的延期申请")
    ),
    "no_pending_claim": lambda t, u, now: (
        _("已有不合理诉求申请待审核") if _pending(t, ReviewRequest.Kind.UNREASONABLE) else None
    ),
    "pending_claim": lambda t, u, now: (
        None if _pending(t, ReviewRequest.Kind.UNREASONABLE) else _("没有待审核的不合理诉求申请")
    ),
    "no_pending_appeal": lambda t, u, now: (
        _("已有考核申诉待审核") if _pending(t, ReviewRequest.Kind.APPEAL) else None
    ),
    "pending_appeal": lambda t, u, now: (
        None if _pending(t, ReviewRequest.Kind.APPEAL) else _("没有待审核的考核申诉")
    ),
    "not_excluded": lambda t, u, now: _("该工单已不计入考核") if t.excluded else None,
    "has_valid_callback": lambda t, u, now: (
        None
        if t.callbacks.filter(counted=True, valid=True).exists()
        else _("只有经有效回访的工单可以申诉")
    ),
    "replied_or_past_deadline": lambda t, u, now: (
        None
        if t.status == Status.REPLIED or (t.feedback_deadline and now >= t.feedback_deadline)
        else _("承办单位尚未反馈，且反馈时限未到，暂不能回访")
    ),
    # SPEC §4: an enquiry is answered on the spot, never dispatched
    "not_enquiry": lambda t, u, now: (
        _("咨询类诉求由话务员直接答复，不派单") if t.kind == Kind.ENQUIRY else None
    ),
    # SPEC §6: a summoned department reports in (报到) before it reports its part
    "reported_in_when_summoned": lambda t, u, now: (
        _("请先报到，再反馈协办情况")
        if _participation(t, u, [Participation.Role.SUMMONED])
        .filter(reported_in_at__isnull=True)
        .exists()
        else None
    ),
    "part_not_reported": lambda t, u, now: (
        None
        if _participation(t, u, [Participation.Role.CO, Participation.Role.SUMMONED])
        .filter(part_reported_at__isnull=True)
        .exists()
        else _("本单位的协办情况已反馈")
    ),
}


def _relation_refusal(relation, ticket, user):
    if relation == lifecycle.CENTRE:
        if user.unit is None or user.unit.type != UnitType.CENTRE:
            return Refused(403, _("只有12345热线中心的人员可以办理此步骤"))
    elif relation == lifecycle.LEAD:
        if user.unit_id is None or user.unit_id != ticket.lead_unit_id:
            return Refused(403, _("只有主办单位可以办理此步骤"))
    elif relation == lifecycle.SUMMONED:
        if not _participation(ticket, user, [Participation.Role.SUMMONED]).exists():
            return Refused(403, _("本单位未被吹哨召集"))
        if (
            not _participation(ticket, user, [Participation.Role.SUMMONED])
            .filter(reported_in_at__isnull=True)
            .exists()
        ):
            return Refused(409, _("本单位已经报到"))
    elif relation == lifecycle.PARTICIPANT:
        if not _participation(
            ticket, user, [Participation.Role.CO, Participation.Role.SUMMONED]
        ).exists():
            return Refused(403, _("本单位不是协办或被召集单位"))
    return None


def refusal(step_name, ticket, user, now=None):
    """The first reason the step is refused, as a Refused, or None when it may go ahead."""
    step = lifecycle.STEPS[step_name]
    now = now or timezone.now()
    if user.role not in step.roles:
        return Refused(
            403,
            _("您的角色（%(role)s）不能执行“%(step)s”")
            % {"role": user.get_role_display() or "-", "step": step.label},
        )
    if ticket.status not in step.from_states:
        return Refused(
            409,
            _("工单当前状态为“%(status)s”，不能执行“%(step)s”")
            % {"status": ticket.get_status_display(), "step": step.label},
        )
    problem = _relation_refusal(step.relation, ticket, user)
    if problem:
        return problem
    for name in step.guards:
        problem = GUARDS[name](ticket, user, now)
        if isinstance(problem, Refused):
            return problem
        if problem:
            return Refused(409, problem)
    return None


def intake_refusal(user):
    """Who may log a contact as a ticket: the centre's operators and dispatchers."""
    unit = getattr(user, "unit", None)
    if user.role not in lifecycle.OPERATORS or unit is None or unit.type != UnitType.CENTRE:
        return Refused(403, _("只有12345热线中心的话务员、派单员可以受理工单"))
    return None


def check(step_name, ticket, user, now=None):
    problem = refusal(step_name, ticket, user, now)
    if problem:
        raise problem


def allowed_steps(ticket, user, now=None):
    """The steps this user may take on this ticket now, in table order (for pages/API).

    Role and state are looked at first: refusal() words a reason for each step it refuses,
    and most steps of the table fail on one of those two (intake spent 2 ms a ticket here).
    """
    return [
        step
        for name, step in lifecycle.STEPS.items()
        if user.role in step.roles
        and ticket.status in step.from_states
        and refusal(name, ticket, user, now) is None
    ]
