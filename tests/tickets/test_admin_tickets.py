"""The admin's read-only ticket list searches as the pages do (SPEC §12)."""

import pytest
from django.urls import reverse

from hotline.models import Unit, User

from .test_api_tickets import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, directory):
    user = User.objects.create_superuser(
        "root", password="pw-12345", unit=Unit.objects.get(code="12345"), role="admin"
    )
    client.force_login(user)
    return client


def test_admin_lists_and_searches_tickets_but_cannot_change_them(staff, admin_client):
    noise = make_ticket(staff, content="夜间噪音扰民", caller_phone="13800002468")
    other = make_ticket(staff, content="路灯不亮")
    url = reverse("admin:tickets_ticket_changelist")
    page = admin_client.get(url).content.decode()
    assert noise.number in page and other.number in page
    found = admin_client.get(url, {"q": "噪音"}).content.decode()
    assert noise.number in found and other.number not in found
    by_phone = admin_client.get(url, {"q": "2468"}).content.decode()
    assert noise.number in by_phone and other.number not in by_phone
    assert admin_client.get(reverse("admin:tickets_ticket_add")).status_code == 403
    detail = admin_client.get(reverse("admin:tickets_ticket_change", args=[noise.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()


def test_admin_list_never_counts_or_scans_the_whole_table(
    staff, admin_client, settings, monkeypatch
):
    """Its count stops at the lists' cap, and no year links are read from every row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hotline import pagination

    settings.DEBUG = True
    for i in range(3):
        make_ticket(staff, content=f"夜间噪音扰民{i}")
    monkeypatch.setattr(pagination.CappedPaginator, "cap", 2)  # three are "more than two"
    url = reverse("admin:tickets_ticket_changelist")
    for query in ({}, {"q": "噪音"}):
        with CaptureQueriesContext(connection) as seen:
            page = admin_client.get(url, query)
        assert page.status_code == 200
        sql = [q["sql"] for q in seen.captured_queries]
        counts = [s for s in sql if "COUNT(" in s.upper() and "tickets_ticket" in s]
        # a search counts by reading at most cap + 1 hits' ids (HitsPaginator), no COUNT
        assert all("LIMIT 3" in s for s in counts) and (counts or query), counts
        assert not any("DATE_TRUNC" in s.upper() or "DISTINCT" in s.upper() for s in sql)
        assert page.context["cl"].result_count == 2 and len(page.context["cl"].result_list) == 3
        assert "2 条以上诉求工单" in page.content.decode()


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:outbox_outboxmessage_changelist",
        "admin:texts_textmessage_changelist",
        "admin:webhooks_webhookdelivery_changelist",
        "admin:attachments_attachment_changelist",
    ],
)
def test_admin_logs_of_every_ticket_count_up_to_the_cap(staff, admin_client, changelist, settings):
    """Texts, outbox rows, deliveries and attachments grow with the tickets: their admin
    lists count as the ticket list does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.DEBUG = True
    make_ticket(staff, content="夜间噪音扰民")  # a text and its outbox row, at least
    with CaptureQueriesContext(connection) as seen:
        page = admin_client.get(reverse(changelist))
    assert page.status_code == 200
    table = page.context["cl"].model._meta.db_table
    counts = [q["sql"] for q in seen.captured_queries if "COUNT(" in q["sql"] and table in q["sql"]]
    assert counts and all("LIMIT 1001" in sql for sql in counts), counts


def test_admin_list_filters_by_district_and_category_area(staff, admin_client):
    """SPEC §12's filters in the admin's list: a district, a category with those under it."""
    from tests.conftest import leaf

    here = make_ticket(staff, content="夜间噪音扰民")
    elsewhere = make_ticket(staff, street="110105001", category=leaf("GA.HJ.JZ"))
    url = reverse("admin:tickets_ticket_changelist")
    page = admin_client.get(url)
    assert "东城区" in page.content.decode()  # offered as a filter
    by_district = admin_client.get(url, {"district": here.district.code}).content.decode()
    assert here.number in by_district and elsewhere.number not in by_district
    area = here.category.code.split(".")[0]
    by_area = admin_client.get(url, {"category": area}).content.decode()
    assert here.number in by_area and elsewhere.number not in by_area
