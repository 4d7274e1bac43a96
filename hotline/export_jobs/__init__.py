"""Large xlsx exports as Celery jobs with progress, so no request times out.

CSV always streams. An xlsx of up to EXPORT_XLSX_INLINE_ROWS rows (default 20,000) is
built in the request; a larger one is written by a worker into MEDIA_ROOT/exports/<job>.xlsx
while a page (views.job_page) shows its progress. A job's state is a small JSON file beside
it (any worker or web process reads it; no table, no cache needed). Only the user who asked
may see or download it.

Each room registers what it exports under a kind (`@builder("tickets")`): a function of the
job's state and the user that writes the workbook into an open file, calls `progress(n)`
as it goes and returns the rows written. The rooms' arrows still point here, never back.
"""

import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

INLINE_ROWS = 20_000
BUILDERS: dict[str, Callable] = {}


def builder(kind: str):
    """Register `fn(job, user, out, progress) -> rows written` for jobs of this kind."""

    def register(fn):
        BUILDERS[kind] = fn
        return fn

    return register


def inline_limit() -> int:
    return getattr(settings, "EXPORT_XLSX_INLINE_ROWS", INLINE_ROWS)


def job_dir() -> Path:
    root = Path(settings.MEDIA_ROOT) if settings.MEDIA_ROOT else Path(settings.BASE_DIR) / "media"
    path = root / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _state_path(job_id) -> Path:
    return job_dir() / f"{job_id}.json"


def file_path(job_id) -> Path:
    return job_dir() / f"{job_id}.xlsx"


def save(job_id, state):
    tmp = _state_path(job_id).with_suffix(".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False))
    os.replace(tmp, _state_path(job_id))  # readers never see half a file


def state(job_id) -> dict | None:
    try:
        return json.loads(_state_path(job_id).read_text())
    except FileNotFoundError:
        return None


def start(*, user, kind, filename, total=None, **params) -> str:
    """Queue a job (after the request's transaction commits) and return its id.

    `params` (JSON) say what to export; the builder of `kind` reads them back. Without a
    `total` the builder may set one (job["total"]) before its first progress.
    """
    if kind not in BUILDERS:
        raise ValueError(f"no export builder for {kind!r}")
    job_id = uuid.uuid4().hex
    save(
        job_id,
        {
            **params,
            "kind": kind,
            "user": user.pk,
            "filename": filename,
            "total": total,
            "done": 0,
            "status": "queued",
            "created": timezone.now().isoformat(),
        },
    )
    transaction.on_commit(lambda: export_task.delay(job_id))
    return job_id


@shared_task(name="exports.build")
def export_task(job_id):
    from django.utils import translation

    from hotline.models import User

    job = state(job_id)
    if job is None:
        return None
    user = User.objects.get(pk=job["user"])
    job["status"] = "running"
    save(job_id, job)

    def progress(done):
        job["done"] = done
        save(job_id, job)

    try:
        with translation.override(settings.LANGUAGE_CODE), open(file_path(job_id), "wb") as out:
            written = BUILDERS[job["kind"]](job, user, out, progress)
    except Exception as exc:
        job.update(status="failed", error=f"{type(exc).__name__}: {exc}"[:500])
        save(job_id, job)
        raise
    job.update(status="done", done=written, total=written)
    save(job_id, job)
    return written
