"""The list rows' filters give what the tags they replace give (see their modules)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from hotline.templatetags.stamps import minute
from tickets.templatetags.ticket_links import ticket_url


def test_ticket_url_is_what_reverse_gives():
    for number in ["26120700002", "0", "N1"]:
        assert ticket_url(number) == reverse("ticket", args=[number])
        for step in ["dispatch", "review-return", "callback"]:
            assert ticket_url(number, step) == reverse("ticket-step", args=[number, step])


def test_ticket_url_follows_the_script_prefix():
    try:
        set_script_prefix("/hotline/")
        assert ticket_url("26120700002") == "/hotline/tickets/26120700002/"
        assert ticket_url("26120700002") == reverse("ticket", args=["26120700002"])
    finally:
        set_script_prefix("/")
    assert ticket_url("26120700002") == "/tickets/26120700002/"


def test_minute_is_the_date_filters_y_m_d_h_i_in_the_current_time_zone():
    moment = datetime(2026, 12, 7, 16, 5, tzinfo=ZoneInfo("UTC"))  # 00:05 next day in Beijing
    rendered = Template('{% load stamps %}{{ t|minute }}|{{ t|date:"Y-m-d H:i" }}|{{ n|minute }}')
    with timezone.override("Asia/Shanghai"):
        assert rendered.render(Context({"t": moment, "n": None})) == (
            "2026-12-08 00:05|2026-12-08 00:05|"
        )
    assert minute(None) == ""
