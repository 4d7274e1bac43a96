"""The dashboard in a real browser (Debian's Chromium): charts and map drawn, no script error,
a district one click from its streets."""

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scoring.compute import compute_period, publish_period
from tests.scoring.factory import answers, scored

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "dash-pass-12345"
BJ = ZoneInfo("Asia/Shanghai")

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"needs Debian's Chromium at {CHROMIUM}"
    ),
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_draws_its_charts_and_map(live_server, browser, staff):
    agent = staff.callback_agent
    for month in (8, 9, 10):
        for code in ("110101001", "110101002", "110102001"):
            scored(code, datetime(2026, month, 15, 10, tzinfo=BJ), agent, answers(12, solved=9))
        compute_period(f"2026-{month:02d}")
        publish_period(f"2026-{month:02d}")
    staff.leader.set_password(PASSWORD)
    staff.leader.save()

    context = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", staff.leader.username)
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/dashboard/")
        assert "2026-10" in page.locator("nav.periods strong").inner_text()
        for chart in ("chart-city", "chart-map", "chart-mix", "chart-trend"):
            page.wait_for_selector(f"#{chart} canvas")
        # the map is drawn once its outlines have arrived from the project's static files
        # (polled from here: wait_for_function needs an eval the pages' CSP forbids)
        drawn = "echarts.getInstanceByDom(document.getElementById('chart-map'))"
        drawn += ".getOption().series.length === 1"
        for _ in range(100):
            if page.evaluate(drawn):
                break
            page.wait_for_timeout(100)
        assert page.evaluate(drawn), "the map was not drawn within 10 s"
        page.select_option("#map-figure", "per_10k")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / "dashboard.png", full_page=True)
        assert errors == []
        assert all(url.startswith(live_server.url) for url in requests), requests
        # a click on 东城区 opens its streets
        page.evaluate(
            "echarts.getInstanceByDom(document.getElementById('chart-map'))"
            ".trigger('click', {name: '东城区'})"
        )
        page.wait_for_url("**district=110101**")
        names = page.locator("table.ranking tbody td:nth-child(4)").all_inner_texts()
        assert sorted(names) == ["东华门街道", "景山街道"]
    finally:
        context.close()
