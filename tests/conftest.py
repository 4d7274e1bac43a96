"""Shared fixtures: the real Beijing directory, people in every role, API clients."""

import pytest
from rest_framework.test import APIClient

from hotline import workdays
from hotline.models import Category, Role, Unit, User, WorkDay
from hotline.seeding import seed_calendar, seed_categories, seed_units


@pytest.fixture(autouse=True)
def _calendar(request):
    """The calendar comes with a migration; a transactional test's flush empties it."""
    names = set(request.fixturenames)
    if names & {"db", "transactional_db", "live_server"} or _uses_db(request):
        if not WorkDay.objects.exists():
            seed_calendar()
    workdays.clear_cache()
    yield
    workdays.clear_cache()


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
def api():
    def client_for(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture(autouse=True)
def _celery_mode(request):
    """Tasks run eagerly in tests, except those marked `celery_worker`.

    A `celery_worker` test gets the configuration of settings (a real Redis broker when
    REDIS_URL is set) and starts a real worker itself; it is skipped without REDIS_URL.
    """
    from django.conf import settings

    from hotline.celery import app

    if request.node.get_closest_marker("celery_worker"):
        if not settings.REDIS_URL:
            pytest.skip("needs REDIS_URL: a real Redis broker for a real Celery worker")
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
