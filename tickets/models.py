"""A ticket (诉求工单), the units it involves, its requests for review, callbacks, history."""

from django.conf import settings
from django.db import models
from django.db.models import Func, Q
from django.db.models.functions import Right
from django.utils.translation import gettext_lazy as _

from hotline.models import Category, Unit
from hotline.textsearch import search_tokens

from .choices import (
    Channel,
    EmergencyLine,
    Kind,
    ReplyResult,
    Satisfaction,
    Status,
    Urgency,
)
from .row_units import TicketQuerySet


class PhoneMainLine(Func):
    """A stored phone without its extension (01064721234-12 → 01064721234); any other as it
    is. Its last four are what a caller gives for an office's number (SPEC §12)."""

    template = "SPLIT_PART(%(expressions)s, '-', 1)"
    output_field = models.CharField()

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite has no split_part
        template = (
            "CASE WHEN instr(%(expressions)s, '-') > 0 "
            "THEN substr(%(expressions)s, 1, instr(%(expressions)s, '-') - 1) "
            "ELSE %(expressions)s END"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


class TimeLimitPolicy(models.Model):
    """The time limits of one urgency level (SPEC §5). Edited in admin, read at dispatch."""

    class Counting(models.TextChoices):
        HOURS = "hours", _("自然小时")
        WORKDAYS = "workdays", _("工作日")

    urgency = models.PositiveSmallIntegerField(_("响应级别"), choices=Urgency.choices, unique=True)
    feedback_amount = models.PositiveIntegerField(_("反馈时限"))
    feedback_counting = models.CharField(_("计算方式"), max_length=8, choices=Counting.choices)
    sign_minutes = models.PositiveIntegerField(_("签收时限（分钟）"))
    contact_minutes = models.PositiveIntegerField(_("联系时限（分钟）"))
    report_in_minutes = models.PositiveIntegerField(_("部门报到时限（分钟）"))
    return_window_work_hours = models.PositiveIntegerField(_("退单时限（工作小时）"), default=2)

    class Meta:
        verbose_name = _("时限标准")
        verbose_name_plural = _("时限标准")
        ordering = ["urgency"]

    def __str__(self):
        return f"{self.get_urgency_display()}"


class DailyCounter(models.Model):
    """The last ticket number handed out per day, so numbers are readable and unique."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Ticket(models.Model):
    number = models.CharField(_("工单编号"), max_length=20, unique=True)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    caller_name = models.CharField(_("诉求人"), max_length=50, blank=True)
    caller_phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    confidential = models.BooleanField(_("保密"), default=False)
    # SPEC §15: the caller is texted unless they declined (or the ticket is confidential).
    notify_caller = models.BooleanField(_("短信告知诉求人"), default=True)

    address = models.CharField(_("问题地址"), max_length=200, blank=True)
    district = models.ForeignKey(
        Unit,
        verbose_name=_("区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    street = models.ForeignKey(
        Unit,
        verbose_name=_("街乡镇"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    community = models.ForeignKey(
        Unit,
        verbose_name=_("社区/村"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    # clients: a photo's link as an Open311 client sent it (SPEC §14), returned as given.
    media_url = models.URLField(_("图片链接"), max_length=500, blank=True)

    kind = models.CharField(_("诉求类型"), max_length=12, choices=Kind.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("诉求分类"), on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField(_("主要内容"))
    urgency = models.PositiveSmallIntegerField(_("响应级别"), choices=Urgency.choices)
    urgency_reason = models.CharField(_("调整级别理由"), max_length=200, blank=True)

    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.NEW)
    answer = models.TextField(_("直接答复内容"), blank=True)
    # Knowledge base (SPEC §13): the article version the operator read to the caller.
    answer_article = models.ForeignKey(
        "knowledge.ArticleVersion",
        verbose_name=_("引用知识库文章版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transferred_to = models.CharField(
        _("转警"), max_length=3, choices=EmergencyLine.choices, blank=True
    )
    master = models.ForeignKey(
        "self",
        verbose_name=_("主工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )

    # The lead unit (主办) and its clock: computed at dispatch, extension or redispatch.
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    sign_deadline = models.DateTimeField(_("签收时限"), null=True, blank=True)
    contact_deadline = models.DateTimeField(_("联系时限"), null=True, blank=True)
    feedback_deadline = models.DateTimeField(_("反馈时限"), null=True, blank=True)
    return_deadline = models.DateTimeField(_("退单时限"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("联系时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    result = models.CharField(_("办理结果"), max_length=16, choices=ReplyResult.choices, blank=True)
    result_note = models.TextField(_("办理情况"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)

    # Set by the deadline sweep, once each (督办).
    sign_overdue = models.BooleanField(_("签收超时"), default=False)
    contact_overdue = models.BooleanField(_("联系超时"), default=False)
    feedback_overdue = models.BooleanField(_("反馈超时"), default=False)
    overdue = models.BooleanField(_("超期"), default=False)

    # Assessment (考核): the counted callback lives in Callback; exclusions here.
    excluded = models.BooleanField(_("不计入考核"), default=False)
    excluded_reason = models.CharField(_("不计入考核原因"), max_length=20, blank=True)

    # Search (SPEC §12): the words of address and content as hotline.textsearch cuts them,
    # kept in step by save(); GIN-indexed on PostgreSQL (migration 0005_search_tokens).
    search_tokens = models.TextField(blank=True, default="", editable=False)

    objects = TicketQuerySet.as_manager()  # a list's units in one query (row_units)

    class Meta:
        verbose_name = _("诉求工单")
        verbose_name_plural = _("诉求工单")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="ticket_idempotency_key_per_user",
            ),
        ]
        indexes = [
            # unit inbox: the lead unit's open tickets by deadline
            models.Index(fields=["lead_unit", "status", "feedback_deadline"]),
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["district", "status"]),
            # likely repeats: same street and category, open
            models.Index(fields=["street", "category", "received_at"]),
            # the sweep: open tickets past a deadline not yet flagged
            models.Index(
                fields=["feedback_deadline"],
                name="ticket_feedback_open",
                condition=Q(feedback_overdue=False, replied_at__isnull=True),
            ),
            models.Index(
                fields=["sign_deadline"],
                name="ticket_sign_open",
                condition=Q(sign_overdue=False, signed_at__isnull=True),
            ),
            models.Index(
                fields=["contact_deadline"],
                name="ticket_contact_open",
                condition=Q(contact_overdue=False, contacted_at__isnull=True),
            ),
            # --- perf (issue 15): indexes that stay small however much history piles up ---
            # callback queue, one index per arm of its OR: replied; handled past deadline
            models.Index(
                fields=["feedback_deadline"],
                name="ticket_replied_deadline",
                condition=Q(status="replied"),
            ),
            models.Index(
                fields=["feedback_deadline"],
                name="ticket_handling_deadline",
                condition=Q(status__in=["dispatched", "signed", "in_progress"]),
            ),
            # scoring: a month's volume read from the index alone (no heap, no seq scan)
            models.Index(
                fields=["dispatched_at"],
                include=["id", "lead_unit", "status", "excluded", "feedback_overdue"],
                name="ticket_volume",
                condition=Q(lead_unit__isnull=False),
            ),
            # scoring: the few excluded tickets, so callbacks skip them without a join
            models.Index(fields=["id"], name="ticket_excluded", condition=Q(excluded=True)),
            # a unit's own list, newest first; `id` included so that "the tickets this unit
            # leads" (the visibility subquery) is read from the index alone
            models.Index(
                fields=["lead_unit", "-received_at"],
                include=["id"],
                name="ticket_lead_received",
            ),
            # a unit's inbox, soonest deadline first: its open tickets in order, so the page
            # reads its first hundred instead of sorting every open ticket the unit leads
            models.Index(
                fields=["lead_unit", "feedback_deadline", "id"],
                name="ticket_inbox_deadline",
                condition=Q(
                    status__in=["dispatched", "signed", "in_progress", "returned", "replied"]
                ),
            ),
            # search (SPEC §12): a caller's name, and the last four digits of a phone
            # varchar_pattern_ops: a name's beginning (LIKE '司马%') in any collation
            models.Index(
                fields=["caller_name"], name="ticket_caller_name", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(Right(PhoneMainLine("caller_phone"), 4), name="ticket_phone_last4"),
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if fields is None or {"address", "content"} & set(fields):
            self.search_tokens = search_tokens(self.address, self.content)
            if fields is not None:
                kwargs["update_fields"] = {*fields, "search_tokens"}
        super().save(*args, **kwargs)


class Participation(models.Model):
    """A unit other than the lead that takes part: co-handler, summoned department, copy."""

    class Role(models.TextChoices):
        CO = "co", _("协办")
        SUMMONED = "summoned", _("吹哨报到")
        COPY = "copy", _("抄送")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="participations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("参与方式"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(_("时间"))
    active = models.BooleanField(default=True)
    report_in_deadline = models.DateTimeField(_("报到时限"), null=True, blank=True)
    reported_in_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    report_in_overdue = models.BooleanField(_("报到超时"), default=False)
    part_reported_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    part_note = models.TextField(_("办理情况"), blank=True)

    class Meta:
        verbose_name = _("参与单位")
        verbose_name_plural = _("参与单位")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "unit", "role"], name="participation_once_per_role"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "active", "role"]),
            models.Index(
                fields=["report_in_deadline"],
                name="participation_report_open",
                condition=Q(report_in_overdue=False, reported_in_at__isnull=True, role="summoned"),
            ),
            # perf (issue 15): scoring's whistle figures, the month's summons only
            models.Index(
                fields=["created_at"],
                name="participation_summoned_at",
                condition=Q(role="summoned"),
            ),
        ]


class ReviewRequest(models.Model):
    """A unit's request that someone else decides: return, extension, claim, appeal."""

    class Kind(models.TextChoices):
        RETURN = "return", _("退单")
        EXTENSION = "extension", _("延期")
        UNREASONABLE = "unreasonable", _("不合理诉求")
        APPEAL = "appeal", _("考核申诉")
        # Not a review: the unit asks the centre to pass a message to a confidential caller;
        # "approved" means relayed, "rejected" that the caller could not be reached.
        RELAY = "relay", _("请中心转达")

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("同意")
        REJECTED = "rejected", _("驳回")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"))
    reason = models.TextField(_("理由"))
    days = models.PositiveSmallIntegerField(_("延期工作日"), null=True, blank=True)
    decision = models.CharField(
        _("审核结果"), max_length=8, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("审核申请")
        verbose_name_plural = _("审核申请")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind"],
                condition=Q(decision="pending"),
                name="one_pending_request_per_kind",
            ),
        ]
        indexes = [models.Index(fields=["kind", "decision", "requested_at"])]


class Callback(models.Model):
    """One callback to the caller (回访). The latest one of a ticket is the one that counts."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="callbacks")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("回访时间"))
    valid = models.BooleanField(_("有效回访"))
    invalid_reason = models.CharField(_("无效原因"), max_length=20, blank=True)
    contacted = models.BooleanField(_("是否联系"), null=True)
    solved = models.BooleanField(_("是否解决"), null=True)
    satisfaction = models.CharField(
        _("满意度"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    counted = models.BooleanField(_("计入考核"), default=True)
    # The unit that led the ticket when it was called back: the one the answers judge.
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        indexes = [
            # perf (issue 15): the month's counted callbacks and their answers, index only
            models.Index(
                fields=["at"],
                include=[
                    "id",
                    "lead_unit",
                    "ticket",
                    "valid",
                    "contacted",
                    "solved",
                    "satisfaction",
                ],
                name="callback_counted_figures",
                condition=Q(counted=True),
            ),
        ]


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("ticket history is append-only")

    def delete(self):
        raise ValueError("ticket history is append-only")


class TicketEvent(models.Model):
    """Append-only history: one row per action. Nothing edits or deletes it."""

    objects = AppendOnlyQuerySet.as_manager()

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("事件"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("工单事件")
        verbose_name_plural = _("工单事件")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"]), models.Index(fields=["type", "at"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("ticket history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("ticket history is append-only")


class Notification(models.Model):
    """An in-app message to one user (new dispatch, summons, decisions, overdue)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=24)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at", "created_at"])]


# clients: the admin's switch for what Open311 publishes lives with the rest of Open311.
from .open311.models import Open311Publishing  # noqa: E402, F401
