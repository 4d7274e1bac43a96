"""What the dashboard reads for a period, stored when the period is computed (SPEC §9).

One row for the city (unit empty) and one per district. The dashboard never counts tickets:
it reads these rows and the UnitScore rows, so its cost does not grow with the ticket table.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hotline.models import Unit

from .models import ScoreRun


def _rate(verbose):
    return models.DecimalField(verbose, max_digits=7, decimal_places=4, null=True, blank=True)


class PeriodSummary(models.Model):
    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="summaries")
    period = models.CharField(_("考核周期"), max_length=7)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示全市"),
    )
    contacts = models.PositiveIntegerField(_("受理诉求"), default=0)
    answered = models.PositiveIntegerField(_("直接答复"), default=0)
    dispatched = models.PositiveIntegerField(_("派单量"), default=0)
    valid_callbacks = models.PositiveIntegerField(_("有效回访量"), default=0)
    response_rate = _rate(_("响应率"))
    resolution_rate = _rate(_("解决率"))
    satisfaction_rate = _rate(_("满意率"))
    composite = models.DecimalField(
        _("综合成绩"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    overdue = models.PositiveIntegerField(_("反馈超期"), default=0)
    returns = models.PositiveIntegerField(_("退单"), default=0)
    whistles = models.PositiveIntegerField(_("吹哨"), default=0)
    # {level-1 category code: dispatched tickets}, and [{code, name, count}, …] of the top ones
    category_mix = models.JSONField(_("诉求分类构成"), default=list, blank=True)
    # 每月一题 candidates: [{category, name, district, district_name, reason, series, …}]
    candidates = models.JSONField(_("每月一题候选"), default=list, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("周期汇总")
        verbose_name_plural = _("周期汇总")
        ordering = ["period", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit"],
                condition=Q(unit__isnull=False),
                name="periodsummary_once_per_district",
            ),
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(unit__isnull=True),
                name="periodsummary_once_for_city",
            ),
        ]
        indexes = [models.Index(fields=["unit", "period"])]

    def __str__(self):
        return f"{self.period} {self.unit or _('全市')}"

    @property
    def answer_rate(self):
        """直接答复率: answered on the spot / all contacts."""
        return self.answered / self.contacts if self.contacts else None
