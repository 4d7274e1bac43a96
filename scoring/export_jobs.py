"""A drill-down's xlsx as an export job (hotline.export_jobs) when it is too big for a request."""

from hotline import export_jobs


def start(*, user, period, code, measure, total, filename) -> str:
    return export_jobs.start(
        user=user,
        kind="drill",
        total=total,
        filename=filename,
        period=period,
        code=code,
        measure=measure,
    )


@export_jobs.builder("drill")
def build_drill(job, user, out, progress):
    from . import exports, selectors

    unit = selectors.visible_score_units(user).get(code=job["code"])
    tickets = selectors.drill_down_for(user, job["period"], unit, job["measure"])
    columns, rows = exports.tickets_table(
        tickets, with_callback=job["measure"] in selectors.CALLBACK_MEASURES
    )
    title = exports.title_line(
        f"{job['period']} {unit.name} {selectors.MEASURE_LABELS[job['measure']]}",
        selectors.current_run(job["period"]),
    )
    return exports.write_xlsx(out, job["filename"], title, columns, rows, progress)
