"""Knowledge pages: browse and search, propose and edit, review queue, an article, replies."""

import pytest

from hotline.knowledge.models import Article, ArticleStatus, ReplyTemplate
from tests.conftest import leaf
from tickets import actions as ticket_actions

pytestmark = pytest.mark.django_db

FORM = {
    "title": "居住证怎么办",
    "question": "如何申领居住证？",
    "answer": "到居住地派出所申领。",
    "keywords": "居住证",
    "categories": ["GA.HJ.JZ"],
    "submit": "on",
}


@pytest.mark.parametrize(
    "who", ["operator", "dispatcher", "callback_agent", "reviewer", "leader", "street"]
)
def test_every_role_browses_and_searches(kb, staff, client, who):
    kb.published(title="社保卡补办", answer="到银行网点补办")
    kb.draft(title="草稿不可见")
    client.force_login(getattr(staff, who))
    page = client.get("/knowledge/", {"q": "补办"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "社保卡补办" in body and "草稿不可见" not in body


def test_browse_query_count_does_not_grow_with_articles(
    kb, staff, client, django_assert_max_num_queries
):
    client.force_login(staff.operator)
    for batch in range(2):
        for i in range(12):
            kb.published(title=f"文章{batch}-{i}")
        # session, user, the count, unread notifications, the user's unit, the page's rows
        with django_assert_max_num_queries(6):
            assert client.get("/knowledge/").status_code == 200


def test_unit_proposes_reviewer_publishes_from_the_queue(staff, client):
    client.force_login(staff.street)
    resp = client.post("/knowledge/new/", FORM)
    assert resp.status_code == 302
    article = Article.objects.get()
    assert article.status == ArticleStatus.IN_REVIEW and article.owner_unit == staff.street.unit
    client.force_login(staff.reviewer)
    queue = client.get("/knowledge/review/")
    assert "居住证怎么办" in queue.content.decode()
    client.post(f"/knowledge/{article.pk}/publish/", {"next": "review"})
    assert Article.objects.get().status == ArticleStatus.PUBLISHED
    assert "居住证怎么办" not in client.get("/knowledge/review/").content.decode()


def test_bad_proposal_is_400_and_saves_nothing(staff, client):
    client.force_login(staff.street)
    resp = client.post("/knowledge/new/", {**FORM, "title": ""})
    assert resp.status_code == 400
    assert not Article.objects.exists()


@pytest.mark.parametrize("who", ["operator", "leader", "callback_agent"])
def test_propose_page_is_for_authors_only(staff, client, who):
    client.force_login(getattr(staff, who))
    assert client.get("/knowledge/new/").status_code == 403
    assert client.get("/knowledge/review/").status_code == 403


def test_edit_makes_a_new_version_and_the_page_shows_versions_and_uses(kb, staff, client):
    article = kb.published()
    ticket, _ = ticket_actions.create_ticket(
        actor=staff.operator,
        channel="phone",
        kind="enquiry",
        category=leaf("LD.SB.YB"),
        content="报销",
    )
    ticket_actions.answer_ticket(
        actor=staff.operator, ticket=ticket, answer="已答复", article=article.pk
    )
    client.force_login(kb.author)
    form = {**FORM, "categories": ["LD.SB.YB"], "answer": "更正后的口径", "note": "政策更新"}
    assert client.post(f"/knowledge/{article.pk}/edit/", form).status_code == 302
    page = client.get(f"/knowledge/{article.pk}/").content.decode()
    assert "更正后的口径" in page and "持社保卡到定点医院结算" in page  # both versions
    assert "被直接答复引用 1 次" in page
    # Another unit may not edit it.
    client.force_login(kb.other_author)
    assert client.get(f"/knowledge/{article.pk}/edit/").status_code == 403
    # The ticket's page names the version it cited.
    client.force_login(staff.operator)
    ticket_page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'id="answer-article"' in ticket_page and "(v1)" in ticket_page


def test_reply_templates_for_units_and_the_reply_form_picker(staff, client):
    client.force_login(staff.street)
    resp = client.post(
        "/knowledge/replies/", {"title": "已解决", "text": "经现场核实，已处理完毕。"}
    )
    assert resp.status_code == 302
    template = ReplyTemplate.objects.get()
    assert template.unit == staff.street.unit
    client.force_login(staff.other_street)
    assert "已解决" not in client.get("/knowledge/replies/").content.decode()
    client.post("/knowledge/replies/", {"delete": template.pk})
    assert ReplyTemplate.objects.exists()  # not theirs: 404, kept
    client.force_login(staff.operator)
    assert client.get("/knowledge/replies/").status_code == 403
