"""The role pages through Django's test client: access, masking, refusals, errors, queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hotline.models import Unit
from tests.conftest import leaf
from tickets import actions
from tickets.models import Notification, Status, Ticket

pytestmark = pytest.mark.django_db

ADDRESS = "北京市东城区东华门街道南池子大街12号"


def new_ticket(staff, phone="13812345678", **extra):
    fields = dict(
        channel="phone",
        caller_name="张三",
        caller_phone=phone,
        address=ADDRESS,
        category=leaf(),
        kind="complaint",
        content="楼下噪音扰民",
    )
    fields.update(extra)
    ticket, _ = actions.create_ticket(actor=staff.operator, **fields)
    return ticket


def dispatched(staff, **extra):
    ticket = new_ticket(staff, **extra)
    return actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit="110101001")


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_login_page_is_chinese(client, db):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "登录" in page.content.decode()


def test_home_needs_login(client, db):
    page = client.get("/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]


@pytest.mark.parametrize(
    "role, expected",
    [
        ("operator", "今日本人受理"),
        ("dispatcher", "待派单"),
        ("street", "被吹哨待报到"),
        ("callback_agent", "待回访"),
        ("reviewer", "延期待审"),
        ("leader", "/dashboard/"),
    ],
)
def test_home_shows_what_needs_doing(as_user, staff, role, expected):
    page = as_user(getattr(staff, role)).get("/")
    assert page.status_code == 200
    assert expected in page.content.decode()


def test_console_creates_ticket_then_offers_triage(as_user, staff):
    client = as_user(staff.operator)
    cat = leaf()
    page = client.post(
        reverse("console"),
        {
            "caller_name": "李四",
            "caller_phone": "13900001111",
            "address": ADDRESS,
            "category": cat.code,
            "kind": "help",
            "content": "路灯不亮",
        },
    )
    assert page.status_code == 302
    ticket = Ticket.objects.get(caller_phone="13900001111")
    assert ticket.street.code == "110101001" and ticket.urgency == cat.default_urgency
    panel = client.get(page["Location"]).content.decode()
    assert 'id="step-answer"' in panel and 'id="step-dispatch"' in panel
    # The operator role may dispatch (lifecycle table); the suggestion is the street.
    assert 'value="110101001"' in panel


def test_console_category_filter_reads_initials_and_whole_pinyin(as_user, staff):
    page = as_user(staff.operator).get(reverse("console")).content.decode()
    # console.js matches what is typed inside data-search: dtgz and dianti both find it
    option = page.split('value="CX.WY.DT"', 1)[1].split(">", 1)[0]
    assert " dtgz " in option and " diantiguzhang " in option, option


def test_the_console_form_sent_twice_is_one_ticket(as_user, staff):
    """Found by an audit: Ctrl+Enter pressed twice logged two tickets."""
    client = as_user(staff.operator)
    page = client.get(reverse("console")).content.decode()
    submission = page.split('name="submission" value="', 1)[1].split('"', 1)[0]
    assert submission.startswith("console-")
    body = {
        "caller_phone": "13900002222",
        "address": ADDRESS,
        "category": leaf().code,
        "kind": "complaint",
        "content": "楼道灯坏了",
        "submission": submission,
    }
    first, again = client.post(reverse("console"), body), client.post(reverse("console"), body)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Ticket.objects.filter(caller_phone="13900002222").count() == 1
    # a form shown again is another call
    fresh = client.get(reverse("console")).content.decode()
    assert submission not in fresh
    client.post(reverse("console"), body | {"submission": ""})
    assert Ticket.objects.filter(caller_phone="13900002222").count() == 2


def test_console_shows_action_error_beside_its_field(as_user, staff):
    cat = leaf()
    page = as_user(staff.operator).post(
        reverse("console"),
        {
            "caller_phone": "13900002222",
            "address": ADDRESS,
            "category": cat.code,
            "kind": "help",
            "urgency": 1 if cat.default_urgency != 1 else 2,
            "content": "x",
        },
    )
    assert page.status_code == 400
    html = page.content.decode()
    field = html.index('name="urgency_reason"')
    assert html.index("调整响应级别须说明理由") > field
    assert not Ticket.objects.filter(caller_phone="13900002222").exists()


def test_an_admin_on_the_console_is_refused_and_nothing_is_filed(as_user, make_user):
    from hotline.models import Role

    admin = make_user(Role.ADMIN, "12345")
    admin.is_superuser = True
    admin.save()
    page = as_user(admin).post(
        reverse("console"),
        {
            "caller_phone": "13900003333",
            "address": ADDRESS,
            "category": leaf().code,
            "kind": "help",
            "content": "x",
        },
    )
    # Pages go by role alone (issue 9): an admin, superuser or not, is not a console role.
    assert page.status_code == 403
    assert not Ticket.objects.filter(caller_phone="13900003333").exists()


def test_lookup_matches_street_and_repeats(as_user, staff):
    first = new_ticket(staff, phone="13700000001")
    data = (
        as_user(staff.operator)
        .get(reverse("console-lookup"), {"address": ADDRESS, "phone": "13700000001"})
        .json()
    )
    assert data["street"] == Unit.objects.get(code="110101001").name
    assert data["district"] == "东城区"
    assert [r["number"] for r in data["repeats"]] == [first.number]


def test_lookup_finds_repeats_however_the_phone_is_typed_and_flags_a_road(as_user, staff):
    first = new_ticket(staff, phone="01064721234")
    lookup = as_user(staff.operator).get
    data = lookup(reverse("console-lookup"), {"address": "鼓楼大街", "phone": "010-6472 1234"})
    assert [r["number"] for r in data.json()["repeats"]] == [first.number]
    assert data.json()["via"] == "road"  # 鼓楼大街 names no street; 密云's 鼓楼 is a guess
    assert lookup(reverse("console-lookup"), {"address": ADDRESS}).json()["via"] == "street"


def test_lookup_names_the_community_the_address_names(as_user, staff):
    lookup = as_user(staff.operator).get
    data = lookup(reverse("console-lookup"), {"address": "东城区东华门街道南池子社区5号"}).json()
    assert (data["street"], data["community"]) == ("东华门街道", "南池子社区")
    assert (
        lookup(reverse("console-lookup"), {"address": "东城区东华门街道"}).json()["community"] == ""
    )


def test_other_units_staff_get_404(as_user, staff):
    ticket = dispatched(staff)
    assert (
        as_user(staff.other_street).get(reverse("ticket", args=[ticket.number])).status_code == 404
    )
    assert as_user(staff.street).get(reverse("ticket", args=[ticket.number])).status_code == 200


def test_unit_staff_see_masked_phone_centre_sees_full(as_user, staff):
    ticket = dispatched(staff, phone="13812345678")
    unit_page = as_user(staff.street).get(reverse("ticket", args=[ticket.number])).content
    assert "138****5678" in unit_page.decode() and "13812345678" not in unit_page.decode()
    centre_page = as_user(staff.dispatcher).get(reverse("ticket", args=[ticket.number])).content
    assert "13812345678" in centre_page.decode()


def test_confidential_caller_hidden_from_unit(as_user, staff):
    ticket = dispatched(staff, phone="13812345678", confidential=True)
    html = as_user(staff.street).get(reverse("ticket", args=[ticket.number])).content.decode()
    assert "张三" not in html and "5678" not in html and "（保密）" in html


def test_page_shows_exactly_the_allowed_steps(as_user, staff):
    ticket = dispatched(staff)
    html = as_user(staff.street).get(reverse("ticket", args=[ticket.number])).content.decode()
    assert 'id="step-sign"' in html and 'id="step-return"' in html
    assert 'id="step-reply"' not in html and 'id="step-whistle"' not in html
    assert 'id="step-sign"' not in (
        as_user(staff.district).get(reverse("ticket", args=[ticket.number])).content.decode()
    )


def test_refused_step_says_why_and_changes_nothing(as_user, staff):
    ticket = dispatched(staff)
    client = as_user(staff.street)
    url = reverse("ticket-step", args=[ticket.number, "reply"])
    page = client.post(url, {"reply-result": "solved", "reply-note": "done"})
    assert page.status_code == 409
    assert "不能执行“办结反馈”" in page.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED


def test_role_refusal_is_403(as_user, staff):
    ticket = dispatched(staff)
    page = as_user(staff.dispatcher).post(reverse("ticket-step", args=[ticket.number, "sign"]))
    assert page.status_code == 403
    assert "派单员" in page.content.decode()


def test_action_validation_error_shown_inline(as_user, staff):
    ticket = new_ticket(staff)
    page = as_user(staff.dispatcher).post(
        reverse("ticket-step", args=[ticket.number, "dispatch"]), {"dispatch-unit": "NOPE"}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert html.index("单位编码 NOPE 不存在") > html.index('name="dispatch-unit"')


def test_step_success_redirects_and_is_on_the_timeline(as_user, staff):
    ticket = dispatched(staff)
    client = as_user(staff.street)
    page = client.post(reverse("ticket-step", args=[ticket.number, "sign"]), {"sign-note": "收到"})
    assert page.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.SIGNED
    html = client.get(page["Location"]).content.decode()
    assert "收到" in html and 'id="step-contact"' in html


def test_whistle_offers_district_and_municipal_departments(as_user, staff):
    ticket = dispatched(staff)
    actions.sign_ticket(actor=staff.street, ticket=ticket)
    html = as_user(staff.street).get(reverse("ticket", args=[ticket.number])).content.decode()
    assert 'value="110101-CGZF"' in html and 'value="M-CGZF"' in html
    assert 'value="110102-CGZF"' not in html


def test_notifications_unread_first_and_mark_read(as_user, staff):
    ticket = new_ticket(staff)
    old = Notification.objects.create(user=staff.street, ticket=ticket, kind="x", message="旧的")
    old.read_at = old.created_at
    old.save()
    Notification.objects.create(user=staff.street, ticket=ticket, kind="x", message="新的")
    client = as_user(staff.street)
    html = client.get(reverse("notifications")).content.decode()
    assert html.index("新的") < html.index("旧的")
    assert 'id="unread-count" class="badge on">1<' in html
    client.post(reverse("notifications-read"))
    assert not Notification.objects.filter(user=staff.street, read_at__isnull=True).exists()


# Queries per page, whatever the number of rows: session, user, unread counter, then the
# page's own (e.g. the reviewer queue: a count per kind of request and the page of each kind
# that has any, here one; the callback queue: two
# index-only counts and two id lists, one per arm, before its page; the inbox: two
# counter reads, and two id lists, led and taking part, before its page).
# The session is written at most once a minute (hotline.idle_sessions): not on these.
PAGE_QUERIES = {"inbox": 9, "dispatch": 7, "callbacks": 9, "reviews": 9, "notifications": 5}


def _fill(staff, url_name, user, n):
    for _ in range(n):
        t = dispatched(staff) if url_name != "dispatch" else new_ticket(staff)
        if url_name in ("callbacks", "reviews"):
            actions.sign_ticket(actor=staff.street, ticket=t)
            actions.contact_caller(actor=staff.street, ticket=t)
            if url_name == "callbacks":
                actions.reply_ticket(actor=staff.street, ticket=t, result="solved", note="ok")
            else:
                actions.request_extension(actor=staff.street, ticket=t, days=2, reason="r")
        if url_name == "notifications":
            Notification.objects.create(user=user, ticket=t, kind="x", message="m")


@pytest.mark.parametrize("url_name", list(PAGE_QUERIES))
def test_list_pages_pin_their_query_count(as_user, staff, url_name, django_assert_num_queries):
    user = {
        "inbox": staff.street,
        "dispatch": staff.dispatcher,
        "callbacks": staff.callback_agent,
        "reviews": staff.reviewer,
        "notifications": staff.street,
    }[url_name]
    client = as_user(user)
    for n, seen in ((3, 3), (17, 20)):
        _fill(staff, url_name, user, n)
        with django_assert_num_queries(PAGE_QUERIES[url_name]):
            page = client.get(reverse(url_name))
        assert page.status_code == 200
        assert (
            page.content.decode().count('href="/tickets/') + page.content.decode().count("?t=")
            >= seen
        )


def test_inbox_counters_in_two_index_reads(staff):
    from tickets.inbox_selectors import inbox_counters

    a = dispatched(staff)
    b = dispatched(staff)
    actions.sign_ticket(actor=staff.street, ticket=b)
    actions.whistle(actor=staff.street, ticket=b, departments=["110101-CGZF"], reason="r")
    dept = Unit.objects.get(code="110101-CGZF")
    with CaptureQueriesContext(connection) as ctx:
        street_counts = inbox_counters(staff.street.unit)
        dept_counts = inbox_counters(dept)
    assert len(ctx.captured_queries) == 4  # led tickets, waiting summons: per unit
    assert street_counts["to_sign"] == 1 and street_counts["to_contact"] == 1
    assert dept_counts["summoned_waiting"] == 1 and dept_counts["to_sign"] == 0
    assert a.pk != b.pk


def test_pages_are_chinese_first_and_english_when_chosen(as_user, staff):
    client = as_user(staff.street)
    # an English browser alone does not switch the page: Chinese first
    assert "待签收" in client.get(reverse("inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/inbox/"})
    html = client.get(reverse("inbox")).content.decode()
    assert "To sign for" in html and "Overdue" in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/inbox/"})
    assert "待签收" in client.get(reverse("inbox")).content.decode()


def test_reviewer_approves_extension_from_the_queue(as_user, staff):
    ticket = dispatched(staff)
    actions.request_extension(actor=staff.street, ticket=ticket, days=3, reason="需要协调")
    client = as_user(staff.reviewer)
    queue = client.get(reverse("reviews")).content.decode()
    assert ticket.number in queue and "需要协调" in queue
    before = ticket.feedback_deadline
    page = client.post(
        reverse("ticket-step", args=[ticket.number, "review-extension"]),
        {"review-extension-approve": "yes", "review-extension-note": "同意", "next": "/reviews/"},
    )
    assert page.status_code == 302 and page["Location"] == "/reviews/"
    ticket.refresh_from_db()
    assert ticket.feedback_deadline > before
    assert ticket.number not in client.get(reverse("reviews")).content.decode()


def test_reviews_page_each_section_in_pages_of_the_oldest_first(as_user, staff):
    """A backlog longer than a page is counted and paged, oldest first; a decision taken
    on page 2 comes back to page 2."""
    from tickets.web.queue_views import REVIEW_PAGE

    numbers = []
    for _ in range(REVIEW_PAGE + 3):
        ticket = dispatched(staff)
        actions.request_extension(actor=staff.street, ticket=ticket, days=2, reason="协调")
        numbers.append(ticket.number)
    client = as_user(staff.reviewer)
    first = client.get(reverse("reviews")).content.decode()
    assert f"共 {REVIEW_PAGE + 3} 条" in first
    assert all(n in first for n in numbers[:REVIEW_PAGE])
    assert not any(n in first for n in numbers[REVIEW_PAGE:])
    assert 'href="?extension-page=2#extension"' in first
    second = client.get(reverse("reviews"), {"extension-page": 2}).content.decode()
    assert all(n in second for n in numbers[REVIEW_PAGE:])
    assert not any(n in second for n in numbers[:REVIEW_PAGE])
    assert 'value="/reviews/?extension-page=2#extension"' in second


def test_dispatcher_rejects_a_return_from_the_ticket_page(as_user, staff):
    ticket = dispatched(staff)
    actions.return_ticket(actor=staff.street, ticket=ticket, reason="不归我们管")
    client = as_user(staff.dispatcher)
    assert "不归我们管" in client.get(reverse("dispatch")).content.decode()
    page = client.post(
        reverse("ticket-step", args=[ticket.number, "review-return"]),
        {"review-return-accept": "no", "review-return-note": "属于本街道"},
    )
    assert page.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit.code == "110101001"


def test_invalid_callback_without_reason_shows_error_beside_reason(as_user, staff):
    ticket = dispatched(staff)
    actions.sign_ticket(actor=staff.street, ticket=ticket)
    actions.contact_caller(actor=staff.street, ticket=ticket)
    actions.reply_ticket(actor=staff.street, ticket=ticket, result="solved", note="ok")
    client = as_user(staff.callback_agent)
    panel = client.get(reverse("callbacks"), {"t": ticket.number}).content.decode()
    assert "13812345678" in panel and "无法接通" in panel
    page = client.post(
        reverse("ticket-step", args=[ticket.number, "callback"]), {"callback-valid": "no"}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert html.index("无效回访须说明原因") > html.index('name="callback-invalid_reason"')
    ticket.refresh_from_db()
    assert ticket.status == Status.REPLIED


def test_wrong_role_gets_403_page_with_reason(as_user, staff):
    page = as_user(staff.street).get(reverse("console"))
    assert page.status_code == 403
    assert "您的角色不能使用此页面" in page.content.decode()
