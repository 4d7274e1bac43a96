"""A Chinese name as it is typed without a Chinese input method, for pickers to match: its
pinyin initials (三里屯街道 → sltjd) and its whole spelling (sanlitunjiedao), as 12306's
station picker reads both."""

import re

from pypinyin import Style, lazy_pinyin, load_phrases_dict, load_single_dict

# Beijing's place names as they are read, where pypinyin's everyday reading differs (found
# by an audit: 长辛店 was zhangxindian, 朝阳门 zhaoyangmen). Set once for the process.
load_single_dict({ord("长"): "cháng,zhǎng"})  # 长安, 长辛店, 长阳, 长沟, 长椿街
load_phrases_dict(
    {
        "朝阳": [["cháo"], ["yáng"]],  # the district and 朝阳门, not the morning sun
        "长子营": [["cháng"], ["zǐ"], ["yíng"]],
    }
)


INITIALS_LENGTH = 60  # Unit.pinyin and Category.pinyin; pickers match initials from the start


def initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()[:INITIALS_LENGTH]


def spelling(text: str) -> str:
    """Without tones and separators; ü is written v (绿化 → lvhua), as keyboards type it."""
    return re.sub(r"[^a-z0-9]", "", "".join(lazy_pinyin(text)).lower())
