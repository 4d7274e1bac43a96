"""A Chinese name as it is typed without a Chinese input method, for pickers to match: its
pinyin initials (三里屯街道 → sltjd) and its whole spelling (sanlitunjiedao), as 12306's
station picker reads both."""

import re

from pypinyin import Style, lazy_pinyin


def initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()


def spelling(text: str) -> str:
    """Without tones and separators; ü is written v (绿化 → lvhua), as keyboards type it."""
    return re.sub(r"[^a-z0-9]", "", "".join(lazy_pinyin(text)).lower())
