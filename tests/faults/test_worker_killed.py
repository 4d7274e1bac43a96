"""A worker (or a compute_scores process) killed with SIGKILL in the middle of a score
computation: nothing half-written, the work is done again by itself, and the result is
the one a clean run gives."""

import subprocess
import sys
import time
from datetime import timedelta

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from scoring import periods
from scoring.compute import compute_period
from scoring.models import ScoreRun, UnitScore
from scoring.tasks import recover_stuck_runs
from tests.scoring.factory import answers, scored
from tickets.outbox import delivery
from tickets.outbox.models import OutboxMessage

from .conftest import ROOT

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

PERIOD = "2026-10"
FIGURES = ["unit__code", "volume", "valid_callbacks", "solved", "satisfied", "composite", "rank"]


def figures():
    return list(UnitScore.objects.filter(period=PERIOD).order_by("unit__code").values(*FIGURES))


@pytest.fixture
def clean(staff):
    """Some units' callbacks in the period, and the figures of a clean computation."""
    start, end = periods.bounds(PERIOD)
    middle = start + (end - start) / 2
    for code, solved in (("110101001", 7), ("110101002", 4), ("110101003", 9)):
        scored(code, middle, staff.callback_agent, answers(10, solved=solved))
    compute_period(PERIOD)
    return figures()


class PeriodLock:
    """Another session holding the period's run rows: a computation stops there, mid-run."""

    def __enter__(self):
        db = connection.settings_dict
        self.conn = psycopg2.connect(
            dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"]
        )
        with self.conn.cursor() as cursor:
            cursor.execute("SELECT id FROM scoring_scorerun WHERE period = %s FOR UPDATE", [PERIOD])
        return self

    def someone_waits(self, timeout=60):
        give_up = time.monotonic() + timeout
        with self.conn.cursor() as cursor:
            while time.monotonic() < give_up:
                # Activity is a snapshot per transaction: refresh it on every look.
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    return True
                time.sleep(0.2)
        return False

    def __exit__(self, *exc):
        self.conn.rollback()
        self.conn.close()


def wait_for(condition, seconds=60):
    give_up = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < give_up, "gave up waiting"
        time.sleep(0.2)


def test_a_worker_killed_mid_computation(clean, staff, api, start_worker):
    worker = start_worker()
    runs_before = ScoreRun.objects.count()
    with PeriodLock() as lock:
        response = api(staff.reviewer).post(
            "/api/v1/scores/compute/", {"period": PERIOD}, format="json"
        )
        assert response.status_code == 202
        assert lock.someone_waits(), "the worker never reached the computation"
        worker.kill()  # SIGKILL, in the middle of compute_period
    message = OutboxMessage.objects.get(kind="scores")
    # Nothing half-written: no new run, no row changed, the work still pending.
    assert message.status == "pending" and ScoreRun.objects.count() == runs_before
    assert figures() == clean
    assert not ScoreRun.objects.filter(status="running").exists()

    start_worker()
    # The relay (every 10 s from beat) hands it over again once REPUBLISH_AFTER has passed.
    assert delivery.relay(now=timezone.now() + delivery.REPUBLISH_AFTER) == 1
    wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == "done")
    latest = ScoreRun.objects.filter(period=PERIOD).latest("id")
    assert latest.status == "done" and latest.computed_by == staff.reviewer
    assert figures() == clean


def test_a_compute_scores_process_killed_mid_computation(clean, start_worker):
    from hotline.celery import app

    start_worker()
    db = connection.settings_dict
    env_db = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT']}/{db['NAME']}"
    with PeriodLock() as lock:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "compute_scores", "--period", PERIOD],
            cwd=ROOT,
            env={**__import__("os").environ, "DATABASE_URL": env_db},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert lock.someone_waits(), "compute_scores never reached the computation"
        process.kill()
        process.wait(timeout=10)
    stuck = ScoreRun.objects.get(status="running")  # written before the rows, then orphaned
    assert figures() == clean
    # Beat runs this every minute; a run is judged once it is a minute old.
    assert app.conf.task_always_eager is False
    assert recover_stuck_runs(now=timezone.now() + timedelta(minutes=2)) == [PERIOD]
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "abandoned" in stuck.error
    wait_for(
        lambda: ScoreRun.objects.filter(period=PERIOD, id__gt=stuck.id, status="done").exists()
    )
    assert figures() == clean
