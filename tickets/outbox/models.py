"""One row per piece of later work (a Celery task and its JSON arguments).

Written in the same transaction as the step that causes it, so the work exists exactly
when the step does; delivered from here, at least once, whatever the broker does.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待投递")
        DONE = "done", _("已完成")
        FAILED = "failed", _("多次失败，已放弃")

    task_name = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("参数"), default=list, encoder=DjangoJSONEncoder)
    kind = models.CharField(_("类别"), max_length=40, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("写入时间"), default=timezone.now)
    # Not before this time (a failed attempt backs off).
    available_at = models.DateTimeField(_("可投递时间"), default=timezone.now)
    # Last hand-over to the broker; the relay hands a row over again only long after it.
    published_at = models.DateTimeField(_("交给消息队列的时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("失败次数"), default=0)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("待投递任务")
        verbose_name_plural = _("待投递任务")
        ordering = ["-id"]
        indexes = [
            # The relay's scan: only the (few) pending rows are in this index.
            models.Index(
                fields=["available_at"], condition=Q(status="pending"), name="outbox_pending"
            ),
            models.Index(fields=["status", "done_at"], name="outbox_status_done"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.task_name} · {self.get_status_display()}"
