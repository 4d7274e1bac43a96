"""Knowledge base (SPEC §13): articles, their versions, their history; reply templates.

An article is the stable thing operators and tickets point at; its words live in
versions. Every edit is a new version, and a version that has been published never
changes its words again (`ArticleVersion.save` refuses): a ticket that recorded a
version can always show exactly what the caller was told.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.models import Category, Unit


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("待审核")
    PUBLISHED = "published", _("已发布")
    EXPIRED = "expired", _("已过期")
    WITHDRAWN = "withdrawn", _("已撤回")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("待审核")
    PUBLISHED = "published", _("已发布")
    # A later version was published in its place.
    SUPERSEDED = "superseded", _("已被新版本替代")
    EXPIRED = "expired", _("已过期")
    WITHDRAWN = "withdrawn", _("已撤回")


class Article(models.Model):
    """One answer to one kind of question; `status` is the article's place in its lifecycle.

    `live` is the version operators are shown (set while published, kept afterwards so
    an expired or withdrawn article still shows what it last said); `latest` is the
    newest version, which may be a draft of a correction.
    """

    status = models.CharField(
        _("状态"), max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("发布单位"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"))
    live = models.ForeignKey(
        "ArticleVersion",
        verbose_name=_("在用版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    latest = models.ForeignKey(
        "ArticleVersion",
        verbose_name=_("最新版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Counted by the answer step (tickets → knowledge): how often callers heard it.
    use_count = models.PositiveIntegerField(_("使用次数"), default=0)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    # Starter articles loaded by seed_demo, written from public facts (not official text).
    demo = models.BooleanField(_("演示内容"), default=False)

    class Meta:
        verbose_name = _("知识库文章")
        verbose_name_plural = _("知识库文章")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "owner_unit"]),
            # The lists' order, most used first: a page is read off it, not sorted from all.
            models.Index(fields=["-use_count", "-id"], name="knowledge_article_use"),
        ]

    def __str__(self):
        version = self.live or self.latest
        return version.title if version else f"#{self.pk}"


class ArticleVersion(models.Model):
    # The words; frozen once the version has been published.
    CONTENT_FIELDS = (
        "title",
        "question",
        "answer",
        "keywords",
        "issuing_unit_id",
        "effective_from",
        "expires_on",
    )

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    title = models.CharField(_("标题"), max_length=120)
    question = models.TextField(_("问题"), max_length=1000)
    answer = models.TextField(_("答复口径"), max_length=4000)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    categories = models.ManyToManyField(
        Category, verbose_name=_("诉求分类"), related_name="+", blank=True
    )
    issuing_unit = models.ForeignKey(
        Unit, verbose_name=_("发布单位"), on_delete=models.PROTECT, related_name="+"
    )
    effective_from = models.DateField(_("生效日期"))
    expires_on = models.DateField(_("失效日期"), null=True, blank=True)
    # What the Chinese search matches (hotline.textsearch), computed when written.
    search_tokens = models.TextField(blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("文章版本")
        verbose_name_plural = _("文章版本")
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_number")
        ]
        indexes = [models.Index(fields=["status", "expires_on"])]

    def __str__(self):
        return f"{self.title} (v{self.number})"

    @property
    def frozen(self):
        return self.published_at is not None

    def save(self, *args, **kwargs):
        if self.pk is not None:
            before = (
                type(self)
                .objects.filter(pk=self.pk)
                .values("published_at", *(f for f in self.CONTENT_FIELDS))
                .first()
            )
            if before and before["published_at"] is not None:
                changed = [f for f in self.CONTENT_FIELDS if before[f] != getattr(self, f)]
                if changed:
                    raise ValueError(
                        f"a published article version never changes (tried {', '.join(changed)})"
                    )
        super().save(*args, **kwargs)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("article history is append-only")

    def delete(self):
        raise ValueError("article history is append-only")


class ArticleEvent(models.Model):
    """Append-only history of an article: one row per action."""

    objects = AppendOnlyQuerySet.as_manager()

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(
        ArticleVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    type = models.CharField(_("事件"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("文章事件")
        verbose_name_plural = _("文章事件")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["article", "at"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("article history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("article history is append-only")


class ReplyTemplate(models.Model):
    """常用回复: words a unit often writes in its replies, picked in the reply form."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("名称"), max_length=60)
    text = models.TextField(_("内容"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("常用回复")
        verbose_name_plural = _("常用回复")
        ordering = ["unit", "title"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "title"], name="reply_template_title")
        ]

    def __str__(self):
        return self.title
