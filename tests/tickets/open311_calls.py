"""Helpers for the Open311 tests: file a ticket as the centre, post a request, read ids."""

from urllib.parse import urlencode

from tests.conftest import leaf
from tickets import actions

BASE = "/open311/v2"
PHONE = "13812345678"
FORM = "application/x-www-form-urlencoded"


def file_ticket(staff, code="CX.WY.FW", **fields):
    values = {
        "channel": "phone",
        "kind": "complaint",
        "category": leaf(code),
        "content": "楼道灯坏了一个月",
        "address": "东城区东华门街道南池子大街1号",
        "caller_name": "王小明",
        "caller_phone": PHONE,
    }
    values.update(fields)
    ticket, _ = actions.create_ticket(actor=staff.operator, **values)
    return ticket


def post(client, data, fmt="json", **headers):
    return client.post(
        f"{BASE}/requests.{fmt}", urlencode(data), content_type=FORM, headers=headers
    )


def ids(response):
    return [row["service_request_id"] for row in response.json()]
