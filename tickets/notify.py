"""In-app notifications, delivered after commit through Celery.

A broker that is down must never fail or lose the action that caused the notification:
if the task cannot be queued, it runs in-process instead.
"""

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def after_commit(kind: str, ticket_id: int, message: str, *, unit_ids=(), user_ids=()):
    args = (kind, ticket_id, str(message), list(unit_ids), list(user_ids))
    transaction.on_commit(lambda: queue("deliver_notifications", args))


def batch_after_commit(kind: str, items):
    """Many tickets' notifications in one task: items are (ticket_id, message, unit_ids)."""
    args = (kind, [(tid, str(msg), list(units)) for tid, msg, units in items])
    if args[1]:
        transaction.on_commit(lambda: queue("deliver_notification_batch", args))


def queue(task_name, args):
    from . import tasks

    task = getattr(tasks, task_name)
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - any broker failure: deliver here, lose nothing
        log.warning("broker unavailable; delivering notification in-process", exc_info=True)
        task.apply(args=args)


def mark_read(*, user, notification_id=None, now=None) -> int:
    """Mark one of the user's notifications read (or all of them); returns how many changed."""
    from django.utils import timezone

    from .models import Notification

    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=now or timezone.now())
