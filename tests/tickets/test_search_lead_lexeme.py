"""A street's search finds its led tickets through the lead lexeme in the search vector and
those it takes part in by id (tickets.search.selectors.search_condition_for): the same
tickets as the plain scope, and the lexeme follows the lead unit wherever it moves."""

import pytest
from django.db import connection

from hotline.models import Unit
from tickets.models import Ticket
from tickets.search.selectors import lead_lexeme, search_tickets

from .test_api_tickets import make_ticket

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the lexeme is PostgreSQL's"),
]
HERE, THERE = "110101001", "110101002"  # 东华门街道 (staff.street's) and 景山街道


def _vector_holds(ticket, lexeme) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_tokens_tsv @@ %s::tsquery FROM tickets_ticket WHERE id = %s",
            [f"'{lexeme}'", ticket.pk],
        )
        return cursor.fetchone()[0]


def test_a_streets_search_is_its_led_and_co_handled_tickets_and_no_other(staff):
    led = make_ticket(staff, street=HERE, dispatch_to=HERE, content="楼下噪音扰民")
    co = make_ticket(staff, street=THERE, dispatch_to=THERE, co_units=[HERE], content="夜间噪音")
    make_ticket(staff, street=THERE, dispatch_to=THERE, content="施工噪音")
    make_ticket(staff, street=HERE, dispatch_to=HERE, content="楼上漏水")
    here = Unit.objects.get(code=HERE)
    assert _vector_holds(led, lead_lexeme(here.pk)) and not _vector_holds(co, lead_lexeme(here.pk))

    found = search_tickets(staff.street, "噪音")
    assert sorted(found.values_list("pk", flat=True)) == sorted([led.pk, co.pk])
    assert lead_lexeme(here.pk) in str(found.query)
    # a number and the last four digits go through the same two arms
    assert list(search_tickets(staff.street, led.number).values_list("pk", flat=True)) == [led.pk]


def test_the_lexeme_follows_the_lead_unit(staff):
    ticket = make_ticket(staff, street=HERE, dispatch_to=HERE, content="楼下噪音扰民")
    here, there = Unit.objects.get(code=HERE), Unit.objects.get(code=THERE)
    Ticket.objects.filter(pk=ticket.pk).update(lead_unit=there)  # PostgreSQL regenerates it
    assert _vector_holds(ticket, lead_lexeme(there.pk))
    assert not _vector_holds(ticket, lead_lexeme(here.pk))
    assert not search_tickets(staff.street, "噪音").exists()


def test_no_query_can_type_the_lexeme(staff):
    ticket = make_ticket(staff, street=HERE, dispatch_to=HERE, content="楼下噪音扰民")
    typed = lead_lexeme(ticket.lead_unit_id)  # "@lead<id>": the search reads "lead<id>"
    assert not search_tickets(staff.dispatcher, typed).exists()
