"""Every write to the knowledge base, one function per verb.

Each action takes keyword-only arguments with the acting user, runs in one transaction,
locks the article row, checks the lifecycle table and writes one append-only
ArticleEvent. Pages, the API, the admin and the beat task call these.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import textsearch
from hotline.models import Role, Unit

from .lifecycle import Refused, check
from .models import Article, ArticleEvent, ArticleStatus, ArticleVersion, VersionStatus

# What a proposal or an edit may set; every one of them lands on a new version.
CONTENT = ("title", "question", "answer", "keywords", "effective_from", "expires_on")
LIMITS = {"title": 120, "question": 1000, "answer": 4000, "keywords": 200}


def _now(now):
    return now or timezone.now()


def _today(now):
    return timezone.localdate(now)


def _locked(article) -> Article:
    pk = article.pk if isinstance(article, Article) else article
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("latest", "live", "owner_unit")
        .get(pk=pk)
    )


def _event(article, type_, actor, at, version=None, note=""):
    return ArticleEvent.objects.create(
        article=article,
        version=version,
        type=type_,
        actor=actor,
        unit=getattr(actor, "unit", None),
        at=at,
        note=note or "",
    )


def _clean(fields, actor):
    """Validate the words and the categories of a version; field-named errors."""
    errors = {}
    for name in ("title", "question", "answer"):
        if not str(fields.get(name) or "").strip():
            errors[name] = _("不能为空")
    for name, limit in LIMITS.items():
        if len(str(fields.get(name) or "")) > limit:
            errors[name] = _("不能超过 %(n)s 个字") % {"n": limit}
    start, end = fields.get("effective_from"), fields.get("expires_on")
    if start and end and end < start:
        errors["expires_on"] = _("失效日期不能早于生效日期")
    categories = list(fields.get("categories") or [])
    if not categories:
        errors["categories"] = _("至少选择一个诉求分类")
    elif actor.role == Role.UNIT_STAFF:
        # A unit writes for its own duties: a category that names another duty unit is not its.
        foreign = [c.name for c in categories if c.duty_unit_id not in (None, actor.unit_id)]
        if foreign:
            errors["categories"] = _("这些分类由其他单位负责：%(c)s") % {"c": "、".join(foreign)}
    if errors:
        raise ValidationError(errors)
    return categories


def _new_version(article, actor, now, fields, categories) -> ArticleVersion:
    number = (article.latest.number + 1) if article.latest_id else 1
    data = {k: fields.get(k) for k in CONTENT}
    data["keywords"] = data["keywords"] or ""
    data["effective_from"] = data["effective_from"] or _today(now)
    version = ArticleVersion(
        article=article,
        number=number,
        issuing_unit=article.owner_unit,
        created_by=actor,
        created_at=now,
        **data,
    )
    version.search_tokens = textsearch.search_tokens(
        version.title, version.question, version.answer, version.keywords
    )
    version.save()
    version.categories.set(categories)
    return version


def check_may_propose(actor):
    if actor.role not in (Role.UNIT_STAFF, Role.REVIEWER, Role.ADMIN):
        raise Refused(403, _("只有承办单位、审核员和管理员可以提出知识库文章"))


@transaction.atomic
def propose_article(*, actor, categories, unit=None, demo=False, now=None, **fields) -> Article:
    """A new article with its first version, a draft. `unit`: the issuing unit (centre only)."""
    now = _now(now)
    check_may_propose(actor)
    unit = actor.unit if actor.role == Role.UNIT_STAFF else (unit or actor.unit)
    if not isinstance(unit, Unit):
        raise ValidationError({"unit": _("发布单位不存在")})
    fields["categories"] = categories
    cats = _clean(fields, actor)
    article = Article.objects.create(owner_unit=unit, created_by=actor, created_at=now, demo=demo)
    version = _new_version(article, actor, now, fields, cats)
    article.latest = version
    article.save(update_fields=["latest"])
    _event(article, "proposed", actor, now, version)
    return article


@transaction.atomic
def edit_article(*, actor, article, categories=None, note="", now=None, **fields) -> Article:
    """A new version with the changes; unspecified fields carry over from the newest one."""
    now = _now(now)
    article = _locked(article)
    check("edit", article, actor)
    base = article.latest
    merged = {k: fields[k] if k in fields else getattr(base, k) for k in CONTENT}
    merged["categories"] = (
        list(categories) if categories is not None else list(base.categories.all())
    )
    cats = _clean(merged, actor)
    if base.status in (VersionStatus.DRAFT, VersionStatus.IN_REVIEW):
        # The unpublished words it replaces stay in the history, marked as replaced.
        base.status = VersionStatus.SUPERSEDED
        base.save(update_fields=["status"])
    version = _new_version(article, actor, now, merged, cats)
    article.latest = version
    fields_changed = ["latest"]
    if article.status not in (ArticleStatus.PUBLISHED,):
        # Out of service (or never in it): the article is a draft again. A published
        # article stays in service while its correction is reviewed.
        article.status = ArticleStatus.DRAFT
        fields_changed.append("status")
    article.save(update_fields=fields_changed)
    _event(article, "edited", actor, now, version, note)
    return article


@transaction.atomic
def submit_article(*, actor, article, note="", now=None) -> Article:
    now = _now(now)
    article = _locked(article)
    check("submit", article, actor)
    version = article.latest
    version.status = VersionStatus.IN_REVIEW
    version.save(update_fields=["status"])
    if article.status == ArticleStatus.DRAFT:
        article.status = ArticleStatus.IN_REVIEW
        article.save(update_fields=["status"])
    _event(article, "submitted", actor, now, version, note)
    return article


@transaction.atomic
def publish_article(*, actor, article, note="", now=None) -> Article:
    """The version in review goes into service; the one it replaces is superseded."""
    now = _now(now)
    article = _locked(article)
    check("publish", article, actor)
    version = article.latest
    if version.expires_on and version.expires_on < _today(now):
        raise ValidationError({"expires_on": _("失效日期已过，不能发布")})
    if article.live_id and article.live_id != version.pk:
        old = article.live
        if old.status == VersionStatus.PUBLISHED:
            old.status = VersionStatus.SUPERSEDED
            old.save(update_fields=["status"])
    version.status = VersionStatus.PUBLISHED
    version.published_at, version.published_by = now, actor
    version.save(update_fields=["status", "published_at", "published_by"])
    article.status, article.live = ArticleStatus.PUBLISHED, version
    article.save(update_fields=["status", "live"])
    _event(article, "published", actor, now, version, note)
    return article


@transaction.atomic
def reject_article(*, actor, article, note, now=None) -> Article:
    """Back to its author with a reason; the article stays as it was in service."""
    now = _now(now)
    article = _locked(article)
    check("reject", article, actor)
    if not (note or "").strip():
        raise ValidationError({"note": _("请说明退回原因")})
    version = article.latest
    version.status = VersionStatus.DRAFT
    version.save(update_fields=["status"])
    if article.status == ArticleStatus.IN_REVIEW:
        article.status = ArticleStatus.DRAFT
        article.save(update_fields=["status"])
    _event(article, "rejected", actor, now, version, note)
    return article


def _take_out(article, status, version_status):
    live = article.live
    if live and live.status == VersionStatus.PUBLISHED:
        live.status = version_status
        live.save(update_fields=["status"])
    article.status = status
    article.save(update_fields=["status"])
    return live


@transaction.atomic
def withdraw_article(*, actor, article, note, now=None) -> Article:
    now = _now(now)
    article = _locked(article)
    check("withdraw", article, actor)
    if not (note or "").strip():
        raise ValidationError({"note": _("请说明撤回原因")})
    live = _take_out(article, ArticleStatus.WITHDRAWN, VersionStatus.WITHDRAWN)
    _event(article, "withdrawn", actor, now, live, note)
    return article


@transaction.atomic
def expire_article(*, actor, article, note="", now=None) -> Article:
    """Out of service because its time is up. `actor` None: the beat task."""
    now = _now(now)
    article = _locked(article)
    check("expire", article, actor)
    live = _take_out(article, ArticleStatus.EXPIRED, VersionStatus.EXPIRED)
    _event(article, "expired", actor, now, live, note)
    return article


def expire_due_articles(*, now=None, batch=500) -> list[Article]:
    """Expire every published article whose live version's expiry date has passed.

    One transaction per article, so a failure leaves the others done; returns them.
    """
    today = _today(_now(now))
    due = list(
        Article.objects.filter(
            status=ArticleStatus.PUBLISHED, live__expires_on__lt=today
        ).values_list("pk", flat=True)[:batch]
    )
    done = []
    for pk in due:
        try:
            done.append(expire_article(actor=None, article=pk, now=now))
        except Refused:
            continue  # someone withdrew or republished it meanwhile
    return done


def published_version_for_answer(article_id, *, now=None) -> ArticleVersion:
    """The version an operator's answer cites: the article's live one, if it is in service."""
    today = _today(_now(now))
    article = Article.objects.select_related("live").filter(pk=article_id).first()
    if article is None:
        raise ValidationError({"article": _("知识库文章不存在")})
    live = article.live
    if (
        article.status != ArticleStatus.PUBLISHED
        or live is None
        or live.effective_from > today
        or (live.expires_on and live.expires_on < today)
    ):
        raise ValidationError({"article": _("该文章当前未发布，不能引用")})
    return live


def record_use(*, version, now=None) -> None:
    """Counted when a ticket's answer cites the article (called inside the answer step)."""
    Article.objects.filter(pk=version.article_id).update(
        use_count=F("use_count") + 1, last_used_at=_now(now)
    )


# --- Reply templates (常用回复) ---------------------------------------------------------------


def save_reply_template(*, actor, title, text, template=None):
    from .models import ReplyTemplate

    if actor.role != Role.UNIT_STAFF or actor.unit_id is None:
        raise Refused(403, _("只有承办单位可以维护常用回复"))
    errors = {}
    if not title.strip() or len(title) > 60:
        errors["title"] = _("名称须为 1–60 个字")
    if not text.strip() or len(text) > 2000:
        errors["text"] = _("内容须为 1–2000 个字")
    if errors:
        raise ValidationError(errors)
    if template is None:
        template = ReplyTemplate(unit=actor.unit, created_by=actor)
    elif template.unit_id != actor.unit_id:
        raise Refused(403, _("只能修改本单位的常用回复"))
    template.title, template.text = title.strip(), text
    if (
        ReplyTemplate.objects.filter(unit=actor.unit, title=template.title)
        .exclude(pk=template.pk)
        .exists()
    ):
        raise ValidationError({"title": _("本单位已有同名的常用回复")})
    template.save()
    return template


def delete_reply_template(*, actor, template):
    if actor.role != Role.UNIT_STAFF or template.unit_id != actor.unit_id:
        raise Refused(403, _("只能删除本单位的常用回复"))
    template.delete()
