"""Small input serializers (one per write) and the output shapes of a ticket."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hotline import validation as rules
from hotline.api import FieldsBuiltOnce, KeptCodeField, PhoneField
from hotline.models import Category, Unit, UnitType

from .. import selectors
from ..choices import InvalidCallbackReason
from ..models import (
    Channel,
    EmergencyLine,
    Kind,
    Notification,
    Participation,
    ReplyResult,
    Satisfaction,
    Ticket,
    TicketEvent,
    Urgency,
)


def _unit_field(unit_type, help_text, required=False):
    return KeptCodeField(
        # select_related: a street's district comes with it (intake copies it, no query)
        queryset=Unit.objects.filter(type=unit_type, active=True).select_related("district"),
        required=required,
        allow_null=not required,
        help_text=help_text,
    )


class Coordinate(serializers.DecimalField):
    """Degrees, rounded to the 6 places stored (phones send more, which is no error)."""

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=None, decimal_places=None, required=False, allow_null=True, **kwargs
        )

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
        except InvalidOperation:  # e.g. 1e400: too large to round, and out of range anyway
            self.fail("invalid")


def _degrees(limit, pattern):
    """The schema of a coordinate as DecimalField reads it: a JSON number in range, or a
    decimal string in range, or empty (no coordinate)."""
    return extend_schema_field(
        {
            "nullable": True,
            "anyOf": [
                {"type": "number", "minimum": -limit, "maximum": limit},
                {"type": "string", "maxLength": 100, "pattern": f"^(|-?({pattern}))$"},
            ],
        }
    )


@_degrees(90, r"90(\.0*)?|[0-8]?[0-9](\.[0-9]*)?")
class Latitude(Coordinate):
    def __init__(self, **kwargs):
        super().__init__(min_value=-90, max_value=90, **kwargs)


@_degrees(180, r"180(\.0*)?|(1[0-7][0-9]|[0-9]?[0-9])(\.[0-9]*)?")
class Longitude(Coordinate):
    def __init__(self, **kwargs):
        super().__init__(min_value=-180, max_value=180, **kwargs)


# --- Intake --------------------------------------------------------------------------------


class TicketCreateSerializer(FieldsBuiltOnce, serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.PHONE)
    received_at = serializers.DateTimeField(required=False, help_text=_("缺省为当前时间"))
    caller_name = serializers.CharField(max_length=rules.NAME_MAX, required=False, allow_blank=True)
    caller_phone = PhoneField()  # people dictate numbers with spaces: stored as digits
    confidential = serializers.BooleanField(default=False)
    notify_caller = serializers.BooleanField(
        default=True, help_text=_("短信告知诉求人（受理、延期、反馈、办结）；诉求人拒绝时为 false")
    )
    address = serializers.CharField(max_length=rules.ADDRESS_MAX, required=False, allow_blank=True)
    district = _unit_field(UnitType.DISTRICT, _("区编码，如 110101"))
    street = _unit_field(UnitType.STREET, _("街乡镇编码，如 110101001"))
    community = _unit_field(UnitType.COMMUNITY, _("社区/村编码"))
    latitude = Latitude()
    longitude = Longitude()
    kind = serializers.ChoiceField(choices=Kind.choices)
    category = KeptCodeField(
        # duty_unit: the suggested unit of the answer, without a query of its own
        queryset=Category.objects.filter(active=True).select_related("duty_unit"),
        help_text=_("最末级分类编码，如 CX.WY.DT"),
    )
    content = serializers.CharField(max_length=rules.CONTENT_MAX)
    urgency = serializers.ChoiceField(
        choices=Urgency.choices, required=False, help_text=_("缺省取分类的默认级别")
    )
    urgency_reason = serializers.CharField(
        max_length=rules.SHORT_TEXT_MAX, required=False, allow_blank=True
    )

    def validate_received_at(self, value):
        return rules.validate_received_at(value)

    def validate(self, attrs):
        street, district = attrs.get("street"), attrs.get("district")
        if street and district and street.district_id != district.pk:
            raise serializers.ValidationError({"street": _("该街乡镇不属于所填的区")})
        community = attrs.get("community")
        if community and street and community.parent_id != street.pk:
            raise serializers.ValidationError({"community": _("该社区不属于所填的街乡镇")})
        return attrs


# --- Action bodies (SPEC §11) --------------------------------------------------------------


def _note(required=False):
    return serializers.CharField(
        required=required, allow_blank=not required, max_length=rules.NOTE_MAX
    )


def _reason(**kwargs):
    return serializers.CharField(max_length=rules.NOTE_MAX, **kwargs)


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField(
        max_length=rules.CONTENT_MAX, help_text=_("告知诉求人的答复内容")
    )
    article = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("引用的知识库文章编号；记录其当时已发布的版本"),
    )


class TransferInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=EmergencyLine.choices)
    note = _note()


class MergeInput(serializers.Serializer):
    into = serializers.CharField(help_text=_("主工单编号"))


class DispatchInput(serializers.Serializer):
    unit = serializers.CharField(help_text=_("主办单位编码"))
    co_units = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("协办单位编码")
    )
    note = _note()


class NoteInput(serializers.Serializer):
    note = _note()


class RequiredNoteInput(serializers.Serializer):
    note = _note(required=True)


class WhistleInput(serializers.Serializer):
    departments = serializers.ListField(
        child=serializers.CharField(), allow_empty=False, help_text=_("被召集部门的编码")
    )
    reason = _reason()


def _attachments():
    """Ids of files uploaded to the ticket (POST …/attachments/) cited as evidence (§14)."""
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        required=False,
        max_length=20,
        help_text=_("作为材料的附件编号（先上传到本工单）"),
    )


class ReasonInput(serializers.Serializer):
    reason = _reason()
    attachments = _attachments()


class ReviewReturnInput(serializers.Serializer):
    accept = serializers.BooleanField()
    unit = serializers.CharField(required=False, help_text=_("同意退单时改派的单位编码"))
    note = _note()

    def validate(self, attrs):
        if attrs["accept"] and not attrs.get("unit"):
            raise serializers.ValidationError({"unit": _("同意退单须指定改派单位")})
        return attrs


class ExtendInput(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=30, help_text=_("申请延期的工作日数"))
    reason = _reason()
    attachments = _attachments()


class EmptyInput(serializers.Serializer):
    """A step that takes no input."""


class DecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    note = _note()


class ReplyInput(serializers.Serializer):
    result = serializers.ChoiceField(choices=ReplyResult.choices)
    note = _reason(help_text=_("办理情况"))
    attachments = _attachments()


class CallbackInput(serializers.Serializer):
    valid = serializers.BooleanField()
    invalid_reason = serializers.ChoiceField(
        choices=InvalidCallbackReason.choices, required=False, allow_blank=True
    )
    contacted = serializers.BooleanField(required=False, allow_null=True, default=None)
    solved = serializers.BooleanField(required=False, allow_null=True, default=None)
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices, required=False, allow_blank=True
    )

    def validate(self, attrs):
        if attrs["valid"]:
            for name in ("contacted", "solved", "satisfaction"):
                if attrs.get(name) in (None, ""):
                    raise serializers.ValidationError({name: _("有效回访须回答此项")})
        elif not attrs.get("invalid_reason"):
            raise serializers.ValidationError({"invalid_reason": _("无效回访须说明原因")})
        return attrs


ACTION_INPUTS = {
    "answer": AnswerInput,
    "transfer": TransferInput,
    "merge": MergeInput,
    "dispatch": DispatchInput,
    "sign": NoteInput,
    "contact": NoteInput,
    "whistle": WhistleInput,
    "report-in": NoteInput,
    "report-part": RequiredNoteInput,
    "return": ReasonInput,
    "review-return": ReviewReturnInput,
    "extend": ExtendInput,
    "review-extension": DecisionInput,
    "reply": ReplyInput,
    "callback": CallbackInput,
    "claim-unreasonable": ReasonInput,
    "review-claim": DecisionInput,
    "appeal": ReasonInput,
    "review-appeal": DecisionInput,
    "reveal-phone": EmptyInput,
    "ask-relay": ReasonInput,
    "relay": DecisionInput,
}


# --- Output ----------------------------------------------------------------------------------


class DeadlinesSerializer(serializers.Serializer):
    sign = serializers.DateTimeField(source="sign_deadline", allow_null=True)
    contact = serializers.DateTimeField(source="contact_deadline", allow_null=True)
    feedback = serializers.DateTimeField(source="feedback_deadline", allow_null=True)
    return_window = serializers.DateTimeField(source="return_deadline", allow_null=True)


def _code(source):
    return serializers.CharField(
        source=f"{source}.code", default=None, allow_null=True, read_only=True
    )


class TicketSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A ticket as a list row. `context["request"]` decides what of the caller is shown."""

    category = _code("category")
    category_path = serializers.CharField(source="category.path", read_only=True)
    district = _code("district")
    street = _code("street")
    community = _code("community")
    lead_unit = _code("lead_unit")
    master = serializers.CharField(
        source="master.number", default=None, allow_null=True, read_only=True
    )
    co_units = serializers.SerializerMethodField()
    caller_name = serializers.SerializerMethodField()
    caller_phone = serializers.SerializerMethodField()
    deadlines = DeadlinesSerializer(source="*", read_only=True)
    # Blank until the step happens: say so in the schema.
    result = serializers.ChoiceField(ReplyResult.choices, allow_blank=True, read_only=True)
    transferred_to = serializers.ChoiceField(
        EmergencyLine.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Ticket
        fields = [
            "number",
            "status",
            "channel",
            "received_at",
            "kind",
            "urgency",
            "urgency_reason",
            "category",
            "category_path",
            "content",
            "address",
            "district",
            "street",
            "community",
            "latitude",
            "longitude",
            "caller_name",
            "caller_phone",
            "confidential",
            "notify_caller",
            "lead_unit",
            "co_units",
            "dispatched_at",
            "deadlines",
            "signed_at",
            "contacted_at",
            "replied_at",
            "overdue",
            "sign_overdue",
            "contact_overdue",
            "feedback_overdue",
            "result",
            "result_note",
            "answer",
            "transferred_to",
            "master",
            "reopen_count",
            "excluded",
            "excluded_reason",
        ]
        read_only_fields = fields

    def _caller(self, ticket):
        return selectors.caller_for(self.context["request"].user, ticket)

    def get_caller_name(self, ticket) -> str:
        return self._caller(ticket)[0]

    def get_caller_phone(self, ticket) -> str:
        return self._caller(ticket)[1]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_co_units(self, ticket):
        # Reads the prefetched participations: no query per row.
        return [
            p.unit.code
            for p in ticket.participations.all()
            if p.role == Participation.Role.CO and p.active
        ]


class EventSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", default=None, allow_null=True, read_only=True
    )
    unit = _code("unit")

    class Meta:
        model = TicketEvent
        fields = ["type", "actor", "unit", "at", "note", "payload"]

    def to_representation(self, event):
        # The same fields as declared (and in the schema), as one dict per row: a ticket
        # with a thousand events spent most of its detail walking DRF's field objects.
        return {
            "type": event.type,
            "actor": event.actor.username if event.actor_id else None,
            "unit": event.unit.code if event.unit_id else None,
            "at": self.fields["at"].to_representation(event.at),
            "note": event.note,
            "payload": event.payload,
        }


class ParticipationSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    unit = _code("unit")
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Participation
        fields = [
            "unit",
            "unit_name",
            "role",
            "active",
            "created_at",
            "report_in_deadline",
            "reported_in_at",
            "report_in_overdue",
            "part_reported_at",
            "part_note",
        ]


class TicketDetailSerializer(TicketSerializer):
    events = EventSerializer(many=True, read_only=True)
    participations = ParticipationSerializer(many=True, read_only=True)
    allowed_actions = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("当前用户此刻可以执行的步骤（POST …/{number}/{action}/）"),
    )
    repeats = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta(TicketSerializer.Meta):
        fields = [
            *TicketSerializer.Meta.fields,
            "repeats",
            "participations",
            "events",
            "allowed_actions",
        ]
        read_only_fields = fields


class CreatedTicketSerializer(TicketDetailSerializer):
    suggested_unit = _code("suggested_unit")
    likely_repeats = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("可能重复的在办工单编号")
    )

    class Meta(TicketDetailSerializer.Meta):
        fields = [*TicketDetailSerializer.Meta.fields, "suggested_unit", "likely_repeats"]
        read_only_fields = fields


class NotificationSerializer(serializers.ModelSerializer):
    # Null once the ticket has left the reader's view (notifications_for's ticket_visible).
    ticket = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "ticket", "created_at", "read_at", "read"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_ticket(self, obj):
        if obj.ticket_id is None or not getattr(obj, "ticket_visible", False):
            return None
        return obj.ticket.number

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_read(self, obj):
        return obj.read_at is not None
