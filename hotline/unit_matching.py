"""Which units a picker's typed text names, and in what order (SPEC §12: a name, pinyin
initials or spelling, or a code; everyday abbreviations such as 城管; a district typed
first)."""

import re
import time
import unicodedata

from django.db.models import Case, Q, Value, When
from django.db.models.functions import Concat

from .models import Unit, UnitType
from .pinyin import initials as _initials
from .pinyin import spelling as _spelling

# Everyday abbreviations of the words in departments' names (城管 for 城市管理综合行政执法).
# Short and factual: what callers and dispatchers say, and the name they stand for.
ABBREVIATIONS = {
    "城管执法": "城市管理综合行政执法",
    "城管委": "城市管理委员会",
    "城管": "城市管理综合行政执法",
    "市场监管": "市场监督管理",
    "市监": "市场监督管理",
    "住建": "住房和城乡建设",
    "交委": "交通委员会",
    "环保": "生态环境",
    "卫健": "卫生健康",
    "人社": "人力资源和社会保障",
    "规自": "规划和自然资源",
}


def _replacer(table):
    keys = sorted(table, key=len, reverse=True)  # 城管执法 before 城管
    pattern = re.compile("|".join(re.escape(k) for k in keys))
    return lambda text: pattern.sub(lambda m: table[m.group(0)], text)


_expand_name = _replacer(ABBREVIATIONS)
_expand_initials = _replacer({_initials(k): _initials(v) for k, v in ABBREVIATIONS.items()})
_expand_spelling = _replacer({_spelling(k): _spelling(v) for k, v in ABBREVIATIONS.items()})
_CITY = ("北京市", "北京")  # what municipal units' names start with
_places: dict = {"at": 0.0, "rows": []}


def _place_keys():
    """(district code or None, key) of what may start a typed text: 朝阳区, 朝阳, cyq, cy,
    chaoyang.

    Sixteen districts, cached by code (codes outlive a re-seeded test database's ids).
    """
    if time.monotonic() - _places["at"] > 300:
        rows = [(None, key) for name in _CITY for key in (name, _initials(name), _spelling(name))]
        for code, name, pinyin, spelling in Unit.objects.filter(
            type=UnitType.DISTRICT, active=True
        ).values_list("code", "name", "pinyin", "spelling"):
            rows += [(code, name), (code, pinyin), (code, spelling)]
            if name.endswith("区") and len(name) > 2:  # 朝阳, cy, chaoyang
                rows += [(code, name[:-1]), (code, pinyin[:-1]), (code, spelling[:-2])]
        _places["rows"] = sorted(rows, key=lambda row: -len(row[1]))
        _places["at"] = time.monotonic()
    return _places["rows"]


# What people add to a street's or a town's name: its office (三里屯街道办事处, 街道办) or
# government (大兴庄镇人民政府); or type apart (三里屯 街道).
_OFFICE = re.compile(r"(?<=街道|地区)办(事处)?$|(?<=[乡镇])(人民)?政府$")
_OFFICE_SPELT = re.compile(
    r"(?:(?<=jiedao)|(?<=diqu))ban(shichu)?$|(?:(?<=xiang)|(?<=zhen))(renmin)?zhengfu$"
)


def _forms(text):
    """What a typed text may stand for: itself and its abbreviations written out, as
    (names, letters); letters are read as pinyin initials and as a spelling."""
    # NFKC: full-width ＳＡＮＬＩＴＵＮ; apostrophes part pinyin syllables (chang'an)
    text = re.sub(r"[\s'’]+", "", unicodedata.normalize("NFKC", text))
    text = _OFFICE.sub("", text) or text
    names = list(dict.fromkeys([text, _expand_name(text)]))
    low = _OFFICE_SPELT.sub("", text.lower()) or text.lower()
    letters = [low, _expand_initials(low), _expand_spelling(low)]  # cgzf, chengguan
    initials = list(dict.fromkeys(letters)) if low.isascii() and low.isalnum() else []
    return names, initials


DISTRICT_PREFIX = ("district__name", "district__pinyin", "district__spelling")


def _starts(names, letters, prefix=None):
    """Name, initials or spelling start with one of the forms (letters: initials or
    spelling, sltjd or sanlitun), after `prefix` (DISTRICT_PREFIX) if given."""
    q = Q()
    for n in names:
        q |= Q(name__startswith=Concat(prefix[0], Value(n)) if prefix else n)
    for p in letters:
        q |= Q(pinyin__startswith=Concat(prefix[1], Value(p)) if prefix else p)
        q |= Q(spelling__startswith=Concat(prefix[2], Value(p)) if prefix else p)
    return q


def _after_city(names, letters):
    """Municipal units whose name goes on from 北京市 or 北京 with the text (燃气 → 北京市燃气
    集团; rq, ranqi as its initials or spelling)."""
    q = Q()
    for city in _CITY:
        spelt = [key + p for key in (_initials(city), _spelling(city)) for p in letters]
        q |= _starts([city + n for n in names], spelt)
    return Q(district__isnull=True) & q


def unit_match(value):
    """(filter, rank) of the units a picker's text names; rank 0 is best.

    0 the exact code; 1 a name, initials, spelling (sanlitun) or code that starts with the
    text (or with its abbreviations written out); 2 a name's part: what follows the unit's
    district or 北京市 (城管 → 朝阳区|城市管理综合行政执法局, rq → 北京市|燃气集团),
    or a district typed first and the rest within it (朝阳城管, cycg, 朝阳望京); 3 a name
    containing the text (or its spelling: dianli); 4 initials containing it (怀柔区 hrq
    contains rq: an accident, so last).
    """
    names, initials = _forms(value)
    exact = Q(code=value.upper())
    start = _starts(names, initials) | Q(code__startswith=value.upper())
    part = _starts(names, initials, DISTRICT_PREFIX)
    part |= _after_city(names, initials)
    for code, key in _place_keys():
        rest = value[len(key) :] if value.lower().startswith(key) else ""
        if not rest.strip():
            continue
        r_names, r_initials = _forms(rest.strip())
        within = Q(district__code=code) if code else Q(district__isnull=True)
        within_part = _starts(r_names, r_initials)
        within_part |= _starts(r_names, r_initials, DISTRICT_PREFIX)
        if code is None:  # beijingranqi: the rest after the city said without 市
            within_part |= _after_city(r_names, r_initials)
        for n in r_names:
            within_part |= Q(name__contains=n)
        part |= within & within_part
    inside = Q()
    for n in names:
        inside |= Q(name__contains=n)
    for p in initials:
        if len(p) >= 4:  # a whole syllable or two inside a name: dianli, 国网北京市电力公司
            inside |= Q(spelling__contains=p)
    accident = Q()
    for p in initials:
        accident |= Q(pinyin__contains=p)
    rank = Case(
        When(exact, then=Value(0)),
        When(start, then=Value(1)),
        When(part, then=Value(2)),
        When(inside, then=Value(3)),
        default=Value(4),
    )
    return exact | start | part | inside | accident | Q(code__contains=value.upper()), rank
