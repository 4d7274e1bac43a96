"""The leaders' dashboard: stored summaries, headline, scope, bands and ≈, its query budget."""

import json
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.test import Client, override_settings

from hotline.models import Role, Unit
from scoring import bands
from scoring.compute import compute_period, publish_period
from scoring.models import PeriodSummary
from tests.scoring.conftest import DISTRICT, S1, S2
from tests.scoring.factory import answers, scored

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")


def _browser(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def computed(month):
    compute_period("2026-10")
    return month


# --- the stored summaries ---------------------------------------------------------------------


def test_the_period_stores_the_city_and_district_figures(computed):
    city = PeriodSummary.objects.get(period="2026-10", unit__isnull=True)
    dongcheng = PeriodSummary.objects.get(period="2026-10", unit__code=DISTRICT)
    # 14 dispatched tickets led inside 东城 + the gas company's one (outside any district)
    assert dongcheng.dispatched == 14 and city.dispatched == 15
    assert city.valid_callbacks == dongcheng.valid_callbacks == 10
    # 18 contacts in October: 15 dispatched (one later merged... counted as received),
    # the merged repeat, the enquiry answered on the spot, the emergency transferred.
    assert city.contacts == 18 and city.answered == 1
    assert city.answer_rate == pytest.approx(1 / 18)
    # The district's rates are the district row's (same callbacks): composite 80.20.
    assert dongcheng.composite == Decimal("80.2000") == city.composite
    # S1 whistled twice; t13 was returned once; t5 went overdue.
    assert city.whistles == 2 and city.returns == 1 and city.overdue == 1
    assert sum(m["count"] for m in city.category_mix) == 15


def test_candidates_rise_or_repeat(staff):
    agent = staff.callback_agent
    # A street's tickets: 2 a month for three months, then 12 — the category rises.
    for month, n in ((7, 2), (8, 2), (9, 2), (10, 12)):
        scored(S1, datetime(2026, month, 15, 10, tzinfo=BJ), agent, answers(n))
    compute_period("2026-10")
    city = PeriodSummary.objects.get(period="2026-10", unit__isnull=True)
    rising = [c for c in city.candidates if c["reason"] == "rising"]
    assert rising and rising[0]["now"] == 12 and rising[0]["series"] == [2, 2, 2, 12]
    assert rising[0]["score"] == 10.0


# --- the page ---------------------------------------------------------------------------------


def test_dashboard_opens_on_the_last_published_period(staff):
    agent = staff.callback_agent
    scored(S1, datetime(2026, 9, 15, 10, tzinfo=BJ), agent, answers(12))
    scored(S1, datetime(2026, 10, 15, 10, tzinfo=BJ), agent, answers(20, solved=10))
    compute_period("2026-09")
    compute_period("2026-10")
    publish_period("2026-09")
    response = _browser(staff.leader).get("/dashboard/")
    assert response.context["period"] == "2026-09"
    publish_period("2026-10")
    response = _browser(staff.leader).get("/dashboard/")
    assert response.context["period"] == "2026-10"
    cards = {c["field"]: c for c in response.context["cards"]}
    assert cards["dispatched"]["value"] == 20 and cards["dispatched"]["change"] == 8
    # resolution 100 % → 50 %: −50 percentage points
    assert cards["resolution_rate"]["change"] == pytest.approx(-50)
    html = response.content.decode()
    assert "−50.00 pp" in html and "+8" in html
    data = json.loads(_json_script(html, "dashboard-data"))
    assert data["city"]["periods"][-2:] == ["2026-09", "2026-10"]
    assert data["city"]["dispatched"][-2:] == [12, 20]
    assert len(data["map"]) == 16


def _json_script(html, element_id):
    start = html.index(f'id="{element_id}"')
    start = html.index(">", start) + 1
    return html[start : html.index("</script>", start)]


def test_the_page_loads_no_script_inline_and_echarts_locally(computed, staff):
    html = _browser(staff.leader).get("/dashboard/?period=2026-10").content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in html
    assert "/static/js/dashboard.js" in html
    assert "cdn" not in html.lower()
    # every <script> either has a src or is the json_script data block
    for chunk in html.split("<script")[1:]:
        head = chunk.split(">", 1)[0]
        assert "src=" in head or 'type="application/json"' in head


def _many_units(n_streets, period_month, agent):
    streets = Unit.objects.filter(type="street").order_by("code")[:n_streets]
    for street in streets:
        scored(street.code, datetime(2026, period_month, 15, 10, tzinfo=BJ), agent, answers(12))


def test_dashboard_queries_do_not_grow_with_rows_or_months(staff, django_assert_num_queries):
    agent = staff.callback_agent
    _many_units(3, 9, agent)
    compute_period("2026-09")
    client = _browser(staff.leader)
    client.get("/dashboard/?period=2026-09")
    # session, user, header (unit, unread), summaries, ranking, run, trend, districts,
    # overdue, whistles (the session is written at most once a minute: hotline.idle_sessions)
    with django_assert_num_queries(11):
        small = client.get("/dashboard/?period=2026-09")
    _many_units(60, 10, agent)
    compute_period("2026-10")
    with django_assert_num_queries(11):
        large = client.get("/dashboard/?period=2026-10")
    assert len(large.context["page"].object_list) == 50  # paged, not one long table
    assert len(small.context["page"].object_list) == 3


def test_ranking_pages_and_groups_the_unranked_apart(computed, staff):
    response = _browser(staff.leader).get("/dashboard/?period=2026-10&group=street")
    ranked = response.context["page"].object_list
    assert [r.unit.code for r in ranked] == [S2, S1]
    # 341 streets below the minimum: listed apart, collapsed
    assert len(response.context["unranked"]) == 343 - 2
    assert "<details" in response.content.decode()


def test_a_district_is_one_click_from_its_streets(computed, staff):
    response = _browser(staff.leader).get("/dashboard/?period=2026-10&group=street&district=110102")
    assert response.context["page"].object_list == []
    assert all(r.unit.code.startswith("110102") for r in response.context["unranked"])


# --- scope (SPEC §16) -------------------------------------------------------------------------


@pytest.fixture
def district_leader(make_user):
    return make_user(Role.LEADER, DISTRICT, "leader-dongcheng")


def test_a_district_leader_sees_the_district_and_its_units(computed, staff, district_leader, api):
    client = _browser(district_leader)
    response = client.get("/dashboard/?period=2026-10&group=street")
    assert response.status_code == 200
    units = [r.unit for r in response.context["page"].object_list] + [
        r.unit for r in response.context["unranked"]
    ]
    assert units and all(u.district.code == DISTRICT for u in units)
    assert [d.unit.code for d in response.context["districts"]] == [DISTRICT]
    # its headline is the district's, not the city's
    assert response.context["summary"].unit.code == DISTRICT
    # 每月一题 is linked for every reader; knowledge statistics only for city-wide readers
    assert "/dashboard/topics/" in response.content.decode()
    assert "/dashboard/knowledge/" not in response.content.decode()
    city_page = _browser(staff.leader).get("/dashboard/?period=2026-10").content.decode()
    assert "/dashboard/topics/" in city_page and "/dashboard/knowledge/" in city_page
    # drill-downs into another district are not found
    assert client.get("/dashboard/drill/2026-10/110102001/volume/").status_code == 404
    assert client.get(f"/dashboard/drill/2026-10/{S1}/volume/").status_code == 200
    # exports carry only the district's rows
    text = b"".join(
        client.get("/dashboard/ranking.csv?period=2026-10&group=street").streaming_content
    ).decode("utf-8-sig")
    codes = [line.split(",")[2] for line in text.splitlines()[2:]]
    assert codes and all(code.startswith("110101") for code in codes)
    # and so does the scores API
    rows = api(district_leader).get("/api/v1/scores/", {"period": "2026-10"}).json()["results"]
    assert rows and all(r["unit"].startswith("110101") for r in rows)


def test_a_city_leader_reads_the_city(computed, staff):
    response = _browser(staff.leader).get("/dashboard/?period=2026-10&group=district")
    assert response.context["summary"].unit is None
    assert len(response.context["districts"]) == 16


# --- bands and ≈ ------------------------------------------------------------------------------


def _row(composite, low, high, flagged=False):
    return SimpleNamespace(
        composite=Decimal(composite),
        composite_low=Decimal(low),
        composite_high=Decimal(high),
        flagged=flagged,
    )


@override_settings(SCORING_BANDS=[(90, "好"), (80, "较好"), (0, "较差")])
def test_bands_follow_the_configured_thresholds():
    rows = bands.annotate([_row(95, 93, 97), _row(85, 82, 88), _row(60, 55, 65)])
    assert [r.band for r in rows] == ["好", "较好", "较差"]
    assert [r.band_class for r in rows] == ["good", "fair", "poor"]


@override_settings(SCORING_BANDS=[(90, "好"), (80, "较好"), (0, "较差")])
def test_approx_only_where_the_interval_could_change_band_or_flag():
    a = _row(95, 93, 97)  # overlaps b, but both are surely 好: no mark
    b = _row(94, 92, 96)
    c = _row(89, 86, 92)  # its interval reaches over 90: band uncertain
    d = _row(70, 60, 75)  # spared
    e = _row(68, 62, 74, flagged=True)  # first flagged: overlaps d across the flag line
    rows = bands.annotate([a, b, c, d, e])
    assert [r.uncertain for r in rows] == [False, False, True, True, True]
    far = bands.annotate([_row(70, 69, 71), _row(50, 49, 51, flagged=True)])
    assert [r.uncertain for r in far] == [False, False]
