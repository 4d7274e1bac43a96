"""Large xlsx drill-down exports as Celery jobs with progress, so no request times out.

csv always streams. An xlsx up to SCORING_XLSX_INLINE_ROWS rows (default 20,000) is built
in the request; a larger one is written by a worker into MEDIA_ROOT/exports/<job>.xlsx
while the page shows its progress. The job's state is a small JSON file beside it (any
worker or web process reads it; no table, no cache needed). Only the user who asked may
download it.
"""

import json
import os
import uuid
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

INLINE_ROWS = 20_000


def inline_limit() -> int:
    return getattr(settings, "SCORING_XLSX_INLINE_ROWS", INLINE_ROWS)


def job_dir() -> Path:
    root = Path(settings.MEDIA_ROOT) if settings.MEDIA_ROOT else Path(settings.BASE_DIR) / "media"
    path = root / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _state_path(job_id) -> Path:
    return job_dir() / f"{job_id}.json"


def file_path(job_id) -> Path:
    return job_dir() / f"{job_id}.xlsx"


def _save(job_id, state):
    tmp = _state_path(job_id).with_suffix(".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False))
    os.replace(tmp, _state_path(job_id))  # readers never see half a file


def state(job_id) -> dict | None:
    try:
        return json.loads(_state_path(job_id).read_text())
    except FileNotFoundError:
        return None


def start(*, user, period, code, measure, total, filename) -> str:
    job_id = uuid.uuid4().hex
    _save(
        job_id,
        {
            "user": user.pk,
            "period": period,
            "code": code,
            "measure": measure,
            "filename": filename,
            "total": total,
            "done": 0,
            "status": "queued",
            "created": timezone.now().isoformat(),
        },
    )
    transaction.on_commit(lambda: export_drill_task.delay(job_id))
    return job_id


@shared_task
def export_drill_task(job_id):
    from django.utils import translation

    from hotline.models import User

    from . import exports, selectors

    job = state(job_id)
    if job is None:
        return None
    user = User.objects.get(pk=job["user"])
    unit = selectors.visible_score_units(user).get(code=job["code"])
    tickets = selectors.drill_down_for(user, job["period"], unit, job["measure"])
    job["status"] = "running"
    _save(job_id, job)

    def progress(done):
        job["done"] = done
        _save(job_id, job)

    try:
        with translation.override(settings.LANGUAGE_CODE):
            columns, rows = exports.tickets_table(
                tickets, with_callback=job["measure"] in selectors.CALLBACK_MEASURES
            )
            title = exports.title_line(
                f"{job['period']} {unit.name} {selectors.MEASURE_LABELS[job['measure']]}",
                selectors.current_run(job["period"]),
            )
            with open(file_path(job_id), "wb") as out:
                written = exports.write_xlsx(out, job["filename"], title, columns, rows, progress)
    except Exception as exc:
        job.update(status="failed", error=f"{type(exc).__name__}: {exc}"[:500])
        _save(job_id, job)
        raise
    job.update(status="done", done=written, total=written)
    _save(job_id, job)
    return written
