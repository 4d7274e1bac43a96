"""Onboarding people: one unit, one role each (used by add_staff and import_staff)."""

import csv
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import CENTRE_ROLES, Role, Unit, UnitType, User


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
    if row.role not in Role.values:
        raise ValidationError(
            _("未知角色 %(r)s（可选：%(all)s）") % {"r": row.role, "all": ", ".join(Role.values)}
        )
    unit = Unit.objects.filter(code=row.unit_code).first()
    if unit is None:
        raise ValidationError(_("单位编码 %(c)s 不存在") % {"c": row.unit_code})
    is_centre = unit.type == UnitType.CENTRE
    if row.role in CENTRE_ROLES and not is_centre:
        raise ValidationError(_("角色 %(r)s 须属于12345热线中心") % {"r": row.role})
    if row.role == Role.UNIT_STAFF and is_centre:
        raise ValidationError(_("承办人须属于承办单位，而不是热线中心"))
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
