"""Where a ticket belongs: the street named in its address, and the unit that should lead."""

import re
import time

from hotline.models import Unit, UnitType

_SUFFIXES = re.compile(r"(地区办事处|街道办事处|街道|地区|乡|镇)$")
_cache: dict = {"at": 0.0, "streets": [], "districts": []}


def _short(name: str) -> str:
    short = _SUFFIXES.sub("", name)
    return short if len(short) >= 2 else name


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
        _cache["at"] = time.monotonic()
    return _cache["streets"], _cache["districts"]


def clear_cache():
    _cache["at"] = 0.0


def resolve_address(address: str) -> tuple[int | None, int | None]:
    """(district_id, street_id) matched in a free-text address; None where nothing matches."""
    if not address:
        return None, None
    streets, districts = _directory()
    district_id = next((did for did, key in districts if key in address), None)
    candidates = [(sid, did) for sid, key, did in streets if key in address]
    if district_id is not None:
        in_district = [c for c in candidates if c[1] == district_id]
        candidates = in_district or []
    if candidates:
        street_id, street_district = candidates[0]
        return district_id or street_district, street_id
    return district_id, None


def suggest_unit(ticket) -> Unit | None:
    """The category's duty unit, else the street, else the district government (兜底)."""
    if ticket.category.duty_unit_id:
        return ticket.category.duty_unit
    if ticket.street_id:
        return ticket.street
    if ticket.district_id:
        return ticket.district
    return None
