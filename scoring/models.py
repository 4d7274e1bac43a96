"""The monthly three rates (三率): policies, computation runs, per-unit results, 吹哨报到."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_init, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from hotline.models import Unit, UnitType


def validate_period(value):
    from .periods import parse_period

    try:
        parse_period(value)
    except ValueError as exc:
        raise ValidationError(_("考核周期须为 YYYY-MM 格式")) from exc


class Group(models.TextChoices):
    """Peer groups of the published rankings (SPEC §9)."""

    DISTRICT = "district", _("区")
    STREET = "street", _("街乡镇")
    DEPARTMENT = "department", _("部门")
    COMPANY = "company", _("公共服务企业")


# Unit type -> peer group; other unit types (centre, community) are not scored.
GROUP_OF_TYPE = {
    UnitType.DISTRICT: Group.DISTRICT,
    UnitType.STREET: Group.STREET,
    UnitType.DEPARTMENT: Group.DEPARTMENT,
    UnitType.COMPANY: Group.COMPANY,
}

SCORED_TYPES = [t.value for t in GROUP_OF_TYPE]

_weight = dict(max_digits=5, decimal_places=4, validators=[MinValueValidator(0)])


class ScoringPolicy(models.Model):
    """Weights and thresholds. Empty period / unit type = the default for all.

    The most specific row wins: (period, type) > (period, any) > (any, type) > (any, any).
    The cut-off day is read from the rows with no unit type (a period has one span).
    """

    period = models.CharField(
        _("考核周期"),
        max_length=7,
        null=True,
        blank=True,
        validators=[validate_period],
        help_text=_("YYYY-MM；为空表示所有周期的默认值"),
    )
    unit_type = models.CharField(
        _("单位类型"),
        max_length=12,
        choices=[(t.value, t.label) for t in GROUP_OF_TYPE],
        null=True,
        blank=True,
        help_text=_("为空表示所有类型的默认值"),
    )
    weight_response = models.DecimalField(_("响应率权重"), default=Decimal("0.10"), **_weight)
    weight_resolution = models.DecimalField(_("解决率权重"), default=Decimal("0.50"), **_weight)
    weight_satisfaction = models.DecimalField(_("满意率权重"), default=Decimal("0.40"), **_weight)
    basic_factor = models.DecimalField(
        _("基本满意折算系数"),
        default=Decimal("0.9"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    min_valid_callbacks = models.PositiveIntegerField(_("参与排名最少有效回访量"), default=10)
    flag_bottom_n = models.PositiveIntegerField(_("末位治理街乡镇数"), default=10)
    cutoff_day = models.PositiveSmallIntegerField(
        _("截止日"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("每月截止日（如 19：11 月周期为 10 月 20 日至 11 月 19 日）；为空按自然月"),
    )

    class Meta:
        verbose_name = _("考核规则")
        verbose_name_plural = _("考核规则")
        ordering = ["period", "unit_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit_type"],
                condition=Q(period__isnull=False, unit_type__isnull=False),
                name="scoringpolicy_one_per_period_type",
            ),
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(period__isnull=False, unit_type__isnull=True),
                name="scoringpolicy_one_per_period",
            ),
            models.UniqueConstraint(
                fields=["unit_type"],
                condition=Q(period__isnull=True, unit_type__isnull=False),
                name="scoringpolicy_one_per_type",
            ),
        ]

    def __str__(self):
        return f"{self.period or _('默认')} · {self.get_unit_type_display() or _('全部类型')}"

    def clean(self):
        total = self.weight_response + self.weight_resolution + self.weight_satisfaction
        if total != Decimal("1"):
            raise ValidationError(_("三项权重之和须为 1"))
        if self.period is None and self.unit_type is None:
            clash = ScoringPolicy.objects.filter(period__isnull=True, unit_type__isnull=True)
            if clash.exclude(pk=self.pk).exists():
                raise ValidationError(_("默认规则只能有一条"))


class ScoreRun(models.Model):
    """One computation of a period: when, by whom, with which weights, and its outcome."""

    class Status(models.TextChoices):
        RUNNING = "running", _("计算中")
        DONE = "done", _("完成")
        FAILED = "failed", _("失败")

    period = models.CharField(_("考核周期"), max_length=7, db_index=True)
    period_start = models.DateTimeField(_("周期开始"))
    period_end = models.DateTimeField(_("周期结束（不含）"))
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.RUNNING
    )
    error = models.TextField(_("错误"), blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("计算人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # {unit type: {weight_response, weight_resolution, weight_satisfaction, basic_factor, ...}}
    weights = models.JSONField(_("所用权重"), default=dict, blank=True)
    published = models.BooleanField(_("已发布（冻结）"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Set when a published (frozen) period was recomputed anyway.
    override_reason = models.TextField(_("重算理由"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("重算人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    override_at = models.DateTimeField(_("重算时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核计算")
        verbose_name_plural = _("考核计算")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.period} · {self.get_status_display()}"


def _rate(verbose):
    return models.DecimalField(verbose, max_digits=7, decimal_places=4, null=True, blank=True)


class UnitScore(models.Model):
    """One unit's figures for one period (the rows of the latest done run)."""

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="scores")
    period = models.CharField(_("考核周期"), max_length=7)
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.CharField(_("排名组"), max_length=12, choices=Group.choices)
    volume = models.PositiveIntegerField(_("受理量"), default=0)
    valid_callbacks = models.PositiveIntegerField(_("有效回访量"), default=0)
    contacted = models.PositiveIntegerField(_("已联系"), default=0)
    solved = models.PositiveIntegerField(_("已解决"), default=0)
    satisfied = models.PositiveIntegerField(_("满意"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("基本满意"), default=0)
    excluded = models.PositiveIntegerField(_("不计入考核"), default=0)
    overdue = models.PositiveIntegerField(_("反馈超期"), default=0)
    # Rates are fractions (0.8333); the composite is on a 0–100 scale. Null: no valid callback.
    response_rate = _rate(_("响应率"))
    resolution_rate = _rate(_("解决率"))
    satisfaction_rate = _rate(_("满意率"))
    composite = models.DecimalField(
        _("综合成绩"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    response_low = _rate(_("响应率下限"))
    response_high = _rate(_("响应率上限"))
    resolution_low = _rate(_("解决率下限"))
    resolution_high = _rate(_("解决率上限"))
    satisfaction_low = _rate(_("满意率下限"))
    satisfaction_high = _rate(_("满意率上限"))
    composite_low = _rate(_("综合成绩下限"))
    composite_high = _rate(_("综合成绩上限"))
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    rank_change = models.IntegerField(
        _("名次变化"), null=True, blank=True, help_text=_("正数为上升")
    )
    flagged = models.BooleanField(_("治理类"), default=False)
    not_distinguishable = models.BooleanField(_("与相邻名次无显著差异"), default=False)

    class Meta:
        verbose_name = _("单位考核结果")
        verbose_name_plural = _("单位考核结果")
        ordering = ["period", "group", "rank", "-composite", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="unitscore_once_per_period"),
        ]
        indexes = [
            models.Index(fields=["period", "group", "rank"]),
            models.Index(fields=["unit", "period"]),
        ]

    def __str__(self):
        return f"{self.period} {self.unit}"


class WhistleScore(models.Model):
    """双考核 of 街乡吹哨、部门报到: how a street whistles, how fast a department reports in."""

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="whistles")
    period = models.CharField(_("考核周期"), max_length=7)
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    # street side
    whistles = models.PositiveIntegerField(_("吹哨次数"), default=0)
    summons_sent = models.PositiveIntegerField(_("召集部门次数"), default=0)
    # department side
    summons_received = models.PositiveIntegerField(_("被召集次数"), default=0)
    reported_on_time = models.PositiveIntegerField(_("按时报到"), default=0)
    reported_late = models.PositiveIntegerField(_("超时报到"), default=0)
    not_reported = models.PositiveIntegerField(_("未报到"), default=0)

    class Meta:
        verbose_name = _("吹哨报到考核")
        verbose_name_plural = _("吹哨报到考核")
        ordering = ["period", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="whistlescore_once_per_period"),
        ]

    def __str__(self):
        return f"{self.period} {self.unit}"


# --- A published (frozen) run is never removed or unpublished (issue 8) ----------------
# The admin offers no delete; this refuses it from any Python path (cascades included) and
# migration 0002 adds a PostgreSQL trigger for SQL typed by hand.


class FrozenRunError(ValidationError):
    pass


@receiver(pre_delete, sender=ScoreRun)
def _refuse_deleting_a_published_run(sender, instance, **kwargs):
    if instance.published:
        raise FrozenRunError(_("已发布（冻结）的考核计算不能删除"))


@receiver(post_init, sender=ScoreRun)
@receiver(post_save, sender=ScoreRun)
def _remember_published(sender, instance, **kwargs):
    instance._was_published = instance.published  # as loaded: no query needed on save


@receiver(pre_save, sender=ScoreRun)
def _refuse_unpublishing(sender, instance, **kwargs):
    if instance._was_published and not instance.published:
        raise FrozenRunError(_("已发布（冻结）的考核计算不能撤销发布"))


# The dashboard's stored per-period figures (h12-dashboard) live in their own module.
from .summary_models import PeriodSummary  # noqa: E402, F401
