"""Reads of the knowledge base: querysets, no loops over rows in Python (but the ranking
of a handful of console suggestions)."""

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.utils import timezone

from hotline import textsearch
from hotline.models import Category, Role

from .models import Article, ArticleEvent, ArticleStatus, ArticleVersion, ReplyTemplate
from .models import VersionStatus as V

RAW_FIELDS = ["title", "question", "answer", "keywords"]


def _today(now=None):
    return timezone.localdate(now or timezone.now())


def in_service_versions(now=None) -> QuerySet:
    """The words operators may read out today: published, effective, not past expiry."""
    today = _today(now)
    return ArticleVersion.objects.filter(status=V.PUBLISHED, effective_from__lte=today).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )


def category_and_descendants(code: str) -> Q:
    return Q(categories__code=code) | Q(categories__code__startswith=code + ".")


def category_and_ancestors(category: Category) -> list[int]:
    """The picked category and those above it: an article on 社会保险 answers 医保报销 too."""
    parts = category.code.split(".")
    codes = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return list(Category.objects.filter(code__in=codes).values_list("pk", flat=True))


def search_published(*, q="", category=None, now=None) -> QuerySet:
    """Published versions in service matching every word of `q`, in `category` or below it."""
    versions = in_service_versions(now)
    if category:
        # A subquery, not a join: one row per version even when it cites several matches.
        cited = ArticleVersion.objects.filter(category_and_descendants(category)).values("pk")
        versions = versions.filter(pk__in=cited)
    versions = _all_words(versions, q)
    return versions.select_related("issuing_unit", "article").order_by("-article__use_count", "-id")


def article_with_versions(pk) -> Article:
    return (
        Article.objects.select_related("owner_unit", "live", "latest", "created_by")
        .prefetch_related("versions__categories", "versions__issuing_unit")
        .get(pk=pk)
    )


def visible_articles(user) -> QuerySet:
    """Published ones to everyone signed in; every status to the centre's reviewers and
    admins and to the unit that owns it."""
    articles = Article.objects.select_related("owner_unit", "live", "latest")
    if user.role in (Role.REVIEWER, Role.ADMIN):
        return articles
    mine = Q(owner_unit_id=user.unit_id) if user.role == Role.UNIT_STAFF else Q(pk__in=[])
    return articles.filter(Q(status=ArticleStatus.PUBLISHED) | mine)


def browse(user, *, q="", status="", category="", mine=False) -> QuerySet:
    """The browse page: articles this user may see, matched on their newest words."""
    articles = visible_articles(user)
    if status:
        articles = articles.filter(status=status)
    if mine:
        articles = articles.filter(owner_unit_id=user.unit_id)
    if category:
        cited = ArticleVersion.objects.filter(category_and_descendants(category)).values(
            "article_id"
        )
        articles = articles.filter(pk__in=cited)
    if q:
        hits = _all_words(ArticleVersion.objects.all(), q).values("article_id")
        articles = articles.filter(pk__in=hits)
    return articles.order_by("-use_count", "-id")


def review_queue() -> QuerySet:
    """Versions waiting for a reviewer, oldest first."""
    return (
        Article.objects.filter(latest__status=V.IN_REVIEW)
        .select_related("owner_unit", "latest", "live")
        .order_by("latest__created_at")
    )


def history(article) -> QuerySet:
    return ArticleEvent.objects.filter(article=article).select_related("actor", "unit", "version")


# --- Console suggestions ----------------------------------------------------------------------

SUGGEST_CANDIDATES = 50
SUGGEST_BIGRAMS = 40
# How callers ask, not what they ask about: these pairs would match almost every article.
QUESTION_WORDS = frozenset(
    "请问 我想 想问 问一 一下 咨询 你好 怎么 么办 什么 么时 时候".split()
    + "如何 可以 是否 哪里 多少 需要".split()
)


def _bigrams(text: str) -> list[str]:
    """The two-character tokens of a text, from the shared Chinese search (no tokenizer here)."""
    seen = []
    for token in textsearch.search_tokens(text).split():
        if len(token) >= 2 and token not in seen and token not in QUESTION_WORDS:
            seen.append(token)
    return seen[:SUGGEST_BIGRAMS]


class _TokensMatch(Func):
    """``to_tsvector('simple', search_tokens) @@ to_tsquery('simple', …)``, written like the
    search index's expression (hotline.textsearch) so the GIN index serves it."""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    arg_joiner = ") @@ to_tsquery('simple'::regconfig, "
    output_field = BooleanField()

    def __init__(self, tsquery):
        super().__init__(F("search_tokens"), Value(tsquery))


def _all_words(versions, q):
    """Versions holding every word of `q` (two-character Chinese words match).

    On PostgreSQL the words' bigrams are ANDed instead of chained as a phrase: a phrase
    makes PostgreSQL recompute to_tsvector for every candidate row (GIN keeps no
    positions), measured at 550 ms for 1,431 hits among 20,000 articles against 2 ms for
    the same bigrams ANDed. The price is a rare false hit where a word's bigrams occur
    apart (居住 … 住证), which an answer-reading operator will not notice.
    """
    if connections[versions.db].vendor != "postgresql":
        return textsearch.apply_text_search(versions, query=q, raw_fields=RAW_FIELDS)
    tsquery = textsearch.to_tsquery_text(q)
    if not tsquery:
        return versions
    return versions.filter(_TokensMatch(tsquery.replace(" <-> ", " & ")))


def _sharing_most_tokens(tokens, limit) -> list[int]:
    """Published versions sharing the most tokens with the content, most first.

    PostgreSQL: one index probe per token (no phrase, so no recheck), counted by the
    database in one query. Elsewhere: any token in the title or keywords.
    """
    connection = connections[ArticleVersion.objects.db]
    if connection.vendor != "postgresql":
        any_field = Q()
        for token in tokens:
            any_field |= Q(title__icontains=token) | Q(keywords__icontains=token)
        hits = ArticleVersion.objects.filter(any_field, status=V.PUBLISHED)
        return list(hits.order_by("-article__use_count").values_list("pk", flat=True)[:limit])
    table = connection.ops.quote_name(ArticleVersion._meta.db_table)
    probe = (
        f"SELECT id FROM {table} WHERE status = 'published' AND "
        "to_tsvector('simple'::regconfig, search_tokens) @@ to_tsquery('simple'::regconfig, %s)"
    )
    sql = (
        f"SELECT id FROM ({' UNION ALL '.join([probe] * len(tokens))}) hits "
        "GROUP BY id ORDER BY count(*) DESC, id DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        # Tokens hold only CJK characters, a-z and 0-9: quoting them makes a tsquery.
        cursor.execute(sql, [f"'{t}'" for t in tokens] + [limit])
        return [row[0] for row in cursor.fetchall()]


def suggest(*, category=None, content="", limit=5, now=None) -> list[ArticleVersion]:
    """The best in-service articles for what the caller said, best first.

    Candidates are the most used articles citing the picked category (or one above it)
    and those sharing the most words with the content; each is scored by the content's
    two-character words it holds (title and keywords count double, the category 3), then
    by how often it was used.
    """
    base = in_service_versions(now).select_related("article", "issuing_unit")
    tokens = _bigrams(content)
    category_pks = set(category_and_ancestors(category)) if category is not None else set()
    pks = set()
    if category_pks:
        cited = ArticleVersion.categories.through.objects.filter(
            category_id__in=category_pks
        ).values("articleversion_id")
        pks |= set(
            base.filter(pk__in=cited)
            .order_by("-article__use_count")
            .values_list("pk", flat=True)[:SUGGEST_CANDIDATES]
        )
    if tokens:
        pks |= set(_sharing_most_tokens(tokens, SUGGEST_CANDIDATES))
    if not pks:
        return []
    candidates = base.filter(pk__in=pks).prefetch_related("categories")
    scored = []
    for v in candidates:  # at most 2 × SUGGEST_CANDIDATES rows, never tickets
        head = f"{v.title} {v.keywords}"
        body = f"{v.question} {v.answer}"
        score = sum(2 if t in head else 1 if t in body else 0 for t in tokens)
        if category_pks & {c.pk for c in v.categories.all()}:
            score += 3
        if score:
            scored.append((score, v.article.use_count, v.pk, v))
    scored.sort(key=lambda row: row[:3], reverse=True)
    return [row[3] for row in scored[:limit]]


def reply_templates_for(user) -> QuerySet:
    if user.role != Role.UNIT_STAFF or user.unit_id is None:
        return ReplyTemplate.objects.none()
    return ReplyTemplate.objects.filter(unit_id=user.unit_id)
