import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from hotline.models import User

pytestmark = pytest.mark.django_db


def test_add_staff_creates_a_person_in_one_unit_with_one_role(directory):
    call_command(
        "add_staff",
        "wang",
        "--role",
        "unit_staff",
        "--unit",
        "110101001",
        "--password",
        "s3cret-pass",
    )
    user = authenticate(
        RequestFactory().post("/accounts/login/"), username="wang", password="s3cret-pass"
    )
    assert user is not None
    assert user.role == "unit_staff" and user.unit.code == "110101001"


def test_add_staff_again_updates_instead_of_duplicating(directory):
    call_command("add_staff", "li", "--role", "operator", "--unit", "12345")
    call_command("add_staff", "li", "--role", "dispatcher", "--unit", "12345")
    assert User.objects.filter(username="li").count() == 1
    assert User.objects.get(username="li").role == "dispatcher"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--role", "unit_staff", "--unit", "NOPE"], "NOPE"),
        (["--role", "operator", "--unit", "110101001"], "12345"),
        (["--role", "unit_staff", "--unit", "12345"], "热线中心"),
    ],
)
def test_add_staff_refuses_bad_input(directory, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("add_staff", "zhao", *args)
    assert not User.objects.filter(username="zhao").exists()


def test_admin_role_gets_the_admin_site(directory):
    call_command(
        "add_staff", "root1", "--role", "admin", "--unit", "12345", "--password", "pw-12345"
    )
    user = User.objects.get(username="root1")
    assert user.is_staff and user.is_superuser


def test_import_staff_all_rows(directory, tmp_path):
    f = tmp_path / "staff.csv"
    f.write_text(
        "username,role,unit,password,name\n"
        "a1,unit_staff,110101001,pw-aaaaaa,张一\n"
        "a2,unit_staff,110101-CGZF,,李二\n"
        "a3,callback_agent,12345,pw-cccccc,王三\n",
        encoding="utf-8",
    )
    call_command("import_staff", str(f))
    assert User.objects.filter(username__in=["a1", "a2", "a3"]).count() == 3
    assert User.objects.get(username="a1").first_name == "张一"
    assert not User.objects.get(username="a2").has_usable_password()


def test_import_staff_reports_each_bad_line_and_imports_nothing(directory, tmp_path):
    f = tmp_path / "staff.csv"
    f.write_text(
        "username,role,unit\n"
        "b1,unit_staff,110101001\n"
        "b2,wizard,110101001\n"
        "b3,unit_staff,999999\n"
        "b1,unit_staff,110101002\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as err:
        call_command("import_staff", str(f))
    text = str(err.value)
    assert "第 3 行" in text and "wizard" in text
    assert "第 4 行" in text and "999999" in text
    assert "第 5 行" in text and "第 2 行" in text  # the duplicate names its first line
    assert "第 2 行：" not in text  # line 2 itself is fine
    assert not User.objects.filter(username__startswith="b").exists()


def test_import_staff_missing_column(directory, tmp_path):
    f = tmp_path / "staff.csv"
    f.write_text("username,unit\nc1,12345\n", encoding="utf-8")
    with pytest.raises(CommandError, match="role"):
        call_command("import_staff", str(f))
