"""Intake, list and detail over the API: idempotency, validation, visibility, masking."""

import pytest
from django.db import connection

from hotline.models import Unit
from tests.conftest import leaf
from tickets import actions
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db

BODY = {
    "channel": "phone",
    "caller_name": "张先生",
    "caller_phone": "13812345678",
    "address": "东城区东华门街道南池子大街12号",
    "street": "110101001",
    "kind": "complaint",
    "category": "CX.WJ.SD",
    "content": "楼下私搭乱建，占用消防通道",
}


def make_ticket(staff, *, street="110101001", dispatch_to=None, co_units=(), **fields):
    """A ticket logged by the operator (and dispatched) through the actions."""
    data = {
        "channel": "phone",
        "caller_name": "李女士",
        "caller_phone": "13900001111",
        "kind": "help",
        "category": leaf("CX.WJ.SD"),
        "content": "私搭乱建",
        "street": Unit.objects.get(code=street) if street else None,
        **fields,
    }
    ticket, _ = actions.create_ticket(actor=staff.operator, **data)
    if dispatch_to:
        actions.dispatch_ticket(
            actor=staff.dispatcher, ticket=ticket, unit=dispatch_to, co_units=co_units
        )
    return Ticket.objects.get(pk=ticket.pk)


# --- Intake ----------------------------------------------------------------------------------


def test_operator_creates_a_ticket_with_defaults_and_routing_hints(staff, api):
    resp = api(staff.operator).post("/api/v1/tickets/", BODY, format="json")
    assert resp.status_code == 201, resp.json()
    data = resp.json()
    ticket = Ticket.objects.get(number=data["number"])
    assert data["status"] == "new" and ticket.status == Status.NEW
    assert data["urgency"] == 3  # the category's default
    assert data["category"] == "CX.WJ.SD"
    assert data["street"] == "110101001" and data["district"] == "110101"
    assert data["caller_phone"] == "13812345678"  # the centre sees it in full
    assert data["suggested_unit"] == "110101001"
    assert "dispatch" in data["allowed_actions"]
    assert [e["type"] for e in data["events"]] == ["created"]
    assert data["events"][0]["actor"] == staff.operator.username


def test_suggested_unit_and_likely_repeats(staff, api):
    first = make_ticket(staff, category=leaf("GG.RQ.XL"), caller_phone="13811112222")
    body = {**BODY, "category": "GG.RQ.XL", "caller_phone": "138 1111 2222"}
    data = api(staff.operator).post("/api/v1/tickets/", body, format="json").json()
    assert data["suggested_unit"] == "C-GAS"  # a gas leak goes to the gas company
    assert data["likely_repeats"] == [first.number]
    assert data["caller_phone"] == "13811112222"  # spaces dropped
    assert data["urgency"] == 1


def test_idempotency_key_returns_the_first_ticket(staff, api):
    client = api(staff.operator)
    headers = {"HTTP_IDEMPOTENCY_KEY": "call-20261121-0001"}
    first = client.post("/api/v1/tickets/", BODY, format="json", **headers)
    again = client.post("/api/v1/tickets/", BODY, format="json", **headers)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    assert Ticket.objects.filter(idempotency_key="call-20261121-0001").count() == 1
    other = client.post("/api/v1/tickets/", BODY, format="json")
    assert other.status_code == 201 and other.json()["number"] != first.json()["number"]
    changed = client.post(
        "/api/v1/tickets/", {**BODY, "content": "另一通来电"}, format="json", **headers
    )
    assert changed.status_code == 422 and first.json()["number"] in changed.json()["detail"]
    assert Ticket.objects.filter(idempotency_key="call-20261121-0001").count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"caller_phone": "12345"}, "caller_phone"),
        ({"caller_phone": "1381234567a"}, "caller_phone"),
        ({"category": "NO.SUCH"}, "category"),
        ({"category": "CX"}, "category"),  # not a leaf
        ({"street": "999999999"}, "street"),
        ({"street": "110102001", "district": "110101"}, "street"),
        ({"urgency": 1}, "urgency_reason"),
        ({"urgency": 7}, "urgency"),
        ({"kind": "rant"}, "kind"),
        ({"content": ""}, "content"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"received_at": "2099-01-01T00:00:00+08:00"}, "received_at"),
        ({"latitude": 91}, "latitude"),
        ({"community": "110101001"}, "community"),
        ({"street": None, "district": "110105", "community": "110101001-001"}, "community"),
    ],
)
def test_validation_errors_name_the_field(staff, api, change, field):
    before = Ticket.objects.count()
    resp = api(staff.operator).post("/api/v1/tickets/", {**BODY, **change}, format="json")
    assert resp.status_code == 400
    assert field in resp.json(), resp.json()
    assert Ticket.objects.count() == before


def test_a_community_given_without_a_street_names_the_street(staff, api):
    """Found by an audit: the street was read from the address instead, so a ticket could
    hold a community of one street and the street (and routing) of another district."""
    body = {**BODY, "address": "朝阳区三里屯路19号", "community": "110101001-001"}
    del body["street"]
    resp = api(staff.operator).post("/api/v1/tickets/", body, format="json")
    assert resp.status_code == 201, resp.json()
    made = resp.json()
    assert (made["community"], made["street"], made["district"]) == (
        "110101001-001",
        "110101001",
        "110101",
    )


@pytest.mark.parametrize(
    "phone, stored",
    [
        ("010-65123456", "01065123456"),
        ("010 6512 3456", "01065123456"),
        ("65123456", "01065123456"),  # a local landline: Beijing's area code
        ("+86 10 6512 3456", "01065123456"),
        ("0755-8888888-123", "07558888888-123"),  # the extension keeps its dash
        ("15000000000", "15000000000"),
        ("+86 150 0000 0000", "15000000000"),
        ("0086-15000000000", "15000000000"),
    ],
)
def test_landlines_and_mobiles_are_accepted_and_stored_one_way(staff, api, phone, stored):
    resp = api(staff.operator).post(
        "/api/v1/tickets/", {**BODY, "caller_phone": phone}, format="json"
    )
    assert resp.status_code == 201, resp.json()
    assert resp.json()["caller_phone"] == stored
    assert Ticket.objects.get(number=resp.json()["number"]).caller_phone == stored


def test_urgency_change_with_reason_and_backdated_receipt(staff, api):
    body = {**BODY, "urgency": 2, "urgency_reason": "涉及老人出行安全"}
    body.update(received_at="2026-11-02T09:30:00+08:00", latitude="39.91234567", longitude=116.4)
    data = api(staff.operator).post("/api/v1/tickets/", body, format="json").json()
    assert data["urgency"] == 2 and data["urgency_reason"] == "涉及老人出行安全"
    assert data["number"].startswith("261102")
    assert data["latitude"] == "39.912346"


@pytest.mark.parametrize("who", ["street", "callback_agent", "reviewer", "leader", "district"])
def test_only_centre_operators_and_dispatchers_create(staff, api, who):
    resp = api(getattr(staff, who)).post("/api/v1/tickets/", BODY, format="json")
    assert resp.status_code == 403
    assert resp.json()["detail"]
    assert not Ticket.objects.exists()


# --- List and detail ------------------------------------------------------------------------


def test_detail_carries_events_participations_and_deadlines(staff, api):
    ticket = make_ticket(staff, dispatch_to="110101001")
    data = api(staff.dispatcher).get(f"/api/v1/tickets/{ticket.number}/").json()
    assert data["lead_unit"] == "110101001" and data["status"] == "dispatched"
    assert set(data["deadlines"]) == {"sign", "contact", "feedback", "return_window"}
    assert data["deadlines"]["feedback"] is not None
    assert [e["type"] for e in data["events"]] == ["created", "dispatched"]
    dispatched = data["events"][1]
    assert dispatched["unit"] == "12345" and dispatched["payload"]["lead"] == "110101001"
    # the district government gets a copy of a street dispatch
    assert [(p["unit"], p["role"]) for p in data["participations"]] == [("110101", "copy")]
    assert data["allowed_actions"] == []  # a dispatcher has nothing to do on it now
    street = api(staff.street).get(f"/api/v1/tickets/{ticket.number}/").json()
    assert set(street["allowed_actions"]) == {"sign", "return", "extend", "reveal-phone"}


def test_phone_masked_outside_the_centre_and_confidential_hidden(staff, api):
    plain = make_ticket(staff, dispatch_to="110101001", caller_phone="13812345678")
    secret = make_ticket(staff, dispatch_to="110101001", confidential=True, caller_name="王某")
    for user, (name, phone) in [
        (staff.operator, ("李女士", "13812345678")),
        (staff.street, ("李女士", "138****5678")),
        (staff.district, ("李女士", "138****5678")),
    ]:
        data = api(user).get(f"/api/v1/tickets/{plain.number}/").json()
        assert (data["caller_name"], data["caller_phone"]) == (name, phone)
    hidden = api(staff.street).get(f"/api/v1/tickets/{secret.number}/").json()
    assert (hidden["caller_name"], hidden["caller_phone"]) == ("", "")
    listed = api(staff.street).get("/api/v1/tickets/", {"number": secret.number}).json()
    assert (listed["results"][0]["caller_name"], listed["results"][0]["caller_phone"]) == ("", "")
    centre = api(staff.dispatcher).get(f"/api/v1/tickets/{secret.number}/").json()
    assert (centre["caller_name"], centre["caller_phone"]) == ("王某", "13900001111")


def test_each_answer_has_fields_of_its_own(staff, rf):
    """Fields are built once per class and copied for each serializer (FieldsBuiltOnce):
    two answers alive at once, for people who see the caller differently, share no field,
    no nested list's child and no context."""
    from tickets.api.serializers import TicketDetailSerializer

    ticket = make_ticket(staff, dispatch_to="110101001", caller_phone="13812345678")
    answers = {}
    for user in (staff.dispatcher, staff.street):
        request = rf.get("/")
        request.user = user
        answers[user.username] = TicketDetailSerializer(ticket, context={"request": request})
    centre, street = answers.values()
    for name in ("events", "participations", "allowed_actions", "repeats", "deadlines"):
        assert centre.fields[name] is not street.fields[name]
        assert centre.fields[name].parent is centre and street.fields[name].parent is street
    for name, held in (
        ("events", "child"),
        ("allowed_actions", "child"),
        ("repeats", "child_relation"),
    ):
        mine, theirs = getattr(centre.fields[name], held), getattr(street.fields[name], held)
        assert mine is not theirs and mine.parent is centre.fields[name]
    assert street.data["caller_phone"] == "138****5678"
    assert centre.data["caller_phone"] == "13812345678"  # built after, from its own context
    assert [e["type"] for e in centre.data["events"]] == ["created", "dispatched"]


def test_an_extension_stays_after_the_masked_main_line(staff, api):
    """Was 010****4-12 (the stored text's last four): it hid the main line's last four, so
    the centre could not find the caller from what a unit's report showed."""
    line = make_ticket(staff, dispatch_to="110101001", caller_phone="01064721234-12")
    shown = api(staff.street).get(f"/api/v1/tickets/{line.number}/").json()["caller_phone"]
    assert shown == "010****1234-12"
    found = api(staff.dispatcher).get("/api/v1/tickets/", {"q": shown}).json()["results"]
    assert [t["number"] for t in found] == [line.number]


def test_visibility_of_list_and_detail(staff, api):
    mine = make_ticket(staff, dispatch_to="110101001")
    neighbours = make_ticket(staff, street="110101002", dispatch_to="110101002")
    xicheng = make_ticket(staff, street="110102001", dispatch_to="110102001")
    undispatched = make_ticket(staff)

    def listed(user):
        return {t["number"] for t in api(user).get("/api/v1/tickets/").json()["results"]}

    everything = {mine.number, neighbours.number, xicheng.number, undispatched.number}
    assert listed(staff.operator) == everything
    assert listed(staff.street) == {mine.number}
    assert listed(staff.other_street) == {neighbours.number}
    # 东城区 sees the tickets dispatched into it; a never-dispatched one is the centre's alone
    assert listed(staff.district) == {mine.number, neighbours.number}
    assert listed(staff.other_district) == {xicheng.number}
    assert listed(staff.dept) == set()
    for user in (staff.other_street, staff.dept, staff.gas, staff.other_district):
        resp = api(user).get(f"/api/v1/tickets/{mine.number}/")
        assert resp.status_code == 404
    assert api(staff.district).get(f"/api/v1/tickets/{mine.number}/").status_code == 200
    assert api(staff.operator).get("/api/v1/tickets/2099010199999/").status_code == 404


def test_list_filters(staff, api):
    a = make_ticket(staff, dispatch_to="110101001")
    b = make_ticket(staff, category=leaf("GG.RQ.XL"), street="110101002")
    old = make_ticket(staff, street="110101002", received_at=_at("2026-03-31T23:30:00+08:00"))
    Ticket.objects.filter(pk=b.pk).update(overdue=True)
    client = api(staff.dispatcher)

    def numbers(**params):
        resp = client.get("/api/v1/tickets/", params)
        assert resp.status_code == 200, resp.json()
        return {t["number"] for t in resp.json()["results"]}

    assert numbers(status="dispatched") == {a.number}
    assert numbers(status=["dispatched", "new"]) == {a.number, b.number, old.number}
    assert numbers(unit="110101001") == {a.number}
    assert numbers(urgency=1) == {b.number}
    assert numbers(category="GG") == {b.number}
    assert numbers(category="GG.RQ.XL") == {b.number}
    # a prefix of a code is not a parent: no such category, a 400 naming the field
    unknown = api(staff.dispatcher).get("/api/v1/tickets/", {"category": "GG.R"})
    assert unknown.status_code == 400 and "category" in unknown.json()
    assert numbers(overdue="true") == {b.number}
    assert numbers(period="2026-03") == {old.number}  # 23:30 Beijing time is still March
    assert numbers(period="2026-04") == set()
    assert numbers(number=a.number) == {a.number}
    assert numbers(street="110101002") == {b.number, old.number}
    bad = client.get("/api/v1/tickets/", {"period": "2026-13"})
    assert bad.status_code == 400 and "period" in bad.json()


def _at(text):
    from django.utils.dateparse import parse_datetime

    return parse_datetime(text)


@pytest.mark.parametrize("who", ["dispatcher", "street", "district"])
def test_list_query_count_does_not_grow_with_page_size(staff, api, django_assert_num_queries, who):
    for i in range(60):
        make_ticket(
            staff,
            dispatch_to="110101001",
            co_units=["110101-CGZF"] if i % 3 == 0 else [],
            caller_phone=f"1390000{i:04d}",
        )
    user = getattr(staff, who)
    client = api(user)
    _ = user.unit  # the user's unit is loaded once at login, not per page
    counts = {}
    for size in (5, 50):
        # count, page, categories, participations, then every unit the rows name (street,
        # district, lead unit, the participants': tickets.row_units); a street's page ids
        # come first from the tops of its two arms (ArmsPaginator)
        on_postgresql = connection.vendor == "postgresql"
        with django_assert_num_queries(6 if who == "street" and on_postgresql else 5) as captured:
            resp = client.get("/api/v1/tickets/", {"page_size": size})
        assert resp.status_code == 200
        assert len(resp.json()["results"]) == size
        counts[size] = len(captured.captured_queries)
    assert counts[5] == counts[50]
    row = next(r for r in resp.json()["results"] if r["co_units"])
    assert row["co_units"] == ["110101-CGZF"]


def test_phones_stored_before_the_one_form_are_migrated_to_it(staff):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tickets.migrations.0010_phones_stored_one_way")
    dashed = make_ticket(staff, caller_phone="010-64721234")
    local = make_ticket(staff, caller_phone="64725678")
    mobile = make_ticket(staff, caller_phone="13812345678")
    migration.normalize(apps, None)
    stored = dict(Ticket.objects.values_list("pk", "caller_phone"))
    assert stored[dashed.pk] == "01064721234" and stored[local.pk] == "01064725678"
    assert stored[mobile.pk] == "13812345678"
