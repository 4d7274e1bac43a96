"""A job's page (progress, then the link) and its download: the asker's only."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import file_path, state

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _job(request, job):
    found = state(job)
    if found is None or found["user"] != request.user.pk:
        raise Http404(_("没有这个导出任务"))
    return found


@login_required
def job_page(request, job):
    return render(request, "exports/job.html", {"job": job, "state": _job(request, job)})


@login_required
def download(request, job):
    found = _job(request, job)
    if found["status"] != "done":
        raise Http404(_("导出尚未完成"))
    return FileResponse(
        open(file_path(job), "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=True,
        filename=f"{found['filename']}.xlsx",
        content_type=XLSX,
    )
