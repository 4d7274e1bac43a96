"""API plumbing shared by every app: refusals become 403/409 with a message."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import validation as rules

_BUILT_FIELDS: dict = {}


class FieldsBuiltOnce:
    """For a serializer: its fields are built once per class and language, then copied
    for each instance.

    DRF builds a ModelSerializer's fields again for every instance (reading every model
    field's options, translating its label) and deep-copies declared fields, which
    re-runs each field's constructor (cProfile of POST /api/v1/tickets/: the building was
    a fifth of the request, the deep copies a seventh after it). The fields depend on the
    class's Meta and the language only. Each is copied shallowly (`_fresh`): binding it to
    the new serializer sets attributes on the copy alone.
    """

    def get_fields(self):
        key = (type(self), get_language())
        fields = _BUILT_FIELDS.get(key)
        if fields is None:
            fields = _BUILT_FIELDS[key] = super().get_fields()
        return {name: _fresh(field) for name, field in fields.items()}


def _fresh(field):
    """A copy of an unbound field, sharing its options (never changed after construction).

    Not copy.copy: its generic reduce protocol was most of the copying (cProfile: a ticket's
    detail copies some ninety fields, 1.1 of its serializer's 1.4 ms), and not deepcopy,
    which constructs the field again. A field holding another (a list's child, a nested list
    serializer's, a many relation's) gets a copy of it, bound to the copy by parent as the
    constructor bound it; a nested serializer builds its own fields on first use.
    """
    copied = object.__new__(type(field))
    copied.__dict__.update(field.__dict__)
    copied.__dict__.pop("fields", None)  # a serializer's bound fields (cached_property)
    for name in ("child", "child_relation"):
        held = field.__dict__.get(name)
        if held is not None:
            held = _fresh(held)
            held.parent = copied  # as the constructor's bind(field_name="", parent=…)
            setattr(copied, name, held)
    return copied


def exception_handler(exc, context):
    # Domain refusals (tickets.guards.Refused) carry their own HTTP status.
    if hasattr(exc, "status") and hasattr(exc, "message") and isinstance(exc.status, int):
        return Response({"detail": exc.message}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def validated(serializer_class, data):
    """A body validated as its schema says: a text field given a JSON number is a 400.

    DRF's CharField quietly turns 0 into "0"; a client generated from the schema (where the
    field is a string) would never send that, and one that does has a bug worth hearing about.
    """
    body = serializer_class(data=data)
    wrong = wrong_json_types(body.fields, data)
    if wrong:
        raise serializers.ValidationError(wrong)
    body.is_valid(raise_exception=True)
    return body


def wrong_json_types(fields, data):
    """{field: [message]} for JSON values of another type than the schema states: a number
    for a text, 0 or "yes" for a boolean (DRF would quietly take both). Form data (a
    QueryDict: every value is text) is not judged here."""
    if not isinstance(data, dict) or isinstance(data, QueryDict):
        return {}
    wrong = {}
    for name, field in fields.items():
        value = data.get(name)
        if value is None or field.read_only:
            continue
        if isinstance(field, serializers.CharField) and not isinstance(value, str):
            wrong[name] = [_("须为文本")]
        elif isinstance(field, serializers.BooleanField) and not isinstance(value, bool):
            wrong[name] = [_("须为 true 或 false")]
    return wrong


class StrictJSONMixin:
    """For a serializer that takes a JSON body: wrong_json_types, as validated() does."""

    def to_internal_value(self, data):
        wrong = wrong_json_types(self.fields, data)
        if wrong:
            raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)


class Pagination(PageNumberPagination):
    """`?page_size=` up to 200. A page size that is not a positive number is a 400, not ignored;
    so is a blank `?page=`."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise serializers.ValidationError({self.page_size_query_param: [_("须为正整数")]})
        return min(int(raw), self.max_page_size)

    def get_page_number(self, request, paginator):
        # The schema says an integer of at least 1: a blank ?page= (DRF's page 1), abc, 0
        # or 1.5 (DRF's 404 "invalid page") is a 400 naming the field. "last" stays DRF's.
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw not in self.last_page_strings:
            if not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
                raise serializers.ValidationError({self.page_query_param: [_("须为正整数")]})
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            param["schema"]["minimum"] = 1
        return params


@extend_schema_field(
    {
        "type": "string",
        "maxLength": rules.PHONE_MAX,
        "pattern": rules.PHONE_PATTERN,
        "description": "手机号11位或固话（区号-号码-分机）；口述时的空格、括号会被去掉",
    }
)
class PhoneField(serializers.CharField):
    """A caller's phone: the one phone rule (hotline.validation.normalize_phone), stated in the
    schema as the stored form. Optional and blank-allowed unless told otherwise."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", rules.PHONE_MAX)
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return rules.normalize_phone(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class KeptCodeField(serializers.SlugRelatedField):
    """A unit or category named by its code, read through the process's directory cache
    (hotline.directory_cache) instead of a query each time. Its queryset, for the schema
    and the browsable API, is the cache's."""

    def __init__(self, queryset, **kwargs):
        from .directory_cache import kept_for

        self.kept = kept_for(queryset)
        super().__init__(slug_field="code", queryset=queryset, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, (str, int)) or isinstance(data, bool):
            self.fail("invalid")
        try:
            row = self.kept.get(str(data))
        except (TypeError, ValueError):  # e.g. a NUL, which PostgreSQL refuses (as DRF's own)
            self.fail("invalid")
        if row is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data))
        return row


class ErrorSerializer(serializers.Serializer):
    """The body of every refusal: 403, 404, 409."""

    detail = serializers.CharField(help_text=_("拒绝或出错的原因"))


def list_responses(serializer):
    """Schema answers of a filtered, paginated list: bad filter 400, page past the end 404."""
    return {
        200: serializer,
        400: OpenApiResponse(OpenApiTypes.OBJECT, description=str(_("筛选条件有误"))),
        404: OpenApiResponse(ErrorSerializer, description=str(_("页码超出范围"))),
    }


class _StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is an error, not silently "no filter"."""

    def to_python(self, value):
        if value in (True, "true", "True", "1"):
            return True
        if value in (False, "false", "False", "0"):
            return False
        if value in (None, ""):
            return None
        raise forms.ValidationError(_("须为 true 或 false"), code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = _StrictBooleanField

    def __init__(self, *args, **kwargs):
        # django-filter's BooleanWidget turns an unknown value into None before the field
        # sees it; a plain input hands the field the raw text to judge.
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class FilterSetKept(DjangoFilterBackend):
    """Leaves the filterset it built and validated on the view (`view.filterset`), so the
    view can narrow other querysets by it (a street's arms) without building and validating
    the form again for each: three times a request was ~4 ms of a street's list."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset


class StrictFilterSet(django_filters.FilterSet):
    """A blank choice (`?type=`) or patterned value (`?period=`) is a 400, as the schema says."""

    def is_valid(self):
        valid = super().is_valid()
        for name, flt in self.filters.items():
            if name not in self.data or self.data.get(name) != "":
                continue
            choice = django_filters.ChoiceFilter | django_filters.MultipleChoiceFilter
            if isinstance(flt, choice) or flt.extra.get("validators"):
                self.form.add_error(name, _("不能为空：不筛选时请省略该参数"))
                valid = False
        return valid
