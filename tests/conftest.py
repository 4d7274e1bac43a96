"""Shared fixtures: the real Beijing directory, people in every role, API clients."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from hotline import workdays
from hotline.models import Category, Role, Unit, User, WorkDay
from hotline.seeding import seed_calendar, seed_categories, seed_units


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Transactional tests (live server, real worker) run after all the others.

    pytest-django orders them last, but pytest then regroups tests that share a
    parametrized session fixture (the browser), which pulled them into the middle. Each one
    ends with a flush that empties the directory, and every rolled-back test after it then
    seeds the directory again (~3.5 s on PostgreSQL): over an hour of a CI run.
    """
    items.sort(key=_is_transactional)  # stable: each group keeps its order


def _is_transactional(item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    return bool({"transactional_db", "live_server"} & set(fixtures)) or any(
        m.kwargs.get("transaction") for m in item.iter_markers("django_db")
    )


@pytest.fixture(autouse=True)
def _calendar(request):
    """The calendar comes with a migration; a transactional test's flush empties it."""
    names = set(request.fixturenames)
    if names & {"db", "transactional_db", "live_server"} or _uses_db(request):
        # Make sure the database is set up before this autouse fixture touches it.
        transactional = names & {"transactional_db", "live_server"} or any(
            m.kwargs.get("transaction") for m in request.node.iter_markers("django_db")
        )
        request.getfixturevalue("transactional_db" if transactional else "db")
        if not WorkDay.objects.exists():
            seed_calendar()
            _seed_migration_rows()  # emptied by the same flush
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def _seed_migration_rows():
    """The time limits and text templates migrations ship (a flush empties them too)."""
    from tickets.deadlines import DEFAULTS as LIMITS
    from tickets.models import TimeLimitPolicy
    from tickets.texts.defaults import DEFAULTS as TEXTS
    from tickets.texts.models import TextTemplate

    for urgency, values in LIMITS.items():
        TimeLimitPolicy.objects.get_or_create(urgency=urgency, defaults=values)
    for event, body in TEXTS.items():
        TextTemplate.objects.get_or_create(event=event, defaults={"body": body})


def _uses_db(request):
    return any(m.name == "django_db" for m in request.node.iter_markers())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed the directory once into the test database; each test's rollback keeps it."""
    with django_db_blocker.unblock():
        seed_units()
        seed_categories()


@pytest.fixture
def directory(db):
    """Beijing's units and the category taxonomy, as seed_units loads them.

    Seeded once per session; seeded again after a transactional test's flush emptied it.
    """
    from tickets import routing

    if not Unit.objects.exists():
        seed_units()
        seed_categories()
    routing.clear_cache()
    yield
    routing.clear_cache()


@pytest.fixture
def make_user(directory):
    def make(role, unit_code, username=None):
        username = username or f"{role}-{unit_code}"
        user, _ = User.objects.get_or_create(
            username=username, defaults={"role": role, "unit": Unit.objects.get(code=unit_code)}
        )
        return user

    return make


@pytest.fixture
def staff(make_user):
    """One person per centre role, and unit staff in a few real units."""

    class Staff:
        operator = make_user(Role.OPERATOR, "12345")
        dispatcher = make_user(Role.DISPATCHER, "12345")
        callback_agent = make_user(Role.CALLBACK_AGENT, "12345")
        reviewer = make_user(Role.REVIEWER, "12345")
        leader = make_user(Role.LEADER, "12345")
        # 东城区东华门街道 and its neighbour 景山街道; 东城区 (the district government)
        street = make_user(Role.UNIT_STAFF, "110101001")
        other_street = make_user(Role.UNIT_STAFF, "110101002")
        district = make_user(Role.UNIT_STAFF, "110101")
        other_district = make_user(Role.UNIT_STAFF, "110102")
        dept = make_user(Role.UNIT_STAFF, "110101-CGZF")
        other_dept = make_user(Role.UNIT_STAFF, "110101-SCJG")
        gas = make_user(Role.UNIT_STAFF, "C-GAS")

    return Staff


def leaf(code=None) -> Category:
    qs = Category.objects.filter(default_urgency__isnull=False)
    return qs.get(code=code) if code else qs.filter(default_urgency=3).order_by("code").first()


@pytest.fixture
def admin_client(directory):
    """Signed in as a superuser made the way `createsuperuser` makes one: an admin of the
    centre, with a password that passes the validators (pytest-django's own fixture uses
    "password", which they refuse)."""
    from django.test import Client

    from hotline.models import User

    admin = User.objects.create_superuser("root", password="Beijing-12345-ok")
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def api():
    def client_for(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture(autouse=True)
def _directory_cache():
    """Each test's directory rows are its own (a rolled-back test's ids are gone)."""
    from hotline import directory_cache

    directory_cache.clear_all()
    yield
    directory_cache.clear_all()


@pytest.fixture(autouse=True)
def _celery_mode(request):
    """Tasks run eagerly in tests, except those marked `celery_worker`.

    A `celery_worker` test gets the configuration of settings (a real Redis broker when
    REDIS_URL is set) and starts a real worker itself; it is skipped without REDIS_URL.
    """
    from django.conf import settings

    from hotline.celery import app

    worker = request.node.get_closest_marker("celery_worker")
    if worker and not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: a real Redis broker for a real Celery worker")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = not worker
    yield
    app.conf.task_always_eager = previous


# --- Tickets walked through the actions layer (added by helper `life`) ------------------


class TicketFlow:
    """Creates tickets and walks them through `tickets.actions` to a wanted state.

    Times are explicit: `now` (default `T0`, Monday 3 Nov 2025 10:00 in Beijing, a working
    day) is the intake and dispatch time; each later step happens a few minutes after it.
    """

    T0 = datetime(2025, 11, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    STREET, DISTRICT, CO, DEPT = "110101001", "110101", "110101-SCJG", "110101-CGZF"

    def __init__(self, staff, make_user):
        self.staff = staff
        self._make_user = make_user

    def user_of(self, unit):
        """A unit_staff user of `unit` (a Unit or a code)."""
        return self._make_user(Role.UNIT_STAFF, getattr(unit, "code", unit))

    def new(self, *, now=None, category=None, **fields):
        from tickets import actions

        fields.setdefault("channel", "phone")
        fields.setdefault("kind", "complaint")
        fields.setdefault("content", "南池子大街路灯不亮")
        fields.setdefault("caller_name", "张先生")
        fields.setdefault("caller_phone", "13812345678")
        fields.setdefault("address", "北京市东城区东华门街道南池子大街1号")
        ticket, _ = actions.create_ticket(
            actor=self.staff.operator,
            now=now or self.T0,
            category=category or leaf(),
            **fields,
        )
        return ticket

    def dispatched(self, *, unit=STREET, co_units=(CO,), now=None, **fields):
        from tickets import actions

        now = now or self.T0
        ticket = self.new(now=now, **fields)
        return actions.dispatch_ticket(
            actor=self.staff.dispatcher, ticket=ticket, unit=unit, co_units=co_units, now=now
        )

    def at(self, state, *, now=None, whistle=True, **fields):
        """A ticket in `state` (a Status value); handled ones are led by `unit` (the street)."""
        from tickets import actions

        now = now or self.T0
        later = lambda minutes: now + timedelta(minutes=minutes)  # noqa: E731
        op = self.staff.operator
        if state in ("new", "answered", "transferred", "merged"):
            ticket = self.new(now=now, **fields)
            if state == "answered":
                return actions.answer_ticket(actor=op, ticket=ticket, answer="已告知办理流程")
            if state == "transferred":
                return actions.transfer_ticket(actor=op, ticket=ticket, to="110", note="打架")
            if state == "merged":
                master = self.new(now=now, **fields)
                return actions.merge_ticket(actor=op, ticket=ticket, into=master)
            return ticket
        ticket = self.dispatched(now=now, **fields)
        if state == "dispatched":
            return ticket
        lead = self.user_of(ticket.lead_unit)
        ticket = actions.sign_ticket(actor=lead, ticket=ticket, now=later(5))
        if state == "signed":
            return ticket
        ticket = actions.contact_caller(actor=lead, ticket=ticket, now=later(10))
        if whistle and ticket.lead_unit.type == "street":
            ticket = actions.whistle(
                actor=lead, ticket=ticket, departments=[self.DEPT], reason="需执法", now=later(15)
            )
        if state == "in_progress":
            return ticket
        if state == "returned":
            return actions.return_ticket(
                actor=lead, ticket=ticket, reason="非本单位职责", now=later(20)
            )
        ticket = actions.reply_ticket(
            actor=lead, ticket=ticket, result="solved", note="已修复", now=later(60)
        )
        if state == "replied":
            return ticket
        assert state == "closed", state
        return actions.record_callback(
            actor=self.staff.callback_agent,
            ticket=ticket,
            valid=True,
            contacted=True,
            solved=True,
            satisfaction="satisfied",
            now=later(120),
        )


@pytest.fixture
def flow(staff, make_user):
    return TicketFlow(staff, make_user)


@pytest.fixture
def browser_sign_in(live_server, browser):
    """Signs a user in through the login page in a fresh Chromium context; returns the page.

    For the Playwright tests (the `browser` fixture is pytest-playwright's). Keep-alive
    connections are closed before the live server and the test database go.
    """
    contexts = []

    def sign_in(user, password="browser-pass-12345", **context_options):
        user.set_password(password)
        user.save()
        contexts.append(browser.new_context(locale="zh-CN", **context_options))
        page = contexts[-1].new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.press("#id_password", "Enter")
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield sign_in
    for context in contexts:
        context.close()
