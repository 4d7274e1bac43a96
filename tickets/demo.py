"""Months of realistic demo tickets, written through the actions with back-dated `now=`.

Every ticket is a small scenario (a generator) that yields the moment of its next step. A
scheduler runs all steps of all tickets in time order, and the deadline sweep every
simulated hour, so histories, deadlines, overdue flags and callbacks are what the real
system would have produced. Steps later than now are simply not taken: those tickets are
still open today.

A year of history in about a minute: the last month is a full working month (enquiries,
transfers, repeats, every showcase scenario); the eleven before it carry only the tickets that
are counted in the three rates — the dispatched ones, each still walked through every real
action — at a lower daily rate that rises towards today. Fewer tickets, each a complete
honest life, rather than a bulk insert that would bypass the lifecycle table. Two
street-and-category hot spots grow over the last four months (每月一题 candidates).
"""

import heapq
import itertools
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from hotline.knowledge.seeding import articles_for_category
from hotline.models import Category, Role, Unit, UnitType, User
from hotline.roles import StaffRow, save_staff
from hotline.seeding import seed_calendar, seed_categories, seed_units

from . import actions as act
from . import routing
from .guards import Refused, refusal
from .lifecycle import OPEN_STATES
from .models import Channel, Kind, Status, Ticket
from .sweep import sweep_deadlines

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

# --- Text material -----------------------------------------------------------------------

ROADS = {
    "110101": ["东四北大街", "和平里西街", "东直门内大街", "崇文门外大街", "王府井大街"],
    "110102": ["西单北大街", "金融大街", "德胜门外大街", "广安门内大街", "阜成门内大街"],
    "110105": ["工体北路", "建国路", "朝阳北路", "望京街", "酒仙桥路", "劲松路"],
    "110106": ["丰台北路", "马家堡东路", "卢沟桥路", "丽泽路", "方庄路"],
    "110107": ["石景山路", "鲁谷路", "八角北路", "古城大街", "苹果园路"],
    "110108": ["中关村大街", "学院路", "北四环西路", "上地信息路", "清河中街", "成府路"],
    "110109": ["新桥大街", "滨河路", "石龙北路", "双峪路"],
    "110111": ["拱辰大街", "苏庄大街", "京周路", "长阳路"],
    "110112": ["新华大街", "玉桥中路", "梨园南街", "九棵树东路", "运河东大街"],
    "110113": ["府前街", "新顺南大街", "光明南街", "顺平路"],
    "110114": ["回龙观西大街", "立汤路", "政府街", "鼓楼南街", "北清路"],
    "110115": ["兴华大街", "黄村西大街", "荣华南路", "旧宫东路", "西红门路"],
    "110116": ["青春路", "府前街", "迎宾路", "雁栖大街"],
    "110117": ["新平北路", "林荫北街", "府前街", "平翔路"],
    "110118": ["鼓楼大街", "新东路", "滨河路", "宾阳路"],
    "110119": ["妫水北街", "东外大街", "高塔路", "庆园街"],
}
ESTATES = ["阳光小区", "幸福家园", "和平里小区", "金地花园", "富力城", "北苑家园", "锦绣园"]
ESTATES += ["建设里", "朝晖嘉园", "新华里", "翠微小区", "康城花园", "馨园小区", "明珠苑"]
VILLAGES = ["东村", "西村", "南庄村", "北坞村", "大营村", "后街村", "前进村"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"

# One template per level-1 area: {leaf} the category, {place} the spot.
CONTENT = {
    "CX": [
        "来电人反映{place}存在{leaf}问题，已持续多日，多次联系物业未解决，希望尽快处理。",
        "市民反映{place}{leaf}，影响居民正常生活和安全，要求相关单位到场核实处理。",
    ],
    "ZF": ["来电人反映{place}{leaf}问题，与对方协商无果，希望相关部门协调解决。"],
    "CG": [
        "市民反映{place}附近{leaf}，尤其早晚时段严重，影响周边居民休息，希望尽快治理。",
        "来电人反映{place}{leaf}问题长期存在，希望城管部门加强巡查、及时处理。",
    ],
    "SZ": ["来电人反映{place}{leaf}，存在安全隐患，过往行人车辆较多，要求尽快维修。"],
    "JT": ["来电人反映{place}{leaf}问题，给出行带来不便，希望有关部门加强管理。"],
    "GG": [
        "来电人反映{place}{leaf}，已影响家中正常生活，联系企业客服未果，要求尽快处理。",
        "市民反映{place}出现{leaf}情况，涉及整栋楼住户，希望尽快派人抢修。",
    ],
    "SC": ["来电人反映在{place}一商户处遇到{leaf}问题，与商家协商未果，要求依法处理。"],
    "LD": ["来电人反映其在{place}附近一单位务工，遇到{leaf}问题，希望劳动部门帮助维权。"],
    "HB": ["市民反映{place}周边{leaf}问题突出，气味刺鼻，影响居民健康，要求查处。"],
    "WS": ["来电人反映{place}附近医疗卫生机构存在{leaf}问题，希望卫生部门核实处理。"],
    "JY": ["家长来电反映{place}附近学校或机构存在{leaf}问题，希望教育部门给予答复。"],
    "GA": ["来电人反映{place}存在{leaf}问题，担心发生危险，希望相关部门及时处置。"],
    "NY": ["村民反映{place}{leaf}问题，希望镇政府和村委会依法公开、妥善解决。"],
    "ZW": ["来电人反映在办理{leaf}相关事项时遇到困难（{place}），希望得到帮助。"],
    "QT": ["来电人就{place}的{leaf}事项提出意见，希望有关单位研究采纳。"],
}
ENQUIRY = [
    "来电人咨询{leaf}的办理条件、所需材料和办理地点。",
    "市民咨询{leaf}相关政策，话务员依据知识库当即解答。",
    "来电人咨询{leaf}的办理进度查询方式。",
]
ANSWERS = [
    "已依据知识库告知办理条件、所需材料及线上办理渠道，来电人表示清楚。",
    "已告知相关政策规定及咨询电话，来电人无其他诉求。",
    "已告知可通过北京通App或政务服务网查询办理，来电人表示满意。",
]
REPLIES = {
    "solved": "已联系诉求人并到现场核实，{leaf}问题已处理完毕，诉求人表示认可。",
    "partly_solved": "已到现场核实，{leaf}问题已部分整改，剩余事项已列入计划持续跟进。",
    "explained": "经核实，{leaf}问题受客观条件限制暂无法解决，已向诉求人做好解释说明。",
}
EMERGENCIES = [
    ("120", "GA.ZA.ZA", "来电人称{place}有老人突然晕倒，情况紧急，已转120急救处置。"),
    ("110", "GA.ZA.ZA", "来电人称{place}有人发生肢体冲突，已转110处置。"),
    ("122", "JT.XH.YD", "来电人称{place}路口发生两车剐蹭事故，已转122处置。"),
    ("119", "GA.XF.TD", "来电人称{place}楼道内冒烟疑似起火，已转119处置。"),
]

# Relative weight of each level-1 area among actionable tickets, and among enquiries.
AREA_WEIGHT = {"CX": 16, "ZF": 7, "CG": 15, "SZ": 7, "JT": 9, "GG": 8, "SC": 9, "LD": 7}
AREA_WEIGHT |= {"HB": 5, "WS": 4, "JY": 4, "GA": 4, "NY": 2, "ZW": 4, "QT": 2}
ENQUIRY_AREAS = {"ZW": 20, "LD": 14, "GA": 10, "JY": 9, "ZF": 9, "JT": 9, "WS": 8, "GG": 7}
ENQUIRY_AREAS |= {"SC": 5, "CX": 5, "QT": 4}
# Categories whose tickets go to a department rather than the street: area -> dept kind.
DEPT_AREAS = {"SC": "scjg", "LD": "rsh", "WS": "wsjk", "JY": "jy"}
DEPT_LEAVES = {"GA.HJ.HK": "ga", "GA.HJ.JZ": "ga", "JT.GJ.DT": "jt", "JT.GJ.XL": "jt"}
DEPT_LEAVES |= {"JT.CZ.WY": "jt", "JT.CZ.FW": "jt", "ZF.SP.JF": "zj", "ZF.SP.ZL": "zj"}

# (district, street, leaf, road): matters that grow over the last months, so the monthly
# one-problem (每月一题) analysis has something real to find.
HOTSPOTS = [
    ("110105", "110105026", "CG.ZY.SG", "望京街"),  # 望京: construction noise at night
    ("110108", "110108011", "JT.DC.LT", "中关村大街"),  # 中关村: shared bikes everywhere
]
# Share of a month's tickets that each hot spot takes, by months before now.
HOTSPOT_SHARE = {3: 0.015, 2: 0.03, 1: 0.05, 0: 0.07}

HOUR_WEIGHTS = [1, 1, 0, 0, 0, 1, 2, 5, 9, 11, 11, 9, 7, 8, 10, 10, 9, 8, 7, 8, 8, 6, 4, 2]


def _seasonal(code: str, day) -> float:
    """Heating complaints come with the heating season (from 15 November); storms in summer."""
    if code.startswith("CX.GN"):
        if (day.month, day.day) >= (11, 15) or day.month in (12, 1, 2, 3):
            return 10.0
        return 1.5 if day.month == 11 else 0.1
    if code in ("SZ.PS.JS", "SZ.PS.WS", "GG.GD.TD", "CG.LH.DF") and day.month in (7, 8):
        return 4.0
    if code in ("JY.RX.XW", "JY.RX.YE") and day.month in (8, 9):
        return 3.0
    return 1.0


# Scenarios every run must show, forced in rotation so even a small run has each one.
# They start no later than SHOWCASE_LEAD before today: time enough for a level-3 ticket's
# 7 working days (longer over a holiday), an extension asked late in them and reviewed.
SHOWCASE_LEAD = timedelta(days=16)
SHOWCASE = [
    {"ret": "accept"},
    {"ret": "reject"},
    {"whistle": True},
    {"whistle": True, "late_report_in": True},
    {"extend": "approve"},
    {"extend": "refuse"},
    {"claim": "confirm"},
    {"claim": "reject"},
    {"appeal": "uphold"},
    {"appeal": "reject"},
    {"never_sign": True},
    {"late_reply": True},
    {"reopen": True, "force_unsolved": True},
    {"co": True},
]


@dataclass
class Stats:
    tickets: int = 0
    by_kind: dict = field(default_factory=dict)
    refused: int = 0
    errors: list = field(default_factory=list)
    sweep_events: int = 0

    def count(self, key):
        self.by_kind[key] = self.by_kind.get(key, 0) + 1


@contextmanager
def _fast_sqlite():
    """SQLite syncs the disk at every commit; a seed run can skip that (not PostgreSQL)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous = OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous = {int(previous)}")


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


class Demo:
    def __init__(
        self,
        *,
        months=12,
        per_day=30,
        history_per_day=2.5,
        detailed_months=1,
        seed=42,
        end=None,
        progress=None,
    ):
        self.rng = random.Random(seed)
        self.end = end or timezone.now()
        local_end = timezone.localtime(self.end)
        self.start = self._months_before(local_end, months)
        # Before this day only counted tickets, at history_per_day (see the module docstring).
        self.detailed_start = self._months_before(local_end, min(detailed_months, months))
        self.per_day = per_day
        self.history_per_day = history_per_day
        self.progress = progress
        self.stats = Stats()
        self._seq = itertools.count()
        self._heap = []
        self._showcase = itertools.cycle(SHOWCASE)
        self._actionable = 0
        self._showcased = 0
        self._contacts = 0
        self._load()

    @staticmethod
    def _months_before(end, months):
        month0 = end.month - 1 - months
        year, month = end.year + month0 // 12, month0 % 12 + 1
        day = min(end.day, 28)
        return end.replace(year=year, month=month, day=day, hour=0, minute=0, second=0)

    # -- directory and people --

    def _load(self):
        rng = self.rng
        users = {u.username: u for u in User.objects.select_related("unit")}
        self.op = users["operator"]
        self.disp = users["dispatcher"]
        self.cb = users["callback"]
        self.rev = users["reviewer"]
        self.handlers = {u.unit_id: u for u in users.values() if u.role == Role.UNIT_STAFF}
        # communities (issue 10) lead no demo ticket; leaving them out keeps the draws as they were
        units = list(Unit.objects.filter(active=True).exclude(type=UnitType.COMMUNITY))
        self.by_code = {u.code: u for u in units}
        self.districts = [u for u in units if u.type == UnitType.DISTRICT]
        streets = [u for u in units if u.type == UnitType.STREET]
        self.streets_of = {
            d.pk: [s for s in streets if s.district_id == d.pk] for d in self.districts
        }
        # Each unit has its own quality, so rankings differ; a few are notably weak.
        self.quality = {u.pk: min(0.98, max(0.05, rng.betavariate(6, 2))) for u in units}
        for s in rng.sample(streets, 8):
            self.quality[s.pk] = rng.uniform(0.1, 0.35)
        # Every district gets a fair share (larger ones somewhat more), and within a district
        # two or three busy streets carry most of the load: enough valid callbacks a month
        # for them to be ranked, as in a real city where volume is very uneven.
        self.district_weight = [(d.population or 400000) ** 0.25 for d in self.districts]
        self.street_weight = {}
        # The streets that have demo logins are always busy, so their inboxes have work.
        login_codes = {code for _, code in UNIT_LOGINS}
        for d in self.districts:
            n = len(self.streets_of[d.pk])
            busy = {i for i, s in enumerate(self.streets_of[d.pk]) if s.code in login_codes}
            others = [i for i in range(n) if i not in busy]
            want = max(0, min(n, 3 if n > 25 else 2) - len(busy))
            busy |= set(rng.sample(others, min(want, len(others))))
            quiet = max(1, n - len(busy))
            self.street_weight[d.pk] = [
                0.85 / len(busy) if i in busy else 0.15 / quiet for i in range(n)
            ]
        leaves = list(
            Category.objects.filter(default_urgency__isnull=False, active=True).select_related(
                "duty_unit"
            )
        )
        self.leaves = {c.code: c for c in leaves}
        self.leaves_of = {}
        for c in leaves:
            self.leaves_of.setdefault(c.code.split(".")[0], []).append(c)
        self.routine_leaves = [c for c in self.leaves_of["CG"] if c.default_urgency == 3]

    def handler(self, unit) -> User:
        """The member of staff who acts for a unit (created on first need, no login)."""
        user = self.handlers.get(unit.pk)
        if user is None:
            user, _ = User.objects.get_or_create(
                username=f"staff-{unit.code}",
                defaults={"role": Role.UNIT_STAFF, "unit": unit, "first_name": unit.name},
            )
            if user.has_usable_password():
                user.set_unusable_password()
                user.save(update_fields=["password"])
            self.handlers[unit.pk] = user
        return user

    def dept(self, kind, district):
        """The district's department of that kind, else the municipal one."""
        if not kind:
            return None
        if district is not None:
            unit = self.by_code.get(f"{district.code}-{kind.upper()}")
            if unit:
                return unit
        return self.by_code.get(f"M-{kind.upper()}")

    # -- random material --

    def pick_place(self):
        rng = self.rng
        district = rng.choices(self.districts, self.district_weight)[0]
        street = rng.choices(self.streets_of[district.pk], self.street_weight[district.pk])[0]
        road = rng.choice(ROADS.get(district.code, ["建设路"]))
        if street.name.endswith(("乡", "镇")) or "地区" in street.name and rng.random() < 0.4:
            spot = f"{rng.choice(VILLAGES)}{rng.randint(1, 300)}号"
        else:
            spot = f"{road}{rng.randint(1, 199)}号{rng.choice(ESTATES)}{rng.randint(1, 30)}号楼"
        return district, street, f"北京市{district.name}{street.name}{spot}"

    def pick_leaf(self, areas, day):
        rng = self.rng
        area = rng.choices(list(areas), list(areas.values()))[0]
        leaves = self.leaves_of[area]
        return rng.choices(leaves, [_seasonal(c.code, day) for c in leaves])[0]

    def caller(self):
        rng = self.rng
        name = rng.choice(SURNAMES) + rng.choice(["先生", "女士"])
        phone = rng.choice(["13", "15", "18", "17", "19"]) + "".join(
            rng.choice("0123456789") for _ in range(9)
        )
        return name, phone

    def channel(self):
        return self.rng.choices(
            [Channel.PHONE, Channel.APP, Channel.WEB, Channel.MINI_PROGRAM, Channel.API],
            [78, 8, 5, 7, 2],
        )[0]

    def minutes(self, lo, hi):
        return timedelta(minutes=self.rng.uniform(lo, hi))

    # -- scheduling --

    def spawn(self, gen):
        try:
            at = next(gen)
        except StopIteration:
            return
        if at <= self.end:
            heapq.heappush(self._heap, (at, next(self._seq), gen))

    def run(self):
        self._plan_arrivals()
        self.spawn(self._sweeper())
        with _fast_sqlite():
            self._run_steps()
        self.stats.sweep_events += sweep_deadlines(now=timezone.now())
        return self.stats

    def _run_steps(self):
        heap = self._heap
        while heap:
            with transaction.atomic():
                for _ in range(400):
                    if not heap:
                        break
                    now, _, gen = heapq.heappop(heap)
                    try:
                        at = next(gen)
                    except StopIteration:
                        continue
                    except (Refused, ValidationError) as e:
                        self.stats.refused += 1
                        if len(self.stats.errors) < 20:
                            self.stats.errors.append(repr(e))
                        continue
                    # A step never goes back in time, whatever a scenario computed.
                    at = max(at, now)
                    if at <= self.end:
                        heapq.heappush(heap, (at, next(self._seq), gen))

    def _plan_arrivals(self):
        rng = self.rng
        day, first_detailed = self.start.date(), self.detailed_start.date()
        history_days = max(1, (first_detailed - day).days)
        total = 0
        while day <= self.end.date():
            factor = 0.8 if day.weekday() >= 5 else 1.0
            history = day < first_detailed
            if history:
                # Volume grows towards today (0.7× a year ago): the trend the dashboard shows.
                rate = self.history_per_day * (
                    1.0 - 0.3 * (first_detailed - day).days / history_days
                )
            else:
                rate = self.per_day
            n = max(1, round(rate * factor * rng.uniform(0.85, 1.15)))
            for _ in range(n):
                hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
                at = timezone.make_aware(
                    datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)))
                )
                if at <= self.end:
                    self.spawn(self._arrival(at, history=history))
                    total += 1
            day += timedelta(days=1)
        if self.progress is not None:
            self.progress.reset(total=total)

    def _sweeper(self):
        """The periodic 督办 sweep, as beat runs it every minute: here every three hours in
        the detailed months and every six before (the sparse history), to keep it quick. A
        step done late but before the next sweep is then not flagged, as with any sweep gap."""
        at = self.start + timedelta(hours=6)
        yield at
        while True:
            self.stats.sweep_events += sweep_deadlines(now=at)
            at += timedelta(hours=3 if at >= self.detailed_start else 6)
            yield at

    def _created(self, kind):
        self.stats.tickets += 1
        self.stats.count(kind)

    # -- scenarios --

    def _arrival(self, at, history=False):
        rng = self.rng
        yield at
        if self.progress is not None:
            self.progress.update(1)
        if history:  # the months before the detailed one: counted tickets only
            yield from self._request(at)
            return
        self._contacts += 1
        # One contact in 60 is an emergency, counted rather than drawn, so even a small run
        # has its transfers to 110/119/120/122.
        if self._contacts % 60 == 20:
            yield from self._emergency(at)
        elif rng.random() < 0.56:
            yield from self._enquiry(at)
        else:
            yield from self._request(at)

    def _enquiry(self, at):
        leaf = self.pick_leaf(ENQUIRY_AREAS, at.date())
        district, street, address = self.pick_place()
        name, phone = self.caller()
        ticket, _ = act.create_ticket(
            actor=self.op,
            now=at,
            channel=Channel.PHONE,
            caller_name=name,
            caller_phone=phone,
            kind=Kind.ENQUIRY,
            category=leaf,
            content=self.rng.choice(ENQUIRY).format(leaf=leaf.name),
            address=address if self.rng.random() < 0.3 else "",
            district=district,
        )
        self._created("answered")
        at += self.minutes(2, 9)
        yield at
        # Knowledge base: most enquiries on a covered category are answered from an article.
        cited = articles_for_category(leaf)
        article = self.rng.choice(cited) if cited and self.rng.random() < 0.8 else None
        answer = self.rng.choice(ANSWERS)
        act.answer_ticket(actor=self.op, ticket=ticket, answer=answer, article=article, now=at)

    def _emergency(self, at):
        to, code, text = self.rng.choice(EMERGENCIES)
        district, street, address = self.pick_place()
        name, phone = self.caller()
        ticket, _ = act.create_ticket(
            actor=self.op,
            now=at,
            channel=Channel.PHONE,
            caller_name=name,
            caller_phone=phone,
            kind=Kind.HELP,
            category=self.leaves[code],
            content=text.format(place=address),
            address=address,
            street=street,
        )
        self._created("transferred")
        at += self.minutes(1, 4)
        yield at
        act.transfer_ticket(actor=self.op, ticket=ticket, to=to, note=f"已转{to}", now=at)

    def _new_request(self, at, *, leaf=None, place=None, caller=None, street_only=False):
        rng = self.rng
        leaf = leaf or self.pick_leaf(AREA_WEIGHT, at.date())
        district, street, address = place or self.pick_place()
        name, phone = caller or self.caller()
        area = leaf.code.split(".")[0]
        kind = rng.choices(
            [Kind.COMPLAINT, Kind.HELP, Kind.REPORT, Kind.SUGGESTION, Kind.PRAISE],
            [50, 30, 10, 8, 2],
        )[0]
        # Now and then the caller names no street: the district government leads (兜底).
        fallback = not street_only and rng.random() < 0.05
        spot = address.split(street.name)[-1]
        content = rng.choice(CONTENT.get(area, CONTENT["QT"])).format(
            leaf=leaf.name, place=spot if fallback else f"{street.name}{spot}"
        )
        ticket, _ = act.create_ticket(
            actor=self.op,
            now=at,
            channel=self.channel(),
            caller_name=name,
            caller_phone=phone,
            confidential=rng.random() < 0.03,
            kind=kind,
            category=leaf,
            content=content,
            address=address.replace(street.name, "") if fallback else address,
            district=district,
            street=None if fallback else street,
        )
        return ticket, (district, street, address), (name, phone)

    def _request(self, at):
        rng = self.rng
        self._actionable += 1
        plan = self._plan(showcase=self._showcase_due(at))
        # A showcase ticket is an ordinary (level 3) street matter: an extension, say, is
        # not open to an urgent one.
        leaf = self.rng.choice(self.routine_leaves) if plan["showcase"] else None
        hot = None if plan["showcase"] else self._hotspot(at)
        if hot:
            leaf, hot = hot
        ticket, place, caller = self._new_request(
            at, leaf=leaf, place=hot, street_only=plan["showcase"] or hot is not None
        )
        self._created("dispatched")
        # Repeats of this ticket, merged while it is open.
        if rng.random() < 0.07:
            for _ in range(rng.choice([1, 1, 2])):
                later = at + self.minutes(30, 60 * 48)
                same = caller if rng.random() < 0.5 else None
                self.spawn(self._repeat(later, ticket, place, same))
        yield from self._handle(ticket, at, plan)

    def _hotspot(self, at):
        """Now and then (more often lately) a ticket of a growing hot spot: (leaf, place)."""
        local, end = timezone.localtime(at), timezone.localtime(self.end)
        months_ago = (end.year - local.year) * 12 + end.month - local.month
        share = HOTSPOT_SHARE.get(months_ago, 0.0)
        for district, street, code, road in HOTSPOTS:
            if self.rng.random() < share and street in self.by_code and code in self.leaves:
                d, s = self.by_code[district], self.by_code[street]
                spot = f"{road}{self.rng.randint(1, 60)}号{self.rng.choice(ESTATES)}"
                return self.leaves[code], (d, s, f"北京市{d.name}{s.name}{spot}")
        return None

    def _repeat(self, at, master, place, caller):
        yield at
        ticket, _, _ = self._new_request(at, leaf=master.category, place=place, caller=caller)
        self._created("merged")
        at += self.minutes(2, 10)
        yield at
        master.refresh_from_db(fields=["status", "master"])
        if master.status in OPEN_STATES and master.status != Status.NEW:
            act.merge_ticket(actor=self.op, ticket=ticket, into=master, now=at)
        else:
            yield from self._handle(ticket, at, self._plan(showcase=False))

    def _showcase_due(self, at):
        """Every request early in the detailed month until each scenario has come twice,
        then every sixth; none so late that the forced steps could not happen by today."""
        if self.end - at <= SHOWCASE_LEAD:
            return False
        filling = at >= self.detailed_start and self._showcased < 2 * len(SHOWCASE)
        return self._actionable % (2 if filling else 6) == 0

    def _plan(self, showcase=False):
        rng = self.rng
        plan = {
            "showcase": False,
            "force_unsolved": False,
            "ret": rng.choices([None, "accept", "reject"], [95, 3, 2])[0],
            "whistle": rng.random() < 0.06,
            "late_report_in": rng.random() < 0.25,
            "extend": rng.choices([None, "approve", "refuse"], [95, 4, 1])[0],
            "claim": rng.choices([None, "confirm", "reject"], [97, 1.5, 1.5])[0],
            "appeal": rng.choices([None, "uphold", "reject"], [97, 1, 2])[0],
            "never_sign": rng.random() < 0.01,
            "late_reply": False,
            "reopen": rng.random() < 0.6,
            "co": rng.random() < 0.04,
        }
        if showcase:
            # The forced scenario alone: a random "never signs" would hide an extension.
            self._showcased += 1
            plan = dict.fromkeys(plan) | {"showcase": True} | next(self._showcase)
        return plan

    def _target(self, ticket):
        """Routing as the dispatcher confirms it: duty unit, department, street, district."""
        leaf = ticket.category
        if leaf.duty_unit_id:
            return self.by_code[leaf.duty_unit.code]
        kind = DEPT_LEAVES.get(leaf.code) or DEPT_AREAS.get(leaf.code.split(".")[0])
        if kind and self.rng.random() < 0.5:
            # Municipal departments take a good part, so they too have enough to be ranked.
            city = self.rng.random() < 0.6
            unit = self.dept(kind, None if city else ticket.district)
            if unit:
                return unit
        if ticket.street_id:
            return ticket.street
        return ticket.district

    def _handle(self, ticket, at, plan):
        """Dispatch and everything after it, until the counted callback or today."""
        rng = self.rng
        at += self.minutes(3, 40)
        yield at
        lead = self._target(ticket)
        cos = []
        if plan["co"] and ticket.district_id:
            co = self.dept(rng.choice(["cgzf", "zj", "sthj"]), ticket.district)
            cos = [co] if co and co.pk != lead.pk else []
        ticket = act.dispatch_ticket(
            actor=self.disp, ticket=ticket, unit=lead, co_units=cos, note="", now=at
        )
        for co in cos:
            self.spawn(self._co_part(ticket, co, at + self.minutes(60 * 4, 60 * 60)))
        q = self.quality[lead.pk]
        urgent = ticket.urgency <= 2

        if plan["ret"] and ticket.return_deadline:
            latest = ticket.return_deadline - timedelta(minutes=1)
            at = max(at, min(at + self.minutes(10, 60), latest))
            yield at
            act.return_ticket(
                actor=self.handler(lead),
                ticket=ticket,
                reason="经核实，该诉求不属于本单位职责范围。",
                now=at,
            )
            at += self.minutes(20, 180)
            yield at
            if plan["ret"] == "accept":
                new = self._other_unit(ticket, lead)
                ticket = act.review_return(
                    actor=self.disp,
                    ticket=ticket,
                    accept=True,
                    unit=new,
                    note="同意退单，改派。",
                    now=at,
                )
                lead, q = new, self.quality[new.pk]
            else:
                ticket = act.review_return(
                    actor=self.disp,
                    ticket=ticket,
                    accept=False,
                    note="属地职责，请继续办理。",
                    now=at,
                )
        staff = self.handler(lead)

        # 签收: good units sign at once; weak ones late, a few never.
        if plan["never_sign"]:
            yield from self._callback(
                ticket, ticket.feedback_deadline + self.minutes(60, 600), plan
            )
            return
        if not ticket.signed_at:
            late = rng.random() < (0.95 - q) * 0.3
            limit = max(10.0, (ticket.sign_deadline - at).total_seconds() / 60)
            at += self.minutes(limit * 1.2, limit * 3) if late else self.minutes(3, limit * 0.8)
            yield at
            ticket = act.sign_ticket(actor=staff, ticket=ticket, now=at)
        if not ticket.contacted_at:
            late = rng.random() < (0.95 - q) * 0.25
            limit = max(10.0, (ticket.contact_deadline - at).total_seconds() / 60)
            at += self.minutes(limit, limit * 2) if late else self.minutes(5, limit * 0.7)
            yield at
            ticket = act.contact_caller(actor=staff, ticket=ticket, note="已电话联系诉求人", now=at)

        window = max(ticket.feedback_deadline - at, timedelta(minutes=30))
        if plan["whistle"] and lead.type == UnitType.STREET:
            at += window * rng.uniform(0.05, 0.2)
            yield at
            kind = ticket.category.duty_dept_kind or "cgzf"
            dept = self.dept(kind, ticket.district) or self.by_code["M-CGZF"]
            ticket = act.whistle(
                actor=staff,
                ticket=ticket,
                departments=[dept],
                reason=f"{ticket.category.name}问题涉及执法职责，街道无法单独解决，吹哨召集。",
                now=at,
            )
            lateness = (2.0, 4.0) if plan["late_report_in"] or rng.random() > q else (0.05, 0.9)
            allowed = 30 if ticket.urgency == 1 else 24 * 60
            report_at = at + self.minutes(allowed * lateness[0], allowed * lateness[1])
            self.spawn(self._report_in(ticket, dept, report_at))

        if plan["claim"]:
            at += window * rng.uniform(0.05, 0.15)
            yield at
            act.claim_unreasonable(
                actor=staff,
                ticket=ticket,
                reason="诉求人要求超出法定职责和政策范围，经多次解释仍坚持。",
                now=at,
            )
            at += self.minutes(60, 60 * 24)
            yield at
            confirm = plan["claim"] == "confirm"
            act.review_claim(
                actor=self.rev,
                ticket=ticket,
                approve=confirm,
                note="经审核属不合理诉求。" if confirm else "诉求合理，查否，请继续办理。",
                now=at,
            )

        if plan["extend"] and not urgent and ticket.feedback_deadline - at > timedelta(hours=2):
            at = at + (ticket.feedback_deadline - at) * rng.uniform(0.5, 0.8)
            yield at
            act.request_extension(
                actor=staff,
                ticket=ticket,
                days=rng.choice([3, 5, 7, 10]),
                reason="涉及多个部门协调，需进一步时间处理。",
                now=at,
            )
            at += self.minutes(60, 60 * 20)
            yield at
            ticket = act.review_extension(
                actor=self.rev, ticket=ticket, approve=plan["extend"] == "approve", now=at
            )

        yield from self._reply_and_callback(ticket, at, plan, staff, q)

    def _reply_and_callback(self, ticket, at, plan, staff, q):
        rng = self.rng
        remaining = ticket.feedback_deadline - at
        if remaining.total_seconds() <= 0:
            remaining = timedelta(hours=2)
        never = rng.random() < 0.015 * (1.5 - q)
        late = plan["late_reply"] or rng.random() < 0.06 * (1.1 - q)
        if never:
            yield from self._callback(
                ticket, ticket.feedback_deadline + self.minutes(60, 720), plan
            )
            return
        at += remaining * (rng.uniform(1.1, 1.8) if late else rng.uniform(0.15, 0.9))
        yield at
        result = rng.choices(
            ["solved", "partly_solved", "explained"], [0.5 + 0.4 * q, 0.2, 0.35 - 0.3 * q]
        )[0]
        ticket = act.reply_ticket(
            actor=staff,
            ticket=ticket,
            result=result,
            note=REPLIES[result].format(leaf=ticket.category.name),
            now=at,
        )
        yield from self._callback(ticket, at + self.minutes(120, 60 * 40), plan)

    def _callback(self, ticket, at, plan):
        rng = self.rng
        yield at
        ticket.refresh_from_db()
        q = self.quality[ticket.lead_unit_id]
        forced = plan["appeal"] or plan["force_unsolved"]
        if not forced and rng.random() < 0.07:
            act.record_callback(
                actor=self.cb,
                ticket=ticket,
                valid=False,
                invalid_reason=rng.choice(["unreachable"] * 3 + ["refused", "wrong_number"]),
                now=at,
            )
            return
        contacted = ticket.contacted_at is not None and rng.random() < 0.85 + 0.14 * q
        p_solved = {"solved": 0.72 + 0.26 * q, "partly_solved": 0.25 + 0.3 * q}
        solved = rng.random() < p_solved.get(ticket.result, 0.1 + 0.2 * q)
        if plan["appeal"]:
            solved = False
        if plan["force_unsolved"] and ticket.reopen_count == 0:
            solved = False
        if solved:
            w = [0.65 + 0.3 * q, 0.3 - 0.25 * q, 0.05]
        else:
            w = [0.05, 0.3, 0.65]
        satisfaction = rng.choices(["satisfied", "basically_satisfied", "unsatisfied"], w)[0]
        reopen = plan["reopen"] and not plan["appeal"]
        ticket = act.record_callback(
            actor=self.cb,
            ticket=ticket,
            valid=True,
            contacted=contacted,
            solved=solved,
            satisfaction=satisfaction,
            reopen=reopen,
            now=at,
        )
        if ticket.status == Status.IN_PROGRESS:  # reopened: same unit, second round
            staff = self.handler(ticket.lead_unit)
            plan = plan | {"appeal": None, "reopen": False, "late_reply": False}
            plan["force_unsolved"] = False
            yield from self._reply_and_callback(ticket, at, plan, staff, q + 0.1)
            return
        if plan["appeal"] and not ticket.excluded:
            at += self.minutes(60 * 4, 60 * 72)
            yield at
            act.appeal(
                actor=self.handler(ticket.lead_unit),
                ticket=ticket,
                reason="已按时办结并留存现场照片，诉求人不满意系对政策不认可，申请核减。",
                now=at,
            )
            at += self.minutes(60 * 2, 60 * 72)
            yield at
            uphold = plan["appeal"] == "uphold"
            act.review_appeal(
                actor=self.rev,
                ticket=ticket,
                approve=uphold,
                note="申诉成立，不计入考核。" if uphold else "证据不足，维持原考核结果。",
                now=at,
            )

    def _report_in(self, ticket, dept, at):
        yield at
        staff = self.handler(dept)
        ticket.refresh_from_db()
        if refusal("report-in", ticket, staff, at):
            return  # the ticket closed first: the sweep has flagged the missed report-in
        act.report_in(actor=staff, ticket=ticket, note="已报到，安排执法人员到场", now=at)
        at += self.minutes(60 * 4, 60 * 48)
        yield at
        ticket.refresh_from_db()
        if not refusal("report-part", ticket, staff, at):
            act.report_part(actor=staff, ticket=ticket, note="已到场执法，责令整改。", now=at)

    def _co_part(self, ticket, co, at):
        yield at
        staff = self.handler(co)
        ticket.refresh_from_db()
        if not refusal("report-part", ticket, staff, at):
            act.report_part(actor=staff, ticket=ticket, note="已配合主办单位完成协办事项。", now=at)

    def _other_unit(self, ticket, lead):
        """Where an accepted return is redispatched: a neighbouring street, or the department."""
        if lead.type == UnitType.STREET:
            dept = self.dept(ticket.category.duty_dept_kind, ticket.district)
            if dept and self.rng.random() < 0.6:
                return dept
            others = [s for s in self.streets_of.get(lead.district_id, []) if s.pk != lead.pk]
            if others:
                return self.rng.choice(others)
        if ticket.street_id and ticket.street_id != lead.pk:
            return ticket.street
        district = ticket.district or self.districts[0]
        return district if district.pk != lead.pk else self.by_code["M-CGZF"]
