"""A street's list is paged from the tops of its two arms — tickets it leads, tickets it
takes part in (hotline.pagination.ArmsPaginator). Every page and count must be the plain
query's, for every sort and filter, on the API and the page alike."""

from datetime import timedelta

import pytest
from django.core.paginator import EmptyPage
from django.db import connection
from django.utils import timezone

from hotline.pagination import ArmsPaginator, CappedPaginator
from tickets import selectors
from tickets.search.filters import SORTS

from .test_api_tickets import make_ticket

pytestmark = pytest.mark.django_db
HERE, THERE = "110101001", "110101002"  # staff.street's street and its neighbour


@pytest.fixture
def mixed(staff, monkeypatch):
    """Eleven tickets a day apart: HERE leads six (one replied), co-handles two of THERE's
    and is summoned to none; three are THERE's alone."""
    monkeypatch.setattr(CappedPaginator, "cap", 4)  # a cap of four stands for 1,000
    now = timezone.now()
    made = []
    for i, (lead, co) in enumerate(
        [(HERE, ())] * 3 + [(THERE, (HERE,)), (THERE, ())] * 2 + [(HERE, ())] * 3 + [(THERE, ())]
    ):
        made.append(
            make_ticket(
                staff,
                street=lead,
                dispatch_to=lead,
                co_units=list(co),
                urgency=3 if i % 3 == 0 else 2,
                urgency_reason="测试",
                received_at=now - timedelta(days=i),
            )
        )
    return made


def _pages(paginator):
    pages, number = [], 1
    while True:
        try:
            pages.append([t.pk for t in paginator.page(number)])
        except EmptyPage:
            return pages
        number += 1


@pytest.mark.parametrize("sort", list(SORTS))
@pytest.mark.parametrize("status", [None, "dispatched"])
def test_every_page_is_the_plain_querys(staff, mixed, sort, status):
    order = (sort, "-id" if sort.startswith("-") else "id")
    whole = selectors.list_tickets(staff.street).order_by(*order)
    arms = [arm.order_by(*order) for arm in selectors.list_arms(staff.street)]
    if status:
        whole, arms = whole.filter(status=status), [a.filter(status=status) for a in arms]
    plain, by_arms = CappedPaginator(whole, 3), ArmsPaginator(whole, 3, arms=arms)
    assert len(arms) == 2 and by_arms.arms == (arms if connection.vendor == "postgresql" else [])
    assert _pages(by_arms) == _pages(plain)
    assert (by_arms.count, by_arms.capped) == (plain.count, plain.capped)
    seen = {pk for page in _pages(by_arms) for pk in page}
    assert seen == {t.pk for t in whole}  # HERE's six and the two it co-handles, no other
    assert len(seen) == 8


def test_centre_and_district_have_one_arm(staff):
    assert len(selectors.list_arms(staff.dispatcher)) == 1
    assert len(selectors.list_arms(staff.district)) == 1


def test_api_and_page_list_what_the_plain_query_lists(staff, mixed, api, client):
    expected = [t.number for t in sorted(mixed, key=lambda t: t.received_at, reverse=True)]
    mine = [n for n in expected if n in {t.number for t in selectors.list_tickets(staff.street)}]
    resp = api(staff.street).get("/api/v1/tickets/", {"page_size": 3, "page": 2})
    assert resp.status_code == 200
    body = resp.json()
    assert [t["number"] for t in body["results"]] == mine[3:6]
    assert (body["count"], body["count_capped"]) == (4, True)
    client.force_login(staff.street)
    page = client.get("/search/", {"sort": "received_at"})
    assert page.status_code == 200
    assert [t.number for t in page.context["page"]] == mine[::-1]


@pytest.mark.parametrize("limit", [1, 2, 5, 8, 50])
def test_inbox_page_is_the_head_of_the_whole_inbox(staff, mixed, limit):
    unit = staff.street.unit
    whole = list(selectors.unit_inbox(unit))
    assert len(whole) == 8  # six led, two co-handled
    assert list(selectors.unit_inbox_page(unit, limit)) == whole[:limit]
