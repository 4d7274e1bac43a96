"""Filters of the ticket list: each one an indexed column or a code prefix, never a loop."""

from datetime import datetime

import django_filters
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline.api import StrictBooleanFilter, StrictFilterSet

from ..models import Kind, Status, Ticket, Urgency
from ..selectors import in_category

# \Z, not $: "$" also matches before a final newline ("2026-12\n"). The form field strips the
# ends before this rule runs, so a newline can only reach it from code calling it directly.
PERIOD = RegexValidator(r"\A20\d{2}-(0[1-9]|1[0-2])\Z", _("月份格式应为 YYYY-MM"))


class TicketFilter(StrictFilterSet):
    # distinct=False: one row per ticket already; DISTINCT would sort whole rows (perf).
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, distinct=False, help_text=_("状态")
    )
    unit = django_filters.CharFilter(field_name="lead_unit__code", help_text=_("主办单位编码"))
    district = django_filters.CharFilter(field_name="district__code", help_text=_("区编码"))
    street = django_filters.CharFilter(field_name="street__code", help_text=_("街乡镇编码"))
    urgency = django_filters.TypedChoiceFilter(
        choices=Urgency.choices, coerce=int, help_text=_("响应级别 1-4")
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices, help_text=_("诉求类型"))
    category = django_filters.CharFilter(
        method="filter_category", help_text=_("分类编码，含其下级分类，如 CX.WY")
    )
    overdue = StrictBooleanFilter(help_text=_("是否超期"))
    period = django_filters.CharFilter(
        method="filter_period",
        validators=[PERIOD],
        help_text=_("受理月份 YYYY-MM（北京时间）"),
    )
    number = django_filters.CharFilter(help_text=_("工单编号"))

    class Meta:
        model = Ticket
        fields = [
            "status",
            "unit",
            "district",
            "street",
            "urgency",
            "kind",
            "category",
            "overdue",
            "period",
            "number",
        ]

    def filter_category(self, queryset, name, value):
        return queryset.filter(in_category(value))

    def filter_period(self, queryset, name, value):
        start, end = month_bounds(value)
        return queryset.filter(received_at__gte=start, received_at__lt=end)


def month_bounds(period: str) -> tuple[datetime, datetime]:
    """The first moment of a month (YYYY-MM, Beijing time) and of the month after it."""
    year, month = (int(part) for part in period.split("-"))
    tz = timezone.get_default_timezone()
    start = datetime(year, month, 1, tzinfo=tz)
    return start, datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
