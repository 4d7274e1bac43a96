"""Open311 as real clients use it: a GeoReport v2 library, and what civicbot, georeport
and FixMyStreet sent (address ids, media, updates, strict XML)."""

import json
import xml.etree.ElementTree as ET
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from tests.tickets.open311_calls import BASE, PHONE, file_ticket, ids, post
from tickets import actions
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


# --- a real GeoReport v2 client ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_georeport_client_reads_services_and_requests(live_server, staff):
    georeport = pytest.importorskip("georeport")
    ticket = file_ticket(staff)
    for fmt in ("json", "xml"):
        client = georeport.GeoReport(f"{live_server.url}{BASE}", output_format=fmt)
        services = client.get_service_list()
        assert any(s["service_code"] == "CX.WY.FW" for s in services)
        definition = client.get_service_definition("CX.WY.FW")
        assert definition["service_code"] == "CX.WY.FW"
        one = client.get_service_request(ticket.number)
        assert one["service_request_id"] == ticket.number and one["status"] == "open"
        listed = client.get_service_requests(service_code="CX.WY.FW", status="open")
        # xmltodict gives a dict for a single <request>, a list for several
        rows = listed if isinstance(listed, list) else [listed]
        assert [r["service_request_id"] for r in rows] == [ticket.number]


# --- what real clients sent (civicbot, georeport, FixMyStreet) -----------------------------


def test_post_with_only_an_address_id_names_the_street(client, staff, api_key):
    data = {"api_key": api_key, "service_code": "CX.WY.DT", "description": "电梯停运"}
    response = post(client, {**data, "address_id": "110101001"})
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.select_related("street", "district").get(number=ids(response)[0])
    assert (ticket.street.code, ticket.district.code) == ("110101001", "110101")
    refused = post(client, {**data, "address_id": "999999"})
    assert refused.status_code == 400 and "address_id" in refused.json()[0]["description"]
    assert Ticket.objects.count() == 1


def test_media_url_is_kept_and_returned(client, staff, api_key):
    url = "https://photos.example.org/report/123.jpg"
    data = {"api_key": api_key, "service_code": "CX.WY.DT", "description": "电梯停运"}
    response = post(client, {**data, "address_id": "110101001", "media_url": url})
    number = ids(response)[0]
    assert Ticket.objects.get(number=number).media_url == url
    [row] = client.get(f"{BASE}/requests/{number}.json").json()
    assert row["media_url"] == url
    root = ET.fromstring(client.get(f"{BASE}/requests/{number}.xml").content)
    assert root.find("request/media_url").text == url
    assert post(client, {**data, "address_id": "110101001", "media_url": "no"}).status_code == 400


def test_an_unencoded_plus_in_a_date_is_read_as_meant(client, staff):
    now = timezone.localtime()
    ticket = file_ticket(staff, received_at=now - timedelta(hours=5))
    # "+08:00" typed into a URL unencoded arrives as " 08:00" after form decoding.
    start = (now - timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    end = (now - timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    raw = f"{BASE}/requests.json?start_date={start}&end_date={end}"
    response = client.get(raw)
    assert response.status_code == 200, response.content
    assert ids(response) == [ticket.number]
    later = (now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    assert ids(client.get(f"{BASE}/requests.json?start_date={later}")) == []
    # The same instant in UTC, unencoded, is the same window.
    utc = (now - timedelta(hours=6)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert ids(client.get(f"{BASE}/requests.json?start_date={utc}&end_date={end}")) == [
        ticket.number
    ]


def test_service_request_updates_follow_a_ticket(client, staff):
    ticket = file_ticket(staff, street=staff.street.unit)
    actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit="110101001")
    actions.sign_ticket(actor=staff.street, ticket=ticket)
    actions.contact_caller(actor=staff.street, ticket=ticket, note="已电话联系王小明 13812345678")
    actions.reply_ticket(actor=staff.street, ticket=ticket, result="solved", note="已修好")
    actions.record_callback(
        actor=staff.callback_agent,
        ticket=ticket,
        valid=True,
        contacted=True,
        solved=True,
        satisfaction="satisfied",
    )
    rows = client.get(f"{BASE}/servicerequestupdates.json").json()
    mine = [r for r in rows if r["service_request_id"] == ticket.number]
    assert [r["status"] for r in mine] == [
        "open",
        "action_scheduled",
        "in_progress",
        "in_progress",
        "fixed",
        "closed",
    ]
    assert "东华门街道" in mine[1]["description"]
    assert len({r["update_id"] for r in mine}) == len(mine)
    assert all(r["updated_datetime"].endswith("+08:00") for r in mine)
    text = json.dumps(rows, ensure_ascii=False)
    assert PHONE not in text and "王小明" not in text and "已修好" not in text

    root = ET.fromstring(client.get(f"{BASE}/servicerequestupdates.xml").content)
    assert root.tag == "service_request_updates"
    updates = root.findall("request_update")
    assert [u.find("status").text for u in updates][-1] == "closed"
    for update in updates:
        for name in ("update_id", "service_request_id", "status", "updated_datetime"):
            assert update.find(name).text
        assert update.find("description") is not None and update.find("media_url") is not None

    # A window: start and end bound the updates; a window in the past holds none.
    past = (timezone.localtime() - timedelta(days=3)).isoformat(timespec="seconds")
    older = (timezone.localtime() - timedelta(days=2)).isoformat(timespec="seconds")
    window = client.get(
        f"{BASE}/servicerequestupdates.json", {"start_date": past, "end_date": older}
    )
    assert window.status_code == 200 and window.json() == []
    backwards = {"start_date": older, "end_date": past}
    bad = client.get(f"{BASE}/servicerequestupdates.xml", backwards)
    assert bad.status_code == 400 and ET.fromstring(bad.content).tag == "errors"


def test_every_xml_answer_parses_strictly_even_with_control_characters(
    client, staff, api_key, publishing
):
    """FixMyStreet reads only XML and its parser rejects a whole answer for one bad byte."""
    from xml.parsers import expat

    from tickets.open311.urls import ENDPOINTS

    # PostgreSQL cannot store NUL; every other control character it keeps.
    dirty = "电梯停运\x07两天\x1b[31m\x0b\ufffe 请\t尽快\n处理"
    ticket = file_ticket(staff, content=dirty, address="东城区东华门街道\x08南池子大街1号")
    actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit="110101001")
    actions.sign_ticket(actor=staff.street, ticket=ticket)
    actions.contact_caller(actor=staff.street, ticket=ticket)
    actions.reply_ticket(actor=staff.street, ticket=ticket, result="solved", note="已处理\x01完毕")
    args = {"service_code": "CX.WY.DT", "service_request_id": ticket.number}
    urls = [f"{BASE}/{route}.xml" for route, *_ in ENDPOINTS]
    urls = [
        u.replace("<str:", "<").replace("<", "{").replace(">", "}").format(**args) for u in urls
    ]
    assert len(urls) == 6  # a new endpoint is read here too
    answers = [client.get(u) for u in urls]
    answers += [
        client.get(f"{BASE}/requests/nope.xml"),
        client.get(f"{BASE}/services/nope.xml"),
        client.get(f"{BASE}/requests.xml", {"status": "nope"}),
        client.get(f"{BASE}/servicerequestupdates.xml", {"start_date": "yesterday"}),
        post(client, {"api_key": "bad"}, fmt="xml"),
        post(client, {"api_key": api_key, "service_code": "X"}, fmt="xml"),
        post(
            client,
            {
                "api_key": api_key,
                "service_code": "CX.WY.DT",
                "description": "又\x02一次",
                "address_id": "110101001",
            },
            fmt="xml",
        ),
    ]
    for answer in answers:
        assert answer["Content-Type"].startswith("application/xml")
        parser = expat.ParserCreate()
        parser.Parse(answer.content, True)  # raises ExpatError on anything not well-formed
    text = client.get(f"{BASE}/requests/{ticket.number}.xml").content.decode()
    assert "电梯停运两天" in text and "\t尽快\n处理" in text
