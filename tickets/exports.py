"""Ticket rows as CSV (streamed) or XLSX, for people: local times, labels, widths, masked phones.

Both read one `values_list` through a server-side cursor, so an export of a year of a
district's tickets never holds them all in memory; on PostgreSQL the CSV's lines are
written by the database (_csv_by_postgresql), the same as Python writes them elsewhere.
Choice labels are translated once per export, not once per row; the caller's phone is
masked (and a confidential caller left out) for anyone outside the centre, as on every
page (SPEC §3).
"""

import csv
import itertools
import re
import tempfile
from datetime import datetime

from django.db import connections
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Channel, Kind, Status, Urgency
from .selectors import mask_phone, sees_unmasked_caller

CHUNK = 2000


def _columns():
    """(header, values_list path, kind, width); kind says how a value is written
    ("text_by_caller": free text a caller gave, kept from running as a formula)."""
    return [
        (_("工单编号"), "number", "text", 13),
        (_("受理时间"), "received_at", "datetime", 17),
        (_("来源渠道"), "channel", Channel, 8),
        (_("诉求类型"), "kind", Kind, 8),
        (_("诉求分类"), "category__name", "text", 14),
        (_("响应级别"), "urgency", Urgency, 8),
        (_("状态"), "status", Status, 9),
        (_("区"), "district__name", "text", 9),
        (_("街乡镇"), "street__name", "text", 12),
        (_("问题地址"), "address", "text_by_caller", 28),
        (_("主要内容"), "content", "text_by_caller", 60),
        (_("诉求人"), "caller_name", "caller", 8),
        (_("联系电话"), "caller_phone", "phone", 13),
        (_("主办单位"), "lead_unit__name", "text", 16),
        (_("派单时间"), "dispatched_at", "datetime", 17),
        (_("反馈时限"), "feedback_deadline", "datetime", 17),
        (_("超期"), "overdue", "bool", 6),
    ]


# A cell a spreadsheet could run as a formula: it starts with =, @, a tab or a carriage
# return, or with + or - unless the whole cell is a plain number (-5, +8613800000000):
# `-2+3+cmd|...` has a digit after its sign and is still a formula.
_FORMULA = r"^([=@\t\r]|[+-](?![0-9]+(\.[0-9]+)?$))"
_RUNS = re.compile(_FORMULA)


def _text(value):
    """A cell a spreadsheet will not run (_FORMULA gets a leading quote)."""
    if value is None:
        return ""
    return "'" + value if _RUNS.match(value) else value


def _row_maker(user, columns):
    """A function turning one values_list tuple into the row people read.

    Only the columns that need it are converted; the others pass through as fetched.
    """
    tz = timezone.get_default_timezone()
    yes, no = _("是"), _("否")
    unmasked = sees_unmasked_caller(user)
    confidential_at = len(columns)  # `confidential` is fetched after the columns
    callers = [i for i, (_h, _p, kind, _w) in enumerate(columns) if kind in ("caller", "phone")]
    converters = []
    for i, (_header, _path, kind, _width) in enumerate(columns):
        if isinstance(kind, type):
            labels = {value: str(label) for value, label in kind.choices}
            converters.append((i, labels.get))
        elif kind == "datetime":
            converters.append((i, lambda v: v.astimezone(tz).replace(tzinfo=None) if v else None))
        elif kind == "bool":
            converters.append((i, lambda v: yes if v else no))
        elif kind == "phone" and not unmasked:
            converters.append((i, mask_phone))
        elif kind in ("caller", "text_by_caller"):
            converters.append((i, _text))
        elif kind == "text":
            converters.append((i, lambda v: "" if v is None else v))

    def make(values):
        row = list(values[:confidential_at])
        for i, convert in converters:
            row[i] = convert(row[i])
        if values[confidential_at] and not unmasked:
            for i in callers:
                row[i] = ""
        return row

    return make


def _values(queryset, columns):
    paths = [path for _h, path, _k, _w in columns]
    return queryset.prefetch_related(None).values_list(*paths, "confidential")


def _rows(user, queryset, columns):
    """Rows of the export, as people read them (xlsx, and CSV off PostgreSQL)."""
    make = _row_maker(user, columns)
    values = _values(queryset, columns)
    for values_row in values.iterator(chunk_size=CHUNK):
        yield make(values_row)


class _Line:
    """csv.writer writes into this and gets the text back, so rows can be streamed."""

    def write(self, text):
        return text


def csv_response(user, queryset, filename) -> StreamingHttpResponse:
    """UTF-8 with a BOM (so Excel opens Chinese right), streamed in chunks of rows."""
    columns = _columns()
    header = "\ufeff" + csv.writer(_Line()).writerow([str(h) for h, *_rest in columns])
    if connections[queryset.db].vendor == "postgresql":
        body = _csv_by_postgresql(user, queryset, columns)
    else:
        body = _csv_by_python(user, queryset, columns)
    response = StreamingHttpResponse(
        itertools.chain([header], body), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _csv_by_python(user, queryset, columns):
    writer = csv.writer(_Line())
    chunk = []
    for row in _rows(user, queryset, columns):
        row = [v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else v for v in row]
        chunk.append(writer.writerow(row))
        if len(chunk) == CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def _csv_by_postgresql(user, queryset, columns):
    """The same lines as _csv_by_python, each written by PostgreSQL as one text value.

    Converting each row in Python (labels, masks, dates, quoting) made a month's export 3×
    PostgreSQL's own COPY of the columns; here Python only joins the lines it fetches.
    Every field is quoted, which any CSV reader takes.
    """
    inner, params = _values(queryset, columns).query.sql_with_params()
    names = [f"c{i}" for i in range(len(columns))]
    fields, field_params = [], []
    for name, (_h, _p, kind, _w) in zip(names, columns, strict=True):
        sql, more = _csv_field(name, kind, user)
        fields.append(f"'\"' || replace({sql}, '\"', '\"\"') || '\"'")
        field_params += more
    line = " || ',' || ".join(fields) + " || E'\\r\\n'"
    sql = f"SELECT {line} FROM ({inner}) AS e ({', '.join(names)}, confidential)"
    with connections[queryset.db].chunked_cursor() as cursor:
        cursor.execute(sql, [*field_params, *params])
        while lines := cursor.fetchmany(CHUNK):
            yield "".join(line for (line,) in lines)


def _csv_field(name, kind, user) -> tuple[str, list]:
    """SQL for one column as _row_maker writes it (never NULL), and its parameters."""
    hidden = "" if sees_unmasked_caller(user) else "WHEN confidential THEN '' "
    if isinstance(kind, type):
        labels = [item for value, label in kind.choices for item in (value, str(label))]
        whens = " ".join("WHEN %s THEN %s" for _c in kind.choices)
        return f"CASE {name} {whens} ELSE {name}::text END", labels
    if kind == "datetime":
        zone = timezone.get_default_timezone_name()
        return f"coalesce(to_char({name} AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI'), '')", [zone]
    if kind == "bool":
        return f"CASE WHEN {name} THEN %s ELSE %s END", [_("是"), _("否")]
    if kind == "phone" and hidden:  # as selectors.mask_phone
        main = f"split_part({name}, '-', 1)"
        return (
            f"CASE {hidden}WHEN length({main}) >= 7 THEN "
            f"left({main}, 3) || '****' || right({main}, 4) "
            f"|| CASE WHEN {name} LIKE '%%-%%' THEN '-' || split_part({name}, '-', 2) ELSE '' END "
            f"WHEN {name} <> '' THEN '****' ELSE '' END",
            [],
        )
    if kind in ("caller", "text_by_caller"):
        # as _text: what a spreadsheet could run gets a quote (PostgreSQL reads the regex)
        guarded = f"CASE WHEN {name} ~ %s THEN '''' || {name} ELSE {name} END"
        if kind == "caller":
            return f"CASE {hidden}WHEN true THEN coalesce({guarded}, '') END", [_FORMULA]
        return f"coalesce({guarded}, '')", [_FORMULA]
    return f"coalesce({name}::text, '')", []


def xlsx_response(user, queryset, filename) -> FileResponse:
    """An .xlsx built in the request (small exports; large ones run as export jobs)."""
    out = tempfile.TemporaryFile()
    write_xlsx(user, queryset, out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=f"{filename}.xlsx")


def write_xlsx(user, queryset, out, progress=None) -> int:
    """Write the rows row by row (xlsxwriter's constant_memory) into the open binary file
    `out`, calling `progress(n)` every CHUNK rows; returns the rows written."""
    import xlsxwriter

    columns = _columns()
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "in_memory": False,
            # a caller's words stay words: never a formula, link or number
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = book.add_worksheet(_("工单"))
    header = book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for i, (title, _p, kind, width) in enumerate(columns):
        sheet.set_column(i, i, width, when if kind == "datetime" else None)
        sheet.write(0, i, str(title), header)
    sheet.freeze_panes(1, 0)
    last = 0
    for last, row in enumerate(_rows(user, queryset, columns), start=1):
        for i, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(last, i, value, when)
            elif value is not None and value != "":
                sheet.write(last, i, value)
        if progress and last % CHUNK == 0:
            progress(last)
    sheet.autofilter(0, 0, max(last, 1), len(columns) - 1)
    book.close()
    return last
