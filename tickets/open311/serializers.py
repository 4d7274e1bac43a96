"""What goes in (a POSTed request) and what comes out (services, requests) in GeoReport v2."""

import re
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import serializers

from ..lifecycle import OPEN_STATES
from ..models import Kind, Status
from ..selectors import mask_phone

# Mobile numbers and Beijing-style landlines a caller may have typed into the text.
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")


def _iso(dt):
    return timezone.localtime(dt).isoformat(timespec="seconds") if dt else None


def _scrub(text: str, ticket) -> str:
    """Public text without the caller's phone or name, even when typed into the content."""
    if not text:
        return text
    if ticket.caller_phone:
        text = text.replace(ticket.caller_phone, mask_phone(ticket.caller_phone))
    name = ticket.caller_name.strip()
    if len(name) >= 2:
        text = text.replace(name, name[0] + "*" * (len(name) - 1))
    return _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(1)), text)


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


def request_row(ticket) -> dict:
    """One ticket as a public service request: no caller name, phone or confidential data."""
    return {
        "service_request_id": ticket.number,
        "status": "open" if ticket.status in OPEN_STATES else "closed",
        "status_notes": _scrub(_status_notes(ticket), ticket),
        "service_name": ticket.category.name,
        "service_code": ticket.category.code,
        "description": _scrub(ticket.content, ticket),
        "agency_responsible": ticket.lead_unit.name if ticket.lead_unit_id else "",
        "service_notice": "",
        "requested_datetime": _iso(ticket.received_at),
        "updated_datetime": _iso(getattr(ticket, "updated_at", None) or ticket.received_at),
        "expected_datetime": _iso(ticket.feedback_deadline),
        "address": ticket.address,
        "address_id": "",
        "zipcode": "",
        "lat": float(ticket.latitude) if ticket.latitude is not None else None,
        "long": float(ticket.longitude) if ticket.longitude is not None else None,
        "media_url": "",
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
    address_id = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(max_length=4000)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=25)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=25)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    email = serializers.EmailField(required=False, allow_blank=True)
    device_id = serializers.CharField(required=False, allow_blank=True)
    account_id = serializers.CharField(required=False, allow_blank=True)
    media_url = serializers.URLField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False, default=Kind.COMPLAINT)

    def validate(self, attrs):
        has_lat, has_long = "lat" in attrs, "long" in attrs
        if has_lat != has_long:
            raise serializers.ValidationError({"lat": _("lat 与 long 须同时提供")})
        if not has_lat and not attrs.get("address_string"):
            raise serializers.ValidationError(
                {"address_string": _("须提供 lat/long 或 address_string")}
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
        }
        if "lat" in data:
            fields["latitude"] = Decimal(f"{data['lat']:.6f}")
            fields["longitude"] = Decimal(f"{data['long']:.6f}")
        return fields
