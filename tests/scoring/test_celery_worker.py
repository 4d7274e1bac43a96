"""The beat task on a real Redis broker and a real in-process Celery worker."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from hotline.celery import app
from scoring import periods
from scoring.models import ScoreRun, UnitScore
from scoring.tasks import compute_closed_period_task
from tests.scoring.factory import answers, scored


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_beat_task_computes_the_closed_period_on_a_real_worker(staff):
    assert not app.conf.task_always_eager, "this test needs a real broker, not eager tasks"
    closed = periods.previous(periods.period_of(timezone.now()))
    start, end = periods.bounds(closed)
    scored("110101001", start + (end - start) / 2, staff.callback_agent, answers(10, solved=5))

    with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
        result = compute_closed_period_task.delay()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if ScoreRun.objects.filter(period=closed, status="done").exists():
                break
            time.sleep(0.2)

    run = ScoreRun.objects.get(period=closed)
    assert run.status == "done" and result.id
    row = UnitScore.objects.get(period=closed, unit__code="110101001")
    # 10 valid, 5 solved: 100 × (0.1×10 + 0.5×5 + 0.4×10)/10 = 75
    assert (row.valid_callbacks, float(row.composite), row.rank) == (10, 75.0, 1)
    assert run.finished_at - run.started_at < timedelta(minutes=1)
