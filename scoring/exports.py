"""Rankings and drill-down lists as .csv and .xlsx, formatted for people.

Both start with a title row naming the period and when it was computed, then the header.
In xlsx rates are percentages, composites two decimals, dates real dates, columns sized and
the header frozen. Nothing builds the whole file in memory: csv streams row by row as the
database cursor yields them (UTF-8 with BOM, for Excel); xlsx is written by XlsxWriter in
constant_memory mode to a temporary file, which is then streamed out.
"""

import csv
import tempfile
from dataclasses import dataclass

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.models import Satisfaction, Status

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text, int, pct (a fraction), score (0–100), datetime
    width: int = 10


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def title_line(title, run) -> str:
    if run is None:
        return title
    return _("%(title)s · 统计区间 %(start)s 至 %(end)s（不含） · 计算于 %(at)s%(frozen)s") % {
        "title": title,
        "start": _local(run.period_start).strftime("%Y-%m-%d"),
        "end": _local(run.period_end).strftime("%Y-%m-%d"),
        "at": _local(run.finished_at).strftime("%Y-%m-%d %H:%M") if run.finished_at else "—",
        "frozen": _(" · 已发布") if run.published else _(" · 未发布"),
    }


# --- csv ---------------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value, kind):
    if value is None:
        return ""
    if kind == "pct":
        return f"{float(value) * 100:.2f}%"
    if kind == "score":
        return f"{float(value):.2f}"
    if kind == "datetime":
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def _csv(filename, title, columns, rows):
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([title])
        yield writer.writerow([c.header for c in columns])
        for row in rows:
            yield writer.writerow([_csv_cell(v, c.kind) for v, c in zip(row, columns, strict=True)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


# --- xlsx --------------------------------------------------------------------------------------


def write_xlsx(out, sheet_name, title, columns, rows, progress=None):
    """Write the table into the open binary file `out`; `progress(n)` every CHUNK rows."""
    book = xlsxwriter.Workbook(
        out, {"constant_memory": True, "remove_timezone": True, "strings_to_numbers": False}
    )
    sheet = book.add_worksheet(sheet_name[:31])
    formats = {
        "pct": book.add_format({"num_format": "0.00%"}),
        "score": book.add_format({"num_format": "0.00"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    }
    header = book.add_format({"bold": True, "bg_color": "#E8EEF5", "border": 1})
    for i, column in enumerate(columns):
        sheet.set_column(i, i, column.width)
    # constant_memory writes rows in order: title, header, then the body.
    sheet.write_string(0, 0, title, book.add_format({"bold": True, "font_size": 13}))
    for i, column in enumerate(columns):
        sheet.write_string(1, i, column.header, header)
    sheet.freeze_panes(2, 0)
    # One writer per column, chosen once (this loop runs for every cell of a big export).
    writers = []
    for column in columns:
        if column.kind in ("pct", "score", "int"):
            fmt = formats.get(column.kind)
            writers.append(lambda r, c, v, fmt=fmt: sheet.write_number(r, c, float(v), fmt))
        elif column.kind == "datetime":
            fmt = formats["datetime"]
            writers.append(lambda r, c, v, fmt=fmt: sheet.write_datetime(r, c, v, fmt))
        else:
            writers.append(lambda r, c, v: sheet.write_string(r, c, str(v)))
    last = 1
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if value is not None and value != "":
                writers[c](r, c, value)
        last = r
        if progress and r % CHUNK == 0:
            progress(r - 1)
    sheet.autofilter(1, 0, last, len(columns) - 1)
    book.close()
    return last - 1


def _xlsx(filename, title, columns, rows):
    out = tempfile.TemporaryFile()
    write_xlsx(out, filename, title, columns, rows)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX)


def respond(fmt, filename, title, columns, rows):
    return (_csv if fmt == "csv" else _xlsx)(filename, title, columns, rows)


# --- the tables --------------------------------------------------------------------------------


def ranking_columns(with_band=True):
    columns = [
        Column(_("排名"), "int", 6),
        Column(_("名次变化"), "int", 8),
        Column(_("单位编码"), "text", 14),
        Column(_("单位"), "text", 24),
        Column(_("受理量"), "int", 9),
        Column(_("有效回访量"), "int", 10),
        Column(_("已联系"), "int", 8),
        Column(_("已解决"), "int", 8),
        Column(_("满意"), "int", 8),
        Column(_("基本满意"), "int", 9),
        Column(_("响应率"), "pct", 9),
        Column(_("解决率"), "pct", 9),
        Column(_("满意率"), "pct", 9),
        Column(_("综合成绩"), "score", 9),
        Column(_("综合成绩下限"), "score", 11),
        Column(_("综合成绩上限"), "score", 11),
        Column(_("治理类"), "text", 7),
        Column(_("与相邻名次无显著差异"), "text", 10),
    ]
    if with_band:
        columns.append(Column(_("分档"), "text", 7))
    return columns


def ranking_export(fmt, filename, title, run, rows):
    from .bands import band_of, bands

    table = bands()
    yes = _("是")

    def body():
        for r in rows.iterator(chunk_size=CHUNK):
            band = band_of(r.composite, table)
            yield [
                r.rank,
                r.rank_change,
                r.unit.code,
                r.unit.name,
                r.volume,
                r.valid_callbacks,
                r.contacted,
                r.solved,
                r.satisfied,
                r.basically_satisfied,
                r.response_rate,
                r.resolution_rate,
                r.satisfaction_rate,
                r.composite,
                r.composite_low,
                r.composite_high,
                yes if r.flagged else "",
                yes if r.not_distinguishable else "",
                str(band[0]) if band else "",
            ]

    return respond(fmt, filename, title_line(title, run), ranking_columns(), body())


def tickets_table(tickets, *, with_callback):
    """(columns, rows) of a drill-down list; rows come from the cursor in chunks."""
    columns = [
        Column(_("工单编号"), "text", 16),
        Column(_("派单时间"), "datetime", 17),
        Column(_("主办单位"), "text", 22),
        Column(_("街乡镇"), "text", 16),
        Column(_("诉求分类"), "text", 34),
        Column(_("状态"), "text", 9),
    ]
    fields = ["number", "dispatched_at", "lead_unit__name", "street__name", "category__path"]
    fields.append("status")
    if with_callback:
        columns += [
            Column(_("回访时间"), "datetime", 17),
            Column(_("是否联系"), "text", 8),
            Column(_("是否解决"), "text", 8),
            Column(_("满意度"), "text", 9),
        ]
        fields += ["cb_at", "cb_contacted", "cb_solved", "cb_satisfaction"]
    # Labels translated once per export, not once per row.
    statuses = {value: str(label) for value, label in Status.choices}
    answers = {True: _("是"), False: _("否"), None: ""}
    satisfaction = {value: str(label) for value, label in Satisfaction.choices}

    def body():
        for row in tickets.values_list(*fields).iterator(chunk_size=CHUNK):
            cells = [
                row[0],
                _local(row[1]),
                row[2] or "",
                row[3] or "",
                row[4] or "",
                statuses.get(row[5], row[5]),
            ]
            if with_callback:
                cells += [
                    _local(row[6]),
                    answers[row[7]],
                    answers[row[8]],
                    satisfaction.get(row[9], row[9] or ""),
                ]
            yield cells

    return columns, body()


def tickets_export(fmt, filename, title, run, tickets, *, with_callback):
    columns, rows = tickets_table(tickets, with_callback=with_callback)
    return respond(fmt, filename, title_line(title, run), columns, rows)
