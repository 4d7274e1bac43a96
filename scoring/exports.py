"""Rankings and drill-down lists as .csv (UTF-8 with BOM, for Excel) and .xlsx."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _num(value):
    return float(value) if value is not None else None


def ranking_table(rows):
    header = [
        _("排名"),
        _("名次变化"),
        _("单位编码"),
        _("单位"),
        _("受理量"),
        _("有效回访量"),
        _("已联系"),
        _("已解决"),
        _("满意"),
        _("基本满意"),
        _("响应率"),
        _("解决率"),
        _("满意率"),
        _("综合成绩"),
        _("综合成绩下限"),
        _("综合成绩上限"),
        _("治理类"),
        _("与相邻名次无显著差异"),
    ]
    body = (
        [
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
            _num(r.response_rate),
            _num(r.resolution_rate),
            _num(r.satisfaction_rate),
            _num(r.composite),
            _num(r.composite_low),
            _num(r.composite_high),
            _("是") if r.flagged else "",
            _("是") if r.not_distinguishable else "",
        ]
        for r in rows
    )
    return header, body


def _answer(value):
    return {True: _("是"), False: _("否")}.get(value, "")


def tickets_table(tickets, with_callback):
    header = [_("工单编号"), _("派单时间"), _("主办单位"), _("街乡镇"), _("诉求分类"), _("状态")]
    if with_callback:
        header += [_("回访时间"), _("是否联系"), _("是否解决"), _("满意度")]

    def row(t):
        cells = [
            t.number,
            timezone.localtime(t.dispatched_at).strftime("%Y-%m-%d %H:%M"),
            t.lead_unit.name if t.lead_unit_id else "",
            t.street.name if t.street_id else "",
            str(t.category),
            t.get_status_display(),
        ]
        if with_callback:
            cells += [
                timezone.localtime(t.cb_at).strftime("%Y-%m-%d %H:%M"),
                _answer(t.cb_contacted),
                _answer(t.cb_solved),
                t.cb_satisfaction,
            ]
        return cells

    return header, (row(t) for t in tickets.iterator(chunk_size=2000))


def respond(fmt, filename, header, body):
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(body)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(filename[:31])
        sheet.append(header)
        for cells in body:
            sheet.append(cells)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
