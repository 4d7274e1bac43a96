"""A registered receiver, and the log of every call made to it."""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..attempts import Attempted


class WebhookEvent(models.TextChoices):
    CREATED = "ticket.created", _("受理")
    DISPATCHED = "ticket.dispatched", _("派单（含改派）")
    EXTENSION_APPROVED = "ticket.extension_approved", _("延期获批")
    REPLIED = "ticket.replied", _("承办单位反馈")
    REOPENED = "ticket.reopened", _("回访未解决，重办")
    CLOSED = "ticket.closed", _("办结")
    OVERDUE = "ticket.overdue", _("超期督办")


def new_secret():
    return secrets.token_hex(32)


class Webhook(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("接收地址"), max_length=500)
    secret = models.CharField(
        _("签名密钥"),
        max_length=200,
        default=new_secret,
        help_text=_("请求体的 HMAC-SHA256 签名密钥，接收方用它验证 X-Hotline-Signature"),
    )
    events = models.JSONField(_("订阅事件"), default=list, help_text=_("如 ticket.created"))
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("推送地址")
        verbose_name_plural = _("推送地址")
        ordering = ["id"]

    def __str__(self):
        return self.name


class WebhookDelivery(Attempted):
    """One event for one webhook: the exact body sent (so every retry sends the same)."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("事件"), max_length=40, choices=WebhookEvent.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("请求体"))
    response_status = models.PositiveSmallIntegerField(_("响应状态码"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), null=True, blank=True)

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["webhook", "created_at"]),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_pending",
            ),
        ]

    def __str__(self):
        return f"{self.event} → {self.webhook_id}"
