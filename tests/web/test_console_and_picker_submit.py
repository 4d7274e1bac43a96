"""One click submits a typed unit; an article chosen on the console leads to the answer step.

In Debian's Chromium. A unit name typed and shown among the suggestions, then the submit
button clicked without picking, sends that unit at the first click (派单 and 审核退单 on the
ticket page, and the dispatch queue's rows, where the open list must not cover the button).
On the console, a knowledge article chosen before saving puts the focus in the answer step.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tickets.models import Status, Ticket

from ..pages.test_walk import CHROMIUM, browser_type_launch_args  # noqa: F401
from .test_console_keys import published_article

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"needs Debian's Chromium at {CHROMIUM}"
    ),
]
SANLITUN = "110105004"  # 朝阳区三里屯街道


@pytest.fixture
def signed_in(browser_sign_in):
    return lambda user: browser_sign_in(user, viewport={"width": 1280, "height": 900})


def _type_unit(form, name=None, text="三里屯街道"):
    """Clears the unit box, types `text` and waits for it among the suggestions, unpicked."""
    box = form.locator(f"#{name}" if name else "input[role=combobox]").first
    # One fill, not fill("") and then keys: the prefilled unit's name arrives by fetch, and
    # when the box was still empty at fill("") (no input event, so not yet "typed"), the name
    # could land in between and the keys were appended to it (a CI run: 东城区城市管理综合
    # 行政执法局（110101-CGZF）三里屯街道). A person's first key marks the box typed.
    box.fill(text)
    expect(box).to_have_value(text)
    expect(form.locator("ul.suggestions li", has_text=SANLITUN)).to_be_visible(timeout=15_000)
    return box


def _one_click(page, button):
    """Clicks once; the page must then have sent the form (no second click)."""
    button.click(timeout=5000)
    expect(page.locator(".messages")).to_be_visible(timeout=5000)


@pytest.mark.django_db(transaction=True)
def test_dispatch_step_submits_a_shown_unit_at_the_first_click(live_server, signed_in, staff, flow):
    ticket = flow.new()
    page = signed_in(staff.dispatcher)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    form = page.locator("#step-dispatch")
    expect(form.locator("#id_dispatch-unit")).to_have_value(re.compile("（"))
    _type_unit(form, "id_dispatch-unit")
    _one_click(page, form.locator("button[type=submit]"))
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit.code == SANLITUN


@pytest.mark.django_db(transaction=True)
def test_review_return_submits_a_shown_unit_at_the_first_click(live_server, signed_in, staff, flow):
    ticket = flow.at("returned")
    page = signed_in(staff.dispatcher)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    form = page.locator("#step-review-return")
    form.locator("input[type=radio][value=yes]").check()
    _type_unit(form, "id_review-return-unit")
    _one_click(page, form.locator("button[type=submit]"))
    ticket.refresh_from_db()
    assert ticket.lead_unit.code == SANLITUN


@pytest.mark.django_db(transaction=True)
def test_dispatch_queue_list_leaves_the_button_clickable(live_server, signed_in, staff, flow):
    ticket = flow.new()
    page = signed_in(staff.dispatcher)
    page.goto(f"{live_server.url}/dispatch/")
    form = page.locator("tr", has_text=ticket.number).locator("form")
    expect(form.locator("input[role=combobox]")).to_have_value(re.compile("（"))
    _type_unit(form)
    _one_click(page, form.get_by_role("button", name="派单"))
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit.code == SANLITUN


@pytest.mark.django_db(transaction=True)
def test_a_chosen_article_puts_the_focus_in_the_answer_step(live_server, signed_in, staff):
    article = published_article(staff)
    page = signed_in(staff.operator)
    page.goto(f"{live_server.url}/console/")
    page.fill("#id_caller_phone", "13912345670")
    page.fill("#id_address", "工人体育场北路8号院")  # matches 三里屯街道
    page.select_option("#id_category", "LD.SB.YB")  # 医保报销
    page.fill("#id_content", "来电人问门诊费用怎么报销")
    page.locator("#knowledge-suggestions li.suggestion").first.wait_for()
    page.keyboard.press("Alt+1")
    expect(page.locator("#knowledge-picked")).to_contain_text("门诊报销怎么办")
    page.select_option("#id_kind", "enquiry")
    page.focus("#id_content")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#triage")
    expect(page.locator("#step-dispatch")).to_have_count(0)  # an enquiry is never dispatched
    answer = page.locator("#id_answer-answer")
    expect(answer).to_have_value(article.live.answer)
    expect(answer).to_be_focused()
    page.keyboard.press("Control+Enter")  # answers from the focused text
    page.wait_for_selector(".messages")
    ticket = Ticket.objects.get(caller_phone="13912345670")
    assert ticket.status == Status.ANSWERED
    assert ticket.answer_article_id == article.live.pk
