"""Celery tasks: compute a period on request, the period that just closed (beat), and
pick up computations whose process died (beat)."""

from datetime import timedelta

from celery import shared_task
from django.db import connection, transaction
from django.utils import timezone

from . import periods
from .compute import compute_period, latest_run
from .models import ScoreRun

# A computation holds a row lock on its own run for as long as it works (PostgreSQL), so a
# "running" run whose row is not locked has lost its process. GRACE covers the moment
# between writing the run and taking the lock; without row locks (SQLite) age decides.
GRACE = timedelta(minutes=1)
STUCK_AFTER = timedelta(minutes=10)


@shared_task
def compute_period_task(period, actor_id=None, override_reason=""):
    from hotline.models import User
    from tickets.guards import Refused

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        run = compute_period(period, actor=actor, override_reason=override_reason)
    except Refused:
        return None  # frozen meanwhile and no reason given: nothing to retry
    return run.pk


def queue_computation(period, actor_id=None, override_reason=""):
    """Through the outbox: written with the caller's transaction, delivered by a worker."""
    from tickets.outbox import enqueue

    return enqueue(compute_period_task.name, [period, actor_id, override_reason], kind="scores")


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


@shared_task
def recover_stuck_runs(now=None):
    """Every minute from beat: mark runs whose process died failed, and compute them again.

    Returns the periods queued again. A period that got a done run meanwhile is not redone.
    """
    now = now or timezone.now()
    stuck = ScoreRun.objects.filter(status=ScoreRun.Status.RUNNING, started_at__lt=now - GRACE)
    if connection.vendor != "postgresql":
        stuck = stuck.filter(started_at__lt=now - STUCK_AFTER)
    redone = []
    with transaction.atomic():
        for run in stuck.select_for_update(skip_locked=True).order_by("id"):
            run.status, run.finished_at = ScoreRun.Status.FAILED, now
            run.error = "abandoned: the computing process died (recovered automatically)"
            run.save(update_fields=["status", "finished_at", "error"])
            newer = ScoreRun.objects.filter(
                period=run.period, status=ScoreRun.Status.DONE, started_at__gt=run.started_at
            )
            if run.period not in redone and not newer.exists():
                queue_computation(run.period, run.computed_by_id, run.override_reason)
                redone.append(run.period)
    return redone


# Large xlsx drill-downs run as export jobs: the builder registers when the worker loads.
from . import export_jobs  # noqa: E402, F401
