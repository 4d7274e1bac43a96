"""Thin views: validate the body, call a selector or an action, answer with the ticket."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from hotline import validation as rules
from hotline.api import ErrorSerializer, FilterSetKept, list_responses, validated
from hotline.models import Role
from hotline.pagination import CappedCountPagination, is_text_search

from .. import actions, guards, inbox_selectors, lifecycle, notify, routing, selectors
from ..models import Notification, Participation, Ticket, TicketEvent
from ..search.filters import TicketSearchFilter
from .serializers import (
    ACTION_INPUTS,
    CreatedTicketSerializer,
    NotificationSerializer,
    TicketCreateSerializer,
    TicketDetailSerializer,
    TicketSerializer,
)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=str(
        _(
            "同一用户重试时带相同的键，返回第一次创建的工单（200）而不是新建一张（201）；"
            "键已用于内容不同的请求时为 422"
        )
    ),
)


def _error(description):
    return OpenApiResponse(ErrorSerializer, description=str(description))


FIELD_ERRORS = OpenApiResponse(
    OpenApiTypes.OBJECT, description=str(_("输入有误：字段名 → 错误信息列表"))
)
NOT_VISIBLE = _error(_("工单不存在，或当前用户无权查看"))


# A ticket's lists on its detail: one query each (events carry their actor and unit).
_DETAIL_LISTS = (
    Prefetch("participations", Participation.objects.select_related("unit")),
    Prefetch("events", TicketEvent.objects.select_related("actor", "unit")),
    "repeats",
)


def _known_to_be_new(ticket):
    """Ready a ticket created in this request for its detail without reading it back.

    The instance already holds what the body named (category, street, district) and the
    history create_ticket wrote (`new_events`); a new ticket has no participations and no
    repeats. The lists go where prefetch_related would have put them.
    """
    ticket._prefetched_objects_cache = {
        "events": _as_queryset(TicketEvent, ticket.new_events),
        "participations": _as_queryset(Participation, []),
        "repeats": _as_queryset(Ticket, []),
    }


def _as_queryset(model, rows):
    qs = model.objects.none()
    qs._result_cache, qs._prefetch_done = rows, True
    return qs


def _detail_ticket(pk):
    tickets = Ticket.objects.filter(pk=pk).select_related("category", "master")
    return selectors.with_units(tickets.prefetch_related(*_DETAIL_LISTS).get())


def _detail(request, pk, serializer_class=TicketDetailSerializer, **extra):
    # Visibility was checked before the action; the ticket is re-read as it is now.
    ticket = _detail_ticket(pk)
    ticket.allowed_actions = [s.name for s in guards.allowed_steps(ticket, request.user)]
    for name, value in extra.items():
        setattr(ticket, name, value)
    return serializer_class(ticket, context={"request": request}).data


class TicketListCreate(generics.ListAPIView):
    serializer_class = TicketSerializer
    # search (SPEC §12): q, channel, received between, sort; the count stops at a cap
    filterset_class = TicketSearchFilter
    filter_backends = [FilterSetKept]
    pagination_class = CappedCountPagination

    def get_queryset(self):
        searched = is_text_search(self.request.query_params)
        return selectors.list_tickets(self.request.user, searched=searched)

    def paginate_queryset(self, queryset):
        # a street's page is read from the tops of its led and taking-part tickets
        arms = selectors.list_arms(self.request.user)
        self.paginator.arms = [self.filterset.filter_queryset(arm) for arm in arms]
        return super().paginate_queryset(queryset)

    @extend_schema(
        summary=str(_("工单列表（当前用户可见的）")),
        responses=list_responses(TicketSerializer),
        parameters=[
            OpenApiParameter(
                name,
                OpenApiTypes.STR,
                pattern=rules.PERIOD_PATTERN,
                description=str(description),
            )
            for name, description in (
                ("period", _("受理月份 YYYY-MM（北京时间）")),
                ("replied_period", _("办结月份 YYYY-MM：承办单位反馈办结的月份（北京时间）")),
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=str(_("受理工单")),
        request=TicketCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: CreatedTicketSerializer,
            200: OpenApiResponse(
                CreatedTicketSerializer, description=str(_("相同 Idempotency-Key 的重试"))
            ),
            400: FIELD_ERRORS,
            403: _error(_("只有12345热线中心的话务员、派单员可以受理工单")),
            422: _error(_("Idempotency-Key 已用于内容不同的另一次请求")),
        },
    )
    def post(self, request, *args, **kwargs):
        user = request.user
        refused = guards.intake_refusal(user)  # before the body: say who may, not which field
        if refused:
            raise refused
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 100:
            raise serializers.ValidationError(
                {"Idempotency-Key": [_("Idempotency-Key 不能超过100个字符")]}
            )
        body = validated(TicketCreateSerializer, request.data)
        ticket, created = actions.create_ticket(
            actor=user, idempotency_key=key or None, **body.validated_data
        )
        if created:
            _known_to_be_new(ticket)
        else:
            ticket = _detail_ticket(ticket.pk)
        ticket.allowed_actions = [s.name for s in guards.allowed_steps(ticket, user)]
        ticket.suggested_unit = routing.suggest_unit(ticket)
        ticket.likely_repeats = list(
            selectors.likely_repeats(
                user=user,
                phone=ticket.caller_phone,
                street=ticket.street,
                category=ticket.category,
                exclude_id=ticket.pk,
                now=ticket.received_at,
            ).values_list("number", flat=True)
        )
        data = CreatedTicketSerializer(ticket, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class TicketDetail(APIView):
    @extend_schema(
        summary=str(_("工单详情：历史事件、参与单位、当前可执行的步骤")),
        responses={200: TicketDetailSerializer, 404: NOT_VISIBLE},
    )
    def get(self, request, number):
        ticket = get_object_or_404(selectors.visible_tickets(request.user), number=number)
        return Response(_detail(request, ticket.pk))


class TicketAction(APIView):
    """One lifecycle step on one ticket; subclasses name the step and its body."""

    step: str = ""
    input_class = None

    def post(self, request, number):
        ticket = get_object_or_404(selectors.visible_tickets(request.user), number=number)
        # Role and state answer before the body: a refused step says why, not "bad field".
        guards.check(self.step, ticket, request.user)
        body = validated(self.input_class, request.data)
        actions.BY_STEP[self.step](actor=request.user, ticket=ticket, **body.validated_data)
        return Response(_detail(request, ticket.pk))


def _action_view(step_name):
    step = lifecycle.STEPS[step_name]
    input_class = ACTION_INPUTS[step_name]
    view = type(
        "Ticket" + "".join(part.title() for part in step_name.split("-")) + "Action",
        (TicketAction,),
        {"step": step_name, "input_class": input_class, "__doc__": str(step.label)},
    )
    roles = "、".join(sorted(str(Role(r).label) for r in step.roles))
    schema = extend_schema(
        operation_id=f"tickets_{step_name.replace('-', '_')}",
        summary=str(step.label),
        description=str(_("可执行角色：%(roles)s。")) % {"roles": roles},
        request=input_class,
        responses={
            200: TicketDetailSerializer,
            400: FIELD_ERRORS,
            403: _error(_("角色或单位不能执行此步骤")),
            404: NOT_VISIBLE,
            409: _error(_("工单当前状态不允许此步骤")),
        },
        tags=["tickets"],
    )
    return extend_schema_view(post=schema)(view)


ACTION_VIEWS = {name: _action_view(name) for name in lifecycle.STEPS}


# --- Reveal the caller's phone (SPEC §3, §19) -------------------------------------------------


class RevealedPhoneSerializer(serializers.Serializer):
    caller_phone = serializers.CharField()


@extend_schema_view(
    post=extend_schema(
        operation_id="tickets_reveal_phone",
        summary=str(_("查看诉求人完整号码（主办单位承办人；每次记录，每人每天限次）")),
        request=None,
        responses={
            200: RevealedPhoneSerializer,
            403: _error(_("保密工单，或不是主办单位的承办人")),
            404: NOT_VISIBLE,
            409: _error(_("工单当前状态不允许此步骤")),
            429: _error(_("今天查看完整号码已达上限")),
        },
        tags=["tickets"],
    )
)
class RevealPhone(TicketAction):
    step = "reveal-phone"
    input_class = ACTION_INPUTS["reveal-phone"]

    def post(self, request, number):
        ticket = get_object_or_404(selectors.visible_tickets(request.user), number=number)
        guards.check(self.step, ticket, request.user)
        ticket = actions.reveal_phone(actor=request.user, ticket=ticket)
        return Response({"caller_phone": ticket.caller_phone})


ACTION_VIEWS["reveal-phone"] = RevealPhone


# --- Notifications ---------------------------------------------------------------------------


class NotificationPagination(CappedCountPagination):
    """A page of notifications, and how many of all of them are unread."""

    def paginate_queryset(self, queryset, request, view=None):
        self.unread = queryset.filter(read_at__isnull=True).count()
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["unread"] = self.unread
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["unread"] = {"type": "integer", "example": 3}
        schema["required"] = [*schema.get("required", []), "unread"]
        return schema


@extend_schema_view(get=extend_schema(responses=list_responses(NotificationSerializer)))
class NotificationList(generics.ListAPIView):
    serializer_class = NotificationSerializer
    pagination_class = NotificationPagination
    filter_backends = []

    def get_queryset(self):
        return inbox_selectors.notifications_for(self.request.user)


class ReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


class NotificationRead(APIView):
    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: NotificationSerializer, 404: _error(_("通知不存在"))},
    )
    def post(self, request, id):
        # The path takes any text so that a bad id is a JSON 404 like every other.
        # isascii: "²".isdigit() is True, but int("²") fails.
        if not (id.isascii() and id.isdigit()):
            raise NotFound(_("通知不存在"))
        pk = int(id)
        get_object_or_404(Notification, pk=pk, user=request.user)
        notify.mark_read(user=request.user, notification_id=pk)
        notification = inbox_selectors.notifications_for(request.user).get(pk=pk)
        return Response(NotificationSerializer(notification).data)


class NotificationReadAll(APIView):
    @extend_schema(request=None, responses={200: ReadResultSerializer})
    def post(self, request):
        marked = notify.mark_read(user=request.user)
        return Response({"marked": marked, "unread": 0})
