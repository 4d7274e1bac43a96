"""In-app notifications, written to the outbox with the step and delivered by Celery.

A broker that refuses or hangs never fails, delays or loses the step that caused the
notification: the outbox row commits with the step and is delivered when it is back.
"""

from tickets.outbox import enqueue


def after_commit(kind: str, ticket_id: int, message: str, *, unit_ids=(), user_ids=()):
    args = [kind, ticket_id, str(message), list(unit_ids), list(user_ids)]
    enqueue("tickets.tasks.deliver_notifications", args, kind="notify")


def batch_after_commit(kind: str, items):
    """Many tickets' notifications in one task: items are (ticket_id, message, unit_ids)."""
    rows = [[tid, str(msg), list(units)] for tid, msg, units in items]
    if rows:
        enqueue("tickets.tasks.deliver_notification_batch", [kind, rows], kind="notify")


def mark_read(*, user, notification_id=None, now=None) -> int:
    """Mark one of the user's notifications read (or all of them); returns how many changed."""
    from django.utils import timezone

    from .models import Notification

    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=now or timezone.now())
