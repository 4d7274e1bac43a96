"""The district map's names against the directory; exports formatted for people."""

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from hotline.models import Role, Unit
from scoring.compute import compute_period
from tests.scoring.conftest import S1

pytestmark = pytest.mark.django_db
MAP = Path(settings.BASE_DIR) / "static" / "vendor" / "beijing-map" / "beijing.json"


def test_the_map_has_exactly_the_16_districts_of_the_directory(directory):
    geo = json.loads(MAP.read_text(encoding="utf-8"))
    names = sorted(f["properties"]["name"] for f in geo["features"])
    districts = sorted(Unit.objects.filter(type="district").values_list("name", flat=True))
    assert len(names) == 16 and names == districts
    # every outline has geometry (the package's compressed polygons, decoded by ECharts)
    assert all(f["geometry"]["coordinates"] for f in geo["features"])


def test_echarts_is_vendored_with_its_licence():
    vendor = Path(settings.BASE_DIR) / "static" / "vendor" / "echarts"
    assert "Apache License" in (vendor / "LICENSE").read_text()
    assert (vendor / "echarts.min.js").stat().st_size > 500_000


@pytest.fixture
def computed(month):
    compute_period("2026-10")
    return month


def _get(user, url):
    client = Client()
    client.force_login(user)
    return b"".join(client.get(url).streaming_content)


def test_xlsx_has_a_title_frozen_header_percentages_widths_and_dates(computed, staff):
    book = load_workbook(io.BytesIO(_get(staff.leader, "/dashboard/ranking.xlsx?period=2026-10")))
    sheet = book.active
    assert "2026-10" in sheet["A1"].value and "计算于" in sheet["A1"].value
    assert sheet.freeze_panes == "A3"
    header = [c.value for c in sheet[2]]
    rate = header.index("解决率") + 1
    first = sheet.cell(row=3, column=rate)
    assert first.number_format == "0.00%" and 0 <= first.value <= 1
    assert sheet.cell(row=3, column=header.index("综合成绩") + 1).number_format == "0.00"
    assert sheet.column_dimensions["D"].width > 20  # the unit's name
    drill = load_workbook(
        io.BytesIO(_get(staff.leader, f"/dashboard/drill/2026-10/{S1}/valid_callbacks.xlsx"))
    ).active
    when = drill.cell(row=3, column=2)
    assert isinstance(when.value, datetime) and when.number_format == "yyyy-mm-dd hh:mm"
    assert drill.cell(row=3, column=6).value in {"已办结", "已反馈"}


def test_csv_streams_with_a_title_row_and_percentages(computed, staff):
    client = Client()
    client.force_login(staff.leader)
    response = client.get("/dashboard/ranking.csv?period=2026-10&group=street")
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert "2026-10" in rows[0][0]
    header = rows[1]
    s1 = next(r for r in rows[2:] if r[2] == S1)
    assert s1[header.index("响应率")].endswith("%") and s1[header.index("综合成绩")] == "76.00"


def test_a_large_xlsx_runs_as_a_job_with_progress(
    computed, staff, settings, tmp_path, make_user, django_capture_on_commit_callbacks
):
    settings.EXPORT_XLSX_INLINE_ROWS = 3  # S1 has 6 valid callbacks: too many to inline
    settings.MEDIA_ROOT = str(tmp_path)
    client = Client()
    client.force_login(staff.leader)
    # the task runs eagerly here (tests/conftest.py); with a broker, in a worker
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/dashboard/drill/2026-10/{S1}/valid_callbacks.xlsx")
    assert response.status_code == 302 and "/exports/" in response["Location"]
    job_page = client.get(response["Location"])
    assert job_page.context["state"]["status"] == "done"
    assert job_page.context["state"]["total"] == 6
    download = client.get(response["Location"] + "download/")
    rows = list(
        load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert len(rows) == 2 + 6 and "2026-10" in rows[0][0]
    # nobody else fetches it
    other = Client()
    other.force_login(make_user(Role.LEADER, "12345", "another-leader"))
    assert other.get(response["Location"]).status_code == 404
    assert other.get(response["Location"] + "download/").status_code == 404
