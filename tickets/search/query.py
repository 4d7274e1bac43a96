"""What a person typed into the search box, sorted into the things a ticket is found by."""

import re
from dataclasses import dataclass, field

from hotline.textsearch import query_terms

# Digits with the separators people type in phone numbers: 010-6512 3456, 138 0013 8000.
_DIGITS = re.compile(r"^\+?[\d\- ]+$")
_NAME = re.compile(r"^[\u3400-\u9fff·]{2,5}$")
# A number with a letter in front (imported or test tickets: B00000012345) is still a number.
_CODE = re.compile(r"^[A-Za-z]{1,3}\d{7,}$")
MAX_QUERY = 100


@dataclass
class Query:
    """`numbers` match a ticket number or a whole phone; `last_four` a phone's last four
    digits; `words` go to the Chinese text search; `name` may be a caller's name."""

    numbers: list[str] = field(default_factory=list)
    last_four: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    name: str = ""

    def __bool__(self):
        return bool(self.numbers or self.last_four or self.words)


def _join_digit_groups(parts):
    """A mobile typed in groups (138 0013 8000) is one phone, not three numbers."""
    out, i = [], 0
    while i < len(parts):
        group = parts[i : i + 3]
        if [len(p) for p in group] == [3, 4, 4] and all(p.isdigit() for p in group):
            if group[0].startswith("1"):
                out.append("".join(group))
                i += 3
                continue
        out.append(parts[i])
        i += 1
    return out


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
    if len(query.words) == 1 and _NAME.match(query.words[0]):
        query.name = query.words[0]
    return query
