"""The filters, sort and `q` of every ticket list and search: the API and the pages share them."""

from datetime import datetime, time, timedelta
from types import SimpleNamespace

import django_filters
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..api.filters import TicketFilter
from ..models import Channel, Status
from ..selectors import list_tickets
from .query import MAX_QUERY
from .selectors import search_condition_for

SORTS = {
    "-received_at": _("受理时间（新→旧）"),
    "received_at": _("受理时间（旧→新）"),
    "feedback_deadline": _("反馈时限（近→远）"),
    "-feedback_deadline": _("反馈时限（远→近）"),
    "urgency": _("响应级别"),
    "number": _("工单编号"),
}


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
    channel = django_filters.ChoiceFilter(choices=Channel.choices, help_text=_("来源渠道"))
    received_from = django_filters.DateFilter(
        method="filter_received_from", help_text=_("受理日期起 YYYY-MM-DD（含，北京时间）")
    )
    received_to = django_filters.DateFilter(
        method="filter_received_to", help_text=_("受理日期止 YYYY-MM-DD（含，北京时间）")
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort", choices=list(SORTS.items()), help_text=_("排序")
    )

    class Meta(TicketFilter.Meta):
        fields = [*TicketFilter.Meta.fields, "q", "channel", "received_from", "received_to"]

    def is_valid(self):
        # `?received_from=` is no date: a 400, like the base class's blank choices
        valid = super().is_valid()
        for name in ("received_from", "received_to"):
            if self.data.get(name) == "":
                self.form.add_error(name, _("不能为空：不筛选时请省略该参数"))
                valid = False
        return valid

    def filter_q(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        return queryset.filter(search_condition_for(user, value))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(value, "-id" if value.startswith("-") else "id")

    def filter_received_from(self, queryset, name, value):
        return queryset.filter(received_at__gte=_local_midnight(value))

    def filter_received_to(self, queryset, name, value):
        return queryset.filter(received_at__lt=_local_midnight(value + timedelta(days=1)))


def search_list(user, query: dict, queryset=None) -> TicketSearchFilter:
    """The user's list narrowed by a page's query ({name: [values]}): the page's, its
    exports' and an export job's."""
    base = list_tickets(user) if queryset is None else queryset
    # A page's form sends every field, the empty ones too: "all" here, not an error.
    data = QueryDict(mutable=True)
    for name, values in query.items():
        data.setlist(name, [v for v in values if v.strip()])
    return TicketSearchFilter(data, queryset=base, request=SimpleNamespace(user=user))


def _local_midnight(day):
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())
