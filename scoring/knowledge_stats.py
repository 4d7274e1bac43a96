"""Leaders' knowledge-base figures (SPEC §13): they count tickets, so they live downstream
of both tickets and the knowledge base. Aggregates in the database; the page at
/dashboard/knowledge/ (included from hotline/urls.py).
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.knowledge.models import Article, ArticleStatus
from hotline.knowledge.selectors import in_service_versions
from hotline.models import Category
from tickets.models import Kind, Status, Ticket

from .selectors import reads_all_scores

RECENT_DAYS = 90


def direct_answer_rates(*, months=12, now=None) -> list[dict]:
    """Per month (Beijing time): contacts, answered on the spot, answered citing an article."""
    now = now or timezone.now()
    since = (now - timedelta(days=31 * months)).replace(day=1)
    rows = (
        Ticket.objects.filter(received_at__gte=since)
        .annotate(month=TruncMonth("received_at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
        .values("month")
        .annotate(
            contacts=Count("id"),
            answered=Count("id", filter=Q(status=Status.ANSWERED)),
            with_article=Count("id", filter=Q(answer_article__isnull=False)),
        )
        .order_by("month")
    )
    return [
        {
            **row,
            "rate": row["answered"] / row["contacts"] if row["contacts"] else None,
            "article_share": row["with_article"] / row["answered"] if row["answered"] else None,
        }
        for row in rows
    ]


def _recent_uses(now, days):
    return Ticket.objects.filter(
        answer_article__isnull=False, received_at__gte=now - timedelta(days=days)
    )


def most_used_articles(*, days=RECENT_DAYS, limit=10, now=None) -> list[dict]:
    now = now or timezone.now()
    return list(
        _recent_uses(now, days)
        .values("answer_article__article", "answer_article__article__live__title")
        .annotate(uses=Count("id"))
        .order_by("-uses")[:limit]
    )


def expired_still_used(*, days=RECENT_DAYS, limit=20, now=None) -> list[dict]:
    """Articles out of date that callers were still answered with lately: expired (or past
    the expiry date and not yet swept), counted over the tickets of the last `days`."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    out_of_date = Q(answer_article__article__status=ArticleStatus.EXPIRED) | Q(
        answer_article__article__live__expires_on__lt=today
    )
    return list(
        _recent_uses(now, days)
        .filter(out_of_date)
        .values(
            "answer_article__article",
            "answer_article__article__live__title",
            "answer_article__article__live__expires_on",
        )
        .annotate(uses=Count("id"))
        .order_by("-uses")[:limit]
    )


def enquiry_categories_without_article(*, days=RECENT_DAYS, limit=20, now=None) -> list[dict]:
    """Categories callers asked about lately that no article in service covers.

    An article on a category covers it and everything below it.
    """
    now = now or timezone.now()
    cited = set(
        Category.objects.filter(pk__in=in_service_versions(now).values("categories")).values_list(
            "code", flat=True
        )
    )
    covered = Q(pk__in=[])
    for code in cited:  # a few hundred codes at most, not tickets
        covered |= Q(category__code=code) | Q(category__code__startswith=code + ".")
    return list(
        Ticket.objects.filter(kind=Kind.ENQUIRY, received_at__gte=now - timedelta(days=days))
        .exclude(covered)
        .values("category__code", "category__path", "category__name")
        .annotate(enquiries=Count("id"))
        .order_by("-enquiries")[:limit]
    )


@login_required
def knowledge_page(request):
    if not reads_all_scores(request.user):
        raise PermissionDenied(_("只有领导、审核员、管理员和热线中心可以查看知识库统计"))
    counts = dict(
        Article.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return render(
        request,
        "scoring/knowledge.html",
        {
            "rates": direct_answer_rates(),
            "most_used": most_used_articles(),
            "expired_used": expired_still_used(),
            "uncovered": enquiry_categories_without_article(),
            "counts": [(s.label, counts.get(s.value, 0)) for s in ArticleStatus],
            "days": RECENT_DAYS,
        },
    )


urlpatterns = [path("", knowledge_page, name="dashboard-knowledge")]
