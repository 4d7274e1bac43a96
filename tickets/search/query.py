"""What a person typed into the search box, sorted into the things a ticket is found by."""

import re
from dataclasses import dataclass, field

from hotline.textsearch import query_terms
from hotline.validation import LANDLINE, MOBILE, phone_forms

# Digits with the separators people type in phone numbers: 010-6512 3456, 138 0013 8000.
_DIGITS = re.compile(r"^\+?[\d\- ]+$")
_NAME = re.compile(r"^[\u3400-\u9fff·]{2,5}$")
# A number with a letter in front (imported or test tickets: B00000012345) is still a number.
_CODE = re.compile(r"^[A-Za-z]{1,3}\d{7,}$")
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

    def __bool__(self):
        return bool(self.numbers or self.last_four or self.words)


def _join_digit_groups(parts):
    """A phone typed in groups (138 0013 8000, 010 6472 1234, +86 138 0013 8000) is one
    phone, not several numbers: two to four neighbouring runs of digits join when together
    they make a mobile or a landline with its area code."""
    out, i = [], 0
    while i < len(parts):
        for n in (4, 3, 2):
            group = parts[i : i + n]
            joined = "".join(group).replace("-", "")
            if len(group) == n and joined.isdigit() and _is_whole_phone(joined):
                out.append(joined)
                i += n
                break
        else:
            out.append(parts[i])
            i += 1
    return out


def _is_whole_phone(digits):
    """A mobile or a landline with its area code, with or without China's 86 before it."""
    if digits.startswith("86") and len(phone_forms(digits)) > 1:
        return True
    return bool(MOBILE.match(digits)) or (digits.startswith("0") and bool(LANDLINE.match(digits)))


def parse(text: str) -> Query:
    """Every part must match: a 4-digit part is a phone's last four (or a word), a longer
    run of digits a ticket number or a whole phone, anything else words of the text."""
    text = (text or "").strip()[:MAX_QUERY]
    query = Query()
    parts = [p.strip("+") for p in text.replace("，", " ").replace(",", " ").split()]
    for part in _join_digit_groups([p for p in parts if p]):
        digits = part.replace("-", "")
        if _DIGITS.match(part) and digits.isdigit():
            if len(digits) == 4:
                query.last_four.append(digits)
                continue
            if len(digits) >= 7:
                query.numbers.append(digits)
                continue
        if _CODE.match(part):
            query.numbers.append(part.upper())
            continue
        if query_terms(part):
            query.words.append(part)
    query.names = [word for word in query.words if _NAME.match(word)]
    return query
