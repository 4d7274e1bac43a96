"""The rankings API, the leaders' dashboard, drill-downs and exports, on the 东城 month."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from scoring.compute import compute_period, publish_period
from scoring.models import ScoreRun
from tests.scoring.conftest import DISTRICT, S1, S2
from tests.scoring.flows import browser

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(month):
    compute_period("2026-10")
    return month


# --- API ------------------------------------------------------------------------------------


def test_scores_are_listed_ranked_within_a_group(computed, staff, api):
    response = api(staff.leader).get("/api/v1/scores/", {"period": "2026-10", "group": "street"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 343  # every street, ranked first
    assert [(r["unit"], r["rank"]) for r in rows[:2]] == [(S2, 1), (S1, 2)]
    s1 = rows[1]
    assert s1["composite"] == 76.0 and s1["response_rate"] == 0.8333
    assert (s1["valid_callbacks"], s1["satisfied"], s1["basically_satisfied"]) == (6, 3, 1)
    assert s1["flagged"] is True and s1["rank_change"] is None
    assert rows[2]["rank"] is None and rows[2]["composite"] is None
    assert {"composite_low", "composite_high", "not_distinguishable"} <= set(s1)


def test_group_filter_and_default_period(computed, staff, api):
    rows = api(staff.reviewer).get("/api/v1/scores/", {"group": "district"}).json()["results"]
    assert len(rows) == 16 and {r["group"] for r in rows} == {"district"}
    assert rows[0]["unit"] == DISTRICT and rows[0]["composite"] == 80.2


@pytest.mark.parametrize("query", [{"period": "2026-13"}, {"group": "planet"}])
def test_bad_filters_are_400(computed, staff, api, query):
    assert api(staff.leader).get("/api/v1/scores/", query).status_code == 400


def test_unit_staff_see_only_their_own_row(computed, staff, api):
    rows = api(staff.street).get("/api/v1/scores/", {"period": "2026-10"}).json()["results"]
    assert [r["unit"] for r in rows] == [S1]
    # District staff read their district's units (SPEC §16), nothing outside it.
    rows = api(staff.district).get("/api/v1/scores/", {"period": "2026-10"}).json()["results"]
    codes = {r["unit"] for r in rows}
    assert {DISTRICT, S1, S2} <= codes and all(c.startswith("110101") for c in codes)


@pytest.mark.parametrize("who", ["street", "leader", "operator", "callback_agent"])
def test_only_reviewers_and_admins_may_queue_a_computation(staff, api, who):
    response = api(getattr(staff, who)).post(
        "/api/v1/scores/compute/", {"period": "2026-10"}, format="json"
    )
    assert response.status_code == 403
    assert not ScoreRun.objects.exists()


def test_compute_is_queued_and_runs(staff, api, make_user, django_capture_on_commit_callbacks):
    admin = make_user("admin", "12345")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(admin).post("/api/v1/scores/compute/", {"period": "2026-10"}, format="json")
    assert response.status_code == 202
    assert response.json() == {"period": "2026-10", "status": "queued"}
    run = ScoreRun.objects.get()
    assert (run.period, run.status, run.computed_by) == ("2026-10", "done", admin)
    bad = api(admin).post("/api/v1/scores/compute/", {"period": "10/2026"}, format="json")
    assert bad.status_code == 400


def test_compute_of_a_frozen_period_needs_a_reason(
    computed, staff, api, django_capture_on_commit_callbacks
):
    publish_period("2026-10", actor=staff.reviewer)
    client = api(staff.reviewer)
    refused = client.post("/api/v1/scores/compute/", {"period": "2026-10"}, format="json")
    assert refused.status_code == 409 and "冻结" in refused.json()["detail"]
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(
            "/api/v1/scores/compute/",
            {"period": "2026-10", "override_reason": "申诉更正"},
            format="json",
        )
    assert ok.status_code == 202
    latest = ScoreRun.objects.order_by("-id").first()
    assert (latest.override_reason, latest.override_by, latest.published) == (
        "申诉更正",
        staff.reviewer,
        True,
    )


def test_publish_freezes_a_computed_period(computed, staff, api):
    assert (
        api(staff.street)
        .post("/api/v1/scores/publish/", {"period": "2026-10"}, format="json")
        .status_code
        == 403
    )
    assert not ScoreRun.objects.get(period="2026-10").published
    client = api(staff.reviewer)
    not_computed = client.post("/api/v1/scores/publish/", {"period": "2026-09"}, format="json")
    assert not_computed.status_code == 409
    ok = client.post("/api/v1/scores/publish/", {"period": "2026-10"}, format="json")
    assert ok.status_code == 200
    body = ok.json()
    assert body["published"] is True and body["published_by"] == staff.reviewer.username
    run = ScoreRun.objects.get(period="2026-10")
    assert run.published and run.published_by == staff.reviewer
    # frozen now: recomputing without a reason is refused
    refused = client.post("/api/v1/scores/compute/", {"period": "2026-10"}, format="json")
    assert refused.status_code == 409


def test_schema_documents_the_scores_endpoints(api, staff):
    schema = api(staff.leader).get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/scores/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/scores/"]["get"]["parameters"]}
    assert {"period", "group"} <= params
    assert {"202", "403", "409"} <= set(
        schema["paths"]["/api/v1/scores/compute/"]["post"]["responses"]
    )


# --- dashboard --------------------------------------------------------------------------------


def test_dashboard_renders_in_a_fixed_number_of_queries(computed, staff, django_assert_num_queries):
    client = browser(staff.leader)
    client.get("/dashboard/?period=2026-10")  # warm the session and caches
    # session, user, the header (user's unit, unread count), summaries,
    # ranking, run, trend, districts, overdue, whistles (see tests/scoring/test_dashboard.py)
    with django_assert_num_queries(11):
        response = client.get("/dashboard/?period=2026-10&group=street")
    assert response.status_code == 200
    html = response.content.decode()
    assert "东华门街道" in html and "76.00" in html and "83.33%" in html
    assert 'id="chart-trend"' in html and 'id="dashboard-data"' in html
    assert "治理类" in html
    assert "/dashboard/drill/2026-10/110101001/valid_callbacks/" in html


def test_dashboard_extras_district_group(computed, staff):
    html = browser(staff.leader).get("/dashboard/?period=2026-10&group=district").content
    html = html.decode()
    assert "东城区" in html and "80.20" in html
    # 万人诉求比: 14 tickets / 708,829 residents × 10,000 = 0.1975…
    assert "0.20" in html


@pytest.mark.parametrize("who", ["street", "dept", "district"])
def test_dashboard_opens_to_unit_staff_on_their_own_rows(staff, who):
    # SPEC §16: what they read is narrowed (tests/scoring/test_score_scope.py).
    assert browser(getattr(staff, who)).get("/dashboard/").status_code == 200


def test_dashboard_needs_a_login():
    response = Client().get("/dashboard/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_drill_down_lists_the_exact_tickets(computed, staff, django_assert_num_queries):
    t = computed
    client = browser(staff.leader)
    url = f"/dashboard/drill/2026-10/{S1}/valid_callbacks/"
    client.get(url)
    # session, user, the header (user's unit, unread count), unit, cut-off days,
    # count, page, stored figure
    with django_assert_num_queries(9):
        html = client.get(url).content.decode()
    for i in (1, 2, 3, 4, 6, 8):
        assert t[i].number in html
    for i in (5, 7, 9, 13):
        assert t[i].number not in html
    assert "基本满意" in html
    volume = client.get(f"/dashboard/drill/2026-10/{DISTRICT}/volume/").context["page"]
    assert volume.paginator.count == 14
    valid = client.get(f"/dashboard/drill/2026-10/{DISTRICT}/valid_callbacks/").context["page"]
    assert valid.paginator.count == 10  # S1 6 + S2 2 + CGZF 1 + the district itself 1
    solved = client.get(f"/dashboard/drill/2026-10/{S1}/solved/").context["page"]
    assert {x.number for x in solved} == {t[i].number for i in (1, 2, 4, 6, 8)}
    assert client.get(f"/dashboard/drill/2026-10/{S1}/nonsense/").status_code == 404


# --- exports ----------------------------------------------------------------------------------


def test_ranking_exports_open_with_the_right_rows(computed, staff):
    client = browser(staff.leader)
    xlsx = client.get("/dashboard/ranking.xlsx?period=2026-10&group=street")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    # a title row naming the period, then the header
    assert "2026-10" in rows[0][0]
    assert rows[1][:4] == ("排名", "名次变化", "单位编码", "单位")
    assert len(rows) == 2 + 343
    assert rows[2][0:3] == (1, None, S2) and rows[2][13] == 100.0
    assert rows[3][0:3] == (2, None, S1) and rows[3][13] == 76.0 and rows[3][16] == "是"

    text = b"".join(
        client.get("/dashboard/ranking.csv?period=2026-10&group=district").streaming_content
    )
    table = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert len(table) == 2 + 16
    assert table[2][2:6] == [DISTRICT, "东城区", "14", "10"] and table[2][13] == "80.20"


def test_drill_down_exports(computed, staff):
    t = computed
    client = browser(staff.leader)
    xlsx = client.get(f"/dashboard/drill/2026-10/{S1}/valid_callbacks.xlsx")
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2 + 6
    assert {r[0] for r in rows[2:]} == {t[i].number for i in (1, 2, 3, 4, 6, 8)}
    csv_response = client.get(f"/dashboard/drill/2026-10/{S1}/excluded.csv")
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    numbers = [r[0] for r in csv.reader(io.StringIO(text))][2:]
    assert sorted(numbers) == sorted([t[7].number, t[9].number])
