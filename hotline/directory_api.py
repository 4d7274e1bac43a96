"""Read-only API of the directory: units and the category taxonomy, each keyed by `code`."""

import re
import unicodedata

import django_filters
from django.db.models import Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers

from .api import Pagination, StrictBooleanFilter, StrictFilterSet, list_responses
from .models import Category, Unit, UnitType
from .unit_matching import unit_match


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(
        source="parent.code", default=None, allow_null=True, read_only=True
    )
    district = serializers.CharField(
        source="district.code", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = Unit
        fields = ["code", "name", "type", "parent", "district", "dept_kind"]


class UnitFilter(StrictFilterSet):
    type = django_filters.MultipleChoiceFilter(
        choices=UnitType.choices,
        distinct=False,
        help_text=_("单位类型，可多选；社区/村（community）只在指定该类型或上级时列出"),
    )
    parent = django_filters.CharFilter(field_name="parent__code", help_text=_("上级单位编码"))
    district = django_filters.CharFilter(field_name="district__code", help_text=_("所属区编码"))
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=50,
        help_text=_("单位选择：名称中的字、拼音首字母（如 sltjd）、全拼（如 sanlitun）或编码"),
    )

    class Meta:
        model = Unit
        fields = ["type", "parent", "district", "q"]

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        if UnitType.COMMUNITY not in (data.get("type") or []) and not data.get("parent"):
            # seven thousand communities would bury every picker: only when asked for
            queryset = queryset.exclude(type=UnitType.COMMUNITY)
        return super().filter_queryset(queryset)

    def filter_q(self, queryset, name, value):
        # control characters (NUL among them) can be in no name and PostgreSQL refuses NUL
        value = "".join(ch for ch in value if ch.isprintable()).strip()
        if not value:
            return queryset
        # a few hundred rows (communities apart): one scan, ranked in the database
        match, rank = unit_match(value)
        return queryset.filter(match).order_by(rank, Length("name"), "code")


@extend_schema_view(get=extend_schema(responses=list_responses(UnitSerializer)))
class UnitList(generics.ListAPIView):
    """Active units of the directory (centre, districts, streets, departments, companies);
    communities with `type=community`. `q` is what a unit picker types."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    pagination_class = Pagination
    queryset = (
        Unit.objects.filter(active=True).select_related("parent", "district").order_by("code")
    )


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.CharField(
        source="parent.code", default=None, allow_null=True, read_only=True
    )
    duty_unit = serializers.CharField(
        source="duty_unit.code", default=None, allow_null=True, read_only=True
    )
    leaf = serializers.BooleanField(source="is_leaf", read_only=True)

    class Meta:
        model = Category
        fields = [
            "code",
            "name",
            "path",
            "level",
            "parent",
            "leaf",
            "default_urgency",
            "duty_unit",
            "pinyin",
        ]


class CategoryFilter(StrictFilterSet):
    leaf = StrictBooleanFilter(
        method="filter_leaf", help_text=_("true：只列最末级分类（可直接受理的分类）")
    )
    q = django_filters.CharFilter(
        method="filter_q", help_text=_("名称、拼音首字母、全拼或编码（CX.WY.DT）")
    )
    parent = django_filters.CharFilter(field_name="parent__code", help_text=_("上级分类编码"))
    level = django_filters.TypedChoiceFilter(
        choices=[(1, "1"), (2, "2"), (3, "3")], coerce=int, help_text=_("层级 1-3")
    )

    class Meta:
        model = Category
        fields = ["leaf", "q", "parent", "level"]

    def filter_leaf(self, queryset, name, value):
        # A leaf is a category that carries a default urgency (see Category.is_leaf).
        return queryset.filter(default_urgency__isnull=not value)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        match = Q(name__icontains=value) | Q(path__icontains=value)
        match |= Q(pinyin__istartswith=value) | Q(code__istartswith=value)  # as the console
        letters = re.sub(r"[\s'’]+", "", unicodedata.normalize("NFKC", value)).lower()
        if letters:  # anywhere in the name, as its characters are: zaoyin finds 广场舞噪音
            match |= Q(spelling__contains=letters)
        return queryset.filter(match)


@extend_schema_view(get=extend_schema(responses=list_responses(CategorySerializer)))
class CategoryList(generics.ListAPIView):
    """The category taxonomy; `leaf=true&q=dtgz` is what an intake form's search box asks."""

    serializer_class = CategorySerializer
    filterset_class = CategoryFilter
    pagination_class = Pagination
    queryset = (
        Category.objects.filter(active=True).select_related("parent", "duty_unit").order_by("code")
    )
