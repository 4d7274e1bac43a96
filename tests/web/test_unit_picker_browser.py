"""The unit picker in Debian's Chromium: what the box shows is what is sent.

A preselected (suggested) unit whose name is replaced by another without picking from the
list must never send the old code; an exact name is taken, anything else is held at the
field with a message.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tickets.models import Status, Ticket

from ..pages.test_walk import CHROMIUM, browser_type_launch_args  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"needs Debian's Chromium at {CHROMIUM}"
    ),
]
WANGJING = "110105026"  # 朝阳区望京街道


@pytest.fixture
def signed_in(browser_sign_in):
    return lambda user: browser_sign_in(user, viewport={"width": 1280, "height": 900})


def _replace_suggested(page, form, text):
    """Waits for the suggested unit to show by name, then types `text` over it, unpicked."""
    box = form.locator("input[role=combobox]").first  # the lead unit's
    expect(box).to_have_value(re.compile("（"))  # the suggestion shown as 名称（编码）
    suggested = form.locator("input[type=hidden][name=dispatch-unit]").input_value()
    assert suggested
    box.fill(text)
    box.blur()  # nothing picked (Escape would clear a search box)
    return box, suggested


@pytest.mark.django_db(transaction=True)
def test_dispatch_queue_sends_the_typed_unit_not_the_suggested_one(
    live_server, signed_in, staff, flow
):
    ticket = flow.new()
    page = signed_in(staff.dispatcher)
    page.goto(f"{live_server.url}/dispatch/")
    form = page.locator("tr", has_text=ticket.number).locator("form")
    box, suggested = _replace_suggested(page, form, "望京街道")
    assert suggested != WANGJING
    form.get_by_role("button").click()
    page.wait_for_selector(".messages")
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit.code == WANGJING


@pytest.mark.django_db(transaction=True)
def test_an_unknown_unit_is_held_at_the_field(live_server, signed_in, staff, flow):
    ticket = flow.new()
    page = signed_in(staff.dispatcher)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    form = page.locator("#step-dispatch")
    box, _ = _replace_suggested(page, form, "不存在的单位")
    form.locator("button[type=submit]").click()
    expect(page.locator("#id_dispatch-unit-error")).to_be_visible()
    expect(page.locator("#id_dispatch-unit-error")).to_contain_text("没有这个单位")
    assert form.locator("input[type=hidden][name=dispatch-unit]").input_value() == ""
    # emptied: held too (the unit is required), with its own message
    box.fill("")
    form.locator("button[type=submit]").click()
    expect(page.locator("#id_dispatch-unit-error")).to_contain_text("请选择单位")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW
    # an exact code typed over it is taken
    box.fill(WANGJING)
    box.blur()
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".messages")
    assert Ticket.objects.get(pk=ticket.pk).lead_unit.code == WANGJING


@pytest.mark.django_db(transaction=True)
def test_the_search_filter_takes_a_typed_unit_name(live_server, signed_in, staff, flow):
    led = flow.dispatched()  # 东城区东华门街道
    other = flow.dispatched(unit="110101002")
    page = signed_in(staff.operator)
    page.goto(f"{live_server.url}/search/")
    box = page.locator("#f-unit")
    box.fill("东华门街道")
    box.blur()
    page.locator("#search-filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"unit=110101001"))
    expect(page.locator("#results")).to_contain_text(led.number)
    expect(page.locator("#results")).not_to_contain_text(other.number)
