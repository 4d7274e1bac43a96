"""Every input the issue found giving a 500 now gets a 4xx naming the field, changing nothing."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from hotline.models import User
from tests.conftest import leaf
from tests.tickets.test_api_tickets import BODY
from tickets import actions
from tickets.models import Notification, Ticket
from tickets.open311.models import Open311Publishing

pytestmark = pytest.mark.django_db


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def refused(response, field, status=400):
    assert response.status_code == status, response.content[:300]
    assert field in response.content.decode(), response.content[:300]


def test_the_dispatch_queue_shows_a_ticket_with_no_street_and_no_district(staff):
    ticket, _ = actions.create_ticket(
        actor=staff.operator,
        channel="api",
        kind="help",
        category=leaf("CX.WJ.SD"),
        content="只有经纬度",
        address="",
        latitude="39.9",
        longitude="116.4",
    )
    assert ticket.street_id is None and ticket.district_id is None
    page = browser(staff.dispatcher).get("/dispatch/")
    assert page.status_code == 200 and ticket.number in page.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/tickets/%00/",
        "/api/v1/tickets/?status=%00",
        "/api/v1/units/?q=a%00b",
        "/api/v1/tickets/?st%01atus=new",
        "/dispatch/?page=%07",
    ],
)
def test_nul_and_control_characters_in_path_or_query_are_400(staff, url):
    client = browser(staff.dispatcher)
    response = client.get(url)
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()


@pytest.mark.parametrize("suffix", ["json", "xml"])
def test_open311_answers_a_nul_with_its_own_error_shape(suffix):
    response = Client().get(f"/open311/v2/requests.{suffix}?status=open%00")
    assert response.status_code == 400
    if suffix == "xml":
        root = ET.fromstring(response.content)
        assert root.tag == "errors" and root.find("error/code").text == "400"
        assert root.find("error/description").text.startswith("status")
    else:
        assert response.json()[0]["description"].startswith("status")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"latitude": "1e400", "longitude": "116.4"}, "latitude"),
        ({"latitude": 1e308, "longitude": "116.4"}, "latitude"),
        ({"received_at": "1926-01-01T10:00:00+08:00"}, "received_at"),
        ({"received_at": "0001-01-01T00:00:00Z"}, "received_at"),
        ({"received_at": "9999-12-31T00:00:00Z"}, "received_at"),
        ({"content": "灯不亮\u0001\u0007"}, "content"),
        ({"caller_name": "张\x0b"}, "caller_name"),
        ({"content": "长" * 4001}, "content"),
        ({"caller_phone": "not-a-phone!!"}, "caller_phone"),
    ],
)
def test_api_intake_refuses_with_the_field_named_and_stores_nothing(staff, api, change, field):
    response = api(staff.operator).post("/api/v1/tickets/", {**BODY, **change}, format="json")
    refused(response, field)
    assert field in response.json()
    assert not Ticket.objects.exists()


def test_a_lone_surrogate_is_refused(staff, api):
    body = json.dumps({**BODY, "content": "x"})[:-1] + ', "caller_name": "\\ud800"}'
    response = api(staff.operator).post("/api/v1/tickets/", body, content_type="application/json")
    refused(response, "caller_name")
    assert not Ticket.objects.exists()


def test_json_nested_ten_thousand_deep_is_400(staff, api):
    deep = "[" * 10_000 + "]" * 10_000
    response = api(staff.operator).post("/api/v1/tickets/", deep, content_type="application/json")
    assert response.status_code == 400 and "嵌套" in json.dumps(response.json(), ensure_ascii=False)
    just_too_deep = {"content": json.loads("[" * 25 + "]" * 25)}
    response = api(staff.operator).post("/api/v1/tickets/", just_too_deep, format="json")
    refused(response, "content")
    assert not Ticket.objects.exists()


def test_marking_a_notification_read_with_a_bad_id_is_400(staff, flow):
    ticket = flow.dispatched()
    Notification.objects.create(user=staff.street, ticket=ticket, kind="x", message="m")
    response = browser(staff.street).post("/notifications/read/", {"id": "abc"})
    refused(response, "id")
    assert Notification.objects.filter(read_at__isnull=True).count() >= 1


@pytest.mark.parametrize("period", ["0000-01", "9999-12", "10000-01"])
def test_the_dashboard_refuses_absurd_periods(staff, period):
    response = browser(staff.leader).get(f"/dashboard/?period={period}")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("period", ["0000-01", "9999-12", "2026-13"])
def test_computing_an_absurd_period_is_400_and_queues_nothing(staff, api, make_user, period):
    from tickets.outbox.models import OutboxMessage

    admin = make_user("admin", "12345")
    response = api(admin).post("/api/v1/scores/compute/", {"period": period}, format="json")
    refused(response, "period")
    assert not OutboxMessage.objects.exists()


# --- The same rules on every way in --------------------------------------------------------


def _console(client, **change):
    data = {
        "caller_name": "王女士",
        "caller_phone": "13812345678",
        "address": "东城区东华门街道南池子大街1号",
        "category": "CX.WJ.SD",
        "kind": "complaint",
        "content": "路灯不亮",
        **change,
    }
    return client.post("/console/", data)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"caller_phone": "not-a-phone!!"}, "caller_phone"),
        ({"content": "x" * 1_000_000}, "content"),
        ({"content": "灯\u0001"}, "content"),
    ],
)
def test_the_web_console_keeps_the_same_rules(staff, change, field):
    response = _console(browser(staff.operator), **change)
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_the_web_console_still_takes_a_good_call_with_a_dictated_landline(staff):
    response = _console(browser(staff.operator), caller_phone="010 6512 3456", content="a\r\nb")
    assert response.status_code in (200, 302)
    assert Ticket.objects.get().caller_phone == "01065123456"


@pytest.fixture
def open311_key(staff):
    return Token.objects.get_or_create(user=staff.operator)[0].key


@pytest.mark.parametrize(
    "change, field",
    [
        ({"phone": "not-a-phone!!"}, "phone"),
        ({"description": "x" * 4001}, "description"),
        ({"description": "灯\u0007不亮"}, "description"),
        ({"account_id": "a" * 101}, "account_id"),
    ],
)
def test_open311_keeps_the_same_rules(open311_key, change, field):
    data = {
        "api_key": open311_key,
        "service_code": "CX.WJ.SD",
        "lat": "39.9",
        "long": "116.4",
        "description": "路灯不亮",
        **change,
    }
    response = Client().post("/open311/v2/requests.xml", data)
    assert response.status_code == 400
    root = ET.fromstring(response.content)  # always well-formed XML
    assert field in root.find("error/description").text
    assert not Ticket.objects.exists()


def test_import_staff_refuses_control_characters_and_long_names(tmp_path, directory):
    from django.core.exceptions import ValidationError

    from hotline.roles import import_staff_csv

    path = tmp_path / "staff.csv"
    path.write_text(
        "username,role,unit,password,name\nok1,operator,12345,,王\nbad\x01,operator,12345,,李\n"
        f"ok2,operator,12345,,{'长' * 51}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as caught:
        import_staff_csv(path)
    assert len(caught.value.messages) == 2
    assert not User.objects.filter(username="ok1").exists()


def test_open311_xml_parses_even_with_control_characters_stored_before_the_guard(staff):
    Open311Publishing(publish_text=True).save()  # descriptions are private unless published
    ticket, _ = actions.create_ticket(
        actor=staff.operator,
        channel="phone",
        kind="help",
        category=leaf("CX.WJ.SD"),
        content="灯\u0001不亮\u0007",
        street=User.objects.get(pk=staff.street.pk).unit,
    )
    root = ET.fromstring(Client().get("/open311/v2/requests.xml").content)
    descriptions = [e.text for e in root.iter("description")]
    assert "灯不亮" in descriptions and ticket.content == "灯\u0001不亮\u0007"
