"""A user's own notifications: unread first, an unread count, marking read."""

import pytest

from hotline.models import Unit
from tests.conftest import leaf
from tickets import actions
from tickets.models import Notification

pytestmark = pytest.mark.django_db


def test_dispatch_notifies_the_unit_and_the_inbox_reads_it(
    staff, api, django_capture_on_commit_callbacks
):
    ticket, _ = actions.create_ticket(
        actor=staff.operator,
        channel="phone",
        kind="help",
        category=leaf("CX.WJ.SD"),
        content="私搭乱建",
        street=Unit.objects.get(code="110101001"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        resp = api(staff.dispatcher).post(
            f"/api/v1/tickets/{ticket.number}/dispatch/", {"unit": "110101001"}, format="json"
        )
    assert resp.status_code == 200
    inbox = api(staff.street).get("/api/v1/notifications/").json()
    assert inbox["unread"] == 1 and inbox["count"] == 1
    row = inbox["results"][0]
    assert row["kind"] == "dispatched" and row["ticket"] == ticket.number
    assert row["read"] is False and ticket.number in row["message"]
    # nobody else's inbox
    assert api(staff.other_street).get("/api/v1/notifications/").json()["count"] == 0


def test_unread_first_mark_one_and_all(staff, api):
    user = staff.street
    older = Notification.objects.create(user=user, kind="x", message="older")
    newer = Notification.objects.create(user=user, kind="x", message="newer")
    read = Notification.objects.create(user=user, kind="x", message="read")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    theirs = Notification.objects.create(user=staff.other_street, kind="x", message="theirs")
    client = api(user)

    data = client.get("/api/v1/notifications/").json()
    assert [n["message"] for n in data["results"]] == ["newer", "older", "read"]
    assert data["unread"] == 2

    marked = client.post(f"/api/v1/notifications/{older.pk}/read/").json()
    assert marked["read"] is True and marked["read_at"]
    assert client.get("/api/v1/notifications/").json()["unread"] == 1
    # someone else's notification is not found, and stays unread
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None

    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1, "unread": 0}
    assert Notification.objects.get(pk=newer.pk).read_at is not None
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client.get("/api/v1/notifications/").json()["unread"] == 0


@pytest.mark.parametrize("bad", ["abc", "²", "١٢"])
def test_a_non_numeric_notification_id_is_a_404_not_a_crash(staff, api, bad):
    response = api(staff.street).post(f"/api/v1/notifications/{bad}/read/")
    assert response.status_code == 404
    assert "detail" in response.json()
