"""Reads of the knowledge base: querysets, no loops over rows in Python (but the ranking
of a handful of console suggestions)."""

from django.db import connections
from django.db.models import BooleanField, F, Func, Prefetch, Q, QuerySet, Value
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


def citing_category(code: str) -> QuerySet:
    """Category citations (rows of the versions' M2M table) of `code` or a category below
    it. Filter with ``pk__in=citing_category(code).values("articleversion_id")``: a
    subquery, not a join, so a version citing two of them is one row.

    The categories' ids are read first (a small table) and written into the query: with
    them PostgreSQL's statistics say how many articles cite them, and it reads a dense
    category's page off the articles in display order instead of sorting them all."""
    ids = list(
        Category.objects.filter(Q(code=code) | Q(code__startswith=code + ".")).values_list(
            "pk", flat=True
        )
    )
    return ArticleVersion.categories.through.objects.filter(category_id__in=ids)


def category_and_ancestors(category: Category) -> list[int]:
    """The picked category and those above it: an article on 社会保险 answers 医保报销 too."""
    parts = category.code.split(".")
    codes = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return list(Category.objects.filter(code__in=codes).values_list("pk", flat=True))


def search_published(*, q="", category=None, now=None) -> QuerySet:
    """Published versions in service matching every word of `q`, in `category` or below it."""
    versions = in_service_versions(now)
    if category:
        versions = versions.filter(pk__in=citing_category(category).values("articleversion_id"))
    versions = _all_words(versions, q)
    return (
        versions.select_related("article")
        .prefetch_related("issuing_unit", "categories")
        .defer("search_tokens")
        # One version in service per article: the article's id breaks ties, so the order
        # is the index knowledge_article_use, read from its top for a page.
        .order_by("-article__use_count", "-article_id")
    )


def visible_versions(user) -> QuerySet:
    """Versions that were published to everyone signed in; drafts and corrections under
    review only to the centre's reviewers and admins and to the unit that owns the article."""
    versions = ArticleVersion.objects.all()
    if user.role in (Role.REVIEWER, Role.ADMIN):
        return versions
    published = Q(published_at__isnull=False)
    if user.role == Role.UNIT_STAFF:
        return versions.filter(published | Q(article__owner_unit_id=user.unit_id))
    return versions.filter(published)


def article_with_versions(pk, user) -> Article:
    versions = visible_versions(user).select_related("issuing_unit").prefetch_related("categories")
    return (
        Article.objects.select_related("owner_unit", "live", "latest", "created_by")
        .prefetch_related(Prefetch("versions", queryset=versions))
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
        cited = ArticleVersion.objects.filter(
            pk__in=citing_category(category).values("articleversion_id")
        )
        articles = articles.filter(pk__in=cited.values("article_id"))
    if q:
        hits = _all_words(visible_versions(user), q).values("article_id")
        articles = articles.filter(pk__in=hits)
    return articles.order_by("-use_count", "-id")


def browse_page(rows: QuerySet) -> QuerySet:
    """One page of browse(), sliced, read with its versions and owner in one query: the
    page's ids are picked first (a subquery on the articles alone, read off the index
    knowledge_article_use), so the joins are made for those rows, not for every match."""
    return (
        Article.objects.select_related("owner_unit", "live", "latest")
        .filter(pk__in=rows.values("pk"))
        .order_by("-use_count", "-id")
    )


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


class _Matches(Func):
    """``<search_tokens>_tsv @@ (SELECT to_tsquery('simple', %s))``: hotline.textsearch's
    match — the stored tsvector, its GIN index, the same query text — with the query
    behind a one-row subquery.

    textsearch writes the query as a constant, and PostgreSQL then estimates its hits
    from the column's statistics: for a common word (社保, one article in seven) it
    prefers reading every row and unpacking its tsvector (~4 µs a row, 80 ms at 20,000),
    and with a category it starts from the category's citations and tests each one.
    Behind a subquery the query is a parameter to the planner, estimated as rare, so
    the plan always starts from the index — which answers a two-character word exactly,
    without reading any tsvector."""

    template = "%(expressions)s)"
    arg_joiner = " @@ (SELECT to_tsquery('simple'::regconfig, "
    output_field = BooleanField()

    def __init__(self, tsquery):
        super().__init__(F("search_tokens"), Value(tsquery))

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        column, rest = sql.split(self.arg_joiner, 1)
        vector = column[:-1] + textsearch.VECTOR_SUFFIX + '"'  # "t"."search_tokens_tsv"
        return f"{vector}{self.arg_joiner}{rest})", params


def _all_words(versions, q):
    """Versions holding every word of `q`, as the tickets' search finds them (hotline.
    textsearch): two-character words match; a longer one is the phrase of its bigrams."""
    if connections[versions.db].vendor != "postgresql":
        return textsearch.apply_text_search(versions, query=q, raw_fields=RAW_FIELDS)
    tsquery = textsearch.to_tsquery_text(q)
    return versions.filter(_Matches(tsquery)) if tsquery else versions


# A token found in more published versions than this is common (社保, 办理 …): it still
# scores the candidates but does not nominate them, and its lookup stops here.
COMMON_TOKEN = 200


def _sharing_most_tokens(tokens, limit) -> list[int]:
    """Published versions sharing the most of the content's uncommon tokens, most first.

    PostgreSQL: one GIN lookup per token, each stopping after COMMON_TOKEN + 1 rows, so
    the work is bounded however common the words; the tokens are parameters, so the
    planner never swaps a lookup for a scan unpacking every row's tsvector. Versions are
    ranked by the uncommon tokens they hold, then by the common ones met on the way.
    Elsewhere: any token in the title or keywords.
    """
    connection = connections[ArticleVersion.objects.db]
    published = ArticleVersion.objects.filter(status=V.PUBLISHED)
    if connection.vendor != "postgresql":
        any_field = Q()
        for token in tokens:
            any_field |= Q(title__icontains=token) | Q(keywords__icontains=token)
        hits = published.filter(any_field)
        return list(hits.order_by("-article__use_count").values_list("pk", flat=True)[:limit])
    meta = ArticleVersion._meta
    table = connection.ops.quote_name(meta.db_table)
    vector = connection.ops.quote_name(
        meta.get_field("search_tokens").column + textsearch.VECTOR_SUFFIX
    )
    sql = f"""
        SELECT id FROM (
            SELECT hit.id, count(*) OVER (PARTITION BY token.query) AS found
            FROM unnest(%s::text[]) AS token(query)
            CROSS JOIN LATERAL (
                SELECT v.id FROM {table} v
                WHERE v.status = %s AND v.{vector} @@ to_tsquery('simple'::regconfig, token.query)
                LIMIT %s
            ) hit
        ) hits
        GROUP BY id
        ORDER BY count(*) FILTER (WHERE found <= %s) DESC, count(*) DESC, id DESC
        LIMIT %s"""
    queries = [textsearch.to_tsquery_text(token) for token in tokens]
    with connection.cursor() as cursor:
        cursor.execute(sql, [queries, V.PUBLISHED, COMMON_TOKEN + 1, COMMON_TOKEN, limit])
        return [row[0] for row in cursor.fetchall()]


def suggest(*, category=None, content="", limit=5, now=None) -> list[ArticleVersion]:
    """The best in-service articles for what the caller said, best first.

    Candidates are the most used articles citing the picked category (or one above it)
    and those sharing the most of the content's uncommon words (_sharing_most_tokens);
    each is scored by all the content's two-character words it holds (title and keywords
    count double, the category 3), then by how often it was used.
    """
    base = in_service_versions(now).select_related("article", "issuing_unit").defer("search_tokens")
    tokens = _bigrams(content)
    category_pks = set(category_and_ancestors(category)) if category is not None else set()
    pks = set()
    if category_pks:
        cited = ArticleVersion.categories.through.objects.filter(
            category_id__in=category_pks
        ).values("articleversion_id")
        pks |= set(
            base.filter(pk__in=cited)
            .order_by("-article__use_count", "-article_id")
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
