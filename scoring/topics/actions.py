"""The steps of a 每月一题 topic. Each: keyword-only, one transaction, the topic locked, one
TopicEvent with who and when. Wrong role: Refused(403); wrong state: Refused(409); bad input:
ValidationError naming the field (400), with nothing changed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.models import Category, Role, Unit
from scoring import periods
from scoring.selectors import CITY, DISTRICT, score_scope
from tickets.guards import Refused

from .models import Topic, TopicEvent, TopicProgress, TopicTask

PROPOSERS = {Role.LEADER, Role.REVIEWER, Role.ADMIN}


def _event(topic, type_, actor, at, note="", **payload):
    return TopicEvent.objects.create(
        topic=topic,
        type=type_,
        actor=actor,
        unit=getattr(actor, "unit", None),
        at=at,
        note=note or "",
        payload=payload,
    )


def _require(value, field, message):
    if not value:
        raise ValidationError({field: message})


def _period(value, field):
    try:
        periods.parse_period(value or "")
    except ValueError as exc:
        raise ValidationError({field: _("须为 YYYY-MM 格式")}) from exc
    return value


def _unit(code, field):
    unit = Unit.objects.filter(code=code).first() if code else None
    _require(unit, field, _("没有这个单位"))
    return unit


def in_leaders_reach(actor, district_id) -> bool:
    """A city leader decides any topic; a district's leader the topics in its district."""
    if actor.role != Role.LEADER:
        return False
    scope, unit_id = score_scope(actor)
    return scope == CITY or (scope == DISTRICT and district_id == unit_id)


def _lock(topic) -> Topic:
    return Topic.objects.select_for_update().get(pk=topic.pk)


@transaction.atomic
def propose_topic(*, actor, category, title="", district=None, reason="", period=None, now=None):
    """A candidate from the data (or a leader's own idea) put on the list to be adopted."""
    now = now or timezone.now()
    if actor.role not in PROPOSERS:
        raise Refused(403, _("只有领导、审核员和管理员可以提出每月一题"))
    leaf = Category.objects.filter(code=category).first() if category else None
    _require(leaf, "category", _("没有这个诉求分类"))
    area = None
    if district:
        area = Unit.objects.filter(code=district, type="district").first()
        _require(area, "district", _("没有这个区"))
    scope, unit_id = score_scope(actor)
    if scope == DISTRICT and (area is None or area.pk != unit_id):
        raise Refused(403, _("区领导只能提出本区的题目"))
    period = _period(period or periods.period_of(now), "period")
    title = (title or "").strip() or (f"{area.name} · {leaf}" if area else str(leaf))
    topic = Topic.objects.create(
        title=title[:100],
        category=leaf,
        district=area,
        reason=(reason or "")[:200],
        proposed_period=period,
        created_at=now,
        created_by=actor,
    )
    _event(topic, "proposed", actor, now, reason, category=leaf.code)
    return topic


@transaction.atomic
def adopt_topic(*, actor, topic, month, lead_unit, participants=(), now=None):
    """A leader takes the topic on for a month, naming who leads and who takes part."""
    now = now or timezone.now()
    topic = _lock(topic)
    if not in_leaders_reach(actor, topic.district_id):
        raise Refused(403, _("只有领导可以立题（区领导限本区题目）"))
    if topic.status != Topic.Status.PROPOSED:
        raise Refused(409, _("该题目已立题或已结题"))
    month = _period(month, "month")
    lead = _unit(lead_unit, "lead_unit")
    others = [_unit(code, "participants") for code in participants or ()]
    topic.status, topic.month, topic.lead_unit = Topic.Status.ADOPTED, month, lead
    topic.save(update_fields=["status", "month", "lead_unit"])
    topic.participants.set([u for u in others if u.pk != lead.pk])
    _event(
        topic,
        "adopted",
        actor,
        now,
        month=month,
        lead_unit=lead.code,
        participants=[u.code for u in others],
    )
    return topic


@transaction.atomic
def add_task(*, actor, topic, what, unit, due, now=None):
    """The lead unit (or a leader) sets a task: what, which unit, by when."""
    now = now or timezone.now()
    topic = _lock(topic)
    leads = actor.unit_id is not None and actor.unit_id == topic.lead_unit_id
    if not (leads or in_leaders_reach(actor, topic.district_id)):
        raise Refused(403, _("只有牵头单位和领导可以布置任务"))
    if topic.status != Topic.Status.ADOPTED:
        raise Refused(409, _("只有已立题、未结题的题目可以布置任务"))
    _require((what or "").strip(), "what", _("请填写任务内容"))
    _require(due, "due", _("请填写完成时限"))
    target = _unit(unit, "unit")
    if target.pk != topic.lead_unit_id and not topic.participants.filter(pk=target.pk).exists():
        raise ValidationError({"unit": _("责任单位须为牵头单位或参与单位")})
    task = TopicTask.objects.create(
        topic=topic, what=what.strip()[:200], unit=target, due=due, created_at=now, created_by=actor
    )
    _event(topic, "task_added", actor, now, task.what, task=task.pk, unit=target.code, due=str(due))
    return task


@transaction.atomic
def report_progress(*, actor, task, note, done=False, now=None):
    """The unit responsible (or the lead unit) reports on a task; `done` completes it."""
    now = now or timezone.now()
    topic = _lock(task.topic)
    task = TopicTask.objects.select_for_update().get(pk=task.pk)
    if actor.unit_id is None or actor.unit_id not in (task.unit_id, topic.lead_unit_id):
        raise Refused(403, _("只有责任单位和牵头单位可以报告进展"))
    if topic.status != Topic.Status.ADOPTED or task.done_at is not None:
        raise Refused(409, _("题目已结题或任务已完成"))
    _require((note or "").strip(), "note", _("请填写进展"))
    progress = TopicProgress.objects.create(
        task=task, unit=actor.unit, note=note.strip(), at=now, by=actor
    )
    if done:
        task.done_at = now
        task.save(update_fields=["done_at"])
    _event(topic, "progress", actor, now, progress.note, task=task.pk, done=bool(done))
    return progress


@transaction.atomic
def close_topic(*, actor, topic, conclusion, now=None):
    """A leader closes the topic with a conclusion."""
    now = now or timezone.now()
    topic = _lock(topic)
    if not in_leaders_reach(actor, topic.district_id):
        raise Refused(403, _("只有领导可以结题（区领导限本区题目）"))
    if topic.status != Topic.Status.ADOPTED:
        raise Refused(409, _("只有已立题、未结题的题目可以结题"))
    _require((conclusion or "").strip(), "conclusion", _("请填写结题结论"))
    topic.status, topic.conclusion = Topic.Status.CLOSED, conclusion.strip()
    topic.save(update_fields=["status", "conclusion"])
    _event(topic, "closed", actor, now, topic.conclusion)
    return topic
