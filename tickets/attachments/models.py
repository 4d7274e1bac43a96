"""An attachment: a file (or, from Open311, a link) that belongs to one ticket."""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def attachment_storage():
    """The `attachments` storage of settings.STORAGES: file system, or S3 when configured."""
    return storages["attachments"]


def _path(instance, filename):
    # Never the uploader's file name in the path: a fresh name, the extension of the type.
    ext = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    class Step(models.TextChoices):
        NONE = "", _("（未关联）")
        INTAKE = "intake", _("受理")
        REPLY = "reply", _("办结反馈")
        RETURN = "return", _("退单")
        EXTEND = "extend", _("申请延期")
        CLAIM = "claim-unreasonable", _("申请不合理诉求")
        APPEAL = "appeal", _("考核申诉")

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("文件"), upload_to=_path, storage=attachment_storage, blank=True, max_length=200
    )
    thumbnail = models.FileField(
        _("缩略图"), upload_to=_path, storage=attachment_storage, blank=True, max_length=200
    )
    # Open311's media_url: kept as the caller's link, never fetched by the server.
    link = models.URLField(_("链接"), max_length=500, blank=True)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # The step this file is evidence for; blank until a step cites it.
    step = models.CharField(_("用于"), max_length=24, choices=Step.choices, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "hotline.Unit",
        verbose_name=_("上传单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["ticket", "uploaded_at"])]

    def __str__(self):
        return self.name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")
