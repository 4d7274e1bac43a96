"""The starter articles (data/starter_articles.json): demo content written by this project
from public facts, loaded by `seed_demo` through the actions, so each has its history."""

import json
from datetime import date
from pathlib import Path

from django.db import transaction

from hotline.models import Category, Role, Unit, User

from . import actions
from .models import Article, ArticleStatus
from .selectors import category_and_ancestors

DATA = Path(__file__).parent / "data" / "starter_articles.json"
# Before the demo's months of tickets, so simulated enquiries can cite them.
EFFECTIVE_FROM = date(2024, 1, 1)


def seed_starter_articles(*, editor=None) -> int:
    """Propose, submit and publish each starter article once; returns how many were added."""
    if Article.objects.filter(demo=True).exists():
        return 0
    editor = editor or (
        User.objects.filter(role__in=[Role.REVIEWER, Role.ADMIN], unit__type="centre")
        .order_by("role", "pk")
        .first()
    )
    if editor is None:
        raise RuntimeError("no centre reviewer or admin to publish the starter articles")
    rows = json.loads(DATA.read_text(encoding="utf-8"))["articles"]
    units = {u.code: u for u in Unit.objects.filter(code__in={r["unit"] for r in rows})}
    categories = {c.code: c for c in Category.objects.all()}
    with transaction.atomic():
        for row in rows:
            article = actions.propose_article(
                actor=editor,
                unit=units[row["unit"]],
                demo=True,
                title=row["title"],
                question=row["question"],
                answer=row["answer"],
                keywords=row.get("keywords", ""),
                categories=[categories[c] for c in row["categories"]],
                effective_from=EFFECTIVE_FROM,
                expires_on=date.fromisoformat(row["expires_on"]) if row.get("expires_on") else None,
            )
            actions.submit_article(actor=editor, article=article)
            actions.publish_article(actor=editor, article=article, note="演示内容")
    return len(rows)


def articles_for_category(category) -> list[int]:
    """In-service articles on `category` or above it (the demo's enquiries cite one).

    One small query per call, no cache: tests roll back articles a cache would still name.
    """
    return list(
        Article.objects.filter(
            status=ArticleStatus.PUBLISHED,
            live__categories__in=category_and_ancestors(category),
        )
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )
