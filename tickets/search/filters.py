"""The filters, sort and `q` of every ticket list and search: the API and the pages share them."""

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline.models import Category, UnitType
from hotline.pagination import is_text_search

from ..api.filters import PERIOD, TicketFilter, month_bounds
from ..models import Channel, Status
from ..selectors import list_tickets, sees_unmasked_caller, unit_codes_for
from .query import MAX_QUERY, names_a_phone
from .selectors import search_condition_for

# The dates `received_from` / `received_to` take: the years `period` takes (20xx). Past them
# a day and the day after it would overflow a date-time (0001-01-01 in Beijing is before
# year 1 in UTC, 9999-12-31 has no next day): no ticket is received there anyway.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
DATE_RANGE = [
    MinValueValidator(FIRST_DAY, message=_("受理日期不能早于 %(limit_value)s")),
    MaxValueValidator(LAST_DAY, message=_("受理日期不能晚于 %(limit_value)s")),
]
# Sorts by a date that may be empty: the tickets without one (never dispatched) come last
# both ways, on PostgreSQL and SQLite alike (their defaults differ).
NULLS_LAST = {"feedback_deadline"}

SORTS = {
    "-received_at": _("受理时间（新→旧）"),
    "received_at": _("受理时间（旧→新）"),
    "feedback_deadline": _("反馈时限（近→远）"),
    "-feedback_deadline": _("反馈时限（远→近）"),
    "urgency": _("响应级别"),
    "number": _("工单编号"),
}


class UnitField(forms.CharField):
    """A unit as a person types it: its code, or its exact name when one unit bears it
    (tickets.selectors.unit_codes_for, as the pickers do); cleaned to the unit's code.
    With `unit_type` only a unit of that type (a district, a street) answers."""

    def __init__(self, *, unit_type=None, **kwargs):
        self.unit_type = unit_type
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if text in self.empty_values:
            return text
        codes = unit_codes_for(text, self.unit_type)
        if len(codes) > 1:
            raise ValidationError(
                _("“%(unit)s”是多个单位的名称，请从候选中选择或输入单位编码"),
                code="ambiguous",
                params={"unit": text},
            )
        if not codes:
            kind = UnitType(self.unit_type).label if self.unit_type else _("单位")
            raise ValidationError(
                _("没有名称或编码为“%(unit)s”的%(kind)s，请从候选中选择"),
                code="unknown",
                params={"unit": text, "kind": kind},
            )
        return codes[0]


class UnitFilter(django_filters.CharFilter):
    field_class = UnitField


class CategoryField(forms.CharField):
    """A category's code (CX.WY); an unknown one is an error, never an empty list."""

    def clean(self, value):
        code = super().clean(value)
        if code not in self.empty_values and not Category.objects.filter(code=code).exists():
            raise ValidationError(
                _("没有编码为“%(code)s”的分类"), code="unknown", params={"code": code}
            )
        return code


class CategoryFilter(django_filters.CharFilter):
    field_class = CategoryField


class TicketSearchFilter(TicketFilter):
    """TicketFilter (SPEC §11) and the search of SPEC §12: q, channel, received between, sort.

    Every filter narrows the queryset it is given (the user's scope, from the selector).
    """

    q = django_filters.CharFilter(
        method="filter_q",
        max_length=MAX_QUERY,
        help_text=_(
            "检索：工单编号、诉求内容和地址中的词（两个字以上）；中心人员还可按来电号码"
            "（全号或后四位）和诉求人姓名检索。多个词用空格分开，须同时匹配"
        ),
    )
    # a ticket has one status: no DISTINCT over whole rows (the base filter's default)
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, distinct=False, help_text=_("状态，可多选")
    )
    # A code or a name, checked: an unknown one is a 400, never a silently empty list.
    unit = UnitFilter(
        field_name="lead_unit__code", max_length=100, help_text=_("主办单位编码或名称")
    )
    district = UnitFilter(
        field_name="district__code",
        unit_type=UnitType.DISTRICT,
        max_length=100,
        help_text=_("区编码或名称"),
    )
    street = UnitFilter(
        field_name="street__code",
        unit_type=UnitType.STREET,
        max_length=100,
        help_text=_("街乡镇编码或名称"),
    )
    category = CategoryFilter(
        method="filter_category", max_length=32, help_text=_("分类编码，含其下级分类，如 CX.WY")
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, help_text=_("来源渠道"))
    received_from = django_filters.DateFilter(
        method="filter_received_from",
        validators=DATE_RANGE,
        help_text=_("受理日期起 YYYY-MM-DD（含，北京时间；2000-01-01 至 2099-12-31）"),
    )
    received_to = django_filters.DateFilter(
        method="filter_received_to",
        validators=DATE_RANGE,
        help_text=_("受理日期止 YYYY-MM-DD（含，北京时间；2000-01-01 至 2099-12-31）"),
    )
    # what a unit closed in a month: the month of its reply (办结), whenever received
    replied_period = django_filters.CharFilter(
        method="filter_replied_period",
        validators=[PERIOD],
        help_text=_("办结月份 YYYY-MM：承办单位反馈办结的月份（北京时间）"),
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort", choices=list(SORTS.items()), help_text=_("排序")
    )

    class Meta(TicketFilter.Meta):
        fields = [
            *TicketFilter.Meta.fields,
            *["q", "channel", "received_from", "received_to", "replied_period"],
        ]

    # `?received_from=` is no date: a 400, as StrictFilterSet makes of a filter with validators

    def is_valid(self):
        valid = super().is_valid()
        data = self.form.cleaned_data
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:  # swapped: an empty list would look like "none"
            self.form.add_error("received_to", _("受理日期止不能早于受理日期起"))
            return False
        user = getattr(self.request, "user", None)
        if names_a_phone(data.get("q")) and not sees_unmasked_caller(user):
            # a unit would find nothing, and read it as "no such ticket"
            self.form.add_error("q", _("来电号码仅限12345中心检索；请按工单编号、地址或内容检索"))
            return False
        return valid

    def resolved_query(self) -> dict:
        """The query ({name: [values]}) that lists these tickets again (an export job's):
        units typed by name as their codes. Call after is_valid()."""
        query = {k: v for k, v in self.data.lists() if k != "page"}
        for name in ("unit", "district", "street"):
            if self.form.cleaned_data.get(name):
                query[name] = [self.form.cleaned_data[name]]
        return query

    def filter_q(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        return queryset.filter(search_condition_for(user, value))

    def filter_sort(self, queryset, name, value):
        field, descending = value.lstrip("-"), value.startswith("-")
        if field in NULLS_LAST:
            # expressions, not strings: hotline.pagination reads only "-received_at", "-id"
            if descending:
                return queryset.order_by(F(field).desc(nulls_last=True), F("id").desc())
            return queryset.order_by(F(field).asc(nulls_last=True), F("id").asc())
        return queryset.order_by(value, "-id" if descending else "id")

    def filter_replied_period(self, queryset, name, value):
        start, end = month_bounds(value)
        # and received before the month ended (a reply follows its ticket): newest first,
        # the list then starts at that month's end, not at today's tickets (369 → ms at 2 M)
        return queryset.filter(replied_at__gte=start, replied_at__lt=end, received_at__lt=end)

    def filter_received_from(self, queryset, name, value):
        return queryset.filter(received_at__gte=_local_midnight(value))

    def filter_received_to(self, queryset, name, value):
        return queryset.filter(received_at__lt=_local_midnight(value + timedelta(days=1)))


def search_list(user, query: dict) -> TicketSearchFilter:
    """The user's list narrowed by a page's query ({name: [values]}): the page's, its
    exports' and an export job's (a street's arms are narrowed by the same filterset)."""
    # A page's form sends every field, the empty ones too: "all" here, not an error.
    data = QueryDict(mutable=True)
    for name, values in query.items():
        data.setlist(name, [v for v in values if v.strip()])
    tickets = list_tickets(user, searched=is_text_search(data))
    return TicketSearchFilter(data, queryset=tickets, request=SimpleNamespace(user=user))


def _local_midnight(day):
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())
