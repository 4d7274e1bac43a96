"""Edges of the search filters (SPEC §12, §18): dates out of range, units typed by name in
the API and in an export job, and tickets with no deadline sorted last on every database."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from hotline.pagination import newest_first_field
from tickets.search.filters import search_list

pytestmark = pytest.mark.django_db

EXPORTS = ("/search/export.csv", "/search/export.xlsx")


def signed_in(client, user):
    client.force_login(user)
    return client


def _numbers(resp):
    assert resp.status_code == 200, resp.content[:500]
    return [row["number"] for row in resp.json()["results"]]


# --- 1. a date out of range is a 400 naming its field, never a 500 ---------------------------

OUT_OF_RANGE = [
    {"received_from": "0001-01-01"},
    {"received_to": "9999-12-31"},
    {"received_from": "1999-12-31"},
    {"received_to": "2100-01-01"},
    {"received_from": "9999-12-31"},
    {"received_to": "0001-01-01"},
    # the two dates swapped: no ticket was received in that "range" (found by an audit)
    {"received_from": "2026-12-06", "received_to": "2026-11-01"},
]


@pytest.mark.parametrize("role", ["operator", "street", "district", "dept"])
@pytest.mark.parametrize("params", OUT_OF_RANGE, ids=lambda p: "&".join(map("=".join, p.items())))
def test_an_edge_date_is_a_400_naming_the_field_everywhere(staff, api, client, flow, role, params):
    flow.dispatched()
    user = getattr(staff, role)
    field = list(params)[-1]  # the date out of range, or the later of two swapped
    resp = api(user).get("/api/v1/tickets/", params)
    assert resp.status_code == 400 and field in resp.json(), resp.content
    client = signed_in(client, user)
    page = client.get(reverse("tickets-search"), params)
    assert page.status_code == 400
    assert field in page.context["filter"].form.errors
    for url in EXPORTS:
        export = client.get(url, params)
        # refused before a byte is sent: no header-only CSV that broke off mid-stream
        assert export.status_code == 400, url
        assert not isinstance(export, StreamingHttpResponse), url


def test_the_first_and_last_days_of_the_range_are_dates(staff, api, client, flow):
    ticket = flow.dispatched()
    params = {"received_from": "2000-01-01", "received_to": "2099-12-31"}
    assert _numbers(api(staff.operator).get("/api/v1/tickets/", params)) == [ticket.number]
    client = signed_in(client, staff.operator)
    assert client.get(reverse("tickets-search"), params).status_code == 200
    csv = client.get("/search/export.csv", params)
    assert csv.status_code == 200
    assert ticket.number in b"".join(csv.streaming_content).decode()


# --- 2. an export job lists what the page lists, a unit typed by name too --------------------


def test_an_export_job_keeps_a_unit_typed_by_name(
    staff, client, flow, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EXPORT_XLSX_INLINE_ROWS = 2
    settings.MEDIA_ROOT = str(tmp_path)
    led = {flow.dispatched().number for _ in range(3)}  # 东华门街道 (110101001)
    flow.dispatched(unit="110101002")  # 景山街道: the same district, another street
    client = signed_in(client, staff.district)
    page = client.get(reverse("tickets-search"), {"unit": "东华门街道"})
    assert {t.number for t in page.context["page"]} == led
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.get("/search/export.xlsx", {"unit": "东华门街道"})
    assert resp.status_code == 302 and resp["Location"].startswith("/exports/")
    state = client.get(resp["Location"]).context["state"]
    assert (state["status"], state["total"]) == ("done", 3)
    download = client.get(resp["Location"] + "download/")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))[1:]
    assert {row[0] for row in rows} == led


# --- 3. tickets with no deadline come last, both ways, on every database ---------------------


@pytest.fixture
def deadlines(flow):
    """Two dispatched a day apart (the earlier has the nearer deadline), two never dispatched."""
    early = flow.dispatched()
    late = flow.dispatched(now=flow.T0 + timedelta(days=1))
    undated = [flow.new(), flow.new()]
    assert early.feedback_deadline < late.feedback_deadline
    assert all(t.feedback_deadline is None for t in undated)
    return early, late, undated


def _expected(deadlines, sort):
    early, late, undated = deadlines
    dated = [early.number, late.number]
    if sort.startswith("-"):
        return [*dated[::-1], *sorted((t.number for t in undated), reverse=True)]
    return [*dated, *sorted(t.number for t in undated)]  # numbers grow with ids


@pytest.mark.parametrize("sort", ["feedback_deadline", "-feedback_deadline"])
@pytest.mark.parametrize("q", [None, "路灯"], ids=["list", "search"])
def test_tickets_with_no_deadline_sort_last_both_ways(staff, api, client, deadlines, sort, q):
    params = {"sort": sort, **({"q": q} if q else {})}
    expected = _expected(deadlines, sort)
    assert _numbers(api(staff.operator).get("/api/v1/tickets/", params)) == expected
    page = signed_in(client, staff.operator).get(reverse("tickets-search"), params)
    assert page.status_code == 200
    assert [t.number for t in page.context["page"]] == expected
    csv = client.get("/search/export.csv", params)
    body = b"".join(csv.streaming_content).decode()
    assert sorted(expected, key=body.index) == expected


@pytest.mark.parametrize("sort", ["feedback_deadline", "-feedback_deadline"])
def test_a_street_sorted_by_deadline_pages_its_arms(staff, api, client, flow, sort):
    early = flow.dispatched()
    late = flow.dispatched(now=flow.T0 + timedelta(days=1))
    part = flow.dispatched(  # taking part
        unit="110101002", co_units=("110101001",), now=flow.T0 + timedelta(days=2)
    )
    expected = sorted(
        [early, late, part], key=lambda t: t.feedback_deadline, reverse=sort.startswith("-")
    )
    numbers = [t.number for t in expected]
    assert _numbers(api(staff.street).get("/api/v1/tickets/", {"sort": sort})) == numbers
    page = signed_in(client, staff.street).get(reverse("tickets-search"), {"sort": sort})
    assert [t.number for t in page.context["page"]] == numbers


def test_received_at_sorts_still_read_newest_first(staff):
    newest = search_list(staff.operator, {"sort": ["-received_at"]})
    assert newest.is_valid() and newest_first_field(newest.qs) == "received_at"
    default = search_list(staff.operator, {})
    assert default.is_valid() and newest_first_field(default.qs) == "received_at"
    for sort in ("feedback_deadline", "-feedback_deadline", "received_at"):
        found = search_list(staff.operator, {"sort": [sort]})
        assert found.is_valid() and newest_first_field(found.qs) is None, sort


# --- 4. the API checks unit, district, street and category as the page does ----------------


@pytest.mark.parametrize("field", ["unit", "category", "district", "street"])
def test_an_unknown_code_is_a_400_naming_the_field(staff, api, client, flow, field):
    flow.dispatched()
    resp = api(staff.operator).get("/api/v1/tickets/", {field: "nope"})
    assert resp.status_code == 400 and field in resp.json(), resp.content
    assert "nope" in str(resp.json()[field])
    page = signed_in(client, staff.operator).get(reverse("tickets-search"), {field: "nope"})
    assert page.status_code == 400 and field in page.context["filter"].form.errors


@pytest.mark.parametrize(
    "field, code", [("district", "110101001"), ("street", "110101"), ("street", "110101-CGZF")]
)
def test_a_unit_of_another_kind_is_no_district_or_street(staff, api, flow, field, code):
    flow.dispatched()
    resp = api(staff.operator).get("/api/v1/tickets/", {field: code})
    assert resp.status_code == 400 and field in resp.json(), resp.content


def test_the_api_takes_a_units_name_or_code_as_the_page_does(staff, api, client, flow):
    led = flow.dispatched()  # led by 东华门街道 (110101001), in 东城区
    other = flow.dispatched(unit="110101002")
    rest = api(staff.operator)
    for unit in ("东华门街道", "110101001"):
        assert _numbers(rest.get("/api/v1/tickets/", {"unit": unit})) == [led.number], unit
    both = [other.number, led.number]  # both at an address in 东华门街道, 东城区
    for params in ({"street": "东华门街道"}, {"district": "东城区"}):
        assert _numbers(rest.get("/api/v1/tickets/", params)) == both, params
    category = led.category.code
    assert led.number in _numbers(rest.get("/api/v1/tickets/", {"category": category}))
    page = signed_in(client, staff.operator).get(reverse("tickets-search"), {"unit": "东华门街道"})
    assert [t.number for t in page.context["page"]] == [led.number]


def test_an_ambiguous_name_is_a_400_saying_it_matches_several_units(staff, api, client):
    resp = api(staff.operator).get("/api/v1/tickets/", {"unit": "八里庄街道"})
    assert resp.status_code == 400 and "多个单位" in str(resp.json()["unit"])
    page = signed_in(client, staff.operator).get(reverse("tickets-search"), {"unit": "八里庄街道"})
    assert page.status_code == 400 and "多个单位" in page.content.decode()
    for url in EXPORTS:
        assert client.get(url, {"unit": "八里庄街道"}).status_code == 400, url
