"""Celery tasks: compute a period on request, and the period that just closed (beat)."""

from celery import shared_task
from django.utils import timezone

from . import periods
from .compute import compute_period, latest_run


@shared_task
def compute_period_task(period, actor_id=None, override_reason=""):
    from hotline.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    run = compute_period(period, actor=actor, override_reason=override_reason)
    return run.pk


@shared_task
def compute_closed_period_task(now=None):
    """Hourly from beat: compute the period that closed at the last cut-off, once.

    Returns the run id, or None when that period already has a done run.
    """
    now = now or timezone.now()
    closed = periods.previous(periods.period_of(now))
    if latest_run(closed) is not None:
        return None
    return compute_period(closed).pk
