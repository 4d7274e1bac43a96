"""Sending something outside (a text, a webhook call), at least once, with back-off.

The row itself (a text message, a webhook delivery) is the durable record: written
pending in the step's transaction, handed to Celery through the outbox, and marked sent
or failed by `attempt`. A failed try is kept on the row (attempts, last error, when to
try again); the beat task `retry_due` hands pending rows over again when they are due,
so nothing waits on the broker and nothing is lost when it is away.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .outbox import enqueue

# How long a handed-over row may stay pending before the beat hands it over again.
CLAIM = timedelta(minutes=10)


def max_attempts() -> int:
    return getattr(settings, "ANNOUNCE_MAX_ATTEMPTS", 8)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … up to an hour between tries."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


class Attempted(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        abstract = True


def claimed_until(now=None):
    """`next_attempt_at` of a row just handed to the outbox: the beat leaves it until then."""
    return (now or timezone.now()) + CLAIM


def queue(task_name, ids):
    """Inside the step's transaction: the outbox hands the rows to Celery after commit."""
    if ids:
        enqueue(task_name, [list(ids)], kind=task_name.split(".")[0])


def attempt(model, pk, send, *, now=None, select=()) -> str:
    """One try at sending row `pk` with `send(row)`; the outcome is kept on the row.

    Idempotent: a row already sent (or given up) is left alone, so a second delivery of
    the same Celery message sends nothing twice. `send` raises on failure.
    """
    with transaction.atomic():
        rows = model.objects.select_for_update(of=("self",)).select_related(*select)
        row = rows.filter(pk=pk).first()
        if row is None or row.status != Attempted.Status.PENDING:
            return "skipped"
        now = now or timezone.now()
        row.attempts += 1
        try:
            send(row)
        except Exception as exc:  # noqa: BLE001 - any failure is kept on the row, retried
            row.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if row.attempts >= max_attempts():
                row.status, row.next_attempt_at = Attempted.Status.FAILED, None
            else:
                row.next_attempt_at = now + backoff(row.attempts)
            row.save()
            return "failed"
        row.status, row.sent_at, row.next_attempt_at = Attempted.Status.SENT, now, None
        row.last_error = ""
        row.save()
        return "sent"


def retry_due(model, task_name, *, now=None, batch=500) -> int:
    """Beat: hand over again the pending rows whose next try is due."""
    now = now or timezone.now()
    ids = list(
        model.objects.filter(status=Attempted.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch]
    )
    for start in range(0, len(ids), 50):
        chunk = ids[start : start + 50]
        with transaction.atomic():
            model.objects.filter(pk__in=chunk).update(next_attempt_at=claimed_until(now))
            queue(task_name, chunk)
    return len(ids)
