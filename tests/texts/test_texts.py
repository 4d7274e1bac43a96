"""Texts to the caller (SPEC §15): when, to whom, through which backend, with what status."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse

from tickets import actions
from tickets.announce import TASK as ANNOUNCE
from tickets.attempts import max_attempts
from tickets.outbox.models import OutboxMessage
from tickets.texts import tasks
from tickets.texts.defaults import DEFAULTS
from tickets.texts.models import TextMessage, TextTemplate

from ..webhooks.receiver import receiver

pytestmark = pytest.mark.django_db


def _texts(ticket):
    return list(TextMessage.objects.filter(ticket=ticket).order_by("id"))


def _announced() -> int:
    """Announcements the worker has run (each decides about its text itself)."""
    return OutboxMessage.objects.filter(task_name=ANNOUNCE, status="done").count()


def test_the_caller_gets_the_ticket_number_at_intake(flow, caplog, committed):
    with caplog.at_level(logging.INFO, logger="tickets.texts"), committed():
        ticket = flow.new()
        # The step wrote its announcement; the text is the worker's, after the commit.
        assert _texts(ticket) == [] and _announced() == 0
        assert OutboxMessage.objects.get(task_name=ANNOUNCE).args[:2] == [ticket.pk, "created"]
    [text] = _texts(ticket)
    assert text.event == "created" and text.phone == "13812345678"
    assert ticket.number in text.body and text.body.startswith("【12345】")
    assert text.status == "sent" and text.sent_at and text.attempts == 1
    # The log backend (the default) wrote it, with the phone masked.
    assert f"138****5678 (ticket {ticket.pk})" in caplog.text and "13812345678" not in caplog.text


@pytest.mark.parametrize(
    "fields",
    [{"confidential": True}, {"notify_caller": False}, {"caller_phone": "010-65123456"}],
    ids=["confidential", "declined", "landline"],
)
def test_no_text_for_a_confidential_ticket_a_caller_who_declined_or_a_landline(
    flow, fields, committed
):
    with committed():
        ticket = flow.at("closed", **fields)
    assert _texts(ticket) == [] and _announced() == 4  # created, dispatched, replied, closed


def _extension_reviewed(flow, staff, *, approve):
    ticket = flow.at("in_progress")
    actions.request_extension(
        actor=staff.street, ticket=ticket, days=3, reason="施工", now=flow.T0 + timedelta(hours=1)
    )
    actions.review_extension(actor=staff.reviewer, ticket=ticket, approve=approve)
    return ticket


def test_extension_reply_and_close_are_texted_and_nothing_else(flow, staff, committed):
    with committed():
        ticket = _extension_reviewed(flow, staff, approve=True)
        actions.reply_ticket(actor=staff.street, ticket=ticket, result="solved", note="已修复")
        actions.record_callback(
            actor=staff.callback_agent,
            ticket=ticket,
            valid=True,
            contacted=True,
            solved=True,
            satisfaction="satisfied",
        )
    texts = _texts(ticket)
    assert [t.event for t in texts] == ["created", "extension_approved", "replied", "closed"]
    ticket.refresh_from_db()
    assert ticket.feedback_deadline.astimezone().strftime("%d日") in texts[1].body
    assert "东华门街道" in texts[2].body and "已解决" in texts[2].body
    assert all(t.status == "sent" for t in texts)


def test_a_refused_extension_is_not_texted(flow, staff, committed):
    with committed():
        ticket = _extension_reviewed(flow, staff, approve=False)
    assert [t.event for t in _texts(ticket)] == ["created"]


def test_templates_are_edited_in_the_admin_and_used_as_written(flow, admin_client, committed):
    # The shipped row (migration 0002): a transactional test run before this one flushes
    # every table, so it is put back as the migration writes it.
    template, _ = TextTemplate.objects.get_or_create(
        event="created", defaults={"body": DEFAULTS["created"]}
    )
    page = admin_client.post(
        reverse("admin:texts_texttemplate_change", args=[template.pk]),
        {
            "event": "created",
            "body": "编号{number}，{unknown}与{number.__class__}照原样",
            "active": "on",
        },
    )
    assert page.status_code == 302

    def logged():
        with committed():
            return flow.new()

    [text] = _texts(logged())
    assert text.body.startswith("编号2511") and "{unknown}与{number.__class__}照原样" in text.body
    TextTemplate.objects.filter(event="created").update(active=False)
    assert _texts(logged()) == [] and _announced() == 2
    TextTemplate.objects.filter(event="created").delete()  # back to the shipped default
    assert _texts(logged())[0].body.startswith("【12345】您反映的问题已受理")


def test_the_http_gateway_backend_posts_to_a_real_server(flow, settings, committed):
    settings.TEXTS_BACKEND = "tickets.texts.backends.HttpGatewayBackend"
    settings.TEXTS_GATEWAY_KEY = "k-123"
    with receiver([200]) as gateway, committed():
        settings.TEXTS_GATEWAY_URL = gateway.url
        ticket = flow.new()
    [text] = _texts(ticket)
    path, headers, _ = gateway.requests[0]
    assert headers["Authorization"] == "Bearer k-123"
    assert gateway.json() == {"to": "13812345678", "text": text.body, "ref": str(text.pk)}
    assert text.status == "sent" and text.provider_ref == "gw-1"


def test_a_gateway_failure_is_kept_and_retried_with_back_off(flow, settings, committed):
    settings.TEXTS_BACKEND = "tickets.texts.backends.HttpGatewayBackend"
    with receiver([503, 200]) as gateway:
        settings.TEXTS_GATEWAY_URL = gateway.url
        with committed():
            ticket = flow.new()
        [text] = _texts(ticket)
        assert (text.status, text.attempts) == ("pending", 1)
        assert "503" in text.last_error and text.next_attempt_at > text.created_at
        # Not due yet: the beat task leaves it alone.
        assert tasks.retry() == 0 and len(gateway.requests) == 1
        from tickets import attempts

        with committed():
            assert attempts.retry_due(TextMessage, "texts.send", now=text.next_attempt_at) == 1
    text.refresh_from_db()
    assert (text.status, text.attempts, text.last_error) == ("sent", 2, "")
    assert [r[2] for r in gateway.requests][0] == gateway.requests[1][2]  # the same text


def test_a_gateway_that_keeps_failing_is_given_up(flow, settings, committed):
    settings.TEXTS_BACKEND = "tickets.texts.backends.HttpGatewayBackend"
    settings.TEXTS_GATEWAY_URL = "http://127.0.0.1:1/sms"  # nothing listens: refused
    with committed():
        ticket = flow.new()
    [text] = _texts(ticket)
    for _ in range(max_attempts() - 1):
        tasks.send([text.pk])
    text.refresh_from_db()
    assert (text.status, text.attempts) == ("failed", max_attempts())
    assert tasks.send([text.pk]) == ["skipped"]  # a late duplicate sends nothing


def test_the_ticket_page_shows_each_texts_status(flow, client, staff, settings, committed):
    with committed():
        ticket = flow.new()
    settings.TEXTS_BACKEND = "tickets.texts.backends.HttpGatewayBackend"
    settings.TEXTS_GATEWAY_URL = "http://127.0.0.1:1/sms"
    actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit="110101001")
    TextMessage.objects.create(ticket=ticket, event="replied", phone="13812345678", body="x")
    tasks.send([TextMessage.objects.get(event="replied").pk])
    client.force_login(staff.operator)
    html = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert 'id="texts"' in html and "已发送" in html and "待发送" in html
    assert "已尝试 1 次" in html


def test_the_console_checkbox_records_a_caller_who_declines(client, staff, committed):
    from tests.conftest import leaf
    from tickets.models import Ticket

    client.force_login(staff.operator)
    form = client.get(reverse("console")).content.decode()
    assert (
        'name="notify_caller"' in form and "checked" in form.split('name="notify_caller"')[1][:80]
    )
    base = {"category": leaf().code, "kind": "help", "content": "路灯不亮"}
    with committed():
        client.post(reverse("console"), {**base, "caller_phone": "13900004444"})  # box cleared
        client.post(
            reverse("console"), {**base, "caller_phone": "13900005555", "notify_caller": "on"}
        )
    declined = Ticket.objects.get(caller_phone="13900004444")
    agreed = Ticket.objects.get(caller_phone="13900005555")
    assert declined.notify_caller is False and _texts(declined) == []
    assert [t.event for t in _texts(agreed)] == ["created"]


def test_the_api_takes_notify_caller_and_shows_it(api, staff, committed):
    from tests.conftest import leaf

    with committed():
        response = api(staff.operator).post(
            "/api/v1/tickets/",
            {
                "kind": "help",
                "category": leaf().code,
                "content": "路灯不亮",
                "caller_phone": "13900006666",
                "notify_caller": False,
            },
            format="json",
        )
    assert response.status_code == 201 and response.json()["notify_caller"] is False
    assert not TextMessage.objects.exists() and _announced() == 1


def test_a_gateways_error_is_shown_to_the_centre_alone(flow, client, staff):
    # A gateway may echo the number it refused; outside the centre the phone is masked.
    ticket = flow.at("dispatched")
    TextMessage.objects.create(
        ticket=ticket,
        event="replied",
        phone="13812345678",
        body="x",
        attempts=1,
        last_error="HTTPError: 400 bad number 13812345678",
    )
    page = reverse("ticket", args=[ticket.number])
    client.force_login(staff.street)
    html = client.get(page).content.decode()
    assert "已尝试 1 次" in html and "13812345678" not in html
    client.force_login(staff.operator)
    assert "bad number 13812345678" in client.get(page).content.decode()
