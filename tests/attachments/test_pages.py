"""Evidence on the pages: intake with the caller's photo, a reply with photos, the ticket page."""

import pytest
from django.urls import reverse

from tests.conftest import leaf
from tickets.attachments.models import Attachment
from tickets.models import Ticket, TicketEvent

from .conftest import PDF, photo_bytes, upload

pytestmark = pytest.mark.django_db


def test_the_console_files_a_ticket_with_the_callers_photo(client, staff):
    client.force_login(staff.operator)
    page = client.post(
        reverse("console"),
        {
            "caller_phone": "13900002222",
            "address": "北京市东城区东华门街道南池子大街12号",
            "category": leaf().code,
            "kind": "help",
            "content": "井盖缺失",
            "attachments": [upload(photo_bytes("JPEG"), name="井盖.jpg")],
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    ticket = Ticket.objects.get(caller_phone="13900002222")
    att = Attachment.objects.get(ticket=ticket)
    assert att.step == "intake" and att.name == "井盖.jpg" and att.thumbnail
    assert TicketEvent.objects.filter(ticket=ticket, type="attached").count() == 1


def test_the_console_refuses_a_disguised_file_and_files_nothing(client, staff):
    client.force_login(staff.operator)
    page = client.post(
        reverse("console"),
        {
            "caller_phone": "13900003333",
            "category": leaf().code,
            "kind": "help",
            "content": "井盖缺失",
            "attachments": [upload(b"<html>not a photo</html>", name="photo.jpg")],
        },
    )
    assert page.status_code == 400
    assert "photo.jpg" in page.content.decode() and "JPEG" in page.content.decode()
    assert not Ticket.objects.filter(caller_phone="13900003333").exists()


def test_a_reply_with_photos_from_the_ticket_page_shows_them(client, staff, flow):
    ticket = flow.at("in_progress")
    client.force_login(staff.street)
    page = client.get(reverse("ticket", args=[ticket.number]))
    html = page.content.decode()
    assert 'id="step-reply"' in html and 'enctype="multipart/form-data"' in html
    page = client.post(
        reverse("ticket-step", args=[ticket.number, "reply"]),
        {
            "reply-result": "solved",
            "reply-note": "已更换路灯",
            "reply-attachments": [
                upload(photo_bytes("JPEG"), name="修复后.jpg"),
                upload(PDF, name="验收单.pdf", content_type="application/pdf"),
            ],
        },
    )
    assert page.status_code == 302, page.content.decode()[:3000]
    atts = list(Attachment.objects.filter(ticket=ticket).order_by("id"))
    assert [a.step for a in atts] == ["reply", "reply"]
    replied = TicketEvent.objects.get(ticket=ticket, type="replied")
    assert replied.payload["attachments"] == [a.pk for a in atts]

    html = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert 'id="attachments"' in html and "修复后.jpg" in html and "验收单.pdf" in html
    assert reverse("api-attachment-thumbnail", args=[atts[0].pk]) in html
    assert "上传附件" in html  # the history says who added what


def test_a_refused_step_stores_no_file(client, staff, flow, media_root):
    ticket = flow.at("dispatched")  # reply needs the caller contacted first: 409
    client.force_login(staff.street)
    page = client.post(
        reverse("ticket-step", args=[ticket.number, "reply"]),
        {
            "reply-result": "solved",
            "reply-note": "x",
            "reply-attachments": [upload(photo_bytes("JPEG"))],
        },
    )
    assert page.status_code == 409
    assert not Attachment.objects.exists() and not any(media_root.rglob("*.jpg"))


def test_another_unit_cannot_open_the_file_from_its_session(client, staff, flow):
    ticket = flow.at("in_progress")
    client.force_login(staff.street)
    client.post(
        reverse("ticket-step", args=[ticket.number, "reply"]),
        {
            "reply-result": "solved",
            "reply-note": "ok",
            "reply-attachments": [upload(photo_bytes("JPEG"))],
        },
    )
    att = Attachment.objects.get(ticket=ticket)
    assert client.get(reverse("api-attachment", args=[att.pk])).status_code == 200
    client.force_login(staff.other_street)
    assert client.get(reverse("api-attachment", args=[att.pk])).status_code == 404
