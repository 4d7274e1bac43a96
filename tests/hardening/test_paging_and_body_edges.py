"""Edges the audit found in paging and request bodies: an absurd page number, the search
page's pager past the count cap, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, and a month with
a trailing newline. Each is a 4xx (or a true page), never a 500."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.core.paginator import EmptyPage
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token

from hotline import pagination
from hotline.middleware import InputGuardMiddleware
from hotline.models import Unit
from hotline.pagination import CappedPaginator
from tests.tickets.test_api_tickets import BODY
from tickets.models import Ticket
from tickets.web import search_views

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # past a signed 64-bit integer, as an offset too
MAX_OFFSET = getattr(pagination, "MAX_OFFSET", 2**31 - 1)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def capped(flow, monkeypatch):
    """Five tickets on a list whose count stops at three (standing for 1,000), a page each;
    the newest first, as the search page sorts them."""
    for _ in range(5):
        flow.new()
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    monkeypatch.setattr(search_views, "PAGE_SIZE", 1)
    return list(Ticket.objects.order_by("-received_at", "-id").values_list("number", flat=True))


# --- 1. a huge page number is an empty page, never a 500 ----------------------------------


@pytest.mark.parametrize("page", [HUGE, str(2**63), str(MAX_OFFSET + 2)])
@pytest.mark.parametrize("params", [{}, {"q": "路灯"}], ids=["list", "search"])
def test_a_huge_page_number_on_a_capped_api_list_is_a_404(staff, api, capped, page, params):
    response = api(staff.operator).get("/api/v1/tickets/", {**params, "page": page})
    assert response.status_code == 404, response.content[:300]
    assert "detail" in response.json()


@pytest.mark.parametrize("params", [{}, {"q": "路灯"}], ids=["list", "search"])
def test_a_huge_page_number_on_the_search_page_falls_back_to_the_last_counted_page(
    staff, capped, params
):
    # past MAX_OFFSET the list is not counted to its end: the last counted page, page 3
    page = signed_in(staff.operator).get(reverse("tickets-search"), {**params, "page": HUGE})
    assert page.status_code == 200
    body = page.content.decode()
    assert capped[2] in body and not any(n in body for n in capped[:2] + capped[3:])


def test_the_paginator_has_no_page_past_its_bound(directory, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    paginator = CappedPaginator(Unit.objects.order_by("code"), 1)
    with pytest.raises(EmptyPage):
        paginator.page(HUGE)
    with pytest.raises(EmptyPage):
        paginator.page(MAX_OFFSET + 2)  # its offset, MAX_OFFSET + 1, is past the bound
    assert paginator.get_page(HUGE).number == paginator.num_pages == 3  # the last counted


# --- 2. the search page's pager says something true past the cap --------------------------


def pager(body):
    return body.split('class="pager"', 1)[1].split("</nav>", 1)[0]


def test_the_pager_inside_a_capped_count_says_there_are_more_pages(staff, capped):
    body = signed_in(staff.operator).get(reverse("tickets-search"), {"page": 2}).content.decode()
    assert "第 2 页 / 超过 3 页" in pager(body) and 'rel="next"' in pager(body)


def test_the_pager_past_a_capped_count_never_says_page_4_of_3(staff, capped):
    body = signed_in(staff.operator).get(reverse("tickets-search"), {"page": 4}).content.decode()
    assert "第 4 / 3 页" not in body
    assert "第 4 页 / 超过 4 页" in pager(body) and 'rel="next"' in pager(body)
    assert capped[3] in body


@pytest.mark.parametrize("params", [{"page": 6}, {"page": 999}, {"q": "路灯", "page": 999}])
def test_a_page_past_the_real_end_falls_back_to_the_last_real_page(staff, capped, params):
    body = signed_in(staff.operator).get(reverse("tickets-search"), params).content.decode()
    assert "第 5 / 5 页" in pager(body), params
    assert 'rel="next"' not in pager(body)  # the last page: no link to the empty one
    assert capped[4] in body and not any(n in body for n in capped[:4])


@pytest.mark.parametrize("params", [{}, {"q": "路灯"}], ids=["list", "search"])
def test_the_real_last_page_past_the_cap_offers_no_next_page(staff, api, capped, params):
    """Found by an audit: 1,450 rows are 29 full pages, and page 29 still linked to a page
    30 that was a 404 on the API and page 29 again on the search page."""
    body = signed_in(staff.operator).get(reverse("tickets-search"), {**params, "page": 5})
    assert "第 5 / 5 页" in pager(body.content.decode())
    assert 'rel="next"' not in pager(body.content.decode())
    client = api(staff.operator)
    last = client.get("/api/v1/tickets/", {**params, "page_size": 1, "page": 5}).json()
    assert last["results"][0]["number"] == capped[4] and last["next"] is None
    assert client.get("/api/v1/tickets/", {**params, "page_size": 1, "page": 4}).json()["next"]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", " "])
def test_a_page_that_is_no_page_number_is_a_400_naming_it(staff, api, page):
    response = api(staff.operator).get("/api/v1/tickets/", {"page": page})
    assert response.status_code == 400 and "page" in response.json()


def test_the_capped_pager_speaks_english_too(staff, capped):
    client = signed_in(staff.operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("tickets-search"), {"page": 2}).content.decode()
    assert "Page 2 of more than 3" in pager(body)


# --- 3. a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 ----------------------------------


def too_big():
    return "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)


def test_a_json_body_too_big_for_the_api_is_a_413_in_json(staff):
    key = Token.objects.get_or_create(user=staff.operator)[0].key
    body = json.dumps({**BODY, "content": too_big()})
    response = Client().post(
        "/api/v1/tickets/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert response.status_code == 413, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    assert not Ticket.objects.exists()


def test_a_form_too_big_for_a_page_is_a_plain_413(staff):
    response = signed_in(staff.operator).post(reverse("console"), {"content": too_big()})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("suffix", ["json", "xml"])
def test_a_body_too_big_for_open311_is_a_413_in_its_error_shape(staff, suffix):
    key = Token.objects.get_or_create(user=staff.operator)[0].key
    data = {"api_key": key, "service_code": "CX.WJ.SD", "description": too_big()}
    response = Client().post(f"/open311/v2/requests.{suffix}", data)
    assert response.status_code == 413
    if suffix == "xml":
        assert ET.fromstring(response.content).find("error/code").text == "413"
    else:
        assert response.json()[0]["code"] == 413
    assert not Ticket.objects.exists()


def test_a_big_file_in_a_multipart_body_is_not_refused_at_the_door():
    # files are not held in memory (FILE_UPLOAD_MAX_MEMORY_SIZE): attachments may be 10 MB
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("photo.jpg", b"\xff" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    request = RequestFactory().post("/api/v1/tickets/X/attachments/", {"file": upload})
    response = InputGuardMiddleware(lambda request: HttpResponse("passed"))(request)
    assert response.content == b"passed"


# --- 4. a month with a newline is no month ----------------------------------------------


@pytest.mark.parametrize("period", ["2026-12\n", "2026-12\r\n", "2026-1\n2", "\n2026-12\n"])
def test_the_period_rule_takes_no_newline(period):
    from django.core.exceptions import ValidationError

    from tickets.api.filters import PERIOD

    with pytest.raises(ValidationError):
        PERIOD(period)  # "$" matched before a final newline: "2026-12\n" passed


def test_a_period_with_a_newline_inside_is_a_400_naming_period(staff, api):
    response = api(staff.operator).get("/api/v1/tickets/", {"period": "2026-1\n2"})
    assert response.status_code == 400 and "period" in response.json()


def test_a_period_padded_with_whitespace_is_that_month(staff, api, flow):
    # The filter's form field strips the ends (as the date filters' do), so "2026-12\n" is
    # read as 2026-12 and lists exactly that month's tickets, never a wider or wrong list.
    flow.new()
    month = f"{flow.T0:%Y-%m}"
    client = api(staff.operator)
    plain = client.get("/api/v1/tickets/", {"period": month}).json()
    padded = client.get("/api/v1/tickets/", {"period": f"{month}\n"}).json()
    assert plain["count"] == 1 and padded == plain


def test_a_huge_page_number_in_the_admin_list_is_no_500(admin_client, capped, monkeypatch):
    from tickets.admin import TicketAdmin

    monkeypatch.setattr(TicketAdmin, "list_per_page", 1)  # more than one page: it pages
    response = admin_client.get("/admin/tickets/ticket/", {"p": HUGE})
    assert response.status_code in (200, 302)  # the admin's "?e=1" for a page it has not
