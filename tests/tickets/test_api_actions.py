"""Every lifecycle step over POST /api/v1/tickets/{number}/{action}/: who, when, what."""

import pytest

from hotline.models import Unit
from tests.conftest import leaf
from tickets import actions, lifecycle
from tickets.models import Callback, ReviewRequest, Ticket

pytestmark = pytest.mark.django_db


def new_ticket(staff, dispatch_to=None, street="110101001", **fields):
    ticket, _ = actions.create_ticket(
        actor=staff.operator,
        channel="phone",
        caller_name="赵先生",
        caller_phone="13700001234",
        kind="complaint",
        category=leaf("CX.WJ.SD"),
        content="小区内私搭乱建",
        street=Unit.objects.get(code=street),
        **fields,
    )
    if dispatch_to:
        actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit=dispatch_to)
    return Ticket.objects.get(pk=ticket.pk)


def post(client, ticket, step, body=None, status=200):
    resp = client.post(f"/api/v1/tickets/{ticket.number}/{step}/", body or {}, format="json")
    assert resp.status_code == status, resp.json()
    return resp.json()


def snapshot(ticket):
    fresh = Ticket.objects.get(pk=ticket.pk)
    return (
        fresh.status,
        fresh.lead_unit_id,
        fresh.feedback_deadline,
        fresh.events.count(),
        fresh.participations.count(),
        ReviewRequest.objects.filter(ticket=fresh).count(),
    )


def test_happy_path_from_intake_to_appeal(staff, api):
    op, disp, street, dept = (
        api(staff.operator),
        api(staff.dispatcher),
        api(staff.street),
        api(staff.dept),
    )
    created = op.post(
        "/api/v1/tickets/",
        {
            "caller_name": "赵先生",
            "caller_phone": "13700001234",
            "street": "110101001",
            "kind": "complaint",
            "category": "CX.WJ.SD",
            "content": "小区内私搭乱建",
        },
        format="json",
    )
    ticket = Ticket.objects.get(number=created.json()["number"])
    data = post(disp, ticket, "dispatch", {"unit": "110101001", "note": "请核实"})
    assert data["status"] == "dispatched" and data["lead_unit"] == "110101001"
    assert post(street, ticket, "sign")["status"] == "signed"
    assert post(street, ticket, "contact", {"note": "已电话联系"})["status"] == "in_progress"
    data = post(street, ticket, "whistle", {"departments": ["110101-CGZF"], "reason": "需执法"})
    summoned = [p for p in data["participations"] if p["role"] == "summoned"]
    assert [p["unit"] for p in summoned] == ["110101-CGZF"]
    assert summoned[0]["report_in_deadline"] and summoned[0]["reported_in_at"] is None
    assert (
        "report-in"
        in api(staff.dept).get(f"/api/v1/tickets/{ticket.number}/").json()["allowed_actions"]
    )
    data = post(dept, ticket, "report-in", {"note": "已到场"})
    assert next(p for p in data["participations"] if p["role"] == "summoned")["reported_in_at"]
    data = post(dept, ticket, "report-part", {"note": "已拆除违建"})
    assert next(p for p in data["participations"] if p["role"] == "summoned")["part_note"]
    data = post(street, ticket, "reply", {"result": "solved", "note": "违建已拆除"})
    assert data["status"] == "replied" and data["result"] == "solved"
    data = post(
        api(staff.callback_agent),
        ticket,
        "callback",
        {"valid": True, "contacted": True, "solved": True, "satisfaction": "basically_satisfied"},
    )
    assert data["status"] == "closed"
    assert Callback.objects.get(ticket=ticket, counted=True).satisfaction == "basically_satisfied"
    post(street, ticket, "appeal", {"reason": "诉求人误评，有现场照片为证"})
    data = post(api(staff.reviewer), ticket, "review-appeal", {"approve": True, "note": "属实"})
    assert data["excluded"] is True and data["excluded_reason"] == "appeal"
    assert [e["type"] for e in data["events"]] == [
        "created",
        "dispatched",
        "signed",
        "contacted",
        "whistled",
        "reported_in",
        "part_reported",
        "replied",
        "called_back",
        "appealed",
        "appeal_upheld",
    ]
    assert data["events"][2]["unit"] == "110101001"
    assert data["events"][5]["actor"] == staff.dept.username


def test_triage_answer_transfer_merge(staff, api):
    op = api(staff.operator)
    asked = new_ticket(staff)
    data = post(op, asked, "answer", {"answer": "可拨打物业电话"})
    assert data["status"] == "answered" and data["answer"] == "可拨打物业电话"
    fire = new_ticket(staff)
    data = post(op, fire, "transfer", {"to": "119", "note": "起火"})
    assert data["status"] == "transferred" and data["transferred_to"] == "119"
    master, repeat = new_ticket(staff), new_ticket(staff)
    data = post(op, repeat, "merge", {"into": master.number})
    assert data["status"] == "merged" and data["master"] == master.number
    detail = op.get(f"/api/v1/tickets/{master.number}/").json()
    assert detail["repeats"] == [repeat.number]


def test_return_reviews_and_extension(staff, api):
    street, disp, rev = api(staff.street), api(staff.dispatcher), api(staff.reviewer)
    ticket = new_ticket(staff, dispatch_to="110101001")
    assert post(street, ticket, "return", {"reason": "不属本街道"})["status"] == "returned"
    data = post(disp, ticket, "review-return", {"accept": False, "note": "属地负责"})
    assert data["status"] == "dispatched" and data["lead_unit"] == "110101001"
    post(street, ticket, "return", {"reason": "确不属本街道"})
    data = post(disp, ticket, "review-return", {"accept": True, "unit": "110101002"})
    assert data["lead_unit"] == "110101002" and data["status"] == "dispatched"
    # the old lead no longer sees it; the new one does
    assert street.get(f"/api/v1/tickets/{ticket.number}/").status_code == 404
    other = api(staff.other_street)
    post(other, ticket, "sign")
    before = Ticket.objects.get(pk=ticket.pk).feedback_deadline
    post(other, ticket, "extend", {"days": 5, "reason": "需协调产权单位"})
    data = post(rev, ticket, "review-extension", {"approve": True, "note": "同意"})
    assert Ticket.objects.get(pk=ticket.pk).feedback_deadline > before
    assert data["events"][-1]["type"] == "extension_approved"
    post(other, ticket, "contact")
    post(other, ticket, "claim-unreasonable", {"reason": "要求拆除合法建筑"})
    data = post(rev, ticket, "review-claim", {"approve": False, "note": "查否"})
    assert data["excluded"] is False and data["events"][-1]["type"] == "claim_rejected"


def test_wrong_role_is_403_and_changes_nothing(staff, api):
    ticket = new_ticket(staff, dispatch_to="110101001")
    before = snapshot(ticket)
    for user, step, body in [
        (staff.operator, "sign", {}),
        (staff.dispatcher, "reply", {"result": "solved", "note": "x"}),
        (staff.street, "dispatch", {"unit": "110101002"}),
        (staff.street, "review-extension", {"approve": True}),
        (staff.callback_agent, "return", {"reason": "x"}),
        # a district government sees the ticket but does not lead it
        (staff.district, "sign", {}),
        (staff.district, "return", {"reason": "x"}),
        (staff.leader, "sign", {}),
    ]:
        data = post(api(user), ticket, step, body, status=403)
        assert data["detail"]
        assert snapshot(ticket) == before


def test_wrong_state_is_409_and_changes_nothing(staff, api):
    ticket = new_ticket(staff, dispatch_to="110101001")
    before = snapshot(ticket)
    for user, step, body in [
        (staff.dispatcher, "dispatch", {"unit": "110101002"}),
        (staff.operator, "answer", {"answer": "x"}),
        (staff.street, "reply", {"result": "solved", "note": "x"}),
        (staff.street, "contact", {}),
        (staff.street, "appeal", {"reason": "x"}),
        (staff.reviewer, "review-extension", {"approve": True}),  # nothing pending
        (staff.callback_agent, "callback", {"valid": False, "invalid_reason": "unreachable"}),
    ]:
        data = post(api(user), ticket, step, body, status=409)
        assert data["detail"], step
        assert snapshot(ticket) == before


def test_refusal_comes_before_body_validation(staff, api):
    # A step the user may not take says why, even with an empty body.
    ticket = new_ticket(staff, dispatch_to="110101001")
    assert "detail" in post(api(staff.operator), ticket, "reply", {}, status=403)
    assert "detail" in post(api(staff.street), ticket, "reply", {}, status=409)


@pytest.mark.parametrize(
    "who, step, body, field",
    [
        ("operator", "transfer", {"to": "999"}, "to"),
        ("operator", "answer", {}, "answer"),
        ("operator", "merge", {"into": "0000"}, "into"),
        ("dispatcher", "dispatch", {"unit": "NOPE"}, "unit"),
        ("dispatcher", "dispatch", {"unit": "12345"}, "unit"),
        ("dispatcher", "dispatch", {"unit": "110101001", "co_units": ["110101001"]}, "co_units"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(staff, api, who, step, body, field):
    ticket = new_ticket(staff)
    before = snapshot(ticket)
    data = post(api(getattr(staff, who)), ticket, step, body, status=400)
    assert field in data
    assert snapshot(ticket) == before


def test_bad_bodies_on_handling_steps(staff, api):
    street = api(staff.street)
    ticket = new_ticket(staff, dispatch_to="110101001")
    post(street, ticket, "sign")
    post(street, ticket, "contact")
    before = snapshot(ticket)
    assert "departments" in post(street, ticket, "whistle", {"reason": "x"}, status=400)
    assert "departments" in post(
        street, ticket, "whistle", {"departments": ["110101002"], "reason": "x"}, status=400
    )
    assert "days" in post(street, ticket, "extend", {"days": 0, "reason": "x"}, status=400)
    assert "result" in post(street, ticket, "reply", {"result": "done", "note": "x"}, status=400)
    assert "note" in post(street, ticket, "reply", {"result": "solved"}, status=400)
    assert snapshot(ticket) == before
    post(street, ticket, "reply", {"result": "solved", "note": "ok"})
    agent = api(staff.callback_agent)
    assert "satisfaction" in post(
        agent, ticket, "callback", {"valid": True, "contacted": True, "solved": True}, status=400
    )
    assert "invalid_reason" in post(agent, ticket, "callback", {"valid": False}, status=400)


def test_every_step_is_routed_and_unknown_steps_are_404(staff, api):
    ticket = new_ticket(staff, dispatch_to="110101001")
    outsider = api(staff.other_street)
    before = snapshot(ticket)
    # Another unit's staff cannot even learn the ticket exists, whatever the step.
    for step in lifecycle.STEPS:
        resp = outsider.post(f"/api/v1/tickets/{ticket.number}/{step}/", {}, format="json")
        assert resp.status_code == 404, step
    for outsider_user in (staff.gas, staff.other_dept, staff.other_district):
        resp = api(outsider_user).post(f"/api/v1/tickets/{ticket.number}/sign/", {})
        assert resp.status_code == 404
    assert snapshot(ticket) == before
    # The centre reaches every step's endpoint (answers are 403/409, never 404/405).
    for step in lifecycle.STEPS:
        resp = api(staff.reviewer).post(f"/api/v1/tickets/{ticket.number}/{step}/", {})
        assert resp.status_code in (200, 400, 403, 409), (step, resp.status_code)
    resp = api(staff.dispatcher).post(f"/api/v1/tickets/{ticket.number}/escalate/", {})
    assert resp.status_code == 404
