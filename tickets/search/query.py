"""What a person typed into the search box, sorted into the things a ticket is found by."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from hotline.textsearch import query_terms
from hotline.validation import MOBILE, normalize_phone

# Digits with the separators people type in phone numbers: 010-6512 3456, 138 0013 8000.
# ASCII digits only: "٣٤٥٦" is no phone's last four (NFKC already made "３" a 3).
_DIGITS = re.compile(r"^\+?[0-9\- ]+$")
# The middle dots a transliterated name is written with (阿依古丽·买买提, •, ・, ‧).
NAME_DOTS = "·•・‧∙⋅."  # the last three typed for want of the first
# A caller's name as the centre types it: Han characters (any plane), with a middle dot.
_NAME = re.compile(rf"^[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f{NAME_DOTS}]{{2,20}}$")
# A ticket's number read out in groups (261206 00327): YYMMDD and the day's serial.
_TICKET_NUMBER = re.compile(r"^[0-9]{11}$")
# A number with a letter in front (imported or test tickets: B00000012345) is still a number.
_CODE = re.compile(r"^[A-Za-z]{1,3}[0-9]{7,}$")
# What people paste around a number (工单编号26120700002，手机号 138…，尾号5089, No.…): the
# number alone is meant. An extension said 转 or 分机 is the stored dash (01064721234-12).
_NUMBER_LABEL = re.compile(
    r"(?:工单编号|工单号|受理编号|编号|单号|联系电话|电话号码|电话|手机号码|手机号|手机|号码|尾号"
    r"|(?<![a-z])no\.?|(?<![a-z])tel|#)[:：]?\s*(?=\+?[0-9]{3}[0-9*])",  # 138****2222 too
    re.IGNORECASE,
)
_NUMBER_SUFFIX = re.compile(r"(?<=[0-9]{7})号")  # 26120700002号, not 19号楼
_EXTENSION_WORD = re.compile(r"(?<=[0-9])(?:转|分机)(?=[0-9])")
MAX_QUERY = 100


@dataclass
class Query:
    """`numbers` match a ticket number or a whole phone; `last_four` a phone's last four
    digits; `words` go to the Chinese text search; `names` are the words that may be a
    caller's name (宋女士 锦绣园: the caller 宋女士 at 锦绣园, or both words in the text)."""

    numbers: list[str] = field(default_factory=list)
    last_four: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    # phones as texts and unit pages show them (138****2222): (first three, last four)
    masked: list[tuple[str, str]] = field(default_factory=list)

    def __bool__(self):
        return bool(self.numbers or self.last_four or self.words or self.masked)


def _join_digit_groups(parts):
    """A phone typed in groups (138 0013 8000, 010 6472 1234, +86 138 0013 8000, 6512 3456)
    is one phone, and a ticket's number read out in groups one number: two to four
    neighbouring runs of digits join when together they make one."""
    out, i = [], 0
    while i < len(parts):
        for n in (4, 3, 2):
            group = parts[i : i + n]
            joined = "".join(group)  # an extension's dash stays: 010 64721234-12
            if len(group) == n and _DIGITS.match(joined) and _is_one_number(joined):
                out.append(joined)
                i += n
                break
        else:
            out.append(parts[i])
            i += 1
    return out


def _is_one_number(joined):
    digits = joined.replace("-", "")
    if _TICKET_NUMBER.match(digits):
        return True
    return _is_whole_phone(digits, typed_apart=True) or _is_whole_phone(joined, typed_apart=True)


def _is_whole_phone(digits, *, typed_apart=False):
    """A mobile or a landline with its area code, with or without 86 or 0086 before it; a
    local landline (6512 3456) too when typed in groups, since one run of 7-8 digits may be
    anything."""
    for said in (digits, "+" + digits) if digits.startswith("86") else (digits,):
        try:
            stored = normalize_phone(said)
        except ValidationError:
            continue
        if MOBILE.match(stored) or said[:1] in ("0", "+") or typed_apart:
            return True
    return False


def _phone_with_extension(part):
    """01064721234-12 as it is stored (its dash kept), or None: the digits alone are no
    phone anyone has."""
    try:
        stored = normalize_phone(part)
    except ValidationError:
        return None
    return stored if "-" in stored else None


# A phone as a unit sees it masked (138****2222), pasted back into the search box, maybe
# typed in groups (138 **** 2222, 138-****-2222).
# 139****5678, or a line's with its extension (010****1234-12, mask_phone's)
_MASKED_PHONE = re.compile(
    r"(?P<line>[0-9]{3}[\s-]*\*{4}[\s-]*[0-9]{4})(?P<extension>-[0-9]{1,6})?"
)
_LAST_FOUR_SAID = re.compile(r"尾号[:：]?\s*[0-9]{4}")


def name_forms(name: str) -> list[str]:
    """A transliterated name with each middle dot it may have been stored with."""
    dots = [dot for dot in NAME_DOTS if dot in name]
    if not dots:
        return [name]
    return [name.replace(dots[0], dot) for dot in NAME_DOTS]


def names_a_phone(text: str) -> bool:
    """The query holds a caller's phone, whole or masked: what only the centre may search
    by (a ticket's number is never one: it starts with the year, 2x)."""
    text = unicodedata.normalize("NFKC", text or "")
    if _MASKED_PHONE.search(text) or _LAST_FOUR_SAID.search(text):
        return True
    phones = (n for n in parse(text).numbers if n.replace("-", "").isdigit())
    # 8613912345678 and a local 64721234 too: whatever the phone rule takes
    return any(
        not (_TICKET_NUMBER.match(n) and n[0] not in "01")  # numbers begin with the year
        and _is_whole_phone(n, typed_apart=True)
        for n in phones
    )


def parse(text: str) -> Query:
    """A 4-digit part is a phone's last four (or a word), a longer run of digits a ticket
    number or a whole phone, anything else words of the text (search_condition: how they
    combine)."""
    # NFKC: what a Chinese input method types full width (１３８, （010）, ，) is ASCII
    text = unicodedata.normalize("NFKC", text or "").strip()[:MAX_QUERY]
    text = _MASKED_PHONE.sub(
        lambda m: re.sub(r"[\s-]", "", m["line"]) + (m["extension"] or ""), text
    )
    text = _NUMBER_SUFFIX.sub(" ", _NUMBER_LABEL.sub(" ", _EXTENSION_WORD.sub("-", text)))
    query = Query()
    parts = [p.strip("+") for p in re.sub(r"[,()]", " ", text).split()]
    for part in _join_digit_groups([p for p in parts if p]):
        if masked := _MASKED_PHONE.fullmatch(part):
            query.masked.append((part[:3], masked["line"][-4:]))  # the main line's
            continue
        digits = part.replace("-", "")
        if _DIGITS.match(part) and digits.isdigit():  # (_DIGITS: ASCII only)
            if len(digits) == 4:
                query.last_four.append(digits)
                continue
            if len(digits) >= 7:
                query.numbers.append(_phone_with_extension(part) or digits)
                continue
        if _CODE.match(part):
            query.numbers.append(part.upper())
            continue
        if query_terms(part):
            query.words.append(part)
    query.names = [word for word in query.words if _NAME.match(word)]
    return query
