"""每月一题: a topic, its tasks, progress reports and an append-only history (SPEC §17)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.models import Category, Unit
from scoring.models import validate_period


class Topic(models.Model):
    """A problem (a category, optionally within one district) proposed, adopted, closed."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("候选")
        ADOPTED = "adopted", _("已立题")
        CLOSED = "closed", _("已结题")

    title = models.CharField(_("题目"), max_length=100)
    category = models.ForeignKey(
        Category, verbose_name=_("诉求分类"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        Unit,
        verbose_name=_("区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示全市"),
    )
    reason = models.CharField(_("提出依据"), max_length=200, blank=True)
    proposed_period = models.CharField(
        _("提出时的考核周期"), max_length=7, validators=[validate_period]
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    month = models.CharField(_("立题月份"), max_length=7, blank=True, validators=[validate_period])
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    participants = models.ManyToManyField(
        Unit, verbose_name=_("参与单位"), blank=True, related_name="+"
    )
    conclusion = models.TextField(_("结题结论"), blank=True)
    created_at = models.DateTimeField(_("提出时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("每月一题")
        verbose_name_plural = _("每月一题")
        ordering = ["-month", "-created_at", "-id"]
        indexes = [models.Index(fields=["status", "month"])]

    def __str__(self):
        return self.title


class TopicTask(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tasks")
    what = models.CharField(_("任务"), max_length=200)
    unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(_("完成时限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["due", "id"]

    def __str__(self):
        return self.what


class TopicProgress(models.Model):
    task = models.ForeignKey(TopicTask, on_delete=models.CASCADE, related_name="progress")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("进展"))
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("进展")
        verbose_name_plural = _("进展")
        ordering = ["at", "id"]


class AppendOnly(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("topic history is append-only")

    def delete(self):
        raise ValueError("topic history is append-only")


class TopicEvent(models.Model):
    """One row per step on a topic, like a ticket's history: nothing edits or deletes it."""

    objects = AppendOnly.as_manager()

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("事件"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("每月一题事件")
        verbose_name_plural = _("每月一题事件")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["topic", "at"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("topic history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("topic history is append-only")
