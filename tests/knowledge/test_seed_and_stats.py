"""Starter articles through seed_demo, cited by the demo's enquiries; the leaders' figures."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from hotline.knowledge.models import Article, ArticleStatus
from hotline.knowledge.seeding import DATA, seed_starter_articles
from hotline.knowledge.selectors import search_published
from scoring import knowledge_stats
from tests.conftest import leaf
from tickets import actions as ticket_actions
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db


def test_starter_articles_are_published_demo_content_once(staff):
    expected = len(json.loads(DATA.read_text(encoding="utf-8"))["articles"])
    assert expected >= 60
    assert seed_starter_articles(editor=staff.reviewer) == expected
    assert Article.objects.filter(demo=True, status=ArticleStatus.PUBLISHED).count() == expected
    assert seed_starter_articles(editor=staff.reviewer) == 0
    # 供暖 in Beijing: 11-15 to 3-15, found by a two-character word.
    titles = [v.title for v in search_published(q="供暖")]
    assert "北京供暖时间" in titles


@pytest.mark.django_db(transaction=True)
def test_seed_demo_loads_them_and_enquiries_cite_them(directory):
    call_command("seed_demo", "--months", "1", "--per-day", "8", "--quiet", stdout=StringIO())
    assert Article.objects.filter(demo=True).count() >= 60
    answered = Ticket.objects.filter(status=Status.ANSWERED)
    cited = answered.filter(answer_article__isnull=False)
    assert cited.exists()
    assert sum(Article.objects.values_list("use_count", flat=True)) == cited.count()
    event = cited.first().events.get(type="answered")
    assert event.payload["article"] == cited.first().answer_article.article_id


def _enquiry(staff, code, now, article=None):
    ticket, _ = ticket_actions.create_ticket(
        actor=staff.operator,
        channel="phone",
        kind="enquiry",
        category=leaf(code),
        content="咨询",
        now=now,
    )
    if article is not False:
        ticket_actions.answer_ticket(
            actor=staff.operator, ticket=ticket, answer="已答复", article=article, now=now
        )
    return ticket


def test_leaders_figures(kb, staff, client):
    now = timezone.now()
    article = kb.published(expires_on=timezone.localdate() + timedelta(days=10))
    for _ in range(3):
        _enquiry(staff, "LD.SB.YB", now, article.pk)
    _enquiry(staff, "LD.SB.YB", now, None)
    _enquiry(staff, "GA.HJ.JZ", now, None)  # no article on 居住证
    _enquiry(staff, "GA.HJ.JZ", now, False)  # still open: a contact, not answered

    month = knowledge_stats.direct_answer_rates(now=now)[-1]
    assert (month["contacts"], month["answered"], month["with_article"]) == (6, 5, 3)
    assert month["rate"] == pytest.approx(5 / 6)

    used = knowledge_stats.most_used_articles(now=now)
    assert [(u["answer_article__article"], u["uses"]) for u in used] == [(article.pk, 3)]

    uncovered = knowledge_stats.enquiry_categories_without_article(now=now)
    assert [(c["category__code"], c["enquiries"]) for c in uncovered] == [("GA.HJ.JZ", 2)]

    assert knowledge_stats.expired_still_used(now=now) == []
    later = now + timedelta(days=12)  # past its expiry date, before the sweep ran
    stale = knowledge_stats.expired_still_used(now=later)
    assert [(s["answer_article__article"], s["uses"]) for s in stale] == [(article.pk, 3)]

    client.force_login(staff.leader)
    page = client.get("/dashboard/knowledge/")
    assert page.status_code == 200
    assert "直接答复率" in page.content.decode()
    client.force_login(staff.street)
    assert client.get("/dashboard/knowledge/").status_code == 403
