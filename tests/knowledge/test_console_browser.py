"""The console's knowledge suggestions and the reply templates picker in Debian's Chromium."""

import os
from pathlib import Path

import pytest

from hotline.knowledge import actions as knowledge
from hotline.models import Unit
from tests.conftest import leaf
from tickets import actions
from tickets.models import Status, Ticket

CHROMIUM = "/usr/bin/chromium"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
    }


@pytest.fixture
def login(browser_sign_in):
    return browser_sign_in


def _publish(kb, **fields):
    article = kb.in_review(**fields)
    return knowledge.publish_article(actor=kb.reviewer, article=article)


@pytest.mark.django_db(transaction=True)
def test_operator_picks_an_article_and_the_ticket_records_it(live_server, login, kb, staff):
    medical = _publish(kb, title="门诊报销怎么办", answer="持医保凭证在定点医院直接结算。")
    _publish(kb, title="异地就医备案", answer="先在国家医保服务平台备案。", keywords="异地 备案")
    page = login(staff.operator)
    page.goto(f"{live_server.url}/console/")
    page.fill("#category-filter", "医保报销")
    page.press("#category-filter", "Enter")
    page.fill("#id_content", "来电人问门诊费用怎么报销")
    first = page.locator("#knowledge-suggestions li.suggestion").first
    first.wait_for()
    assert "门诊报销怎么办" in first.inner_text()
    assert "直接结算" in first.inner_text()  # title and answer shown
    page.keyboard.press("Alt+1")  # picked before intake: waits for the answer step
    assert "门诊报销怎么办" in page.locator("#knowledge-picked").inner_text()
    page.select_option("#id_kind", "enquiry")
    page.click("#intake button[type=submit]")
    page.wait_for_selector("#step-answer")
    assert page.input_value("#id_answer-answer") == medical.live.answer
    assert page.input_value("#id_answer-article") == str(medical.pk)
    # On the triage panel the suggestions are there again, one key away.
    page.locator("#knowledge-suggestions li.suggestion").nth(1).wait_for()
    page.keyboard.press("Alt+2")
    assert "备案" in page.input_value("#id_answer-answer")
    page.keyboard.press("Alt+1")
    page.click("#step-answer button[type=submit]")
    page.wait_for_load_state()
    ticket = Ticket.objects.get()
    assert ticket.status == Status.ANSWERED
    assert ticket.answer_article_id == medical.live.pk
    assert ticket.events.get(type="answered").payload == {"article": medical.pk, "version": 1}


@pytest.mark.django_db(transaction=True)
def test_reply_form_offers_the_units_templates(live_server, login, staff):
    street = staff.street
    knowledge.save_reply_template(actor=street, title="已解决", text="经现场核实，问题已处理完毕。")
    ticket, _ = actions.create_ticket(
        actor=staff.operator,
        channel="phone",
        kind="complaint",
        category=leaf("CX.WJ.SD"),
        content="私搭乱建",
        street=Unit.objects.get(code="110101001"),
    )
    actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit="110101001")
    actions.sign_ticket(actor=street, ticket=ticket)
    actions.contact_caller(actor=street, ticket=ticket)
    page = login(street)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    page.select_option("#reply-template", label="已解决")
    assert page.input_value("#id_reply-note") == "经现场核实，问题已处理完毕。"
