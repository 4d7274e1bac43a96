"""API of SPEC §19 for the knowledge base: every role and state, and `answer` with `article`."""

import pytest

from hotline.knowledge import actions
from hotline.knowledge.models import Article, ArticleStatus
from tests.conftest import leaf
from tickets import actions as ticket_actions
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

BODY = {
    "title": "居住证怎么办理",
    "question": "外地来京人员如何申领居住证？",
    "answer": "在京居住半年以上、符合条件的，可到居住地派出所申领。",
    "keywords": "居住证 暂住",
    "categories": ["GA.HJ.JZ"],
}


def snapshot(article):
    fresh = Article.objects.get(pk=article.pk)
    return fresh.status, fresh.live_id, fresh.latest_id, fresh.events.count()


def test_list_is_published_only_and_searches_two_character_words(kb, staff, api):
    kb.published(title="社保卡丢了怎么补办", answer="可在银行网点或手机App挂失补办")
    kb.draft(title="社保卡草稿")
    for who in ("operator", "leader", "street", "callback_agent"):
        resp = api(getattr(staff, who)).get("/api/v1/knowledge/articles/", {"q": "补办"})
        assert resp.status_code == 200
        assert [a["title"] for a in resp.json()["results"]] == ["社保卡丢了怎么补办"]
    none = api(staff.operator).get("/api/v1/knowledge/articles/", {"q": "噪音"})
    assert none.json()["count"] == 0
    by_category = api(staff.operator).get("/api/v1/knowledge/articles/", {"category": "LD.SB"})
    assert by_category.json()["count"] == 1
    other = api(staff.operator).get("/api/v1/knowledge/articles/", {"category": "CG"})
    assert other.json()["count"] == 0


def test_anonymous_is_refused(client):
    assert client.get("/api/v1/knowledge/articles/").status_code in (401, 403)


def test_unit_proposes_for_itself_and_submits(staff, api):
    resp = api(staff.street).post(
        "/api/v1/knowledge/articles/", {**BODY, "submit": True}, format="json"
    )
    assert resp.status_code == 201, resp.json()
    data = resp.json()
    assert data["status"] == "in_review" and data["owner_unit"] == "110101001"
    assert data["versions"][0]["categories"] == ["GA.HJ.JZ"]
    assert [e["type"] for e in data["events"]] == ["proposed", "submitted"]


@pytest.mark.parametrize("who", ["operator", "dispatcher", "callback_agent", "leader"])
def test_propose_by_other_roles_is_403(staff, api, who):
    resp = api(getattr(staff, who)).post("/api/v1/knowledge/articles/", BODY, format="json")
    assert resp.status_code == 403
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "field,value", [("title", ""), ("categories", []), ("categories", ["NOPE"]), ("answer", None)]
)
def test_bad_proposals_are_400_naming_the_field(staff, api, field, value):
    resp = api(staff.street).post(
        "/api/v1/knowledge/articles/", {**BODY, field: value}, format="json"
    )
    assert resp.status_code == 400
    assert field in resp.json()
    assert not Article.objects.exists()


def test_detail_has_versions_and_is_hidden_while_unpublished(kb, staff, api):
    article = kb.draft()
    assert api(staff.operator).get(f"/api/v1/knowledge/articles/{article.pk}/").status_code == 404
    mine = api(kb.author).get(f"/api/v1/knowledge/articles/{article.pk}/")
    assert mine.status_code == 200 and mine.json()["allowed_actions"] == ["edit", "submit"]
    edited = api(kb.author).post(
        f"/api/v1/knowledge/articles/{article.pk}/versions/",
        {"answer": "改后的口径", "submit": True},
        format="json",
    )
    assert edited.status_code == 200, edited.json()
    versions = edited.json()["versions"]
    assert [(v["number"], v["status"]) for v in versions] == [
        (2, "in_review"),
        (1, "superseded"),
    ]
    assert versions[0]["title"] == versions[1]["title"]  # carried over


STEP_STATES = {"publish": {"in_review"}, "withdraw": {"published", "expired"}}


@pytest.mark.parametrize("step", ["publish", "withdraw"])
@pytest.mark.parametrize("state", ["draft", "in_review", "published", "expired", "withdrawn"])
def test_publish_and_withdraw_in_every_state(kb, api, step, state):
    article = kb.at(state)
    before = snapshot(article)
    resp = api(kb.reviewer).post(
        f"/api/v1/knowledge/articles/{article.pk}/{step}/", {"note": "审核"}, format="json"
    )
    if state in STEP_STATES[step]:
        assert resp.status_code == 200, resp.json()
        assert resp.json()["status"] == {"publish": "published", "withdraw": "withdrawn"}[step]
    else:
        assert resp.status_code in (404, 409)  # 404: not visible (only drafts of others)
        assert snapshot(article) == before


@pytest.mark.parametrize("step", ["publish", "withdraw"])
@pytest.mark.parametrize("who", ["operator", "dispatcher", "callback_agent", "leader", "dept"])
def test_publish_and_withdraw_by_other_roles_is_403(kb, staff, api, step, who):
    article = kb.at("in_review" if step == "publish" else "published")
    before = snapshot(article)
    user = getattr(staff, who)
    resp = api(user).post(
        f"/api/v1/knowledge/articles/{article.pk}/{step}/", {"note": "x"}, format="json"
    )
    # An unpublished article is not visible to the centre's other roles: 404, not 403.
    assert resp.status_code == (404 if step == "publish" and who != "dept" else 403)
    assert snapshot(article) == before


def test_admin_publishes_and_withdraw_needs_a_reason(kb, api):
    article = kb.in_review()
    assert (
        api(kb.admin).post(f"/api/v1/knowledge/articles/{article.pk}/publish/").status_code == 200
    )
    before = snapshot(article)
    resp = api(kb.admin).post(f"/api/v1/knowledge/articles/{article.pk}/withdraw/", {})
    assert resp.status_code == 400 and "note" in resp.json()
    assert snapshot(article) == before


def _new_enquiry(staff):
    ticket, _ = ticket_actions.create_ticket(
        actor=staff.operator,
        channel="phone",
        kind="enquiry",
        category=leaf("LD.SB.YB"),
        content="门诊看病怎么报销",
        caller_phone="13700001234",
    )
    return ticket


def test_answer_with_article_records_the_published_version(kb, staff, api):
    article = kb.published()
    ticket = _new_enquiry(staff)
    resp = api(staff.operator).post(
        f"/api/v1/tickets/{ticket.number}/answer/",
        {"answer": article.live.answer, "article": article.pk},
        format="json",
    )
    assert resp.status_code == 200, resp.json()
    answered = [e for e in resp.json()["events"] if e["type"] == "answered"]
    assert answered[0]["payload"] == {"article": article.pk, "version": 1}
    ticket.refresh_from_db()
    assert ticket.answer_article == article.live
    article.refresh_from_db()
    assert article.use_count == 1 and article.last_used_at is not None
    # A correction published later does not change what this ticket recorded.
    actions.edit_article(actor=kb.author, article=article, answer="新口径")
    actions.submit_article(actor=kb.author, article=article)
    actions.publish_article(actor=kb.reviewer, article=article)
    ticket.refresh_from_db()
    assert ticket.answer_article.number == 1 and ticket.answer_article.answer != "新口径"


@pytest.mark.parametrize("state", ["draft", "in_review", "expired", "withdrawn"])
def test_answer_citing_an_article_out_of_service_is_400(kb, staff, api, state):
    article = kb.at(state)
    ticket = _new_enquiry(staff)
    resp = api(staff.operator).post(
        f"/api/v1/tickets/{ticket.number}/answer/",
        {"answer": "答复", "article": article.pk},
        format="json",
    )
    assert resp.status_code == 400 and "article" in resp.json()
    ticket.refresh_from_db()
    assert ticket.status == "new" and ticket.answer_article is None
    assert Article.objects.get(pk=article.pk).use_count == 0


def test_answer_without_article_still_works(staff, api):
    ticket = _new_enquiry(staff)
    resp = api(staff.operator).post(
        f"/api/v1/tickets/{ticket.number}/answer/", {"answer": "已告知"}, format="json"
    )
    assert resp.status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).answer_article is None


def test_suggestions_rank_by_category_and_words(kb, staff, api):
    best = kb.published(title="门诊报销比例", answer="在职职工门诊报销……")
    kb.published(
        title="暖气不热找谁",
        question="暖气不热怎么办？",
        answer="联系供热单位",
        keywords="供暖 暖气",
        categories=[kb.category("CX.GN.SW")],
        actor=kb.reviewer,  # the heating company's duty: the centre writes it here
    )
    resp = api(staff.operator).get(
        "/api/v1/knowledge/suggestions/", {"category": "LD.SB.YB", "content": "问门诊怎么报销"}
    )
    assert resp.status_code == 200
    assert [s["id"] for s in resp.json()] == [best.pk]
    heating = api(staff.operator).get(
        "/api/v1/knowledge/suggestions/", {"content": "家里暖气不热，供暖什么时候开始"}
    )
    assert [s["title"] for s in heating.json()] == ["暖气不热找谁"]


def test_schema_lists_the_knowledge_endpoints(staff, api):
    schema = api(staff.operator).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in [
        "/api/v1/knowledge/articles/",
        "/api/v1/knowledge/articles/{id}/",
        "/api/v1/knowledge/articles/{id}/publish/",
        "/api/v1/knowledge/articles/{id}/withdraw/",
    ]:
        assert path in paths, path
    answer = schema["components"]["schemas"]["AnswerInputRequest"]["properties"]
    assert "article" in answer
    assert ArticleStatus.PUBLISHED  # the enum the schema names


@pytest.mark.parametrize("path", ["/api/v1/knowledge/articles/", "/api/v1/knowledge/suggestions/"])
@pytest.mark.parametrize("code", ["LD\x00", "<b>", "x" * 40])
def test_a_malformed_category_is_400_not_500(staff, api, path, code):
    # (A NUL in the other fields is refused at the door, naming that field: tests/hardening.)
    resp = api(staff.operator).get(path, {"category": code, "q": "补办"})
    assert resp.status_code == 400 and "category" in resp.json()


def test_a_correction_under_review_is_seen_only_by_its_unit_and_reviewers(kb, staff, api, client):
    article = kb.published()
    edited = api(kb.author).post(
        f"/api/v1/knowledge/articles/{article.pk}/versions/",
        {"answer": "尚未审核的更正口径", "submit": True},
        format="json",
    )
    assert edited.status_code == 200, edited.json()
    url = f"/api/v1/knowledge/articles/{article.pk}/"
    for who, sees in ((staff.operator, False), (staff.leader, False), (kb.author, True)):
        numbers = [v["number"] for v in api(who).get(url).json()["versions"]]
        assert (2 in numbers) is sees and 1 in numbers, who.role
        client.force_login(who)
        page = client.get(f"/knowledge/{article.pk}/").content.decode()
        assert ("尚未审核的更正口径" in page) is sees, who.role
        found = client.get("/knowledge/", {"q": "尚未审核"}).content.decode()
        assert (f"/knowledge/{article.pk}/" in found) is sees, who.role
