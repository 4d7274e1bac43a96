"""Security headers (django-csp and Django's own) and idle sessions; the pages keep working
under the policy in a real Chromium (no refused script, style or request)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from hotline import idle_sessions
from tests.pages.test_walk import CHROMIUM, browser_type_launch_args  # noqa: F401 (fixture)
from tests.tickets.test_api_tickets import make_ticket

PASSWORD = "headers-pass-12345"


@pytest.mark.django_db
def test_pages_carry_the_policy_and_frame_and_referrer_headers(client, staff):
    client.force_login(staff.operator)
    resp = client.get("/console/")
    policy = resp["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert resp["X-Frame-Options"] == "DENY"
    assert resp["Referrer-Policy"] == "same-origin"
    assert resp["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_requests_move_the_idle_expiry_once_a_minute_and_an_idle_session_ends(
    client, staff, settings, monkeypatch
):
    client.force_login(staff.street)
    row = Session.objects.get()
    first = row.expire_date
    # within a minute of logging in: the session is not written again
    resp = client.get("/inbox/")
    assert resp.status_code == 200 and "sessionid" not in resp.cookies
    assert Session.objects.get().expire_date == first
    # a minute later the next request moves the expiry on and sends a fresh cookie
    later = idle_sessions.clock() + idle_sessions.REFRESH_SECONDS
    monkeypatch.setattr(idle_sessions, "clock", lambda: later)
    resp = client.get("/inbox/")
    assert resp.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
    assert Session.objects.get().expire_date > first
    # Idle longer than the configured age: the next request finds no session.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    resp = client.get("/inbox/")
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Debian's Chromium at {CHROMIUM}")
@pytest.mark.django_db(transaction=True)
def test_the_pages_work_under_the_policy_in_chromium(live_server, browser, staff, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ticket = make_ticket(staff, dispatch_to="110101001")
    refused = []
    for user, paths in (
        (staff.operator, ["/", "/console/", f"/tickets/{ticket.number}/", "/dispatch/"]),
        (staff.street, ["/inbox/", f"/tickets/{ticket.number}/", "/notifications/"]),
    ):
        user.set_password(PASSWORD)
        user.save()
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else 0)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_url(f"{live_server.url}/")
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
        if user == staff.operator:
            # The console's script runs (it is a file of this site): typing an address
            # asks the lookup and fills in the district.
            page.goto(f"{live_server.url}/console/")
            page.fill("#id_address", "北京市东城区东华门街道")
            # (A locator, not wait_for_function: the policy forbids Playwright's eval too.)
            expect(page.locator("#address-match")).to_contain_text("东城区", timeout=10000)
        context.close()
    assert refused == []
