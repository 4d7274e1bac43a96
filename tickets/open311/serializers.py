"""What goes in (a POSTed request) and what comes out (services, requests) in GeoReport v2."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import serializers

from hotline import validation as rules
from hotline.api import PhoneField
from hotline.models import Unit, UnitType

from ..lifecycle import OPEN_STATES
from ..models import Kind, Status
from .privacy import mask_personal, rounded


def _iso(dt):
    return timezone.localtime(dt).isoformat(timespec="seconds") if dt else None


def _scrub(text: str, ticket) -> str:
    """Public text without the caller's phone or name, even when typed into the content."""
    return mask_personal(text, caller_name=ticket.caller_name, caller_phone=ticket.caller_phone)


def service_row(category) -> dict:
    names = category.path.split(" › ") if category.path else [category.name]
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.path or category.name,
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(filter(None, [category.pinyin, *names])),
        "group": names[0],
    }


def service_definition(category) -> dict:
    return {"service_code": category.code, "attributes": []}


def _status_notes(ticket) -> str:
    if ticket.status == Status.ANSWERED:
        return ticket.answer
    if ticket.status == Status.TRANSFERRED:
        return _("已转%(line)s") % {"line": ticket.get_transferred_to_display()}
    if ticket.status == Status.MERGED and ticket.master_id:
        return _("已并入工单 %(n)s") % {"n": ticket.master.number}
    if ticket.result:
        note = ticket.result_note.strip()
        label = str(ticket.get_result_display())
        return f"{label}：{note}" if note else label
    return str(ticket.get_status_display())


def place_name(ticket) -> str:
    """The district and street, named: public even when the caller's address is not."""
    parts = [u.name for u in (ticket.district, ticket.street) if u is not None]
    return "".join(dict.fromkeys(parts))


def request_row(ticket, *, publish_text: bool = False) -> dict:
    """One ticket as a public service request (SPEC §16): no caller name or phone; the
    description and address only when an admin publishes them, and then masked."""
    place = place_name(ticket)
    return {
        "service_request_id": ticket.number,
        "status": "open" if ticket.status in OPEN_STATES else "closed",
        "status_notes": _scrub(_status_notes(ticket), ticket),
        "service_name": ticket.category.name,
        "service_code": ticket.category.code,
        "description": _scrub(ticket.content, ticket) if publish_text else "",
        "agency_responsible": ticket.lead_unit.name if ticket.lead_unit_id else "",
        "service_notice": "",
        "requested_datetime": _iso(ticket.received_at),
        "updated_datetime": _iso(getattr(ticket, "updated_at", None) or ticket.received_at),
        "expected_datetime": _iso(ticket.feedback_deadline),
        "address": (_scrub(ticket.address, ticket) or place) if publish_text else place,
        "address_id": (ticket.street or ticket.district).code if place else "",
        "zipcode": "",
        "lat": rounded(ticket.latitude),
        "long": rounded(ticket.longitude),
        "media_url": ticket.media_url,
    }


def created_row(ticket) -> dict:
    return {
        "service_request_id": ticket.number,
        "service_notice": _("已受理，工单编号 %(n)s，请留意承办单位的联系") % {"n": ticket.number},
        "account_id": None,
    }


class RequestInput(serializers.Serializer):
    """POST requests: the GeoReport v2 fields, plus `kind` (诉求类型, default complaint)."""

    # Checked before the other fields (a wrong key is 403, not 400); listed for the schema.
    api_key = serializers.CharField(
        required=False, help_text=_lazy("热线中心话务员的 API Token（必填）")
    )
    service_code = serializers.CharField(max_length=32, help_text=_lazy("末级诉求分类编码"))
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    long = serializers.FloatField(required=False, min_value=-180, max_value=180)
    address_string = serializers.CharField(required=False, allow_blank=True, max_length=200)
    address_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_lazy("街乡镇或社区/村的编码（见 /api/v1/units/），可代替地址和坐标"),
    )
    description = serializers.CharField(max_length=rules.CONTENT_MAX)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=25)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=25)
    phone = PhoneField()  # the one phone rule of every way in
    email = serializers.EmailField(required=False, allow_blank=True)
    device_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    account_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    media_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False, default=Kind.COMPLAINT)

    def validate_address_id(self, value):
        """A street or community code names the place; anything else is refused."""
        value = value.strip()
        if not value:
            return None
        unit = (
            Unit.objects.filter(code=value, type__in=[UnitType.STREET, UnitType.COMMUNITY])
            .select_related("parent")
            .first()
        )
        if unit is None:
            raise serializers.ValidationError(_("未知的地点编码 %(c)s") % {"c": value})
        return unit

    def validate(self, attrs):
        has_lat, has_long = "lat" in attrs, "long" in attrs
        if has_lat != has_long:
            raise serializers.ValidationError({"lat": _("lat 与 long 须同时提供")})
        if not has_lat and not attrs.get("address_string") and not attrs.get("address_id"):
            raise serializers.ValidationError(
                {"address_string": _("须提供 lat/long、address_string 或 address_id")}
            )
        return attrs

    def ticket_fields(self, category) -> dict:
        data = self.validated_data
        first, last = data.get("first_name", "").strip(), data.get("last_name", "").strip()
        # Chinese names put the family name first; Latin ones the given name.
        if (first + last).isascii():
            name = f"{first} {last}".strip()
        else:
            name = f"{last}{first}"
        fields = {
            "channel": "api",
            "kind": data["kind"],
            "category": category,
            "content": data["description"],
            "address": data.get("address_string", ""),
            "caller_name": name[:50],
            "caller_phone": data.get("phone", "").strip(),
            "media_url": data.get("media_url", ""),
        }
        place = data.get("address_id")
        if place is not None and place.type == UnitType.COMMUNITY:
            fields["community"], fields["street"] = place, place.parent
        elif place is not None:
            fields["street"] = place
        if "lat" in data:
            fields["latitude"] = Decimal(f"{data['lat']:.6f}")
            fields["longitude"] = Decimal(f"{data['long']:.6f}")
        return fields
