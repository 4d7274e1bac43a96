"""One phone rule on every way in (SPEC §18, hotline.validation.normalize_phone): a number is
stored one way however it was said, and a number no one can dial is refused, naming the
field."""

import re

import pytest
from django.core.exceptions import ValidationError

from hotline.validation import PHONE_PATTERN, normalize_phone
from tests.conftest import leaf


@pytest.mark.parametrize(
    "said, stored",
    [
        ("138-0013-8000", "13800138000"),  # found by an audit: refused at intake
        ("+86-138-0013-8000", "13800138000"),
        ("０１０－６４７２－９９９９", "01064729999"),  # full width, as an input method types
        ("６４７２１２４０", "01064721240"),
        ("010-6472-9999", "01064729999"),
        ("6472-1234-12", "01064721234-12"),  # groups, then an extension
        ("010-6472-1234-5", "01064721234-5"),
        ("010 6472 1234转12", "01064721234-12"),
        ("（010）64721234", "01064721234"),
        ("0755-2345678", "07552345678"),  # seven-digit lines outside 010 and 02x
        ("021-62345678", "02162345678"),
    ],
)
def test_a_number_said_in_groups_is_stored_one_way(said, stored):
    assert normalize_phone(said) == stored


@pytest.mark.parametrize(
    "said",
    [
        "010647212345",  # found by an audit: stored as area code 0106
        "6472123",  # Beijing's lines have eight digits
        "010-6472123",
        "021-6234567",
        "0106-4721234",
        "138-0013-800",
    ],
)
def test_a_number_no_one_can_dial_is_refused(said):
    with pytest.raises(ValidationError):
        normalize_phone(said)


def test_the_schemas_pattern_takes_what_the_rule_stores():
    for stored in ["13800138000", "01064721234", "01064721234-12", "07552345678", "64721234"]:
        assert re.match(PHONE_PATTERN, stored), stored
    for refused in ["010647212345", "0101234567", "6472123"]:
        assert not re.match(PHONE_PATTERN, refused), refused


@pytest.mark.django_db
def test_intake_takes_a_grouped_number_and_names_the_field_for_a_bad_one(staff, api):
    client = api(staff.operator)
    body = {"kind": "complaint", "category": leaf().code, "content": "楼道灯坏了"}
    made = client.post("/api/v1/tickets/", body | {"caller_phone": "138-0013-8000"}, format="json")
    assert made.status_code == 201 and made.json()["caller_phone"] == "13800138000"
    bad = client.post("/api/v1/tickets/", body | {"caller_phone": "010647212345"}, format="json")
    assert bad.status_code == 400 and list(bad.json()) == ["caller_phone"]
