"""The input rules every way in shares (API, pages, Open311, imports): one place.

Phones, text lengths, the characters text may hold, how deep a JSON body may nest, and the
range of dates and assessment periods a person may type. The API serializers, the page
forms, Open311 and import_staff call these; the input guard middleware applies the
character and nesting rules to every request before any view sees it.
"""

import re
import unicodedata
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- Phones ---------------------------------------------------------------------------------
# Mainland mobile, or a landline: area code, line, extension. Area codes are 010 and 02x
# (eight-digit lines) and 0[3-9]xx (lines of seven or eight digits); 0106 is no area code.
# ASCII digits only ([0-9], not \d, which also takes "١"): what is stored is dialled (NFKC
# first turns a full-width "３" into 3).
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_BIG_AREA, _SMALL_AREA = r"010|02[0-9]", r"0[3-9][0-9]{2}"
_LINE8, _LINE7 = r"[2-9][0-9]{7}", r"[2-9][0-9]{6,7}"
# A landline dictated without its area code is one of the city's own (Beijing's is 010).
LOCAL_AREA_CODE = "010"
_LOCAL_LINE = _LINE8 if re.fullmatch(_BIG_AREA, LOCAL_AREA_CODE) else _LINE7
# An extension as written or said: -12, 转12, 分机12 (stored -12).
_EXT = r"(?:-|转|分机)[0-9]{1,6}"
_LANDLINE = (
    rf"(?:(?P<big>{_BIG_AREA})-?(?P<line8>{_LINE8})"
    rf"|(?P<small>{_SMALL_AREA})-?(?P<line7>{_LINE7})"
    rf"|(?P<local>{_LOCAL_LINE}))"
)
LANDLINE = re.compile(rf"^{_LANDLINE}(?P<ext>{_EXT})?$")
# For the OpenAPI schema: a number as it is typed (spaces and brackets of a dictated number,
# a country code and dashes between groups are also taken, and dropped), or empty where the
# phone is optional.
PHONE_PATTERN = rf"^$|{MOBILE.pattern}|^{re.sub(r'[?]P<[a-z0-9]+>', '', _LANDLINE)}({_EXT})?$"
PHONE_MAX = 20
PHONE_MESSAGE = _(
    "电话号码格式不正确：手机号为11位（1开头），固话为区号加7-8位号码（010、02x为8位）"
)
_COUNTRY = re.compile(r"^(?:\+|00)86-?")


def _regrouped(phone: str) -> str:
    """A number said in groups with dashes (138-0013-8000, 010-6472-1234, 6472-1234-12) as
    one: a dash stays only after an area code and before an extension, where one fits."""
    parts = phone.split("-")
    if len(parts) < 3 or not all(part.isdigit() for part in parts):
        return phone  # one dash is an area code's or an extension's, as it was typed
    first, middle, last = parts[0], "".join(parts[1:-1]), parts[-1]
    for said in (
        f"{first}{middle}{last}",
        f"{first}-{middle}{last}",
        f"{first}-{middle}-{last}",
        f"{first}{middle}-{last}",
    ):
        if MOBILE.match(said) or LANDLINE.match(said):
            return said
    return phone


def normalize_phone(value: str) -> str:
    """The one stored form of a dictated number, or ValidationError; "" stays "".

    A number is stored one way however it was said, so that search and the caller's
    history find it: no spaces, brackets, group dashes or country code (+86, 0086); a
    landline always with its area code and no dash after it (010-6472 1234, 010-6472-1234
    and 64721234 are 01064721234); an extension keeps its dash (01064721234-12, also from
    转12 or 分机12).
    """
    phone = re.sub(r"[\s()]", "", unicodedata.normalize("NFKC", value or ""))
    country = _COUNTRY.match(phone)
    if country:  # +86 138…, +86 10 6472 1234: the area code then loses its leading 0
        rest = phone[country.end() :]
        phone = rest if MOBILE.match(_regrouped(rest)) or rest.startswith("0") else "0" + rest
    phone = _regrouped(phone)
    if not phone or MOBILE.match(phone):
        return phone
    landline = LANDLINE.match(phone)
    if not landline:
        raise ValidationError(PHONE_MESSAGE, code="phone")
    area = landline["big"] or landline["small"] or LOCAL_AREA_CODE
    line = landline["line8"] or landline["line7"] or landline["local"]
    extension = landline["ext"] or ""
    return area + line + ("-" + extension.lstrip("-转分机") if extension else "")


def phone_forms(typed: str) -> list[str]:
    """The stored forms a run of digits typed into a search box may have: itself (a ticket
    number), and its normalized form when it is a phone (64721234 → also 01064721234)."""
    forms = [typed]
    # a search box drops the "+" of +86…, so 86 followed by a mobile is read as one too
    for said in (typed, "+" + typed) if typed.startswith("86") else (typed,):
        try:
            stored = normalize_phone(said)
        except ValidationError:
            continue
        if stored and stored not in forms:
            forms.append(stored)
    return forms


# --- Text -----------------------------------------------------------------------------------
NAME_MAX = 50  # a caller's or a person's name
ADDRESS_MAX = 200
SHORT_TEXT_MAX = 200  # one-line reasons (e.g. why the urgency was changed)
CONTENT_MAX = 4000  # what the caller said; the answer given
NOTE_MAX = 2000  # notes, reasons, replies, review opinions

# C0 controls other than tab, newline and carriage return (browsers send CRLF); lone
# surrogates and the two non-characters no XML document or PostgreSQL text can carry.
FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FORBIDDEN_MESSAGE = _("含有不允许的控制字符")


def has_forbidden_chars(value: str) -> bool:
    return bool(FORBIDDEN_CHARS.search(value))


def refuse_forbidden_chars(value):
    if isinstance(value, str) and has_forbidden_chars(value):
        raise ValidationError(FORBIDDEN_MESSAGE, code="control_character")


# --- JSON bodies ------------------------------------------------------------------------------
JSON_MAX_DEPTH = 20
DEPTH_MESSAGE = _("JSON 嵌套过深（最多 %(n)d 层）")


# --- Dates ------------------------------------------------------------------------------------
RECEIVED_MAX_AGE = timedelta(days=366)  # older calls are archived elsewhere, not typed in
CLOCK_SKEW = timedelta(minutes=5)  # a softphone's clock may run a little ahead


def validate_received_at(value, now=None):
    """When a call came in: within the last year and not in the future."""
    now = now or timezone.now()
    if value > now + CLOCK_SKEW:
        raise ValidationError(_("受理时间不能晚于当前时间"), code="future")
    if value < now - RECEIVED_MAX_AGE:
        raise ValidationError(_("受理时间不能早于一年前"), code="too_old")
    return value


# --- Assessment periods -----------------------------------------------------------------------
PERIOD_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"
PERIOD_MESSAGE = _("考核周期须为 YYYY-MM 格式（2000–2099 年）")


# --- The schema says it too -------------------------------------------------------------------
_ALLOWED = "[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]"
TEXT_PATTERN = f"^{_ALLOWED}*$"
# Text that may not be blank: DRF strips surrounding whitespace (U+00A0 and U+3000 too)
# before it checks, so one character other than whitespace is what is asked.
NONBLANK_TEXT_PATTERN = (
    f"^{_ALLOWED}*[^\\s\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]{_ALLOWED}*$"
)
_SKIP_FORMATS = {"binary", "byte", "date", "date-time", "time", "uri", "email", "uuid"}


def schema_text_rule(result, generator, request, public):
    """drf-spectacular hook: every free text in the OpenAPI schema states the character rule
    the input guard enforces, so clients (and schemathesis) know it."""

    def visit(node):
        if isinstance(node, dict):
            if (
                node.get("type") == "string"
                and "enum" not in node
                and "pattern" not in node
                and node.get("format") not in _SKIP_FORMATS
                and not node.get("readOnly")
            ):
                blank = node.get("minLength", 0) < 1
                node["pattern"] = TEXT_PATTERN if blank else NONBLANK_TEXT_PATTERN
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result.get("components", {}).get("schemas", {}))
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict):
                visit(operation.get("parameters", []))
                visit(operation.get("requestBody", {}))
    return result
