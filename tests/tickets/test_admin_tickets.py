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
