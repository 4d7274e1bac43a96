"""How an outbox row becomes a run of its Celery task, at least once.

1. `enqueue` writes the row in the caller's transaction and, after commit, hands its id to
   the broker as one `outbox.deliver` message. The hand-over runs on a helper thread and
   the request waits for it at most PUBLISH_TIMEOUT seconds: a broker that refuses or
   hangs costs a step that long at most, once; for BREAKER_SECONDS after a failure no
   request tries at all.
2. `outbox.deliver` (any worker) locks the row, runs the task in-process and marks the row
   done in the same transaction, so a task's own database writes and "done" commit
   together. A worker killed mid-task leaves the row pending (its transaction dies with
   its connection); a task that raises is retried later with backoff.
3. `outbox.relay` (beat, every few seconds) hands over rows still pending: never handed
   over (the broker was away) or handed over long ago (the message was lost). A row is
   written already marked as handed over when its step expects to hand it over, so a
   process that dies between the commit and the hand-over leaves it to the relay's
   second rule: delivered a minute late, not lost.

Tasks must tolerate running twice (a lost acknowledgement); a second deliver of a done row
does nothing. Without a broker (eager mode: the demo, tests) the row runs in-process right
after commit.
"""

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)

DELIVER_TASK = "outbox.deliver"
PUBLISH_TIMEOUT = getattr(settings, "OUTBOX_PUBLISH_TIMEOUT", 1.5)
BREAKER_SECONDS = 5.0
RELAY_AFTER = timedelta(seconds=5)  # not yet handed over: the after-commit try had its chance
REPUBLISH_AFTER = timedelta(minutes=1)  # handed over but still pending: the message was lost
MAX_ATTEMPTS = getattr(settings, "OUTBOX_MAX_ATTEMPTS", 8)
RELAY_BATCH = 500

_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="outbox-publish")
_broken_until = 0.0
_lock = threading.Lock()


def _app():
    from hotline.celery import app

    return app


def _task(name):
    app = _app()
    if name not in app.tasks:
        app.loader.import_default_modules()  # the apps' tasks modules (a web process has none)
    return app.tasks[name]


def enqueue(task_name: str, args: list, *, kind: str = ""):
    """Write the row now (in the caller's transaction); hand it over after commit."""
    from .models import OutboxMessage

    try:
        _task(task_name)
    except KeyError:
        raise ValueError(f"no Celery task named {task_name!r}") from None
    # Marked as handed over in the step's own transaction when the hand-over is about to
    # be tried: the after-commit try then needs no UPDATE (a second commit) of its own.
    marked = _will_publish()
    message = OutboxMessage.objects.create(
        task_name=task_name,
        args=list(args),
        kind=kind,
        published_at=timezone.now() if marked else None,
    )
    transaction.on_commit(lambda: hand_over([message.pk], marked=marked))
    return message


def _will_publish() -> bool:
    return not _app().conf.task_always_eager and time.monotonic() >= _broken_until


def hand_over(ids, *, marked=False) -> bool:
    """Give rows to the broker (or run them here in eager mode); never raises, never hangs.

    `marked`: the rows were written with `published_at` already set (see `enqueue`).
    """
    from .models import OutboxMessage

    if _app().conf.task_always_eager:
        for pk in ids:
            run_message(pk)
        return True
    global _broken_until
    ids = list(ids)
    if time.monotonic() < _broken_until:
        if marked:  # the breaker opened since they were written: the relay's, in seconds
            OutboxMessage.objects.filter(pk__in=ids).update(published_at=None)
        return False  # the broker failed a moment ago: leave it to the relay
    if not marked:
        # Marked before sending: once sent, a worker may hold the row's lock for a long task.
        OutboxMessage.objects.filter(pk__in=ids).update(published_at=timezone.now())
    future = _executor.submit(_publish, ids)
    try:
        future.result(timeout=PUBLISH_TIMEOUT)
    except FutureTimeout:
        # Maybe sent after all: left marked, the relay sends it again after REPUBLISH_AFTER.
        log.warning("broker silent for %.1fs; the outbox relay will deliver", PUBLISH_TIMEOUT)
    except _NotSent as exc:
        log.warning("broker refused; the outbox relay will deliver", exc_info=True)
        OutboxMessage.objects.filter(pk__in=exc.unsent).update(published_at=None)
    else:
        return True
    with _lock:
        _broken_until = time.monotonic() + BREAKER_SECONDS
    return False


class _NotSent(Exception):
    def __init__(self, unsent):
        super().__init__(f"{len(unsent)} not sent")
        self.unsent = unsent


def _publish(ids):
    """On a helper thread (no database here): one deliver message per row."""
    app = _app()
    for n, pk in enumerate(ids):
        try:
            app.send_task(DELIVER_TASK, args=[pk], retry=False)
        except Exception as exc:
            raise _NotSent(ids[n:]) from exc


def reset_breaker():
    global _broken_until
    _broken_until = 0.0


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(10 * 2**attempts, 3600))


def run_message(pk) -> str:
    """Run one row's task and mark it done, both in one transaction; "skipped" if not due."""
    from .models import OutboxMessage

    now = timezone.now()
    with transaction.atomic():
        message = (
            # A second delivery of the same row waits here, then finds it done.
            OutboxMessage.objects.select_for_update()
            .filter(pk=pk, status=OutboxMessage.Status.PENDING)
            .first()
        )
        if message is None:
            return "skipped"  # done already, or given up
        try:
            with transaction.atomic():
                _task(message.task_name)(*message.args)
        except Exception as exc:  # noqa: BLE001 - recorded on the row and retried later
            log.exception("outbox #%s %s failed", pk, message.task_name)
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.available_at = now + _backoff(message.attempts)
            message.published_at = None
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
            message.save()
            return "failed"
        message.status, message.done_at = OutboxMessage.Status.DONE, timezone.now()
        message.save(update_fields=["status", "done_at"])
    return "done"


def due(now=None):
    """Pending rows the relay should hand over now."""
    from django.db.models import Q

    from .models import OutboxMessage

    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, available_at__lte=now
    ).filter(
        Q(published_at__isnull=True, created_at__lte=now - RELAY_AFTER)
        | Q(published_at__lte=now - REPUBLISH_AFTER)
    )


def relay(now=None) -> int:
    """Hand over what is due; returns how many rows were handed over."""
    ids = list(due(now).order_by("available_at").values_list("pk", flat=True)[:RELAY_BATCH])
    if not ids:
        return 0
    reset_breaker()  # the relay is the one that finds out the broker is back
    if _app().conf.task_always_eager:
        hand_over(ids)
        return len(ids)
    for start in range(0, len(ids), 50):
        if not hand_over(ids[start : start + 50]):
            return start
    return len(ids)


def purge_done(now=None, *, keep=timedelta(days=7)) -> int:
    """Delete done rows older than `keep`, at most a few thousand per call."""
    from .models import OutboxMessage

    now = now or timezone.now()
    old = OutboxMessage.objects.filter(status=OutboxMessage.Status.DONE, done_at__lt=now - keep)
    ids = list(old.values_list("pk", flat=True)[:5000])
    return OutboxMessage.objects.filter(pk__in=ids).delete()[0] if ids else 0
