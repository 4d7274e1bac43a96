"""What the public Open311 feed may say (SPEC §16): no caller, free text only when an admin
publishes it and then masked, coordinates to about 100 m."""

import re
from decimal import ROUND_HALF_UP, Decimal

from ..selectors import mask_phone

# ID cards first (18 digits, or the old 15): their digits must not be read as a phone.
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# Mobiles as people type them (13812345678, 138 1234 5678, 138-1234-5678, +86 …) and
# landlines with an area code (010-12345678, 010 1234 5678).
_PHONE = re.compile(
    r"(?<!\d)(?:\+?86[ -]?)?(1[3-9]\d(?:[ -]?\d{4}){2}|0\d{2,3}[ -]?\d{3,4}[ -]?\d{4})(?!\d)"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
COORDINATE_STEP = Decimal("0.001")  # three decimals: about 100 m


def _mask_phone(match) -> str:
    return mask_phone(re.sub(r"\D", "", match.group(1)))


def _mask_id(match) -> str:
    number = match.group(1)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


def _mask_email(match) -> str:
    local, domain = match.group(0).split("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_personal(text: str, *, caller_name: str = "", caller_phone: str = "") -> str:
    """Text with phone numbers, ID-card numbers, e-mail addresses and the caller's name masked."""
    if not text:
        return text or ""
    if caller_phone:
        text = text.replace(caller_phone, mask_phone(caller_phone))
    name = (caller_name or "").strip()
    if len(name) >= 2:
        text = text.replace(name, name[0] + "*" * (len(name) - 1))
    text = _ID_CARD.sub(_mask_id, text)
    text = _PHONE.sub(_mask_phone, text)
    return _EMAIL.sub(_mask_email, text)


def rounded(value) -> float | None:
    """A coordinate to three decimals, or None."""
    if value is None:
        return None
    return float(Decimal(value).quantize(COORDINATE_STEP, rounding=ROUND_HALF_UP))
