"""A page of tickets reads all the units it names in one query (tickets.row_units), and
each row gets the same units Django's own prefetch would give it."""

import pytest
from django.db.models import Prefetch

from hotline.models import Unit
from tickets.models import Participation, Ticket
from tickets.selectors import list_tickets

from .test_api_tickets import make_ticket

pytestmark = pytest.mark.django_db


def _units(ticket):
    return (
        ticket.street,
        ticket.district,
        ticket.community,
        ticket.lead_unit,
        sorted((p.role, p.unit) for p in ticket.participations.all()),
    )


def test_a_pages_units_come_in_one_query_and_match_djangos_prefetch(
    staff, django_assert_num_queries
):
    community = Unit.objects.filter(type="community", parent__code="110101001").first()
    make_ticket(staff, dispatch_to="110101001", co_units=["110101-CGZF"])
    make_ticket(staff, dispatch_to="110101-CGZF", community=community)
    make_ticket(staff, street=None, district=Unit.objects.get(code="110105"))  # not dispatched
    rows = list_tickets(staff.dispatcher)
    # rows, categories, masters (none named: no query), participations, then the units
    with django_assert_num_queries(4):
        ours = [_units(t) for t in rows]
    plain = Ticket.objects.filter(pk__in=[t.pk for t in rows]).order_by("-received_at", "-id")
    django_prefetched = [
        _units(t)
        for t in plain.select_related(
            "street", "district", "community", "lead_unit"
        ).prefetch_related(Prefetch("participations", Participation.objects.select_related("unit")))
    ]
    assert ours == django_prefetched
    assert ours[1][2] == community and ours[0][3] is None  # a community; no lead unit yet
    assert ("co", Unit.objects.get(code="110101-CGZF")) in ours[2][4]


def test_other_lookups_and_value_rows_are_left_to_django(staff, django_assert_num_queries):
    make_ticket(staff, dispatch_to="110101001")
    rows = Ticket.objects.prefetch_related(
        "street", Prefetch("participations", Participation.objects.select_related("unit"))
    )
    with django_assert_num_queries(3):  # rows, participations with units, the street
        [(t.street.code, [p.unit.code for p in t.participations.all()]) for t in rows]
    assert list(rows.values_list("street__code", flat=True)) == ["110101001"]
