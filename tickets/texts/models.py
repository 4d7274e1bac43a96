"""Templates the admin edits, and every text sent (or being sent) to a caller."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..attempts import Attempted


class TextEvent(models.TextChoices):
    CREATED = "created", _("受理（告知工单编号）")
    EXTENSION_APPROVED = "extension_approved", _("延期获批")
    REPLIED = "replied", _("承办单位已反馈")
    CLOSED = "closed", _("办结")


class TextTemplate(models.Model):
    """One text per event. Placeholders: {number} {deadline} {unit} {result}.

    Untick `active` to stop an event's text; a deleted row falls back to defaults.py.
    """

    event = models.CharField(_("时机"), max_length=24, choices=TextEvent.choices, unique=True)
    body = models.TextField(
        _("内容"), max_length=300, help_text=_("可用占位符：{number} {deadline} {unit} {result}")
    )
    active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("短信模板")
        verbose_name_plural = _("短信模板")
        ordering = ["event"]

    def __str__(self):
        return self.get_event_display()


class TextMessage(Attempted):
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="text_messages"
    )
    event = models.CharField(_("时机"), max_length=24, choices=TextEvent.choices)
    phone = models.CharField(_("手机号"), max_length=20)
    body = models.TextField(_("内容"))
    provider_ref = models.CharField(_("网关回执"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"]),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="text_pending",
            ),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.event}"
