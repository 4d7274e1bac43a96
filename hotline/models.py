"""The ground floor: the units directory, people and their roles, categories, calendar."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitType(models.TextChoices):
    CENTRE = "centre", _("热线中心")
    DISTRICT = "district", _("区")
    STREET = "street", _("街乡镇")
    COMMUNITY = "community", _("社区/村")
    DEPARTMENT = "department", _("部门")
    COMPANY = "company", _("公共服务企业")


class Unit(models.Model):
    """A node of the units tree. A district node is also its district government."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    type = models.CharField(_("类型"), max_length=12, choices=UnitType.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The district this unit sits in (itself for a district); null for city-wide units.
    district = models.ForeignKey(
        "self",
        verbose_name=_("所属区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dept_kind = models.CharField(_("职能类别"), max_length=16, blank=True, db_index=True)
    population = models.PositiveIntegerField(_("常住人口"), null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    # unit pickers (issue 10): 三里屯街道 → sltjd, and sanlitunjiedao (hotline.pinyin)
    pinyin = models.CharField(_("拼音首字母"), max_length=60, blank=True, db_index=True)
    spelling = models.CharField(_("全拼"), max_length=600, blank=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def is_centre(self):
        return self.type == UnitType.CENTRE


class Role(models.TextChoices):
    OPERATOR = "operator", _("话务员")
    DISPATCHER = "dispatcher", _("派单员")
    UNIT_STAFF = "unit_staff", _("承办人")
    CALLBACK_AGENT = "callback_agent", _("回访员")
    REVIEWER = "reviewer", _("审核员")
    LEADER = "leader", _("领导")
    ADMIN = "admin", _("管理员")


# Roles whose work is the whole city: they sit in the centre. (A leader may sit in the
# centre or in a district, and reads what that unit sees.)
CENTRE_ROLES = {Role.OPERATOR, Role.DISPATCHER, Role.CALLBACK_AGENT, Role.REVIEWER, Role.ADMIN}


class StaffManager(UserManager):
    """`createsuperuser` makes an admin of the 12345 centre, never a person without a unit.

    A superuser with no unit and no role would see no ticket (visibility follows the unit),
    so the first account of a fresh install would be useless; one without a seeded centre is
    refused with what to run first.
    """

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        if extra_fields.get("unit") is None and extra_fields.get("unit_id") is None:
            centre = Unit.objects.filter(type=UnitType.CENTRE).order_by("pk").first()
            if centre is None:
                raise ValidationError(
                    _("还没有12345热线中心单位：请先运行 manage.py seed_units，再创建管理员")
                )
            extra_fields["unit"] = centre
        extra_fields.setdefault("role", Role.ADMIN)
        if password is not None:
            # createsuperuser --noinput skips the validators; the first admin must not.
            from django.contrib.auth.password_validation import validate_password

            validate_password(password, self.model(username=username, email=email or ""))
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person: one unit, one role (which roles live in which units: hotline/roles.py)."""

    objects = StaffManager()

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def clean(self):
        super().clean()
        from .roles import unit_refusal  # roles.py builds on this module

        problem = unit_refusal(self.role, self.unit if self.unit_id else None)
        if problem:
            raise ValidationError({"role": problem})
        if self.is_superuser and self.role != Role.ADMIN:
            raise ValidationError({"role": _("超级用户须是热线中心的管理员")})

    @property
    def is_centre_staff(self):
        return self.unit_id is not None and self.unit.type == UnitType.CENTRE


class Category(models.Model):
    """The taxonomy of what callers ask about; leaves carry the routing defaults."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("层级"))
    path = models.CharField(_("完整路径"), max_length=200, blank=True)
    pinyin = models.CharField(_("拼音首字母"), max_length=60, blank=True, db_index=True)
    spelling = models.CharField(_("全拼"), max_length=360, blank=True)
    default_urgency = models.PositiveSmallIntegerField(_("默认响应级别"), null=True, blank=True)
    duty_unit = models.ForeignKey(
        Unit,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("直接承办的部门或企业；为空时派往问题所在街乡镇"),
    )
    duty_dept_kind = models.CharField(_("吹哨职能类别"), max_length=16, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ["code"]

    def __str__(self):
        return self.path or self.name

    @property
    def is_leaf(self):
        return self.default_urgency is not None


class WorkDay(models.Model):
    """One calendar day and whether it is a working day (holidays and 调休 included)."""

    date = models.DateField(_("日期"), primary_key=True)
    is_workday = models.BooleanField(_("工作日"))
    note = models.CharField(_("说明"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'工作日' if self.is_workday else '休息日'}"
