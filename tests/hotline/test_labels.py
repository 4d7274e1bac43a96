"""The `label` filter shows what get_FOO_display shows, in the language active now."""

import pytest
from django.template import engines
from django.utils import translation

from hotline.models import Role, User
from hotline.templatetags.labels import label
from tickets.models import Status, Ticket, Urgency


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_status_and_level_reads_as_get_display_does(language):
    with translation.override(language):
        for status in Status.values:
            ticket = Ticket(status=status)
            assert label(ticket, "status") == ticket.get_status_display()
        for level in Urgency.values:
            ticket = Ticket(urgency=level)
            assert label(ticket, "urgency") == ticket.get_urgency_display()


def test_the_labels_follow_the_language_switched_to():
    ticket = Ticket(status=Status.NEW)
    with translation.override("zh-hans"):
        chinese = label(ticket, "status")
    with translation.override("en"):
        english = label(ticket, "status")
    assert (chinese, english) == ("待派单", "To dispatch")


def test_a_value_outside_the_choices_shows_as_it_is():
    assert label(Ticket(status="archived"), "status") == "archived"


def test_in_a_template_and_through_a_lazy_user():
    from django.utils.functional import SimpleLazyObject

    user = SimpleLazyObject(lambda: User(username="op", role=Role.OPERATOR))
    page = engines["django"].from_string('{% load labels %}{{ user|label:"role" }}')
    with translation.override("zh-hans"):
        assert page.render({"user": user}) == User(role=Role.OPERATOR).get_role_display()
