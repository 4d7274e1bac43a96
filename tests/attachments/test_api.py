"""Upload, list and read attachments through the API; who may read them; steps cite them."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from PIL import ExifTags, Image
from rest_framework.test import APIClient

from tickets.attachments.models import Attachment
from tickets.models import TicketEvent

from .conftest import PDF, photo_bytes, upload

pytestmark = pytest.mark.django_db


def _post(client, ticket, data, name="现场.jpg", note="现场照片"):
    return client.post(
        f"/api/v1/tickets/{ticket.number}/attachments/",
        {"file": upload(data, name=name), "note": note},
        format="multipart",
    )


@pytest.fixture
def ticket(flow):
    # Led by 东华门街道, co-handled by 东城区市场监管, 东城区城管执法 summoned, 东城区 copied.
    return flow.at("in_progress")


def test_a_unit_uploads_a_photo_and_reads_back_the_clean_copy(api, staff, ticket):
    client = api(staff.street)
    response = _post(client, ticket, photo_bytes("JPEG"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "image/jpeg" and body["note"] == "现场照片"
    assert body["name"] == "现场.jpg" and body["unit"] == "110101001" and body["step"] == ""
    assert body["thumbnail_url"].endswith(f"/api/v1/attachments/{body['id']}/thumbnail/")
    listed = client.get(f"/api/v1/tickets/{ticket.number}/attachments/").json()
    assert [a["id"] for a in listed] == [body["id"]]

    got = client.get(f"/api/v1/attachments/{body['id']}/")
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    assert got["X-Content-Type-Options"] == "nosniff"
    data = b"".join(got.streaming_content)
    with Image.open(BytesIO(data)) as im:
        assert not im.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    thumb = client.get(body["thumbnail_url"])
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"

    event = TicketEvent.objects.get(ticket=ticket, type="attached")
    assert event.actor == staff.street and event.payload["attachment"] == body["id"]


def test_a_pdf_is_offered_as_a_download(api, staff, ticket):
    body = _post(api(staff.street), ticket, PDF, name="说明.pdf").json()
    got = api(staff.operator).get(f"/api/v1/attachments/{body['id']}/", HTTP_ACCEPT="*/*")
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"].startswith("attachment;")
    assert b"".join(got.streaming_content) == PDF
    assert (
        api(staff.operator).get(f"/api/v1/attachments/{body['id']}/thumbnail/").status_code == 404
    )


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("operator", True),
        ("dispatcher", True),
        ("callback_agent", True),
        ("reviewer", True),
        ("leader", True),  # a leader of the centre reads the whole city
        ("street", True),  # leads it
        ("other_dept", True),  # co-handles it
        ("dept", True),  # summoned by the whistle
        ("district", True),  # its district
        ("other_street", False),
        ("other_district", False),
        ("gas", False),
    ],
)
def test_an_attachment_is_read_by_exactly_those_who_see_its_ticket(api, staff, ticket, who, sees):
    att_id = _post(api(staff.street), ticket, photo_bytes("JPEG")).json()["id"]
    client = api(getattr(staff, who))
    expected = 200 if sees else 404
    assert client.get(f"/api/v1/attachments/{att_id}/").status_code == expected
    assert client.get(f"/api/v1/attachments/{att_id}/thumbnail/").status_code == expected
    listed = client.get(f"/api/v1/tickets/{ticket.number}/attachments/")
    assert listed.status_code == expected
    ticket_seen = client.get(f"/api/v1/tickets/{ticket.number}/").status_code
    assert ticket_seen == expected  # the same rule as the ticket itself


def test_nobody_signed_out_reads_or_uploads(api, staff, ticket):
    att_id = _post(api(staff.street), ticket, photo_bytes("JPEG")).json()["id"]
    anonymous = APIClient()
    assert anonymous.get(f"/api/v1/attachments/{att_id}/").status_code == 401
    assert _post(anonymous, ticket, photo_bytes("JPEG")).status_code == 401


def test_who_may_not_upload_changes_nothing(api, staff, ticket):
    assert _post(api(staff.leader), ticket, photo_bytes("JPEG")).status_code == 403
    assert _post(api(staff.gas), ticket, photo_bytes("JPEG")).status_code == 404
    assert not Attachment.objects.exists()
    assert not TicketEvent.objects.filter(type="attached").exists()


def test_a_file_that_is_no_photo_or_pdf_is_a_400_on_file(api, staff, ticket, media_root):
    response = _post(api(staff.street), ticket, b"MZ\x90\x00 an exe", name="photo.jpg")
    assert response.status_code == 400 and "file" in response.json()
    response = api(staff.street).post(
        f"/api/v1/tickets/{ticket.number}/attachments/", {"note": "x"}, format="multipart"
    )
    assert response.status_code == 400 and "file" in response.json()
    assert not Attachment.objects.exists() and not any(media_root.rglob("*.*"))


def test_too_big_is_a_400(api, staff, ticket, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    response = _post(api(staff.street), ticket, photo_bytes("PNG", size=(800, 800)))
    assert response.status_code == 400 and "文件过大" in response.json()["file"][0]


def test_a_reply_cites_its_evidence(api, staff, ticket):
    client = api(staff.street)
    ids = [_post(client, ticket, photo_bytes("JPEG")).json()["id"] for _ in range(2)]
    response = client.post(
        f"/api/v1/tickets/{ticket.number}/reply/",
        {"result": "solved", "note": "已修复路灯", "attachments": ids},
        format="json",
    )
    assert response.status_code == 200, response.content
    event = TicketEvent.objects.get(ticket=ticket, type="replied")
    assert event.payload["attachments"] == sorted(ids)
    assert set(Attachment.objects.values_list("step", flat=True)) == {"reply"}
    replied = [e for e in response.json()["events"] if e["type"] == "replied"]
    assert replied[0]["payload"]["attachments"] == sorted(ids)


def test_a_step_cannot_cite_another_units_or_another_tickets_files(api, staff, flow, ticket):
    other_ticket = flow.at("in_progress")
    foreign = _post(api(staff.street), other_ticket, photo_bytes("JPEG")).json()["id"]
    by_dept = _post(api(staff.dept), ticket, photo_bytes("JPEG")).json()["id"]
    for ids in ([foreign], [by_dept], [999999]):
        response = api(staff.street).post(
            f"/api/v1/tickets/{ticket.number}/reply/",
            {"result": "solved", "note": "已修复", "attachments": ids},
            format="json",
        )
        assert response.status_code == 400 and "attachments" in response.json(), ids
    ticket.refresh_from_db()
    assert ticket.status == "in_progress" and not ticket.replied_at
    assert set(Attachment.objects.values_list("step", flat=True)) == {""}


@pytest.mark.parametrize(
    ("state", "step", "body"),
    [
        ("in_progress", "return", {"reason": "非本单位职责"}),
        ("in_progress", "extend", {"days": 3, "reason": "需要协调施工"}),
        ("replied", "claim-unreasonable", {"reason": "要求违法"}),
    ],
)
def test_return_extension_and_claim_take_attachments(api, staff, flow, state, step, body):
    # Within the return window (counted in working hours, so two clock hours may already
    # be past it at noon) and before the feedback deadline: dispatched minutes ago.
    ticket = flow.at(state, now=timezone.now() - timedelta(minutes=10))
    client = api(staff.street)
    att = _post(client, ticket, PDF, name="依据.pdf").json()["id"]
    response = client.post(
        f"/api/v1/tickets/{ticket.number}/{step}/", {**body, "attachments": [att]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Attachment.objects.get(pk=att).step == step
    assert TicketEvent.objects.filter(ticket=ticket, payload__attachments=[att]).exists()


def test_an_appeal_takes_attachments(api, staff, flow):
    ticket = flow.at("closed")
    client = api(staff.street)
    att = _post(client, ticket, photo_bytes("JPEG"), name="留存现场照片.jpg").json()["id"]
    response = client.post(
        f"/api/v1/tickets/{ticket.number}/appeal/",
        {"reason": "已解决，回访有误", "attachments": [att]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert TicketEvent.objects.get(ticket=ticket, type="appealed").payload["attachments"] == [att]


def test_the_schema_documents_multipart_for_the_upload_only(api, staff):
    schema = api(staff.operator).get("/api/schema/?format=json").json()
    multipart = [
        (path, method)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict)
        and list(op.get("requestBody", {}).get("content", {})) == ["multipart/form-data"]
    ]
    assert multipart == [("/api/v1/tickets/{number}/attachments/", "post")]
    download = schema["paths"]["/api/v1/attachments/{id}/"]["get"]["responses"]["200"]
    assert download["content"]["application/octet-stream"]["schema"]["format"] == "binary"
    reply = schema["components"]["schemas"]["ReplyInputRequest"]["properties"]
    assert reply["attachments"]["items"]["type"] == "integer"
