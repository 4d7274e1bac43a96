"""A ticket list's xlsx as an export job (hotline.export_jobs) when it is too big for a request."""

from hotline import export_jobs

from .. import exports
from .filters import search_list


@export_jobs.builder("tickets")
def build_export(job, user, out, progress):
    """The list the user asked for (the page's query), in their scope as it is now."""
    found = search_list(user, job["query"])
    if not found.is_valid():
        raise ValueError(found.errors.as_json())
    job["total"] = found.qs.count()
    progress(0)
    return exports.write_xlsx(user, found.qs, out, progress)
