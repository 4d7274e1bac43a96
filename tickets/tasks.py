from celery import shared_task
from django.db.models import Q

from hotline.models import Role, User

from .announce import announce_step  # noqa: F401 - defined beside announce, run by workers
from .models import Notification


@shared_task
def deliver_notifications(kind, ticket_id, message, unit_ids, user_ids):
    """One inbox row per recipient: the unit staff of `unit_ids` and the `user_ids`."""
    recipients = (
        User.objects.filter(is_active=True)
        .filter(Q(unit_id__in=unit_ids, role=Role.UNIT_STAFF) | Q(id__in=user_ids))
        .values_list("id", flat=True)
    )
    Notification.objects.bulk_create(
        Notification(user_id=uid, ticket_id=ticket_id, kind=kind, message=message[:300])
        for uid in recipients
    )
    return len(recipients)


@shared_task
def deliver_notification_batch(kind, items):
    """Like deliver_notifications for many tickets at once (the sweep's breaches)."""
    unit_ids = {u for _, _, units in items for u in units}
    staff = {}
    for uid, unit_id in User.objects.filter(
        is_active=True, role=Role.UNIT_STAFF, unit_id__in=unit_ids
    ).values_list("id", "unit_id"):
        staff.setdefault(unit_id, []).append(uid)
    rows = [
        Notification(user_id=uid, ticket_id=ticket_id, kind=kind, message=message[:300])
        for ticket_id, message, units in items
        for uid in {u for unit in units for u in staff.get(unit, ())}
    ]
    Notification.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@shared_task
def sweep_deadlines_task():
    from .sweep import sweep_deadlines

    return sweep_deadlines()


@shared_task
def refresh_recent_search_index_task():
    """The partial index of recent tickets that newest-first searches read (search/recent_index)."""
    from .search.recent_index import refresh

    return refresh()


# --- Knowledge base (SPEC §13) ----------------------------------------------------------------
# The expiry task lives here, not in hotline.knowledge: it tells owners through tickets'
# Notification inbox, and the arrows run tickets → knowledge, never back.


@shared_task
def expire_knowledge_task():
    """Take articles past their expiry date out of service and tell their owners."""
    from django.utils.translation import gettext as _

    from hotline.knowledge.actions import expire_due_articles

    rows = []
    for article in expire_due_articles():
        message = _("知识库文章已到期下线，请更新后重新提交：%(t)s") % {"t": article.live.title}
        owners = User.objects.filter(is_active=True).filter(
            Q(unit_id=article.owner_unit_id, role=Role.UNIT_STAFF) | Q(pk=article.created_by_id)
        )
        rows += [
            Notification(user_id=uid, kind="article_expired", message=message[:300])
            for uid in owners.values_list("id", flat=True)
        ]
    Notification.objects.bulk_create(rows)
    return len(rows)


# Large xlsx lists run as export jobs: the builder registers when the worker loads.
from .search import export_job  # noqa: E402, F401
