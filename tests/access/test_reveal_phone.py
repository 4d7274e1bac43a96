"""Reaching the caller (SPEC §3, §19): the lead unit reveals a phone, recorded and
rate-limited; a confidential caller is reached through the centre's relay queue."""

import pytest
from django.test import Client

from tests.tickets.test_api_tickets import make_ticket
from tickets.models import ReviewRequest, TicketEvent

pytestmark = pytest.mark.django_db

PHONE = "13900001111"


def reveal(api, user, ticket):
    return api(user).post(f"/api/v1/tickets/{ticket.number}/reveal-phone/")


def test_the_lead_unit_reveals_the_phone_and_the_centre_sees_who_and_when(staff, api):
    ticket = make_ticket(staff, dispatch_to="110101001")
    detail = api(staff.street).get(f"/api/v1/tickets/{ticket.number}/").json()
    assert detail["caller_phone"] == "139****1111"
    assert "reveal-phone" in detail["allowed_actions"]

    resp = reveal(api, staff.street, ticket)
    assert resp.status_code == 200
    assert resp.json() == {"caller_phone": PHONE}
    event = TicketEvent.objects.get(ticket=ticket, type="phone_revealed")
    assert event.actor == staff.street and event.unit.code == "110101001"
    assert PHONE not in str(event.payload) + event.note  # the history never holds the number
    centre_view = api(staff.dispatcher).get(f"/api/v1/tickets/{ticket.number}/").json()
    assert any(
        e["type"] == "phone_revealed" and e["actor"] == staff.street.username
        for e in centre_view["events"]
    )
    # Revealing once does not unmask the ticket for later reads.
    again = api(staff.street).get(f"/api/v1/tickets/{ticket.number}/").json()
    assert again["caller_phone"] == "139****1111"


def test_anyone_but_the_lead_unit_is_refused(staff, api):
    ticket = make_ticket(staff, dispatch_to="110101001", co_units=["110101-CGZF"])
    # sees the ticket, does not lead it: 403
    for user in (staff.dept, staff.district, staff.operator, staff.leader):
        assert reveal(api, user, ticket).status_code == 403, user.username
    # does not see the ticket at all: 404
    for user in (staff.other_street, staff.gas, staff.other_district):
        assert reveal(api, user, ticket).status_code == 404, user.username
    assert not TicketEvent.objects.filter(type="phone_revealed").exists()


def test_a_confidential_ticket_is_403_and_offers_the_relay(staff, api):
    ticket = make_ticket(staff, dispatch_to="110101001", confidential=True)
    resp = reveal(api, staff.street, ticket)
    assert resp.status_code == 403
    assert "转达" in resp.json()["detail"]
    detail = api(staff.street).get(f"/api/v1/tickets/{ticket.number}/").json()
    assert (detail["caller_name"], detail["caller_phone"]) == ("", "")
    assert "ask-relay" in detail["allowed_actions"]
    assert "reveal-phone" not in detail["allowed_actions"]
    assert not TicketEvent.objects.filter(type="phone_revealed").exists()


def test_reveals_are_limited_per_person_per_day(staff, api, settings):
    settings.PHONE_REVEALS_PER_DAY = 2
    tickets = [make_ticket(staff, dispatch_to="110101001") for _ in range(3)]
    assert reveal(api, staff.street, tickets[0]).status_code == 200
    assert reveal(api, staff.street, tickets[1]).status_code == 200
    resp = reveal(api, staff.street, tickets[2])
    assert resp.status_code == 429
    assert "2" in resp.json()["detail"]
    assert TicketEvent.objects.filter(type="phone_revealed").count() == 2
    # The limit is per person: a colleague in the same unit still may.
    colleague = type(staff.street).objects.create(
        username="dhm-2", role="unit_staff", unit=staff.street.unit
    )
    assert reveal(api, colleague, tickets[2]).status_code == 200


def test_the_relay_lands_in_the_centres_queue_and_the_centre_answers(staff, api, client):
    ticket = make_ticket(staff, dispatch_to="110101001", confidential=True)
    resp = api(staff.street).post(
        f"/api/v1/tickets/{ticket.number}/ask-relay/",
        {"reason": "请转告：周三上午上门"},
        format="json",
    )
    assert resp.status_code == 200, resp.json()
    assert ReviewRequest.objects.get(ticket=ticket, kind="relay").decision == "pending"
    # A second request while one is pending: 409.
    again = api(staff.street).post(
        f"/api/v1/tickets/{ticket.number}/ask-relay/", {"reason": "再问"}, format="json"
    )
    assert again.status_code == 409

    client.force_login(staff.operator)
    queue = client.get("/relays/").content.decode()
    assert ticket.number in queue and "请转告：周三上午上门" in queue
    unit_client = Client()
    unit_client.force_login(staff.street)
    assert unit_client.get("/relays/").status_code == 403

    done = api(staff.operator).post(
        f"/api/v1/tickets/{ticket.number}/relay/",
        {"approve": True, "note": "已电话转告"},
        format="json",
    )
    assert done.status_code == 200
    assert TicketEvent.objects.filter(ticket=ticket, type="relayed").count() == 1
    assert ticket.number not in client.get("/relays/").content.decode()


def test_the_ticket_page_has_the_button_and_shows_the_phone_once(staff, client):
    ticket = make_ticket(staff, dispatch_to="110101001")
    client.force_login(staff.street)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'id="step-reveal-phone"' in page and PHONE not in page
    shown = client.post(f"/tickets/{ticket.number}/reveal-phone/")
    assert shown.status_code == 200
    assert PHONE in shown.content.decode()
    assert TicketEvent.objects.filter(ticket=ticket, type="phone_revealed").count() == 1
    assert PHONE not in client.get(f"/tickets/{ticket.number}/").content.decode()

    secret = make_ticket(staff, dispatch_to="110101001", confidential=True)
    page = client.get(f"/tickets/{secret.number}/").content.decode()
    assert 'id="step-ask-relay"' in page and 'id="step-reveal-phone"' not in page
