"""The units a ticket names (street, district, community, lead unit) and its participations'
units, read in one query for one ticket or a page of them.

Django prefetches each relation with a query of its own, and since 5.2 builds a tuple
lookup with an expression per id for each (a sixth of a 50-row search page's Python at two
million tickets). Units are one table: one `id IN (…)` serves them all.
"""

from django.db import models
from django.db.models import prefetch_related_objects
from django.db.models.query import ModelIterable

from hotline.models import Unit

TICKET_UNITS = ("street", "district", "community", "lead_unit")
PARTICIPANT_UNITS = "participations__unit"


def attach_units(tickets, names=TICKET_UNITS, participants=False) -> None:
    """Set each ticket's `names` units (and, with `participants`, the unit of each of its
    prefetched participations) from one query."""
    fields = [tickets[0]._meta.get_field(name) for name in names] if tickets else []
    parts = [p for t in tickets for p in t.participations.all()] if participants else []
    ids = {getattr(t, f.attname) for t in tickets for f in fields} | {p.unit_id for p in parts}
    ids.discard(None)
    units = Unit.objects.in_bulk(ids) if ids else {}
    for ticket in tickets:
        for field in fields:
            field.set_cached_value(ticket, units.get(getattr(ticket, field.attname)))
    for part in parts:
        part.unit = units[part.unit_id]


class TicketQuerySet(models.QuerySet):
    """`prefetch_related("street", …, "participations__unit")` as usual; the units among
    the lookups are read together (attach_units), the rest as Django reads them."""

    def _prefetch_related_objects(self):
        # Django's own step after the rows are read (QuerySet._fetch_all), kept for every
        # lookup but the units: strings only, a Prefetch object goes to Django unchanged.
        lookups = self._prefetch_related_lookups
        if self._iterable_class is not ModelIterable:
            return super()._prefetch_related_objects()
        names = [name for name in TICKET_UNITS if name in lookups]
        participants = PARTICIPANT_UNITS in lookups
        rest = [x for x in lookups if x not in names and x != PARTICIPANT_UNITS]
        if participants and "participations" not in rest:
            rest.append("participations")
        prefetch_related_objects(self._result_cache, *rest)
        attach_units(self._result_cache, names, participants)
        self._prefetch_done = True
