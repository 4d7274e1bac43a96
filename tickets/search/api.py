"""Caller history over the API (来电弹屏, SPEC §12, §19): the centre's alone."""

from django.core.exceptions import ValidationError as InvalidPhone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from hotline.api import ErrorSerializer
from hotline.validation import normalize_phone

from ..api.serializers import TicketSerializer
from ..selectors import sees_unmasked_caller
from .selectors import caller_history

HISTORY_LIMIT = 50
# What clean_phone takes, for the schema: 7 to 20 digits (ASCII, or full width as a Chinese
# input method types them) among any other characters but those the input guard refuses
# (hotline.validation) and a slash (it would end the segment).
_DIGIT = "[0-9\uff10-\uff19]"
_OTHER = r"[^0-9\uff10-\uff19\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff/]"
PHONE_PATTERN = rf"^{_OTHER}*({_DIGIT}{_OTHER}*){{7,20}}$"
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def clean_phone(raw: str) -> str:
    """A phone as typed (138-0013-8000, +86 138…, 010-6472 1234-12) as it is stored, or its
    digits; empty when not a phone."""
    raw = raw.translate(_FULL_WIDTH_DIGITS)
    try:
        stored = normalize_phone(raw)  # keeps an extension's dash, as the stored form does
    except InvalidPhone:
        stored = ""
    if stored:
        return stored
    digits = "".join(ch for ch in raw if ch in "0123456789")  # not "²" or "٣": str.isdigit
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if 7 <= len(digits) <= 20 else ""


class CallerTickets(APIView):
    @extend_schema(
        summary=str(_("来电人历史工单（近12个月，未办结在前）")),
        parameters=[
            OpenApiParameter(
                "phone", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=PHONE_PATTERN
            )
        ],
        responses={
            200: TicketSerializer(many=True),
            400: OpenApiResponse(description=str(_("号码格式有误"))),
            403: OpenApiResponse(ErrorSerializer, description=str(_("只有热线中心可以查看"))),
        },
    )
    def get(self, request, phone):
        if not sees_unmasked_caller(request.user):
            raise PermissionDenied(_("只有12345热线中心可以按来电号码查看历史工单"))
        digits = clean_phone(phone)
        if not digits:
            raise ValidationError({"phone": [_("请输入7至20位电话号码")]})
        tickets = caller_history(digits).prefetch_related("participations__unit")
        data = TicketSerializer(
            tickets[:HISTORY_LIMIT], many=True, context={"request": request}
        ).data
        return Response(data)
