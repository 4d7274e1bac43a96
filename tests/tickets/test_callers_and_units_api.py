"""Caller history (来电弹屏) and the unit picker over the API (SPEC §12, §19)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tickets import actions

from .test_api_tickets import make_ticket

pytestmark = pytest.mark.django_db


def test_caller_history_is_the_last_year_open_first(staff, api):
    now = timezone.now()
    closed = make_ticket(staff, caller_phone="13511112222", received_at=now - timedelta(days=3))
    actions.answer_ticket(actor=staff.operator, ticket=closed, answer="已答复")
    open_old = make_ticket(staff, caller_phone="13511112222", received_at=now - timedelta(days=40))
    open_new = make_ticket(staff, caller_phone="13511112222", received_at=now - timedelta(days=1))
    make_ticket(staff, caller_phone="13511112222", received_at=now - timedelta(days=400))
    make_ticket(staff, caller_phone="13599999999")
    resp = api(staff.operator).get("/api/v1/callers/135-1111-2222/tickets/")
    assert resp.status_code == 200
    assert [t["number"] for t in resp.json()] == [
        open_new.number,
        open_old.number,
        closed.number,
    ]
    assert resp.json()[0]["caller_phone"] == "13511112222"


def test_a_main_lines_history_holds_its_extensions_tickets(staff, api):
    # an office calls from its extensions; the console types the number the caller gives
    desk = make_ticket(staff, caller_phone="01064721234-12")  # as intake stores it
    line = make_ticket(staff, caller_phone="01064721234")
    make_ticket(staff, caller_phone="01064721235")
    make_ticket(staff, caller_phone="010647212345")  # a longer number, not an extension
    client = api(staff.operator)
    whole = client.get("/api/v1/callers/010-64721234/tickets/").json()
    assert sorted(t["number"] for t in whole) == sorted([desk.number, line.number])
    one_desk = client.get("/api/v1/callers/010-64721234-12/tickets/").json()
    assert [t["number"] for t in one_desk] == [desk.number]


def test_caller_history_is_the_centres_alone(staff, api):
    assert api(staff.street).get("/api/v1/callers/13511112222/tickets/").status_code == 403
    assert api(staff.district).get("/api/v1/callers/13511112222/tickets/").status_code == 403
    resp = api(staff.operator).get("/api/v1/callers/12/tickets/")
    assert resp.status_code == 400 and "phone" in resp.json()


@pytest.mark.parametrize(
    "q, code",
    [
        ("三里屯", "110105004"),  # a name
        ("sltjd", "110105004"),  # pinyin initials of 三里屯街道
        ("SLT", "110105004"),
        ("110105004", "110105004"),  # a code
        ("c-gas", "C-GAS"),
        ("三里屯街道办事处", "110105004"),  # the office, as people write it
        ("三里屯街道办", "110105004"),
        ("三里屯 街道", "110105004"),
    ],
)
def test_the_unit_picker_finds_by_name_initials_and_code(staff, api, q, code):
    rows = api(staff.dispatcher).get("/api/v1/units/", {"q": q}).json()["results"]
    assert rows and rows[0]["code"] == code


def test_communities_only_when_asked_for_with_their_street_as_parent(staff, api):
    client = api(staff.dispatcher)
    assert client.get("/api/v1/units/", {"q": "南池子"}).json()["count"] == 0
    rows = client.get("/api/v1/units/", {"q": "南池子", "type": "community"}).json()["results"]
    assert [(r["name"], r["parent"]) for r in rows] == [("南池子社区", "110101001")]
    departments = client.get("/api/v1/units/", {"q": "cgzf", "type": "department"}).json()
    assert departments["count"] > 10
    assert {r["type"] for r in departments["results"]} == {"department"}


def test_the_unit_picker_takes_any_text_without_failing(staff, api):
    client = api(staff.dispatcher)
    # Wildcards and quotes are text like any other; control characters are refused by the
    # input guard, naming the field (hotline/validation.py).
    resp = client.get("/api/v1/units/", {"q": "三里屯%_'"})
    assert resp.status_code == 200, resp.content
    resp = client.get("/api/v1/units/", {"q": " 三里屯 "})
    assert resp.status_code == 200 and resp.json()["results"][0]["code"] == "110105004"
    for bad in ("三里屯\x07", "三里\x00屯"):
        resp = client.get("/api/v1/units/", {"q": bad})
        assert resp.status_code == 400 and "q" in resp.json()
