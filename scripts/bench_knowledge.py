"""Benchmark: knowledge-base search and console suggestions over many articles. Not a test.

    createdb -h 127.0.0.1 -U postgres hotline_kbench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_kbench \\
        nice -n 10 .venv/bin/python scripts/bench_knowledge.py --articles 20000

Migrates and seeds the directory when needed, fills the database with published articles
whose words are recombined from the starter articles (so two-character words such as 补办
or 供暖 match hundreds of them, and rarer ones a few), then times what a client waits for,
as an operator: the API views (`GET /api/v1/knowledge/articles/`, `…/suggestions/` — the
console's panel) called through DRF with their paginator, serializer and JSON, and the
browse page's view with its template. p50/p95 in ms over repeated requests, the queries
one request runs, and whether every text match PostgreSQL planned used the GIN index.
Target (SPEC §13): p95 ≤ 50 ms at 20,000 articles.
"""

import argparse
import json
import math
import os
import random
import re
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# As in production: DEBUG (the demo's default) logs every query, which costs time and
# overflows the log that CaptureQueriesContext reads.
settings.DEBUG = False

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIRequestFactory, force_authenticate  # noqa: E402

from hotline import textsearch  # noqa: E402
from hotline.knowledge import views  # noqa: E402
from hotline.knowledge.api import ArticleList, Suggestions  # noqa: E402
from hotline.knowledge.models import Article, ArticleStatus, ArticleVersion  # noqa: E402
from hotline.knowledge.seeding import DATA  # noqa: E402
from hotline.models import Category, Role, Unit, UnitType, User  # noqa: E402

WORDS = ["补办", "供暖", "报销", "居住证", "公积金提取", "垃圾分类", "停车", "噪音", "户口"]
WORDS += ["摇号", "个税", "不动产", "失业金", "押金", "充电桩", "燃气", "疫苗", "低保", "退费"]
# Words in one article of seven or more: PostgreSQL would rather scan than use the index.
WORDS += ["社保", "居住"]
CONTENTS = [
    "来电人问社保卡丢了怎么补办",
    "市民咨询今年什么时候开始供暖，家里暖气不热",
    "咨询门诊费用医保怎么报销",
    "外地来京人员问居住证怎么办",
    "问租房能不能提取公积金",
    "家里燃气有味道怎么办",
]


def fill(n, batch=2000):
    starters = json.loads(DATA.read_text(encoding="utf-8"))["articles"]
    units = list(Unit.objects.filter(type=UnitType.DEPARTMENT).values_list("id", flat=True))
    categories = {c.code: c.pk for c in Category.objects.all()}
    places = list(Unit.objects.filter(type=UnitType.STREET).values_list("name", flat=True))
    rng = random.Random(7)
    now = timezone.now()
    through = ArticleVersion.categories.through
    made = 0
    while made < n:
        size = min(batch, n - made)
        articles = Article.objects.bulk_create(
            Article(
                status=ArticleStatus.PUBLISHED,
                owner_unit_id=rng.choice(units),
                created_at=now,
                use_count=rng.randrange(0, 500),
            )
            for _ in range(size)
        )
        versions, cats = [], []
        for article in articles:
            base, other = rng.choice(starters), rng.choice(starters)
            place = rng.choice(places)
            title = f"{place}{base['title']}"
            answer = f"{base['answer']}{other['answer'][: rng.randrange(20, 80)]}"
            version = ArticleVersion(
                article=article,
                number=1,
                status="published",
                title=title,
                question=base["question"],
                answer=answer,
                keywords=base["keywords"],
                issuing_unit_id=article.owner_unit_id,
                effective_from=date(2024, 1, 1),
                created_at=now,
                published_at=now,
            )
            version.search_tokens = textsearch.search_tokens(
                title, version.question, answer, version.keywords
            )
            versions.append(version)
            cats.append([categories[c] for c in base["categories"]])
        versions = ArticleVersion.objects.bulk_create(versions)
        for article, version in zip(articles, versions, strict=True):
            article.live = article.latest = version
        Article.objects.bulk_update(articles, ["live", "latest"])
        through.objects.bulk_create(
            through(articleversion_id=v.pk, category_id=c)
            for v, codes in zip(versions, cats, strict=True)
            for c in codes
        )
        made += size
        print(f"  {made} articles", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class DatabaseTime:
    """Time spent in the database (sending, running, fetching) during a request."""

    def __init__(self):
        self.ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - start) * 1000


def timed(fn, runs):
    """p50 and p95 of whole requests, and the p50 of their time in the database."""
    times, in_db = [], []
    for i in range(runs):
        database = DatabaseTime()
        with connection.execute_wrapper(database):
            start = time.perf_counter()
            fn(i)
            times.append((time.perf_counter() - start) * 1000)
        in_db.append(database.ms)
    times.sort()
    return (
        statistics.median(times),
        times[math.ceil(len(times) * 0.95) - 1],
        statistics.median(in_db),
    )


def queries_of(fn):
    with CaptureQueriesContext(connection) as run:
        fn(0)
    return len(run.captured_queries)


PAGE_OF_HITS = re.compile(r'"knowledge_articleversion"\."id" IN \(\d')


def uses_index(sql_of):
    """Did every text match PostgreSQL planned go through the GIN index? (Not asked of a
    page read by the ids of its hits — hotline.pagination.HitsPaginator — which tests
    the match again on those rows only.)"""
    if connection.vendor != "postgresql" or sql_of is None:
        return "-"
    with CaptureQueriesContext(connection) as run:
        sql_of()
    texts = [
        q["sql"]
        for q in run.captured_queries
        if "to_tsquery" in q["sql"] and not PAGE_OF_HITS.search(q["sql"])
    ]
    if not texts:
        return "-"
    with connection.cursor() as cursor:
        for sql in texts:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            if "to_tsvector" in plan or "knowledge_version_search" not in plan:
                return "no"  # the match was computed row by row, not looked up
    return "yes"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        call_command("seed_units", verbosity=0)
    have = ArticleVersion.objects.filter(status="published").count()
    if have < args.articles:
        fill(args.articles - have)
    operator = User.objects.filter(role=Role.OPERATOR).first() or User.objects.create(
        username="bench-operator", role=Role.OPERATOR, unit=Unit.objects.get(code="12345")
    )
    total = ArticleVersion.objects.filter(status="published").count()
    api_list, api_suggest = ArticleList.as_view(), Suggestions.as_view()
    api_factory, page_factory = APIRequestFactory(), RequestFactory()

    def api(view, path, params):
        request = api_factory.get(path, params)
        force_authenticate(request, user=operator)
        response = view(request)
        assert response.status_code == 200, response.data
        response.render()  # the JSON the client receives
        return response

    def page(params):
        request = page_factory.get("/knowledge/", params)
        request.user = operator
        response = views.browse(request)
        assert response.status_code == 200
        return response

    def word(i):
        return WORDS[i % len(WORDS)]

    def content(i):
        return CONTENTS[i % len(CONTENTS)]

    articles, suggestions = "/api/v1/knowledge/articles/", "/api/v1/knowledge/suggestions/"
    # (name, one request — the view the client calls, so selectors, paginator, serializer
    # and template all count —, and the request whose text matches are EXPLAINed)
    cases = [
        ("API list ?q=word", lambda i: api(api_list, articles, {"q": word(i)})),
        (
            "API list ?q=word&category=LD",
            lambda i: api(api_list, articles, {"q": word(i), "category": "LD"}),
        ),
        ("API list ?category=LD.SB", lambda i: api(api_list, articles, {"category": "LD.SB"})),
        ("API list (no filter)", lambda i: api(api_list, articles, {})),
        ("page: browse ?q=word", lambda i: page({"q": word(i)})),
        ("page: browse (no filter)", lambda i: page({})),
        (
            "console: suggestions category+content",
            lambda i: api(
                api_suggest, suggestions, {"category": "LD.SB.YB", "content": content(i)}
            ),
        ),
        (
            "console: suggestions content only",
            lambda i: api(api_suggest, suggestions, {"content": content(i)}),
        ),
    ]
    print(f"\n{total} published articles, {args.runs} runs each, {connection.vendor}\n")
    print(f"| {'request (operator)':<38} | p50 ms | p95 ms | in db p50 | queries | index |")
    print(f"|{'-' * 40}|--------|--------|-----------|---------|-------|")
    for name, fn in cases:
        fn(0)  # warm the cache
        count, index = queries_of(fn), uses_index(lambda fn=fn: fn(1))
        p50, p95, db = timed(fn, args.runs)
        print(
            f"| {name:<38} | {p50:6.1f} | {p95:6.1f} | {db:9.1f} | {count:>7} | {index:>5} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
