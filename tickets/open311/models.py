"""What the public Open311 feed may carry beyond the always-public fields (SPEC §16)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Open311Publishing(models.Model):
    """One row, edited in the admin. Off by default: free text a caller wrote stays private."""

    publish_text = models.BooleanField(
        _("公开诉求描述和地址"),
        default=False,
        help_text=_("开启后 Open311 公开诉求描述与地址，其中的电话、身份证号、邮箱会被遮盖"),
    )

    class Meta:
        app_label = "tickets"
        verbose_name = _("Open311 公开设置")
        verbose_name_plural = _("Open311 公开设置")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "Open311Publishing":
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def save(self, *args, **kwargs):
        self.pk = 1  # a single row
        super().save(*args, **kwargs)
