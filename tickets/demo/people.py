"""The demo's logins, one or more for every role, and the directory they work in."""

from django.contrib.auth.hashers import make_password

from hotline.models import Category, Role, Unit, User
from hotline.roles import StaffRow, save_staff
from hotline.seeding import seed_calendar, seed_categories, seed_units

from .. import routing
from ..models import Ticket

PASSWORD = "demo12345"

# (username, role, unit code, display name)
CENTRE_LOGINS = [
    ("operator", Role.OPERATOR, "12345", "话务员小王"),
    ("dispatcher", Role.DISPATCHER, "12345", "派单员小李"),
    ("callback", Role.CALLBACK_AGENT, "12345", "回访员小张"),
    ("reviewer", Role.REVIEWER, "12345", "审核员老陈"),
    ("leader", Role.LEADER, "12345", "热线中心主任"),
    ("admin", Role.ADMIN, "12345", "系统管理员"),
    ("leader-cy", Role.LEADER, "110105", "朝阳区领导"),
]
UNIT_LOGINS = [
    ("dhm", "110101001"),  # 东城区东华门街道
    ("hpl", "110101010"),  # 东城区和平里街道
    ("jrj", "110102011"),  # 西城区金融街街道
    ("slt", "110105004"),  # 朝阳区三里屯街道
    ("wj", "110105026"),  # 朝阳区望京街道
    ("zgc", "110108011"),  # 海淀区中关村街道
    ("lgq", "110106017"),  # 丰台区卢沟桥街道
    ("hlg", "110114011"),  # 昌平区回龙观街道
    ("xh", "110112002"),  # 通州区新华街道
    ("yz", "110115004"),  # 大兴区亦庄地区
    ("dongcheng", "110101"),
    ("chaoyang", "110105"),
    ("haidian", "110108"),
    ("dc-cgzf", "110101-CGZF"),
    ("dc-scjg", "110101-SCJG"),
    ("cy-cgzf", "110105-CGZF"),
    ("cy-scjg", "110105-SCJG"),
    ("gas", "C-GAS"),
    ("water", "C-WATER"),
    ("power", "C-POWER"),
    ("heat", "C-HEAT"),
]
DEMO_CENTRE_USERNAMES = [u for u, *_ in CENTRE_LOGINS]

# --- Users -------------------------------------------------------------------------------


def ensure_directory():
    """Seed units, categories and calendar when the directory is empty."""
    if not Unit.objects.exists() or not Category.objects.exists():
        seed_units()
        seed_categories()
    seed_calendar()
    routing.clear_cache()


def ensure_users() -> list[dict]:
    """The demo logins, every role; idempotent. Returns the rows for the printed table."""
    hashed = make_password(PASSWORD)  # one hash for all: PBKDF2 is slow on purpose
    rows = []
    units = {u.code: u for u in Unit.objects.all()}
    logins = [(u, r, c, n) for u, r, c, n in CENTRE_LOGINS]
    logins += [(u, Role.UNIT_STAFF, c, "") for u, c in UNIT_LOGINS]
    for username, role, code, name in logins:
        unit = units.get(code)
        if unit is None:
            continue
        user, _ = save_staff(StaffRow(username, role, code, name=name or unit.name), unit)
        User.objects.filter(pk=user.pk).update(password=hashed)
        rows.append({"username": username, "password": PASSWORD, "role": role, "unit": unit.name})
    return rows


def login_rows() -> list[dict]:
    names = [u for u, *_ in CENTRE_LOGINS] + [u for u, _ in UNIT_LOGINS]
    users = {u.username: u for u in User.objects.filter(username__in=names).select_related("unit")}
    return [
        {
            "username": n,
            "password": PASSWORD,
            "role": users[n].role,
            "unit": users[n].unit.name if users[n].unit else "",
        }
        for n in names
        if n in users
    ]


def demo_tickets_exist() -> bool:
    return Ticket.objects.filter(created_by__username__in=DEMO_CENTRE_USERNAMES).exists()


# --- The generator -----------------------------------------------------------------------
