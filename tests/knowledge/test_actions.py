"""Article lifecycle through the actions: versions, frozen published words, history."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hotline.knowledge import actions, lifecycle, selectors
from hotline.knowledge.lifecycle import Refused
from hotline.knowledge.models import (
    Article,
    ArticleEvent,
    ArticleStatus,
    ArticleVersion,
    VersionStatus,
)

pytestmark = pytest.mark.django_db


def test_propose_submit_publish_records_versions_and_history(kb):
    article = kb.draft()
    assert article.status == ArticleStatus.DRAFT
    assert article.owner_unit == kb.author.unit
    assert article.latest.number == 1 and article.latest.status == VersionStatus.DRAFT
    actions.submit_article(actor=kb.author, article=article)
    article = actions.publish_article(actor=kb.reviewer, article=article, note="核实无误")
    assert article.status == ArticleStatus.PUBLISHED
    assert article.live == article.latest
    assert article.live.published_by == kb.reviewer
    types = list(ArticleEvent.objects.filter(article=article).values_list("type", flat=True))
    assert types == ["proposed", "submitted", "published"]


def test_correction_keeps_published_version_in_service_until_published(kb):
    article = kb.published(answer="旧口径")
    first = article.live
    actions.edit_article(actor=kb.author, article=article, answer="新口径", note="政策更新")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.live == first and article.latest.number == 2
    assert [v.answer for v in selectors.search_published()] == ["旧口径"]
    actions.submit_article(actor=kb.author, article=article)
    actions.publish_article(actor=kb.reviewer, article=article)
    article.refresh_from_db()
    first.refresh_from_db()
    assert article.live.number == 2 and article.live.answer == "新口径"
    assert first.status == VersionStatus.SUPERSEDED
    assert first.answer == "旧口径"  # the words a ticket may have cited are still there


def test_a_published_version_never_changes(kb):
    version = kb.published().live
    version.answer = "偷偷改掉"
    with pytest.raises(ValueError, match="never changes"):
        version.save()
    assert ArticleVersion.objects.get(pk=version.pk).answer == "持社保卡到定点医院结算"


def test_history_is_append_only(kb):
    article = kb.draft()
    event = ArticleEvent.objects.get(article=article)
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        ArticleEvent.objects.filter(article=article).delete()


def test_units_write_only_for_their_own_duties(kb):
    # 燃气泄漏 belongs to the gas company: a street office may not write its answer.
    with pytest.raises(ValidationError) as exc:
        kb.draft(categories=[kb.category("GG.RQ.XL")])
    assert "categories" in exc.value.message_dict
    article = kb.draft()
    with pytest.raises(Refused) as refused:
        actions.edit_article(actor=kb.other_author, article=article, answer="别的单位改")
    assert refused.value.status == 403
    assert Article.objects.get(pk=article.pk).latest.number == 1


@pytest.mark.parametrize("who", ["operator", "dispatcher", "callback_agent", "leader"])
def test_who_may_not_propose(kb, staff, who):
    with pytest.raises(Refused) as refused:
        kb.draft(actor=getattr(staff, who))
    assert refused.value.status == 403
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "step,allowed",
    [
        ("submit", {"draft"}),
        ("publish", {"in_review"}),
        ("reject", {"in_review"}),
        ("withdraw", {"published", "expired"}),
        ("expire", {"published"}),
    ],
)
@pytest.mark.parametrize("state", ["draft", "in_review", "published", "expired", "withdrawn"])
def test_every_step_in_every_state(kb, step, allowed, state):
    article = kb.at(state)
    actor = kb.author if step == "submit" else kb.reviewer
    problem = lifecycle.refusal(step, article, actor)
    if state in allowed:
        assert problem is None
    else:
        assert problem is not None and problem.status == 409


def test_expire_due_articles_only_takes_those_past_their_date(kb):
    today = timezone.localdate()
    due = kb.published(title="到期", expires_on=today + timedelta(days=3))
    fresh = kb.published(title="未到期", expires_on=today + timedelta(days=30))
    later = timezone.now() + timedelta(days=5)
    done = actions.expire_due_articles(now=later)
    assert [a.pk for a in done] == [due.pk]
    due.refresh_from_db()
    fresh.refresh_from_db()
    assert due.status == ArticleStatus.EXPIRED and due.live.status == VersionStatus.EXPIRED
    assert fresh.status == ArticleStatus.PUBLISHED
    assert ArticleEvent.objects.filter(article=due, type="expired", actor=None).exists()


def test_an_expired_article_is_not_suggested_and_cannot_be_cited(kb):
    article = kb.published(expires_on=date.today() + timedelta(days=1))
    later = timezone.now() + timedelta(days=3)
    assert selectors.search_published(now=later).count() == 0
    with pytest.raises(ValidationError) as exc:
        actions.published_version_for_answer(article.pk, now=later)
    assert "article" in exc.value.message_dict


def test_reject_needs_a_reason_and_returns_to_draft(kb):
    article = kb.in_review()
    with pytest.raises(ValidationError):
        actions.reject_article(actor=kb.reviewer, article=article, note="")
    actions.reject_article(actor=kb.reviewer, article=article, note="依据不足")
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert article.latest.status == VersionStatus.DRAFT
