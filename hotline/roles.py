"""Onboarding people: one unit, one role each (used by the admin, add_staff, import_staff).

`unit_refusal` is the one rule of which roles live in which units (SPEC §16). Every way a
person is made checks it, and the ticket selector reads it too: a person who breaks it
(made before the rule, or written straight into the database) sees no ticket at all.
"""

import csv
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import validation as rules
from .models import CENTRE_ROLES, Role, Unit, UnitType, User

# Where a leader may sit: the centre reads the city, a district its district.
LEADER_UNIT_TYPES = {UnitType.CENTRE, UnitType.DISTRICT}


def unit_refusal(role, unit) -> str | None:
    """Why `role` may not belong to `unit`, or None when it may. A blank role needs nothing."""
    if not role:
        return None
    if unit is None:
        return _("角色 %(r)s 须指定所属单位") % {"r": role}
    is_centre = unit.type == UnitType.CENTRE
    if role in CENTRE_ROLES and not is_centre:
        return _("角色 %(r)s 须属于12345热线中心") % {"r": role}
    if role == Role.UNIT_STAFF and is_centre:
        return _("承办人须属于承办单位，而不是热线中心")
    if role == Role.LEADER and unit.type not in LEADER_UNIT_TYPES:
        return _("领导须属于12345热线中心或一个区")
    return None


@dataclass
class StaffRow:
    username: str
    role: str
    unit_code: str
    password: str = ""
    name: str = ""


def validate_row(row: StaffRow) -> Unit:
    if not row.username:
        raise ValidationError(_("用户名不能为空"))
    for text in (row.username, row.name, row.password):
        rules.refuse_forbidden_chars(text)
    if len(row.name) > rules.NAME_MAX or len(row.username) > 150:
        raise ValidationError(_("用户名或姓名过长（姓名最多 %(n)d 字）") % {"n": rules.NAME_MAX})
    if row.role not in Role.values:
        raise ValidationError(
            _("未知角色 %(r)s（可选：%(all)s）") % {"r": row.role, "all": ", ".join(Role.values)}
        )
    unit = Unit.objects.filter(code=row.unit_code).first()
    if unit is None:
        raise ValidationError(_("单位编码 %(c)s 不存在") % {"c": row.unit_code})
    problem = unit_refusal(row.role, unit)
    if problem:
        raise ValidationError(problem)
    if row.password:
        # Django's validators (settings.AUTH_PASSWORD_VALIDATORS), as the admin applies them.
        validate_password(row.password, User(username=row.username, first_name=row.name))
    return unit


def save_staff(row: StaffRow, unit: Unit) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(username=row.username)
    user.unit, user.role = unit, row.role
    user.is_staff = row.role == Role.ADMIN
    user.is_superuser = row.role == Role.ADMIN
    if row.name:
        user.first_name = row.name
    if row.password:
        user.set_password(row.password)
    elif created:
        user.set_unusable_password()
    user.save()
    return user, created


def import_staff_csv(path) -> int:
    """All rows or none: every bad row is reported with its line number."""
    errors, rows = [], []
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = {"username", "role", "unit"} - set(reader.fieldnames or [])
        if missing:
            raise ValidationError(_("缺少列：%(c)s") % {"c": ", ".join(sorted(missing))})
        seen = {}
        for line, raw in enumerate(reader, start=2):
            row = StaffRow(
                username=(raw.get("username") or "").strip(),
                role=(raw.get("role") or "").strip(),
                unit_code=(raw.get("unit") or "").strip(),
                password=(raw.get("password") or "").strip(),
                name=(raw.get("name") or "").strip(),
            )
            try:
                unit = validate_row(row)
                if row.username in seen:
                    raise ValidationError(
                        _("用户名 %(u)s 与第 %(l)s 行重复")
                        % {"u": row.username, "l": seen[row.username]}
                    )
                seen[row.username] = line
                rows.append((row, unit))
            except ValidationError as e:
                errors.append(_("第 %(l)s 行：%(m)s") % {"l": line, "m": "; ".join(e.messages)})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for row, unit in rows:
            save_staff(row, unit)
    return len(rows)
