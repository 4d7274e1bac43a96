from celery import shared_task
from django.db.models import Q

from hotline.models import Role, User

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
def sweep_deadlines_task():
    from .sweep import sweep_deadlines

    return sweep_deadlines()
