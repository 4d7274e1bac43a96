"""Query counts that must not grow with the data (issue 15): intake, lists, ticket page, sweep.

Each test makes the data bigger between two measurements (more tickets, more events, more
breaches) and pins the same number of queries for both.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.pagination import COUNT_CAP, CappedPaginator
from tests.tickets.test_api_tickets import BODY
from tickets import selectors
from tickets.models import Status, Ticket, TicketEvent
from tickets.sweep import BATCH, sweep_deadlines

pytestmark = pytest.mark.django_db


def _count(fn):
    with CaptureQueriesContext(connection) as captured:
        result = fn()
    return len(captured.captured_queries), result


def test_intake_reads_and_writes_in_seven_statements(staff, api, django_assert_num_queries):
    client = api(staff.operator)
    _ = staff.operator.unit  # loaded with the user at authentication
    # Seven statements: street, category, the day's number, the ticket, its event, its
    # announcement (one outbox row: the worker writes the caller's text and the webhook
    # calls from it); likely repeats (the history is the event just written, not read
    # back). Plus SAVEPOINT/RELEASE, which is what the action's transaction becomes inside
    # the test's own (in production: BEGIN … COMMIT).
    with django_assert_num_queries(9):
        first = client.post("/api/v1/tickets/", BODY, format="json")
    assert first.status_code == 201, first.json()
    # Every street and category is now kept in this process (hotline.directory_cache).
    with django_assert_num_queries(7):
        second = client.post("/api/v1/tickets/", BODY, format="json")
    assert second.status_code == 201
    # The answer is the full detail: its own history, the likely repeat.
    body = second.json()
    assert [e["type"] for e in body["events"]] == ["created"]
    assert body["likely_repeats"] == [first.json()["number"]]
    assert body["district"] == "110101" and body["suggested_unit"]
    assert body["participations"] == [] and body["repeats"] == []


def test_a_token_brings_its_users_unit_in_the_same_query(staff, django_assert_num_queries):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    key = Token.objects.create(user=staff.operator).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    # The intake's nine above, plus one for the token with its user and the user's unit.
    with django_assert_num_queries(10):
        response = client.post("/api/v1/tickets/", BODY, format="json")
    assert response.status_code == 201, response.json()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    assert client.get("/api/v1/tickets/").status_code == 401
    staff.operator.is_active = False
    staff.operator.save(update_fields=["is_active"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    refused = client.get("/api/v1/tickets/")
    assert refused.status_code == 401 and Ticket.objects.count() == 1


def _dispatched(flow, n, **fields):
    return [flow.dispatched(caller_phone=f"1380000{i:04d}", **fields) for i in range(n)]


@pytest.mark.parametrize("who", ["operator", "street", "district", "dept"])
def test_api_list_queries_do_not_grow_with_tickets(flow, staff, api, who):
    user = getattr(staff, who)
    client = api(user)
    _ = user.unit
    _dispatched(flow, 3)
    few, response = _count(lambda: client.get("/api/v1/tickets/"))
    assert response.status_code == 200
    _dispatched(flow, 12)
    many, response = _count(lambda: client.get("/api/v1/tickets/"))
    assert response.status_code == 200
    # a street's or department's page ids come first from its two arms (ArmsPaginator)
    arms = len(selectors.list_arms(user)) > 1 and connection.vendor == "postgresql"
    # each row relation is one prefetch; the flow's address names a community (南池子), so
    # the community's is one of them
    assert few == many <= (10 if arms else 9)


def test_unit_pages_and_queues_do_not_grow_with_tickets(flow, staff, client):
    pages = [
        (staff.street, "/inbox/"),
        (staff.callback_agent, "/callbacks/"),
        (staff.dispatcher, "/dispatch/"),
        (staff.dispatcher, "/reviews/"),
    ]
    _dispatched(flow, 2)
    flow.new()
    counts = []
    for user, url in pages:
        client.force_login(user)
        counts.append(_count(lambda url=url: client.get(url))[0])
    _dispatched(flow, 8)
    for _ in range(4):
        flow.new()
    for (user, url), before in zip(pages, counts, strict=True):
        client.force_login(user)
        after, response = _count(lambda url=url: client.get(url))
        assert response.status_code == 200
        assert after == before, url


def test_ticket_page_shows_the_latest_events_in_fixed_queries(flow, staff, client):
    ticket = flow.dispatched()
    client.force_login(staff.operator)
    url = f"/tickets/{ticket.number}/"
    few, response = _count(lambda: client.get(url))
    assert b'id="timeline-more"' not in response.content
    TicketEvent.objects.bulk_create(
        TicketEvent(ticket=ticket, type="supervised", at=ticket.received_at, note=f"n{i}")
        for i in range(150)
    )
    many, response = _count(lambda: client.get(url))
    # One more query only to count the older events that are left out.
    assert many == few + 1
    content = response.content.decode()
    assert 'id="timeline-more"' in content
    assert content.count('class="ev-') == 100
    everything = client.get(url, {"events": "all"}).content.decode()
    assert everything.count('class="ev-') == 152  # created, dispatched and the 150


def test_ticket_api_detail_does_not_grow_with_events(flow, staff, api):
    ticket = flow.dispatched()
    client = api(staff.operator)
    url = f"/api/v1/tickets/{ticket.number}/"
    few, _ = _count(lambda: client.get(url))
    TicketEvent.objects.bulk_create(
        TicketEvent(ticket=ticket, type="supervised", at=ticket.received_at, actor=staff.street)
        for _ in range(30)
    )
    many, response = _count(lambda: client.get(url))
    assert few == many
    events = response.json()["events"]
    assert len(events) == 32 and events[-1]["actor"] == staff.street.username


def test_sweep_queries_do_not_grow_with_breaches(flow):
    def breaches(n):
        return [flow.dispatched(co_units=()) for _ in range(n)]

    breaches(2)
    later = flow.T0 + timedelta(hours=2, minutes=1)  # past the sign deadline of level 3
    # Nothing due: one query per kind of breach.
    idle, written = _count(lambda: sweep_deadlines(now=flow.T0))
    assert written == 0
    few, written = _count(lambda: sweep_deadlines(now=later))
    assert written == 2
    Ticket.objects.update(sign_overdue=False, overdue=False)
    breaches(10)
    many, written = _count(lambda: sweep_deadlines(now=later))
    assert written == 12
    assert few == many
    assert 12 < BATCH  # all in one batch: the count above is per batch, not per ticket


def test_capped_count_stops_counting_at_the_cap(flow, monkeypatch):
    for _ in range(4):
        flow.new()
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    paginator = CappedPaginator(Ticket.objects.order_by("id"), 2)
    assert paginator.count == 3 and paginator.capped
    assert paginator.num_pages == 2
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    paginator = CappedPaginator(Ticket.objects.filter(status=Status.NEW).order_by("id"), 2)
    assert paginator.count == 4 and not paginator.capped
    assert COUNT_CAP == 1_000


def test_api_list_pages_on_past_a_capped_count(flow, staff, api, monkeypatch):
    numbers = [flow.new().number for _ in range(5)]
    client = api(staff.operator)
    body = client.get("/api/v1/tickets/").json()
    assert (body["count"], body["count_capped"]) == (5, False)
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    seen, page = [], 1
    while True:
        body = client.get("/api/v1/tickets/", {"page_size": 2, "page": page}).json()
        assert (body["count"], body["count_capped"]) == (2, True)
        seen += [row["number"] for row in body["results"]]
        if not body["next"]:
            break
        page += 1
    assert sorted(seen) == sorted(numbers)  # every ticket, past the cap too
    # The first page after the last is a 404, as without a cap; page 0 is no page (400).
    assert client.get("/api/v1/tickets/", {"page_size": 5, "page": 2}).status_code == 404
    assert client.get("/api/v1/tickets/", {"page": 0}).status_code == 400
