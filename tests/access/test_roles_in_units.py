"""The one rule of roles in units (SPEC §16), wherever people are made; password validators
on every way; createsuperuser gives an admin of the centre."""

import pytest
from django.core.management import CommandError, call_command

from hotline.models import Role, Unit, User
from hotline.roles import unit_refusal
from tickets import selectors

pytestmark = pytest.mark.django_db

# (role, unit code, allowed)
CASES = [
    (Role.OPERATOR, "12345", True),
    (Role.DISPATCHER, "110101001", False),
    (Role.REVIEWER, "110101", False),
    (Role.ADMIN, "110101", False),
    (Role.CALLBACK_AGENT, "C-GAS", False),
    (Role.UNIT_STAFF, "12345", False),
    (Role.UNIT_STAFF, "110101-CGZF", True),
    (Role.LEADER, "12345", True),
    (Role.LEADER, "110105", True),
    (Role.LEADER, "110105004", False),
    (Role.LEADER, "C-GAS", False),
]


@pytest.mark.parametrize("role, code, allowed", CASES)
def test_add_staff_keeps_the_rule(directory, role, code, allowed):
    args = ["someone", "--role", role, "--unit", code, "--password", "Beijing-12345-ok"]
    if allowed:
        call_command("add_staff", *args)
        assert User.objects.get(username="someone").unit.code == code
    else:
        with pytest.raises(CommandError):
            call_command("add_staff", *args)
        assert not User.objects.filter(username="someone").exists()


@pytest.mark.parametrize("role, code, allowed", CASES)
def test_import_staff_keeps_the_rule(directory, tmp_path, role, code, allowed):
    f = tmp_path / "people.csv"
    f.write_text(f"username,role,unit\nok1,operator,12345\nsomeone,{role},{code}\n")
    if allowed:
        call_command("import_staff", str(f))
        assert User.objects.filter(username__in=["ok1", "someone"]).count() == 2
    else:
        with pytest.raises(CommandError, match="第 3 行"):
            call_command("import_staff", str(f))
        assert not User.objects.filter(username__in=["ok1", "someone"]).exists()


@pytest.mark.parametrize("password", ["1", "12345678", "password", "someone-1"])
def test_weak_passwords_are_refused_by_add_staff_and_import(directory, tmp_path, password):
    with pytest.raises(CommandError):
        call_command(
            "add_staff", "someone", "--role", "operator", "--unit", "12345", "--password", password
        )
    f = tmp_path / "people.csv"
    f.write_text(f"username,role,unit,password\nsomeone,operator,12345,{password}\n")
    with pytest.raises(CommandError, match="第 2 行"):
        call_command("import_staff", str(f))
    assert not User.objects.filter(username="someone").exists()


@pytest.mark.parametrize("role, code, allowed", CASES)
def test_the_admin_user_form_keeps_the_rule(admin_client, role, code, allowed):
    unit = Unit.objects.get(code=code)
    resp = admin_client.post(
        "/admin/hotline/user/add/",
        {
            "username": "someone",
            "password1": "Beijing-12345-ok",
            "password2": "Beijing-12345-ok",
            "usable_password": "true",
            "unit": unit.pk,
            "role": role,
        },
    )
    created = User.objects.filter(username="someone").first()
    if allowed:
        assert resp.status_code == 302, resp.content.decode()[:2000]
        assert (created.role, created.unit.code) == (role, code)
    else:
        assert resp.status_code == 200 and created is None
        assert unit_refusal(role, unit) in resp.content.decode()


def test_the_admin_refuses_a_weak_password(admin_client):
    unit = Unit.objects.get(code="12345")
    resp = admin_client.post(
        "/admin/hotline/user/add/",
        {
            "username": "someone",
            "password1": "1",
            "password2": "1",
            "usable_password": "true",
            "unit": unit.pk,
            "role": Role.OPERATOR,
        },
    )
    assert resp.status_code == 200
    assert not User.objects.filter(username="someone").exists()


def test_createsuperuser_makes_an_admin_of_the_centre_who_sees_every_ticket(directory, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Beijing-12345-ok")
    call_command("createsuperuser", "--noinput", "--username", "boss", "--email", "b@x.cn")
    boss = User.objects.get(username="boss")
    assert (boss.role, boss.unit.type, boss.is_superuser) == (Role.ADMIN, "centre", True)
    assert selectors.sees_every_ticket(boss)


def test_createsuperuser_without_a_centre_says_what_to_run_first(db, monkeypatch):
    Unit.objects.filter(type="centre").update(type="district")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Beijing-12345-ok")
    with pytest.raises(CommandError, match="seed_units"):
        call_command("createsuperuser", "--noinput", "--username", "boss", "--email", "b@x.cn")
    assert not User.objects.filter(username="boss").exists()


def test_createsuperuser_refuses_a_weak_password(directory, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "1")
    with pytest.raises(CommandError):
        call_command("createsuperuser", "--noinput", "--username", "boss", "--email", "b@x.cn")


def test_a_person_who_breaks_the_rule_sees_no_ticket(make_user, staff):
    # Written straight into the database, past every form: the selector still refuses.
    rogue = make_user(Role.DISPATCHER, "110101001", username="rogue-dispatcher")
    assert selectors.visible_tickets(rogue).query.is_empty()
    assert not selectors.sees_unmasked_caller(rogue)
