"""Open311 GeoReport v2: discovery, services, filing and following requests, privacy."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from hotline.models import Category
from tests.tickets.open311_calls import BASE, PHONE, file_ticket, ids, post
from tickets import actions
from tickets.models import Ticket

# The mark (not a `db` argument) lets conftest's autouse calendar fixture reach the database.
pytestmark = pytest.mark.django_db


# --- discovery and services ----------------------------------------------------------------


def test_discovery_in_json_and_xml(client):
    body = client.get(f"{BASE}/discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert "application/xml" in endpoint["formats"]

    response = client.get(f"{BASE}/discovery.xml")
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "discovery"
    formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
    assert formats == ["application/json", "application/xml"]


def test_services_are_the_leaf_categories(client, directory):
    services = client.get(f"{BASE}/services.json").json()
    leaves = Category.objects.filter(default_urgency__isnull=False, active=True)
    assert len(services) == leaves.count() > 10
    lift = next(s for s in services if s["service_code"] == "CX.WY.DT")
    assert lift["service_name"] == "电梯故障"
    assert lift["group"] == "城乡建设"
    assert lift["description"] == "城乡建设 › 物业管理 › 电梯故障"
    assert lift["metadata"] is False and lift["type"] == "realtime"
    assert "dtgz" in lift["keywords"].split(",")
    assert not any(s["service_code"] == "CX.WY" for s in services)

    root = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert root.tag == "services"
    assert len(root.findall("service")) == leaves.count()
    assert root.find("service/metadata").text == "false"


def test_service_definition(client, directory):
    body = client.get(f"{BASE}/services/CX.WY.DT.json").json()
    assert body == {"service_code": "CX.WY.DT", "attributes": []}
    root = ET.fromstring(client.get(f"{BASE}/services/CX.WY.DT.xml").content)
    assert root.tag == "service_definition" and root.find("service_code").text == "CX.WY.DT"

    missing = client.get(f"{BASE}/services/NOPE.json")
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404
    # a branch of the taxonomy is not a service
    assert client.get(f"{BASE}/services/CX.WY.json").status_code == 404


# --- filing a request ----------------------------------------------------------------------


def test_post_creates_an_api_ticket_routed_to_the_named_street(client, staff, api_key):
    response = post(
        client,
        {
            "api_key": api_key,
            "service_code": "CX.WY.DT",
            "address_string": "北京市东城区东华门街道南池子大街5号院",
            "description": "3号楼电梯停运两天",
            "first_name": "小红",
            "last_name": "李",
            "phone": "13900001111",
            "email": "li@example.com",
            "device_id": "dev-1",
        },
    )
    assert response.status_code == 201, response.content
    [row] = response.json()
    ticket = Ticket.objects.select_related("street", "category").get(
        number=row["service_request_id"]
    )
    assert ticket.number in row["service_notice"]
    assert ticket.channel == "api"
    assert ticket.kind == "complaint"
    assert ticket.status == "new"
    assert ticket.created_by == staff.operator
    assert ticket.street.code == "110101001"
    assert ticket.category.code == "CX.WY.DT"
    assert ticket.urgency == ticket.category.default_urgency
    assert ticket.content == "3号楼电梯停运两天"
    assert (ticket.caller_name, ticket.caller_phone) == ("李小红", "13900001111")


def test_post_with_a_location_and_a_kind(client, staff, api_key):
    response = post(
        client,
        {
            "api_key": api_key,
            "service_code": "CX.WY.FW",
            "lat": "39.9139123",
            "long": "116.4012",
            "description": "建议增加垃圾桶",
            "kind": "suggestion",
        },
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=ids(response)[0])
    assert str(ticket.latitude) == "39.913912" and str(ticket.longitude) == "116.401200"
    assert ticket.kind == "suggestion" and ticket.street is None


@pytest.mark.parametrize("key", ["", "not-a-token"])
def test_post_without_a_valid_api_key_is_403(client, directory, key):
    response = post(client, {"api_key": key, "service_code": "CX.WY.DT", "description": "x"})
    assert response.status_code == 403
    [error] = response.json()
    assert error["code"] == 403 and "api_key" in error["description"]
    assert not Ticket.objects.exists()


def test_post_with_the_token_of_unit_staff_is_403_in_xml(client, staff):
    key = Token.objects.create(user=staff.street).key
    data = {"api_key": key, "service_code": "CX.WY.DT", "description": "x", "address_string": "a"}
    response = post(client, data, fmt="xml")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    assert root.find("error/code").text == "403"
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"description": "电梯坏了", "address_string": "东城区"}, "service_code"),
        ({"service_code": "NOPE", "description": "x", "address_string": "东城区"}, "service_code"),
        ({"service_code": "CX.WY", "description": "x", "address_string": "东城区"}, "service_code"),
        ({"service_code": "CX.WY.DT", "address_string": "东城区"}, "description"),
        ({"service_code": "CX.WY.DT", "description": "x"}, "address_string"),
        ({"service_code": "CX.WY.DT", "description": "x", "lat": "39.9"}, "lat"),
        ({"service_code": "CX.WY.DT", "description": "x", "lat": "99", "long": "1"}, "lat"),
    ],
)
def test_post_with_a_bad_field_is_400_naming_it(client, api_key, data, field):
    response = post(client, {"api_key": api_key, **data})
    assert response.status_code == 400, response.content
    assert any(e["code"] == 400 and field in e["description"] for e in response.json())
    assert not Ticket.objects.exists()


def test_post_accepts_json_and_refuses_a_json_list(client, api_key):
    data = {"api_key": api_key, "service_code": "CX.WY.DT", "description": "x", "lat": 39.9}
    data["long"] = 116.4
    url = f"{BASE}/requests.json"
    assert client.post(url, data, content_type="application/json").status_code == 201
    refused = client.post(url, [data], content_type="application/json")
    assert refused.status_code == 400 and refused.json()[0]["code"] == 400
    assert Ticket.objects.count() == 1


def test_idempotency_key_returns_the_first_request(client, api_key):
    data = {"api_key": api_key, "service_code": "CX.WY.DT", "description": "x"}
    data["address_string"] = "东城区东华门街道"
    first = post(client, data, **{"Idempotency-Key": "abc-1"})
    again = post(client, data, **{"Idempotency-Key": "abc-1"})
    other = post(client, data, **{"Idempotency-Key": "abc-2"})
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert ids(first) == ids(again) != ids(other)
    assert Ticket.objects.count() == 2
    changed = post(client, {**data, "description": "another call"}, **{"Idempotency-Key": "abc-1"})
    assert changed.status_code == 422 and changed.json()[0]["code"] == 422
    assert Ticket.objects.count() == 2


# --- following requests --------------------------------------------------------------------


def test_get_one_request_in_json_and_xml(client, staff):
    ticket = file_ticket(staff, latitude="39.914000", longitude="116.403000")
    actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit="110101001")
    actions.sign_ticket(actor=staff.street, ticket=ticket)
    actions.contact_caller(actor=staff.street, ticket=ticket)

    [row] = client.get(f"{BASE}/requests/{ticket.number}.json").json()
    assert row["service_request_id"] == ticket.number
    assert row["status"] == "open"
    assert row["agency_responsible"] == "东华门街道"
    assert row["service_code"] == "CX.WY.FW"
    assert row["requested_datetime"].endswith("+08:00")
    assert row["expected_datetime"].endswith("+08:00")
    assert row["updated_datetime"] >= row["requested_datetime"]
    assert (row["lat"], row["long"]) == (39.914, 116.403)
    # The caller's address is their own text: only the district and street are public.
    assert row["address"] == "东城区东华门街道" and row["address_id"] == "110101001"
    assert row["description"] == ""

    actions.reply_ticket(actor=staff.street, ticket=ticket, result="solved", note="已更换灯泡")
    response = client.get(f"{BASE}/requests/{ticket.number}.xml")
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.find("service_request_id").text == ticket.number
    assert request.find("status").text == "open"  # replied: open until the callback
    assert "已更换灯泡" in request.find("status_notes").text
    assert request.find("agency_responsible").text == "东华门街道"
    assert request.find("lat").text == "39.914"


def test_unknown_request_is_404(client):
    response = client.get(f"{BASE}/requests/999.xml")
    assert response.status_code == 404
    assert ET.fromstring(response.content).find("error/code").text == "404"


def test_answered_ticket_is_closed_with_the_answer_as_notes(client, staff):
    ticket = file_ticket(staff, kind="enquiry")
    actions.answer_ticket(actor=staff.operator, ticket=ticket, answer="请咨询物业公司")
    [row] = client.get(f"{BASE}/requests/{ticket.number}.json").json()
    assert row["status"] == "closed"
    assert row["status_notes"] == "请咨询物业公司"
    assert row["agency_responsible"] == ""


def test_confidential_ticket_is_never_public(client, staff):
    secret = file_ticket(staff, confidential=True)
    public = file_ticket(staff)
    assert ids(client.get(f"{BASE}/requests.json")) == [public.number]
    assert client.get(f"{BASE}/requests/{secret.number}.json").status_code == 404
    listed = client.get(f"{BASE}/requests.json", {"service_request_id": secret.number})
    assert listed.json() == []


TEXT = (
    "我是王小明，电话 13812345678，邻居 137 0000 1234 和 137-0000-5678 也反映过，"
    "座机010-65551234，身份证 11010519491231002X，邮箱 wang.xm@example.com"
)
SECRETS = [
    PHONE,
    "137 0000 1234",
    "137-0000-5678",
    "65551234",
    "11010519491231002X",
    "wang.xm@example.com",
    "王小明",
]


def _public_texts(client, ticket):
    return [
        client.get(f"{BASE}/requests.json").content.decode(),
        client.get(f"{BASE}/requests.xml").content.decode(),
        client.get(f"{BASE}/requests/{ticket.number}.json").content.decode(),
        client.get(f"{BASE}/requests/{ticket.number}.xml").content.decode(),
        client.get(f"{BASE}/servicerequestupdates.json").content.decode(),
        client.get(f"{BASE}/servicerequestupdates.xml").content.decode(),
    ]


def test_caller_text_is_not_published_by_default(client, staff):
    ticket = file_ticket(
        staff, content=TEXT, address="东城区东华门街道南池子大街1号 王小明家 13812345678"
    )
    actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit="110101001")
    for text in _public_texts(client, ticket):
        assert ticket.number in text
        assert "南池子" not in text and "反映" not in text
        for secret in SECRETS:
            assert secret not in text
    [row] = client.get(f"{BASE}/requests/{ticket.number}.json").json()
    assert (row["description"], row["address"]) == ("", "东城区东华门街道")


def test_published_text_masks_phones_id_cards_and_emails(client, staff, publishing):
    ticket = file_ticket(
        staff, content=TEXT, address="东城区东华门街道南池子大街1号 王小明家 13812345678"
    )
    actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit="110101001")
    for text in _public_texts(client, ticket):
        for secret in SECRETS:
            assert secret not in text
    [row] = client.get(f"{BASE}/requests/{ticket.number}.json").json()
    assert row["description"] == (
        "我是王**，电话 138****5678，邻居 137****1234 和 137****5678 也反映过，"
        "座机010****1234，身份证 11**************2X，邮箱 w***@example.com"
    )
    assert row["address"] == "东城区东华门街道南池子大街1号 王**家 138****5678"


def test_coordinates_are_rounded_to_about_100_m(client, staff):
    ticket = file_ticket(staff, latitude="39.914567", longitude="116.403499")
    [row] = client.get(f"{BASE}/requests/{ticket.number}.json").json()
    assert (row["lat"], row["long"]) == (39.915, 116.403)
    root = ET.fromstring(client.get(f"{BASE}/requests/{ticket.number}.xml").content)
    assert root.find("request/lat").text == "39.915"
    assert "39.914567" not in client.get(f"{BASE}/requests.xml").content.decode()


def test_confidential_tickets_are_not_published(client, staff):
    ticket = file_ticket(staff, confidential=True)
    assert client.get(f"{BASE}/requests/{ticket.number}.json").status_code == 404
    for text in _public_texts(client, ticket)[:2] + _public_texts(client, ticket)[4:]:
        assert ticket.number not in text


def test_filters_by_status_service_code_ids_and_dates(client, staff):
    now = timezone.now()
    open_one = file_ticket(staff, code="CX.WY.FW")
    closed_one = file_ticket(staff, code="CX.WY.SF")
    actions.answer_ticket(actor=staff.operator, ticket=closed_one, answer="已答复")
    old = file_ticket(staff, received_at=now - timedelta(days=100))

    def listed(**params):
        response = client.get(f"{BASE}/requests.json", params)
        assert response.status_code == 200, response.content
        return set(ids(response))

    assert listed() == {open_one.number, closed_one.number}  # last 90 days by default
    assert listed(status="open") == {open_one.number}
    assert listed(status="closed") == {closed_one.number}
    assert listed(status="open,closed") == {open_one.number, closed_one.number}
    assert listed(service_code="CX.WY.SF") == {closed_one.number}
    assert listed(service_code="CX.WY.SF,CX.WY.FW", status="open") == {open_one.number}
    # ids override the other filters, the date window included
    assert listed(service_request_id=f"{old.number},{open_one.number}", status="closed") == {
        old.number,
        open_one.number,
    }
    start = (now - timedelta(days=120)).isoformat()
    end = (now - timedelta(days=95)).isoformat()
    assert listed(start_date=start, end_date=end) == {old.number}
    assert listed(start_date=start) == {old.number, open_one.number, closed_one.number}
    assert listed(start_date=(timezone.localdate() + timedelta(days=1)).isoformat()) == set()

    root = ET.fromstring(client.get(f"{BASE}/requests.xml", {"status": "closed"}).content)
    assert [r.find("status").text for r in root.findall("request")] == ["closed"]


@pytest.mark.parametrize(
    "params, field",
    [({"status": "pending"}, "status"), ({"start_date": "yesterday"}, "start_date")],
)
def test_bad_filters_are_400(client, params, field):
    response = client.get(f"{BASE}/requests.json", params)
    assert response.status_code == 400
    assert field in response.json()[0]["description"]


def test_request_list_query_count_does_not_grow(client, staff, django_assert_num_queries):
    for _ in range(3):
        file_ticket(staff)
    # Two: the publishing switch, then the list with everything it names.
    with django_assert_num_queries(2):
        assert len(client.get(f"{BASE}/requests.json").json()) == 3
    for _ in range(3):
        actions.dispatch_ticket(actor=staff.dispatcher, ticket=file_ticket(staff), unit="110101")
    with django_assert_num_queries(2):
        assert len(client.get(f"{BASE}/requests.json").json()) == 6
