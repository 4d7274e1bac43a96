"""Open311 GeoReport v2 endpoints. Reads are public (non-confidential tickets only, no personal
data); filing needs the api_key of a centre operator and goes through actions.create_ticket."""

import re
from datetime import datetime, time

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import actions, guards
from ..guards import Refused
from . import docs, selectors, updates
from .models import Open311Publishing
from .renderers import Open311JSONRenderer, Open311XMLRenderer
from .serializers import (
    RequestInput,
    created_row,
    request_row,
    service_definition,
    service_row,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-01-01T00:00:00+08:00"  # when this server's endpoints last changed
# Our model's field names, as a GeoReport client knows them.
FIELD_NAMES = {"category": "service_code", "content": "description", "address": "address_string"}


class Open311Error(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


def _flatten(detail, field=None):
    """DRF/Django error details as (field, message) pairs."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = None if key in ("non_field_errors", "__all__") else key
            yield from _flatten(value, FIELD_NAMES.get(name, name))
    elif isinstance(detail, list | tuple):
        for value in detail:
            yield from _flatten(value, field)
    else:
        yield field, str(detail)


def _errors(code, pairs):
    return [
        {"code": code, "description": f"{field}: {message}" if field else message}
        for field, message in pairs
    ]


class Open311View(APIView):
    """GeoReport v2 plumbing: suffix formats, no session or CSRF, errors [{code, description}]."""

    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [Open311JSONRenderer, Open311XMLRenderer]
    parser_classes = [FormParser, MultiPartParser, JSONParser]
    xml_root = "response"

    def handle_exception(self, exc):
        if isinstance(exc, Open311Error):
            code, data = exc.code, _errors(exc.code, [(None, exc.description)])
        elif isinstance(exc, Refused):
            code, data = exc.status, _errors(exc.status, [(None, exc.message)])
        elif isinstance(exc, DjangoValidationError):
            detail = exc.message_dict if hasattr(exc, "message_dict") else exc.messages
            code, data = 400, _errors(400, _flatten(detail))
        elif isinstance(exc, Http404):
            code, data = 404, _errors(404, [(None, _("未找到"))])
        elif isinstance(exc, APIException):
            code = exc.status_code
            data = _errors(code, _flatten(exc.detail))
        else:
            return super().handle_exception(exc)
        return Response(data, status=code)


@extend_schema(tags=["Open311"])
class DiscoveryView(Open311View):
    xml_root = "discovery"

    @extend_schema(summary="GeoReport v2 discovery", responses={200: docs.Open311Discovery})
    def get(self, request, format=None):
        base = request.build_absolute_uri("./")
        return Response(
            {
                "changeset": CHANGESET,
                "contact": _("北京市 12345 市民服务热线"),
                "key_service": _("api_key 为热线中心话务员的 API Token，由热线中心管理员发放"),
                "endpoints": [
                    {
                        "specification": SPECIFICATION,
                        "url": base,
                        "changeset": CHANGESET,
                        "type": "production",
                        "formats": ["application/json", "application/xml"],
                    }
                ],
            }
        )


@extend_schema(tags=["Open311"])
class ServicesView(Open311View):
    xml_root = "services"

    @extend_schema(
        summary="GeoReport v2 services: one per leaf category",
        responses={200: docs.Open311Service(many=True)},
    )
    def get(self, request, format=None):
        return Response([service_row(c) for c in selectors.services()])


@extend_schema(tags=["Open311"])
class ServiceDefinitionView(Open311View):
    xml_root = "service_definition"

    @extend_schema(
        summary="GeoReport v2 service definition",
        responses={200: docs.Open311ServiceDefinition, 404: docs.Open311Error(many=True)},
    )
    def get(self, request, service_code, format=None):
        category = selectors.services().filter(code=service_code).first()
        if category is None:
            raise Open311Error(404, _("service_code: 未知的服务 %(c)s") % {"c": service_code})
        return Response(service_definition(category))


# A `+` sent unencoded in a query string arrives as a space: "2026-11-20T10:00:00 08:00".
_DECODED_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")


def _when(params, name, end_of_day=False):
    raw = _DECODED_PLUS.sub(r"\1+\2", params.get(name, "").strip())
    if not raw:
        return None
    # A bare date first: Python reads "2026-01-01" as a date-time too (midnight), which would
    # make end_date=2026-01-01 end where that day begins.
    try:
        day = parse_date(raw) if len(raw) == 10 else None
        parsed = None if day else parse_datetime(raw)
    except ValueError:  # well formed but no such day or time (2026-02-30)
        day = parsed = None
    if day is not None:
        parsed = datetime.combine(day, time.max if end_of_day else time.min)
    if parsed is None:
        raise Open311Error(
            400, _("%(f)s: 日期格式应为 W3C，如 2026-01-01T00:00:00+08:00") % {"f": name}
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _listed(params, name):
    return [v.strip() for v in params.get(name, "").split(",") if v.strip()]


def _submitter(api_key):
    """The centre operator whose API token is this key; 403 for anything else."""
    token = (
        Token.objects.select_related("user__unit").filter(key=api_key).first() if api_key else None
    )
    user = token.user if token else None
    if user is None or not user.is_active or guards.intake_refusal(user):
        raise Open311Error(403, _("api_key: 缺失或无效（须为热线中心话务员的 API Token）"))
    return user


# What _when reads: a W3C date-time or a bare date; empty is no bound.
W3C_WHEN = {
    "anyOf": [
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "date"},
        {"type": "string", "maxLength": 0},
    ]
}

# What the view reads: a comma list of open/closed in any case, blanks around and between.
_STATUS = "[ \\t\\r\\n]*([oO][pP][eE][nN]|[cC][lL][oO][sS][eE][dD])?[ \\t\\r\\n]*"
STATUSES = f"^{_STATUS}(,{_STATUS})*$"

REQUEST_FILTERS = [
    OpenApiParameter("service_request_id", str, description="comma list; overrides the rest"),
    OpenApiParameter("service_code", str, description="comma list of service codes"),
    OpenApiParameter("start_date", W3C_WHEN),
    OpenApiParameter("end_date", W3C_WHEN),
    OpenApiParameter(
        "status", str, description="open, closed, or both comma-separated", pattern=STATUSES
    ),
    OpenApiParameter("jurisdiction_id", str, description="ignored: one jurisdiction"),
]


@extend_schema(tags=["Open311"])
class RequestsView(Open311View):
    xml_root = "service_requests"

    @extend_schema(
        summary="GeoReport v2 service requests (last 90 days by default, at most 1000)",
        parameters=REQUEST_FILTERS,
        responses={200: docs.Open311ServiceRequest(many=True), 400: docs.Open311Error(many=True)},
    )
    def get(self, request, format=None):
        params = request.query_params
        statuses = [s.lower() for s in _listed(params, "status")]
        if not set(statuses) <= {"open", "closed"}:
            raise Open311Error(400, _("status: 只能是 open 或 closed"))
        rows = selectors.search_requests(
            ids=_listed(params, "service_request_id"),
            service_codes=_listed(params, "service_code"),
            start=_when(params, "start_date"),
            end=_when(params, "end_date", end_of_day=True),
            statuses=statuses,
            now=timezone.now(),
        )
        publish = Open311Publishing.current().publish_text
        return Response([request_row(t, publish_text=publish) for t in rows])

    @extend_schema(
        summary="GeoReport v2: file a service request (api_key of a centre operator)",
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        # The standard's form encoding only (JSON is parsed too, but one documented body
        # type is what client generators handle).
        request={"application/x-www-form-urlencoded": RequestInput},
        responses={
            200: docs.Open311Created(many=True),
            201: docs.Open311Created(many=True),
            400: docs.Open311Error(many=True),
            403: docs.Open311Error(many=True),
            422: docs.Open311Error(many=True),  # Idempotency-Key reused for another request
        },
    )
    def post(self, request, format=None):
        if not isinstance(request.data, dict):
            raise Open311Error(400, _("请以表单字段提交"))
        actor = _submitter(request.data.get("api_key") or request.query_params.get("api_key"))
        form = RequestInput(data=request.data)
        form.is_valid(raise_exception=True)
        code = form.validated_data["service_code"]
        category = selectors.services().filter(code=code).first()
        if category is None:
            raise Open311Error(400, _("service_code: 未知的服务 %(c)s") % {"c": code})
        key = request.headers.get("Idempotency-Key", "").strip() or None
        if key and len(key) > 100:
            raise Open311Error(400, _("Idempotency-Key: 不能超过 100 个字符"))
        ticket, created = actions.create_ticket(
            actor=actor, idempotency_key=key, **form.ticket_fields(category)
        )
        return Response(
            [created_row(ticket)], status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


@extend_schema(tags=["Open311"])
class RequestView(Open311View):
    xml_root = "service_requests"

    @extend_schema(
        summary="GeoReport v2: one service request",
        responses={200: docs.Open311ServiceRequest(many=True), 404: docs.Open311Error(many=True)},
    )
    def get(self, request, service_request_id, format=None):
        ticket = selectors.public_requests().filter(number=service_request_id).first()
        if ticket is None:
            raise Open311Error(
                404, _("service_request_id: 未找到 %(n)s") % {"n": service_request_id}
            )
        publish = Open311Publishing.current().publish_text
        return Response([request_row(ticket, publish_text=publish)])


@extend_schema(tags=["Open311"])
class ServiceRequestUpdatesView(Open311View):
    """mySociety's extension: what happened to requests, for FixMyStreet to follow."""

    xml_root = "service_request_updates"

    @extend_schema(
        summary="servicerequestupdates (mySociety extension): status changes, last day by default",
        parameters=[
            OpenApiParameter("start_date", W3C_WHEN),
            OpenApiParameter("end_date", W3C_WHEN),
            OpenApiParameter("api_key", str, description="not needed: updates are public"),
            OpenApiParameter("jurisdiction_id", str, description="ignored: one jurisdiction"),
        ],
        responses={
            200: docs.Open311RequestUpdate(many=True),
            400: docs.Open311Error(many=True),
        },
    )
    def get(self, request, format=None):
        params = request.query_params
        start, end = _when(params, "start_date"), _when(params, "end_date", end_of_day=True)
        if start and end and start > end:
            raise Open311Error(400, _("start_date: 不能晚于 end_date"))
        events = updates.updates(start=start, end=end, now=timezone.now())
        publish = Open311Publishing.current().publish_text
        return Response(updates.update_rows(events, publish_text=publish))
