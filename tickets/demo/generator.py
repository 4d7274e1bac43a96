"""The scheduler: arrivals of every kind in time order, each ticket a scenario that yields the
moment of its next step (the package's docstring tells the whole)."""

import heapq
import itertools
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from hotline.knowledge.seeding import articles_for_category
from hotline.models import Category, Role, Unit, UnitType, User

from .. import actions as act
from ..guards import Refused
from ..lifecycle import OPEN_STATES
from ..models import Channel, Kind, Status
from ..sweep import sweep_deadlines
from .handling import Handling
from .material import (
    ANSWERS,
    AREA_WEIGHT,
    CONTENT,
    EMERGENCIES,
    ENQUIRY,
    ENQUIRY_AREAS,
    ESTATES,
    HOTSPOT_SHARE,
    HOTSPOTS,
    HOUR_WEIGHTS,
    ROADS,
    SHOWCASE,
    SHOWCASE_LEAD,
    SURNAMES,
    VILLAGES,
    _seasonal,
)
from .people import UNIT_LOGINS


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


class Demo(Handling):
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

    def _log(self, at, caller, **fields):
        """The operator logs a contact from `caller` (name, phone) at `at`."""
        name, phone = caller
        ticket, _ = act.create_ticket(
            actor=self.op, now=at, caller_name=name, caller_phone=phone, **fields
        )
        return ticket

    def _enquiry(self, at):
        leaf = self.pick_leaf(ENQUIRY_AREAS, at.date())
        district, street, address = self.pick_place()
        ticket = self._log(
            at,
            self.caller(),
            channel=Channel.PHONE,
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
        ticket = self._log(
            at,
            self.caller(),
            channel=Channel.PHONE,
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

    def _new_request(
        self, at, *, leaf=None, place=None, caller=None, street_only=False, no_street=False
    ):
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
        fallback = no_street or (not street_only and rng.random() < 0.05)
        spot = address.split(street.name)[-1]
        content = rng.choice(CONTENT.get(area, CONTENT["QT"])).format(
            leaf=leaf.name, place=spot if fallback else f"{street.name}{spot}"
        )
        ticket = self._log(
            at,
            (name, phone),
            channel=self.channel(),
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
            at,
            leaf=leaf,
            place=hot,
            street_only=plan["showcase"] or hot is not None,
            no_street=plan["district_lead"],
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
            "district_lead": False,  # only as a showcase: the random fallback may do it too
        }
        if showcase:
            # The forced scenario alone: a random "never signs" would hide an extension.
            self._showcased += 1
            plan = dict.fromkeys(plan) | {"showcase": True} | next(self._showcase)
        return plan
