"""The beat task: articles past their expiry date leave service and their owners are told."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hotline.knowledge import actions
from hotline.knowledge.models import Article, ArticleStatus
from hotline.knowledge.selectors import search_published
from tickets.models import Notification
from tickets.tasks import expire_knowledge_task

pytestmark = pytest.mark.django_db


def test_expiry_task_expires_and_tells_the_owner_unit_and_proposer(kb, make_user):
    colleague = make_user("unit_staff", kb.author.unit.code, username="colleague")
    past = timezone.now() - timedelta(days=10)
    # Published ten days ago, valid until three days ago: the sweep has not run since.
    due = kb.draft(title="到期文章", now=past, expires_on=timezone.localdate() - timedelta(days=3))
    actions.submit_article(actor=kb.author, article=due, now=past)
    actions.publish_article(actor=kb.reviewer, article=due, now=past)
    kb.published(title="长期有效")
    assert [v.title for v in search_published()] == ["长期有效"]  # no longer suggested

    assert expire_knowledge_task.delay().get() == 2
    assert Article.objects.get(pk=due.pk).status == ArticleStatus.EXPIRED
    told = Notification.objects.filter(kind="article_expired")
    assert set(told.values_list("user", flat=True)) == {kb.author.pk, colleague.pk}
    assert all("到期文章" in n.message and n.ticket_id is None for n in told)
    assert expire_knowledge_task.delay().get() == 0  # nothing more to do
