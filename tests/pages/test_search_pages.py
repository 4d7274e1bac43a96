"""The search/list page of every role, the header box, and exports (SPEC §12)."""

import csv
import io
from datetime import datetime

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from hotline.models import Role
from tickets.models import Ticket

from .test_pages import dispatched, new_ticket

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def test_every_page_has_the_search_box(staff, client):
    page = signed_in(client, staff.street).get("/").content.decode()
    assert f'action="{reverse("tickets-search")}"' in page and 'name="q"' in page


def test_a_street_lists_all_its_tickets_open_and_closed(staff, client, flow):
    closed = flow.at("closed", content="楼下噪音扰民，已解决")
    open_one = dispatched(staff, content="路灯不亮", phone="13900001234")
    new_ticket(staff, content="还没派单的噪音")  # never dispatched: the centre's alone
    assert Ticket.objects.get(pk=closed.pk).status == "closed"
    client = signed_in(client, staff.street)
    page = client.get(reverse("tickets-search")).content.decode()
    assert closed.number in page and open_one.number in page
    assert "还没派单" not in page
    found = client.get(reverse("tickets-search"), {"q": "噪音"}).content.decode()
    assert closed.number in found and open_one.number not in found
    assert "13900001234" not in page  # the centre's columns only


def test_the_centre_searches_by_phone_and_sees_callers(staff, client):
    ticket = new_ticket(staff, phone="13900004321", content="小区停车难")
    page = signed_in(client, staff.operator).get(reverse("tickets-search"), {"q": "4321"})
    body = page.content.decode()
    assert ticket.number in body and "13900004321" in body


def test_the_filter_form_as_a_browser_sends_it(staff, client):
    ticket = dispatched(staff, content="楼下噪音扰民")
    blank = dict.fromkeys(
        ["status", "urgency", "kind", "channel", "category", "district", "street", "unit"], ""
    )
    params = {**blank, "q": "噪音", "received_from": "", "received_to": "", "overdue": ""}
    page = signed_in(client, staff.operator).get(reverse("tickets-search"), params)
    assert page.status_code == 200 and ticket.number in page.content.decode()


def test_bad_filters_answer_400_and_name_the_field(staff, client):
    page = signed_in(client, staff.operator).get(
        reverse("tickets-search"), {"received_from": "2025-02-30"}
    )
    assert page.status_code == 400 and "received_from" in page.content.decode()


def test_the_list_page_takes_a_fixed_number_of_queries(
    staff, client, django_assert_max_num_queries
):
    client = signed_in(client, staff.district)
    for _ in range(3):
        dispatched(staff)
    client.get(reverse("tickets-search"))
    # session, user, unit; the hits' ids (of the last 7 days, then of the days before: see
    # hotline.pagination), the page, its relations by prefetch (category, street, district,
    # lead unit, participations, their units); unread count; the form's choices
    # (categories, streets)
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("tickets-search"), {"q": "噪音"})
    for _ in range(5):
        dispatched(staff)
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("tickets-search"), {"q": "噪音"})
    assert page.content.decode().count('href="/tickets/') == 8


def test_csv_export_streams_with_bom_labels_and_masked_phones(staff, client):
    dispatched(staff, phone="13912345678", content="=HYPERLINK(1) 噪音")
    confidential = dispatched(staff, phone="13700000000", confidential=True, caller_name="保密人")
    office = dispatched(staff, phone="01064721234-12", content="噪音 总机转分机")
    response = signed_in(client, staff.street).get(
        reverse("tickets-export", args=["csv"]), {"q": "噪音"}
    )
    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    header, data = rows[0], rows[1:]
    assert header[:3] == ["工单编号", "受理时间", "来源渠道"]
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in data}
    assert len(by_number) == 3
    assert by_number.pop(office.number)["联系电话"] == "010****1234-12"  # as mask_phone
    row = next(r for n, r in by_number.items() if n != confidential.number)
    assert row["联系电话"] == "139****5678" and row["状态"] == "待签收"
    assert row["主要内容"].startswith("'=")  # never a formula in Excel
    assert datetime.strptime(row["受理时间"], "%Y-%m-%d %H:%M")
    hidden = by_number[confidential.number]
    assert hidden["联系电话"] == "" and hidden["诉求人"] == ""


def test_xlsx_export_has_dates_a_frozen_header_and_the_centre_sees_phones(staff, client):
    ticket = dispatched(staff, phone="13912345678")
    response = signed_in(client, staff.dispatcher).get(reverse("tickets-export", args=["xlsx"]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["工单编号"] == ticket.number and row["联系电话"] == "13912345678"
    assert isinstance(row["受理时间"], datetime)


def test_a_large_xlsx_list_runs_as_a_job_with_progress(
    staff, client, settings, tmp_path, make_user, django_capture_on_commit_callbacks
):
    settings.EXPORT_XLSX_INLINE_ROWS = 2
    settings.MEDIA_ROOT = str(tmp_path)
    for _ in range(3):
        dispatched(staff, content="夜间噪音")
    dispatched(staff, content="楼上漏水")
    client = signed_in(client, staff.street)
    # the task runs eagerly here (tests/conftest.py); with a broker, in a worker
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("tickets-export", args=["xlsx"]), {"q": "噪音"})
    assert response.status_code == 302 and response["Location"].startswith("/exports/")
    state = client.get(response["Location"]).context["state"]
    assert (state["status"], state["total"], state["kind"]) == ("done", 3, "tickets")
    download = client.get(response["Location"] + "download/")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 1 + 3 and all("噪音" in row[10] for row in rows[1:])
    assert all(row[12] == "138****5678" for row in rows[1:])  # the street's view: masked
    # a small one is still built in the request; nobody else fetches the job's file
    assert client.get(reverse("tickets-export", args=["xlsx"]), {"q": "漏水"}).status_code == 200
    other = signed_in(Client(), make_user(Role.UNIT_STAFF, "110101001", "another-staff"))
    assert other.get(response["Location"] + "download/").status_code == 404
