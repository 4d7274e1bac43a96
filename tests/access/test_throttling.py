"""Login throttling (django-axes) on every way in: the login page, the admin login and the
token endpoint. After LOGIN_FAILURE_LIMIT failures for one username, or from one address,
even the right password waits until the cool-off has passed."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from hotline.models import Role, Unit, User

pytestmark = pytest.mark.django_db

PASSWORD = "right-horse-battery-9"
LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    # PBKDF2 is slow on purpose; the throttle does not depend on the hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def person(directory):
    user = User.objects.create_user(
        "zhangsan", password=PASSWORD, role=Role.ADMIN, unit=Unit.objects.get(code="12345")
    )
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def _page(url):
    def attempt(username, password, address="10.0.0.1"):
        resp = Client(REMOTE_ADDR=address).post(url, {"username": username, "password": password})
        # Django's login views redirect on success and answer 200 with the form on failure.
        return "ok" if resp.status_code == 302 else resp.status_code

    return attempt


def _token(username, password, address="10.0.0.1"):
    resp = APIClient(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    return "ok" if resp.status_code == 200 and "token" in resp.json() else resp.status_code


WAYS = {
    "login page": _page("/accounts/login/"),
    "admin login": _page("/admin/login/"),
    "token endpoint": _token,
}


@pytest.mark.parametrize("way", list(WAYS))
def test_the_right_password_works_before_the_limit(person, way):
    attempt = WAYS[way]
    for _ in range(LIMIT - 1):
        assert attempt("zhangsan", "wrong") != "ok"
    assert attempt("zhangsan", PASSWORD) == "ok"


@pytest.mark.parametrize("way", list(WAYS))
def test_after_the_limit_for_one_username_even_the_right_password_waits(person, way):
    attempt = WAYS[way]
    for i in range(LIMIT):
        # Each failure from a different address: the username alone locks.
        assert attempt("zhangsan", "wrong", address=f"10.0.1.{i}") != "ok"
    assert attempt("zhangsan", PASSWORD, address="10.0.2.1") == 429
    # The cool-off passes: the right password works again.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert attempt("zhangsan", PASSWORD, address="10.0.2.1") == "ok"


@pytest.mark.parametrize("way", list(WAYS))
def test_after_the_limit_from_one_address_every_username_waits(person, way):
    attempt = WAYS[way]
    for i in range(LIMIT):
        assert attempt(f"guess{i}", "wrong", address="10.9.9.9") != "ok"
    assert attempt("zhangsan", PASSWORD, address="10.9.9.9") == 429
    # Someone else, elsewhere, is not held up.
    assert attempt("zhangsan", PASSWORD, address="10.9.9.10") == "ok"


def test_the_locked_out_page_says_why_in_chinese(person):
    for _ in range(LIMIT):
        Client().post("/accounts/login/", {"username": "zhangsan", "password": "wrong"})
    resp = Client().post("/accounts/login/", {"username": "zhangsan", "password": PASSWORD})
    assert resp.status_code == 429
    assert "登录失败次数过多" in resp.content.decode()
