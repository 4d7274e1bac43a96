"""A notification links to its ticket only while the ticket is in the reader's view."""

import pytest

from tests.tickets.test_api_tickets import make_ticket
from tickets.models import Notification

pytestmark = pytest.mark.django_db


def test_a_ticket_that_left_the_unit_is_not_linked(staff, api, client):
    mine = make_ticket(staff, dispatch_to="110101001")
    gone = make_ticket(staff, street="110101002", dispatch_to="110101002")  # e.g. redispatched
    for ticket in (mine, gone):
        Notification.objects.create(
            user=staff.street, ticket=ticket, kind="dispatched", message=f"新派工单 {ticket.pk}"
        )
    rows = api(staff.street).get("/api/v1/notifications/").json()["results"]
    assert sorted(r["ticket"] or "" for r in rows) == sorted(["", mine.number])
    client.force_login(staff.street)
    page = client.get("/notifications/").content.decode()
    assert f"/tickets/{mine.number}/" in page
    assert f"/tickets/{gone.number}/" not in page
