"""The docs, the admin and the pages load nothing from outside the server: a city network
(and this machine) has no CDN. A real Chromium records every request it makes."""

from urllib.parse import urlsplit

import pytest

from hotline.models import Role

# The walk's Chromium set-up (Debian's binary, headless flags, ORM allowed in Playwright's loop).
from tests.pages.test_walk import (
    browser_type_launch_args,  # noqa: F401
    pytestmark,  # noqa: F401
)

PASSWORD = "offline-pass-12345"


@pytest.mark.django_db(transaction=True)
def test_docs_admin_and_pages_load_only_from_the_server(browser, live_server, make_user):
    admin = make_user(Role.ADMIN, "12345", username="offline-admin")
    admin.is_staff = admin.is_superuser = True
    admin.set_password(PASSWORD)
    admin.save()
    here = urlsplit(live_server.url).netloc
    outside, errors = [], []

    context = browser.new_context(locale="zh-CN")
    page = context.new_page()

    def check(route):
        # Anything not served by our own server is recorded and refused, internet or not.
        if urlsplit(route.request.url).netloc != here and not route.request.url.startswith("data:"):
            outside.append(route.request.url)
            return route.abort()
        return route.continue_()

    page.route("**/*", check)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def blocked(msg):
        # What the content security policy blocks is reported on the console. Chromium's own
        # XML viewer styles its tree inline, which the policy blocks too: not our page's fault.
        if "Content Security Policy" in msg.text and not page.url.endswith(".xml"):
            errors.append(f"{page.url}: {msg.text[:120]}")

    page.on("console", blocked)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/api/docs/", wait_until="networkidle")
    # Swagger UI really ran: the operations of the schema are on the page.
    page.locator(".opblock").first.wait_for(timeout=20000)
    assert page.locator(".opblock").count() > 40
    assert page.locator("text=12345 接诉即办 API").count() >= 1

    for path in (
        "/admin/",
        "/admin/tickets/ticket/",
        "/",
        "/dashboard/",
        "/console/",
        "/open311/v2/discovery.xml",
    ):
        page.goto(f"{live_server.url}{path}", wait_until="networkidle")
    context.close()
    assert outside == []
    assert errors == []
