"""Defects found by trying the demo: the search page, its exports, list dates, the header box,
and a dispatch whose unit box was emptied."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.paginator import EmptyPage
from django.urls import reverse

from hotline.models import Unit
from hotline.pagination import CappedPaginator
from tickets.models import Status, Ticket
from tickets.web import search_views

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def signed_in(client, user):
    client.force_login(user)
    return client


# --- 2. an empty result still says "共 0 条" and "没有符合条件的工单" ---------------------


@pytest.mark.parametrize(
    "params", [{"q": "不存在的词"}, {"received_from": "2030-01-01"}], ids=["q", "date"]
)
def test_a_search_without_hits_shows_the_count_and_the_empty_row(staff, client, flow, params):
    flow.dispatched()
    page = signed_in(client, staff.operator).get(reverse("tickets-search"), params)
    body = page.content.decode()
    assert page.status_code == 200
    assert "共 0 条" in body and "没有符合条件的工单" in body


# --- 3. a page past the end of a capped list falls back to the last page ------------------


def test_a_page_past_a_capped_count_falls_back_to_the_last_page(staff, client, flow, monkeypatch):
    numbers = [flow.new().number for _ in range(5)]
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    monkeypatch.setattr(search_views, "PAGE_SIZE", 1)
    client = signed_in(client, staff.operator)
    # past the cap pages go on while they hold rows (page 4, 5); an empty one falls back to
    # the list's real last page, found by counting as far as the page asked for
    for params in ({"page": 999}, {"page": 6}, {"q": "路灯", "page": 999}):
        page = client.get(reverse("tickets-search"), params)
        assert page.status_code == 200, params
        body = page.content.decode()
        assert "第 5 / 5 页" in body, params
        assert sum(n in body for n in numbers) == 1  # the last page's one ticket


def test_the_paginator_keeps_its_empty_page_error_for_the_api(directory, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    paginator = CappedPaginator(Unit.objects.order_by("code"), 100)
    assert paginator.capped is False and paginator.count == 3 and paginator.capped
    with pytest.raises(EmptyPage):
        paginator.page(999)  # DRF's paginate_queryset reads page(): its 404 stays
    last = -(-Unit.objects.count() // 100)  # the real last page, not the last counted one
    assert paginator.get_page(999).number == last and paginator.num_pages == 1


# --- 4. only csv and xlsx are exports ----------------------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "json", "CSV"])
def test_an_unknown_export_format_is_a_404(staff, client, fmt):
    page = signed_in(client, staff.operator).get(f"/search/export.{fmt}")
    assert page.status_code == 404


def test_the_known_export_formats_still_answer(staff, client):
    client = signed_in(client, staff.operator)
    assert client.get("/search/export.csv").status_code == 200
    assert client.get("/search/export.xlsx").status_code == 200


# --- 5. deadline columns show the year -----------------------------------------------------


def test_list_deadlines_show_the_year(staff, client, flow):
    ticket = flow.dispatched()  # dispatched 2025-11-03 in Beijing
    deadline = ticket.feedback_deadline.astimezone(BEIJING)
    shown = f"{deadline:%Y-%m-%d %H:%M}"
    search = signed_in(client, staff.operator).get(reverse("tickets-search")).content.decode()
    assert shown in search
    inbox = signed_in(client, staff.street).get(reverse("inbox")).content.decode()
    assert shown in inbox


def test_the_dispatch_queue_shows_the_year(staff, client, flow):
    flow.new(now=datetime(2025, 12, 19, 10, 0, tzinfo=BEIJING))
    body = signed_in(client, staff.dispatcher).get(reverse("dispatch")).content.decode()
    assert "2025-12-19 10:00" in body


# --- 6. the header box offers phone search to the centre only ------------------------------


def test_the_header_placeholder_names_the_phone_for_the_centre_only(staff, client):
    centre = signed_in(client, staff.operator).get("/").content.decode()
    assert "检索工单：编号、电话、地址、内容" in centre
    street = signed_in(client, staff.street).get(reverse("inbox")).content.decode()
    assert "检索工单：编号、地址、内容" in street and "编号、电话" not in street


# --- 1. the 主办单位 filter: a typed name is resolved, never silently dropped ----------------


def test_a_unit_name_typed_into_the_filter_is_resolved(staff, client, flow):
    led = flow.dispatched()  # led by 东城区东华门街道 (110101001)
    other = flow.dispatched(unit="110101002")
    client = signed_in(client, staff.operator)
    for text in ("东华门街道", "110101001"):
        page = client.get(reverse("tickets-search"), {"unit": text})
        body = page.content.decode()
        assert page.status_code == 200, text
        assert led.number in body and other.number not in body, text


def test_an_unknown_or_ambiguous_unit_is_a_field_error(staff, client, flow):
    flow.dispatched()
    client = signed_in(client, staff.operator)
    for text in ("不存在的单位", "八里庄街道"):  # two streets bear that name
        page = client.get(reverse("tickets-search"), {"unit": text})
        assert page.status_code == 400, text
        body = page.content.decode()
        assert 'id="f-unit-error"' in body and text in body
        assert "共 " not in body  # no list that silently ignored the filter
    # the export refuses it too, rather than exporting every ticket
    assert client.get("/search/export.csv", {"unit": "不存在的单位"}).status_code == 400


def test_a_dispatch_with_an_emptied_unit_box_is_a_field_error(staff, client, flow):
    ticket = flow.new()
    page = signed_in(client, staff.dispatcher).post(
        reverse("ticket-step", args=[ticket.number, "dispatch"]),
        {"dispatch-unit": "", "dispatch-co_units": "", "dispatch-note": ""},
    )
    assert page.status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW
    assert page.context["failed"].errors.get("unit")


# --- a month given in the address is shown in the form (it used to filter unseen) -----------


def test_the_month_filter_is_a_field_of_the_form(staff, client, flow):
    flow.dispatched()
    body = signed_in(client, staff.operator).get(reverse("tickets-search"), {"period": "2025-11"})
    assert 'name="period" value="2025-11"' in body.content.decode()
