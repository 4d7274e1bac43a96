"""Benchmark: knowledge-base search and console suggestions over many articles. Not a test.

    createdb -h 127.0.0.1 -U postgres hotline_h11_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_h11_bench \\
        nice -n 10 .venv/bin/python scripts/bench_knowledge.py --articles 20000

Migrates and seeds the directory when needed, fills the database with published articles
whose words are recombined from the starter articles (so two-character words such as 补办
or 供暖 match hundreds of them, and rarer ones a few), then times what the API, the pages
and the console run: p50/p95 over repeated queries, and whether PostgreSQL used the
search index. Target (SPEC §13): p95 ≤ 50 ms at 20,000 articles.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from hotline import textsearch  # noqa: E402
from hotline.knowledge import selectors  # noqa: E402
from hotline.knowledge.models import Article, ArticleStatus, ArticleVersion  # noqa: E402
from hotline.knowledge.seeding import DATA  # noqa: E402
from hotline.models import Category, Role, Unit, UnitType, User  # noqa: E402

WORDS = ["补办", "供暖", "报销", "居住证", "公积金提取", "垃圾分类", "停车", "噪音", "户口"]
WORDS += ["摇号", "个税", "不动产", "失业金", "押金", "充电桩", "燃气", "疫苗", "低保", "退费"]
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


def timed(fn, runs):
    times = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def uses_index(qs):
    if connection.vendor != "postgresql":
        return "-"
    plan = qs.explain()
    return "yes" if "knowledge_version_search" in plan else "no"


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
    category = Category.objects.get(code="LD.SB.YB")
    total = ArticleVersion.objects.filter(status="published").count()

    def word(i):
        return WORDS[i % len(WORDS)]

    cases = [
        (
            "API list: ?q=word (count + page of 50)",
            lambda i: (
                selectors.search_published(q=word(i)).count(),
                list(selectors.search_published(q=word(i))[:50]),
            ),
            selectors.search_published(q="补办"),
        ),
        (
            "API list: ?q=word&category=LD",
            lambda i: list(selectors.search_published(q=word(i), category="LD")[:50]),
            selectors.search_published(q="报销", category="LD"),
        ),
        (
            "pages: browse ?q=word (page of 30)",
            lambda i: list(selectors.browse(operator, q=word(i))[:30]),
            selectors.browse(operator, q="补办"),
        ),
        (
            "console: suggest(category, content)",
            lambda i: selectors.suggest(category=category, content=CONTENTS[i % len(CONTENTS)]),
            None,
        ),
        (
            "console: suggest(content only)",
            lambda i: selectors.suggest(content=CONTENTS[i % len(CONTENTS)]),
            None,
        ),
    ]
    print(f"\n{total} published articles, {args.runs} runs each, {connection.vendor}\n")
    print(f"| {'query':<42} | {'p50 ms':>7} | {'p95 ms':>7} | index |")
    print(f"|{'-' * 44}|{'-' * 9}|{'-' * 9}|-------|")
    for name, fn, qs in cases:
        fn(0)  # warm the cache
        p50, p95 = timed(fn, args.runs)
        print(f"| {name:<42} | {p50:7.1f} | {p95:7.1f} | {uses_index(qs) if qs else '-':>5} |")


if __name__ == "__main__":
    main()
