"""A text search newest first reads its hits in widening windows of received_at
(hotline.pagination.HitsPaginator): every page and count must be what the plain query gives,
inside the user's scope, whichever window the hits came from."""

from datetime import timedelta

import pytest
from django.core.paginator import EmptyPage
from django.utils import timezone

from hotline.pagination import (
    WINDOW_DAYS,
    CappedPaginator,
    HitsPaginator,
    newest_first_field,
    next_window,
)
from tickets.models import Ticket
from tickets.search.selectors import search_tickets

from .test_api_tickets import make_ticket

pytestmark = pytest.mark.django_db
CAP = 3  # a cap of three hits stands for 1,000
HERE, THERE = "110101001", "110101002"  # 东华门街道 (staff.street's) and 景山街道


@pytest.fixture
def aged(staff, monkeypatch):
    """Tickets of 噪音 (four in the last week, one of them 景山's), 漏水 (one this week, one
    20 days back, three 40–60 days back) and 烟花 (once, 400 days back), each dispatched to
    its street."""
    monkeypatch.setattr(CappedPaginator, "cap", CAP)
    now = timezone.now()
    made = {}
    for name, content, street, days in [
        ("n1", "楼下噪音扰民", HERE, 1),
        ("n2", "夜间噪音", THERE, 2),
        ("n3", "广场舞噪音", HERE, 3),
        ("n4", "施工噪音", HERE, 4),
        ("n20", "商铺噪音", HERE, 20),
        ("n100", "噪音又来了", HERE, 100),
        ("n400", "噪音", THERE, 400),
        ("l5", "楼上漏水", HERE, 5),
        ("l20", "管道漏水", HERE, 20),
        ("l40", "水管漏水", HERE, 40),
        ("l50", "屋顶漏水", THERE, 50),
        ("l60", "暖气漏水", HERE, 60),
        ("l400", "漏水", HERE, 400),
        ("f400", "燃放烟花", HERE, 400),
    ]:
        made[name] = make_ticket(
            staff,
            street=street,
            dispatch_to=street,
            content=content,
            received_at=now - timedelta(days=days, minutes=len(made)),
        ).pk
    return made


def _pages(qs, per_page=2):
    """Every page HitsPaginator serves, until the first empty one (a 404)."""
    paginator, pages, number = HitsPaginator(qs, per_page), [], 1
    while True:
        try:
            pages.append([t.pk for t in paginator.page(number)])
        except EmptyPage:
            return paginator, pages
        number += 1


@pytest.mark.parametrize("word", ["噪音", "漏水", "烟花", "没有"])
@pytest.mark.parametrize("who", ["dispatcher", "street"])
@pytest.mark.parametrize("sort", [None, "received_at", "-received_at"])
def test_every_page_is_the_plain_querys(staff, aged, word, who, sort):
    qs = search_tickets(getattr(staff, who), word)
    if sort:
        qs = qs.order_by(sort, "-id" if sort.startswith("-") else "id")
    plain = list(qs.values_list("pk", flat=True))  # every hit, in the list's order
    paginator, pages = _pages(qs)
    assert (paginator.count, paginator.capped) == (min(len(plain), CAP), len(plain) > CAP)
    assert sum(pages, []) == plain
    assert all(len(page) == 2 for page in pages[:-1])


def test_a_common_word_is_counted_and_paged_from_the_newest_week(
    staff, aged, django_assert_num_queries
):
    qs = Ticket.objects.filter(pk__in=search_tickets(staff.dispatcher, "噪音")).order_by(
        "-received_at", "-id"
    )
    paginator = HitsPaginator(qs, 2)
    with django_assert_num_queries(1) as captured:  # the week's four, sorted: enough
        assert (paginator.count, paginator.capped) == (CAP, True)
    assert "received_at" in captured.captured_queries[0]["sql"]
    assert paginator.newest == [aged[n] for n in ("n1", "n2", "n3", "n4")]
    with django_assert_num_queries(1):  # page 2 from the week's ids
        assert [t.pk for t in paginator.page(2)] == [aged["n3"], aged["n4"]]
    with django_assert_num_queries(1):  # page 3 is past them: the plain query
        assert [t.pk for t in paginator.page(3)] == [aged["n20"], aged["n100"]]


def test_sorted_oldest_first_a_common_word_is_counted_from_the_newest_week(
    staff, aged, django_assert_num_queries
):
    qs = search_tickets(staff.dispatcher, "噪音").order_by("received_at", "id")
    paginator = HitsPaginator(qs, 2)
    with django_assert_num_queries(1) as captured:  # the week's four: more than the cap
        assert (paginator.count, paginator.capped) == (CAP, True)
    assert "received_at" in captured.captured_queries[0]["sql"]
    assert paginator.newest == []  # not this list's order: the pages are the plain query's
    assert [t.pk for t in paginator.page(1)] == [aged["n400"], aged["n100"]]


def test_a_word_thin_this_week_widens_to_where_its_hits_are(staff, aged, django_assert_num_queries):
    qs = Ticket.objects.filter(pk__in=search_tickets(staff.dispatcher, "漏水")).order_by(
        "-received_at", "-id"
    )
    paginator = HitsPaginator(qs, 2)
    # one hit in 7 days: 30 days should hold four at that rate; two there: 90 days
    with django_assert_num_queries(3):
        assert (paginator.count, paginator.capped) == (CAP, True)
    assert paginator.newest == [aged[n] for n in ("l5", "l20", "l40", "l50")]
    assert [t.pk for t in paginator.page(2)] == [aged["l40"], aged["l50"]]


def test_a_rare_word_goes_from_an_empty_week_to_the_plain_query(
    staff, aged, django_assert_num_queries
):
    paginator = HitsPaginator(search_tickets(staff.dispatcher, "烟花"), 2)
    with django_assert_num_queries(2) as captured:  # the week (none), then the plain query
        assert (paginator.count, paginator.capped) == (1, False)
    week, rest = (q["sql"] for q in captured.captured_queries)
    assert "received_at" in week and "received_at" not in rest  # no bound: nothing was newer
    assert paginator.hits == [aged["f400"]]


def test_every_newest_first_search_takes_the_windows(staff, aged):
    # whatever the planner would expect of the word: a rare one (扰民, once, yesterday) and
    # one past the cap (漏水, six) both read their newest hits in order from the windows
    rare = search_tickets(staff.dispatcher, "扰民")
    paginator, pages = _pages(rare)
    assert paginator.newest == [aged["n1"]] and pages == [[aged["n1"]]]
    qs = search_tickets(staff.dispatcher, "漏水")
    paginator, pages = _pages(qs)
    assert paginator.capped and paginator.newest[:2] == [aged["l5"], aged["l20"]]
    assert sum(pages, []) == list(qs.values_list("pk", flat=True))


def test_a_streets_user_never_counts_another_streets_hits(staff, aged):
    paginator = HitsPaginator(search_tickets(staff.street, "噪音"), 2)
    assert paginator.count == CAP and paginator.capped
    assert aged["n2"] not in paginator.hits and aged["n400"] not in paginator.hits
    assert [t.pk for t in paginator.page(1)] == [aged["n1"], aged["n3"]]


def test_the_api_pages_a_windowed_search(staff, api, aged):
    client = api(staff.dispatcher)
    numbers = dict(Ticket.objects.values_list("pk", "number"))
    body = client.get("/api/v1/tickets/", {"q": "漏水", "page_size": 2, "page": 2}).json()
    assert (body["count"], body["count_capped"]) == (CAP, True) and body["next"]
    assert [r["number"] for r in body["results"]] == [numbers[aged[n]] for n in ("l40", "l50")]
    body = client.get("/api/v1/tickets/", {"q": "漏水", "page_size": 2, "sort": "received_at"})
    assert [r["number"] for r in body.json()["results"]] == [
        numbers[aged[n]] for n in ("l400", "l60")
    ]


def test_which_orders_are_newest_first_and_how_far_the_next_window_reaches():
    assert newest_first_field(Ticket.objects.order_by("-received_at", "-id")) == "received_at"
    # a deadline may be empty, and an empty one is in no window: the plain query
    assert newest_first_field(Ticket.objects.order_by("-feedback_deadline", "-id")) is None
    for order in [("received_at", "id"), ("-received_at",), ("-number", "-id"), ()]:
        assert newest_first_field(Ticket.objects.order_by(*order)) is None
    assert next_window(7, 0, 1001) is None  # nothing this week: the rest, unordered
    assert next_window(7, 900, 1001) == 30
    assert next_window(7, 100, 1001) == 90  # 70 days at that rate
    assert next_window(30, 400, 1001) == 90
    assert next_window(30, 300, 1001) is None  # 100 days: past the widest window
    assert next_window(7, 5, 1001) is None and next_window(90, 900, 1001) is None
    assert WINDOW_DAYS[0] == 7


@pytest.mark.django_db(transaction=True)  # CREATE INDEX CONCURRENTLY: outside a transaction
def test_each_recent_index_moves_on_once_it_reaches_back_too_far():
    from django.db import connection

    from tickets.search import recent_index

    if connection.vendor != "postgresql":
        assert recent_index.refresh() == []  # SQLite has no such index
        return
    now = timezone.now()
    recent_index.refresh(now=now)  # the migration's, or ones built now
    first = recent_index.recent_indexes()
    assert sorted(name[:-8] for name in first) == sorted(recent_index.TIERS)  # one a tier
    assert recent_index.refresh(now=now + timedelta(days=3)) == []  # all still fresh
    week, month, months = "ticket_search_week_", "ticket_search_month_", "ticket_search_recent_"

    def first_day(tier, at):
        horizon = recent_index.TIERS[tier][0]
        return f"{tier}{timezone.localdate(at) - timedelta(days=horizon):%Y%m%d}"

    def built_now():  # each tier's index as if built today (drop_tier: a migration's reverse)
        for tier in recent_index.TIERS:
            recent_index.drop_tier(tier)
        assert recent_index.recent_indexes() == {}
        assert sorted(recent_index.refresh(now=now)) == sorted(
            first_day(t, now) for t in recent_index.TIERS
        )
        return recent_index.recent_indexes()

    # A tier built today moves on once its first day is further back than its stale days:
    # the week's after 5 days, the month's after 10, the four months' after 30.
    for days, moved in ((6, [week]), (11, [week, month]), (31, [week, month, months])):
        first = built_now()
        later = now + timedelta(days=days)
        assert sorted(recent_index.refresh(now=later)) == sorted(first_day(t, later) for t in moved)
        for tier in set(recent_index.TIERS) - set(moved):
            assert recent_index.recent_indexes(prefix=tier) == {
                name: day for name, day in first.items() if name.startswith(tier)
            }
        assert len(recent_index.recent_indexes()) == 3  # one a tier: the old ones dropped
    built_now()  # what later tests find: fresh, not in the future


def test_a_page_of_known_hits_is_read_by_key_alone(staff, aged, django_assert_num_queries):
    """The page's ids come from the list itself; with the words again PostgreSQL read the
    words' whole bitmap for them (24,806 rows for 50 at 2 M). The rows keep the list's
    order, joins, deferred fields and prefetches."""
    qs = search_tickets(staff.street, "噪音")  # list_tickets: prefetches, deferred tokens
    paginator = HitsPaginator(qs, 2)
    assert paginator.count == CAP
    # the rows, then the list's prefetches: categories, participations, units (row_units)
    with django_assert_num_queries(4) as captured:
        page = list(paginator.page(1))
    rows_sql = captured.captured_queries[0]["sql"]
    assert "search_tokens" not in rows_sql and "噪音" not in rows_sql, rows_sql
    assert [t.pk for t in page] == [aged["n1"], aged["n3"]]
    assert "search_tokens" in page[0].get_deferred_fields()
    with django_assert_num_queries(0):  # prefetched with the page
        assert page[0].category.name and page[0].street.code == HERE
