"""The operator console's keys, step order and hints in Debian's Chromium (an audit's findings).

One key does one thing (Alt+digit picks an article, Alt+Shift+digit merges); after saving,
the next step is the first one, focused, with the ticket's number and the "已受理" message
still in view at 1366×768; an enquiry's next step is the direct answer; hidden fields get
no label; the caller's history follows the phone box and shows each ticket's status; an
address that names only the district asks for the street instead of offering the district.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from hotline.knowledge import actions as knowledge
from hotline.models import Category, Unit
from tickets import actions
from tickets.models import Status, Ticket

from ..pages.test_console_keyboard import _earlier
from ..pages.test_walk import CHROMIUM, browser_type_launch_args  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"needs Debian's Chromium at {CHROMIUM}"
    ),
]
WIDTH, HEIGHT = 1366, 768
HAIDIAN = "110108"


@pytest.fixture
def console(browser_sign_in, live_server, staff):
    page = browser_sign_in(staff.operator, viewport={"width": WIDTH, "height": HEIGHT})
    page.goto(f"{live_server.url}/console/")
    return page


def published_article(staff):
    """门诊报销怎么办, published: an article the console suggests for 医保报销."""
    article = knowledge.propose_article(
        actor=staff.dept,
        title="门诊报销怎么办",
        question="门诊费用如何报销？",
        answer="持医保凭证在定点医院直接结算。",
        keywords="医保 报销",
        categories=[Category.objects.get(code="LD.SB.YB")],
    )
    article = knowledge.submit_article(actor=staff.dept, article=article)
    return knowledge.publish_article(actor=staff.reviewer, article=article)


def _intake(page, *, phone, address, category, content, kind=None):
    page.fill("#id_caller_phone", phone)
    page.fill("#id_address", address)
    page.select_option("#id_category", category)
    page.fill("#id_content", content)
    if kind:
        page.select_option("#id_kind", kind)
    page.focus("#id_content")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#triage")


def _in_view(locator):
    box = locator.bounding_box()
    assert box is not None, locator
    assert 0 <= box["y"] and box["y"] + box["height"] <= HEIGHT, (locator, box)


@pytest.mark.django_db(transaction=True)
def test_alt_digit_picks_the_article_and_alt_shift_digit_merges(console, staff):
    page = console
    earlier = _earlier(staff, "13912345601")
    article = published_article(staff)
    _intake(
        page,
        phone="13912345601",
        address="东城区景山街道",
        category="LD.SB.YB",
        content="来电人问门诊费用怎么报销",
    )
    ticket = Ticket.objects.get(content="来电人问门诊费用怎么报销")
    history = page.locator("#merge-history")
    expect(history).to_contain_text(earlier.number)
    page.locator("#knowledge-suggestions li.suggestion").first.wait_for()
    expect(page.locator("#knowledge-suggest")).to_contain_text("Alt+1")
    page.keyboard.press("Alt+1")  # what the knowledge box says: the article
    page.wait_for_timeout(800)  # a merge would have posted by now
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    expect(page.locator("#id_answer-answer")).to_have_value(article.live.answer)
    # The merge rows' labels name another key.
    expect(history.locator("kbd").first).to_have_text("Alt+Shift+1")
    expect(page.locator("#step-merge")).not_to_contain_text(re.compile(r"Alt\+\d"))
    page.keyboard.press("Alt+Shift+1")  # what the merge row says
    page.wait_for_selector(".messages")
    ticket.refresh_from_db()
    assert ticket.status == Status.MERGED and ticket.master_id == earlier.pk


@pytest.mark.django_db(transaction=True)
def test_the_next_step_is_first_and_focused_with_the_number_in_view(console, staff):
    page = console
    _earlier(staff, "13912345602")  # a caller with an open ticket: the merge step too
    _intake(
        page,
        phone="13912345602",
        address="工人体育场北路8号院",  # 三里屯街道
        category="CG.ZY.GC",
        content="每晚广场舞音响声音很大",
        kind="complaint",
    )
    ticket = Ticket.objects.get(content="每晚广场舞音响声音很大")
    first = page.locator("#triage .steps > form.step").first
    expect(first).to_have_id("step-dispatch")
    picker = page.locator("#id_dispatch-unit")
    expect(picker).to_be_focused()
    expect(picker).to_have_value(re.compile("三里屯街道"))
    _in_view(picker)
    _in_view(page.locator("#triage h2"))
    _in_view(page.locator(".messages", has_text=ticket.number))


@pytest.mark.django_db(transaction=True)
def test_an_enquiry_is_answered_first_not_dispatched(console, staff):
    page = console
    _intake(
        page,
        phone="13912345603",
        address="工人体育场北路8号院",
        category="GA.HJ.JZ",  # 居住证, typed as jzz
        content="问居住证怎么办理",
        kind="enquiry",
    )
    first = page.locator("#triage .steps > form.step").first
    expect(first).to_have_id("step-answer")
    answer = page.locator("#id_answer-answer")
    expect(answer).to_be_focused()
    _in_view(answer)
    _in_view(page.locator("#triage h2"))


@pytest.mark.django_db(transaction=True)
def test_hidden_fields_get_no_label(console, live_server, staff):
    page = console
    _intake(
        page,
        phone="13912345604",
        address="工人体育场北路8号院",
        category="GA.HJ.JZ",
        content="问居住证续签",
        kind="enquiry",
    )
    ticket = Ticket.objects.get(content="问居住证续签")
    for url in (page.url, f"{live_server.url}/tickets/{ticket.number}/"):
        page.goto(url)
        step = page.locator("#step-answer")
        expect(step).to_be_visible()
        expect(step).not_to_contain_text("Article")
        expect(step.locator("label[for=id_answer-article]")).to_have_count(0)
        expect(step.locator("#id_answer-article")).to_have_count(1)  # still posted


@pytest.mark.django_db(transaction=True)
def test_caller_history_follows_the_phone_box_and_shows_statuses(console, staff):
    page = console
    master = _earlier(staff, "13912345605", content="第一次来电")
    repeat = _earlier(staff, "13912345605", content="第二次来电")
    actions.merge_ticket(actor=staff.operator, ticket=repeat, into=master)
    history = page.locator("#caller-history")
    page.fill("#id_caller_phone", "13912345605")
    expect(history).to_contain_text(repeat.number)
    merged_row = history.locator("li", has_text=repeat.number)
    expect(merged_row).to_contain_text("已并单")
    expect(history.locator("li", has_text=master.number)).to_contain_text("待派单")
    phone = page.locator("#id_caller_phone")
    phone.press("Control+a")
    phone.press("Delete")
    expect(history).not_to_contain_text(master.number)
    phone.press_sequentially("139")
    page.wait_for_timeout(600)  # past the lookups' debounce
    expect(history).not_to_contain_text(master.number)
    expect(history).to_contain_text("输入来电号码后显示")
    phone.press_sequentially("12345605")  # the same number again: shown again
    expect(history).to_contain_text(master.number)


@pytest.mark.django_db(transaction=True)
def test_a_district_only_address_asks_for_the_street(console, staff):
    page = console
    page.fill("#id_address", "海淀区五道口华清嘉园")
    hint = page.locator("#address-match")
    expect(hint).to_contain_text("海淀区")
    expect(hint).to_contain_text("街乡镇")
    expect(hint).not_to_have_class(re.compile(r"\bmatched\b"))
    expect(hint).not_to_contain_text("地址匹配")
    _intake(
        page,
        phone="13912345606",
        address="海淀区五道口华清嘉园",
        category="CG.ZY.GC",  # no duty unit: the street leads
        content="小区门口广场舞太吵",
        kind="complaint",
    )
    ticket = Ticket.objects.get(content="小区门口广场舞太吵")
    step = page.locator("#step-dispatch")
    expect(step).not_to_contain_text("建议派往")
    expect(step.locator(".no-match[data-pick-type=street]")).to_contain_text("海淀区")
    picker = page.locator("#id_dispatch-unit")
    expect(picker).to_be_focused()
    expect(picker).to_have_value("")
    page.keyboard.press("Enter")  # nothing picked: not sent to the district
    page.wait_for_timeout(500)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    # Typing in the picker suggests the district's streets only: xyl is 学院路 here, not
    # 房山's 霞云岭乡 (it came first).
    picker.type("xyl")
    suggestions = step.locator(".suggestions").first
    expect(suggestions).to_contain_text("学院路街道")
    expect(suggestions).not_to_contain_text("霞云岭")
    picker.fill("")
    # The district's streets, and only those, are offered.
    streets = step.locator("#district-streets option")
    haidian = Unit.objects.filter(type="street", district__code=HAIDIAN, active=True)
    expect(streets).to_have_count(haidian.count())
    street = haidian.order_by("code").first()
    step.locator("#district-streets").select_option(street.code)
    expect(picker).to_have_value(f"{street.name}（{street.code}）")
    step.locator("button[type=submit]").click()
    page.wait_for_selector(".messages")
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit_id == street.pk
