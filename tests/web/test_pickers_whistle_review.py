"""The whistle and return-review pickers (SPEC §12): wherever a person chooses a unit they
type a name, pinyin initials or a code; the suggested unit is preselected.

- Whistle (吹哨): the category's duty department is ticked; the filter box finds a
  department by name, initials, code and everyday abbreviation (城管).
- Return review (审核退单): 改派单位 starts with the suggested unit, never the unit that
  returned the ticket; on /reviews/ the open suggestions leave the form's fields free.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hotline.models import Category
from tickets.models import Participation

from ..pages.test_walk import CHROMIUM, browser_type_launch_args  # noqa: F401

NOISE = "CG.ZY.SG"  # 施工噪音: duty kind cgzf, no duty unit of its own
GAS_LEAK = "GG.RQ.XL"  # 燃气泄漏: duty unit C-GAS
DANCE = "CG.ZY.GC"  # 广场舞噪音: neither a duty unit nor a duty kind
STREET, DEPT = "110101001", "110101-CGZF"  # 东城区东华门街道; 东城区城市管理综合行政执法局

browser = pytest.mark.browser
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"needs Debian's Chromium at {CHROMIUM}"
)


def _signed(flow, code):
    return flow.at("signed", whistle=False, category=Category.objects.get(code=code))


def _returned(flow, code, reason="非本单位职责"):
    from tickets import actions

    ticket = _signed(flow, code)
    lead = flow.user_of(ticket.lead_unit)
    return actions.return_ticket(
        actor=lead, ticket=ticket, reason=reason, now=flow.T0 + timedelta(minutes=20)
    )


def _checked(html, code):
    tag = re.search(rf'<input[^>]*value="{re.escape(code)}"[^>]*>', html)
    assert tag, code
    return " checked" in tag.group(0)


# --- Whistle --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_whistle_preselects_the_categorys_duty_department(flow, staff, client):
    ticket = _signed(flow, NOISE)
    client.force_login(staff.street)
    html = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert 'id="step-whistle"' in html
    assert _checked(html, DEPT)
    assert not _checked(html, "110101-SCJG") and not _checked(html, "M-CGZF")
    # each box carries what the filter matches besides the name
    assert re.search(rf'value="{DEPT}"[^>]*data-pinyin="dcqcsglzhxzzfj"', html) or re.search(
        rf'data-pinyin="dcqcsglzhxzzfj"[^>]*value="{DEPT}"', html
    )


@pytest.mark.django_db
def test_whistle_preselects_nothing_without_a_duty_department(flow, staff, client):
    ticket = _signed(flow, DANCE)
    assert not ticket.category.duty_unit_id and not ticket.category.duty_dept_kind
    client.force_login(staff.street)
    html = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert 'id="step-whistle"' in html and " checked" not in html.split('id="step-whistle"')[1]


# --- Return review (server side) ------------------------------------------------------------


def _unit_value(html):
    tag = re.search(r'<input[^>]*name="review-return-unit"[^>]*>', html)
    assert tag
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


@pytest.mark.django_db
@pytest.mark.parametrize("category, expected", [(NOISE, DEPT), (GAS_LEAK, "C-GAS")])
def test_return_review_preselects_the_suggested_unit_not_the_returner(
    flow, staff, client, category, expected
):
    ticket = _returned(flow, category)
    assert ticket.lead_unit.code == STREET
    client.force_login(staff.dispatcher)
    page = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert _unit_value(page) == expected
    queue = client.get(reverse("reviews")).content.decode()
    assert _unit_value(queue) == expected


@pytest.mark.django_db
def test_return_review_falls_back_to_the_district_government(flow, staff, client):
    ticket = _returned(flow, DANCE)  # suggest_unit is the street that returned it
    client.force_login(staff.reviewer)
    assert _unit_value(client.get(reverse("reviews")).content.decode()) == "110101"
    page = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert _unit_value(page) == "110101"


# --- In Chromium ----------------------------------------------------------------------------


@pytest.fixture
def signed_in(browser_sign_in):
    return lambda user: browser_sign_in(user, viewport={"width": 1280, "height": 900})


@browser
@needs_chromium
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("typed", ["cgzf", "csgl", DEPT, "城管", "城市管理", "dccg"])
def test_whistle_filter_finds_by_name_initials_code_and_abbreviation(
    live_server, signed_in, staff, flow, typed
):
    ticket = _signed(flow, DANCE)  # nothing ticked: what shows is what the filter found
    page = signed_in(staff.street)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    group = page.locator("#id_whistle-departments")
    box = page.locator("#step-whistle input[type=search]")
    box.fill(typed)
    dept = group.locator("label", has_text="东城区城市管理综合行政执法局")
    expect(dept).to_be_visible()
    expect(group.locator("label", has_text="东城区卫生健康委员会")).to_be_hidden()
    # what was found is what is sent
    dept.locator("input").check()
    page.fill("#id_whistle-reason", "工地夜间施工需执法")
    page.locator("#step-whistle button[type=submit]").click()
    page.wait_for_selector(".messages")
    summoned = ticket.participations.filter(role=Participation.Role.SUMMONED)
    assert list(summoned.values_list("unit__code", flat=True)) == [DEPT]


@browser
@needs_chromium
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 1024, 800])
def test_reviews_picker_shows_the_suggestion_and_leaves_the_note_free(
    live_server, browser_sign_in, staff, flow, width
):
    # a reason as long as they come: the 审核 column narrows and its fields wrap
    ticket = _returned(
        flow, NOISE, reason="该工地位于相邻街道辖区，夜间施工噪音属城管执法职责，" * 3
    )
    page = browser_sign_in(staff.reviewer, viewport={"width": width, "height": 900})
    page.goto(f"{live_server.url}/reviews/")
    form = page.locator("#return form")
    box = form.locator("input[role=combobox]")
    expect(box).to_have_value("东城区城市管理综合行政执法局（110101-CGZF）")
    # one short suggestion: a list that reaches no button, only the note right under the box
    box.fill("望京街道")
    suggestions = form.locator("ul.suggestions")
    expect(suggestions).to_be_visible()
    note = form.locator("input[name=review-return-note]")
    a, b = suggestions.bounding_box(), note.bounding_box()
    overlap = (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )

    assert not overlap, (a, b)
    suggestions.locator("li", has_text="望京街道").click()
    expect(box).to_have_value("望京街道（110105026）")
    note.click()  # reaches the box: no suggestion lies over it
    expect(note).to_be_focused()
    note.fill("属城管执法职责")
    form.locator("button[value=yes]").click()
    page.wait_for_selector(".messages")
    ticket.refresh_from_db()
    assert ticket.lead_unit.code == "110105026"  # what was picked over the suggestion
