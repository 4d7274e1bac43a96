"""Bulk rows for ranking mechanics, where only the counts matter (not the paths to them)."""

from itertools import count

from hotline.models import Unit
from tests.conftest import leaf
from tickets.models import Callback, Ticket

_numbers = count(1)


def scored(unit_code, when, agent, answers, *, extra_volume=0):
    """Tickets led by the unit, dispatched at `when`, each with one counted callback.

    `answers`: (contacted, solved, satisfaction) per valid callback; `extra_volume` more
    tickets without a callback.
    """
    unit = Unit.objects.get(code=unit_code)
    category = leaf()
    tickets = Ticket.objects.bulk_create(
        Ticket(
            number=f"T{next(_numbers):09d}",
            channel="phone",
            received_at=when,
            kind="complaint",
            category=category,
            content="x",
            urgency=3,
            status="closed",
            lead_unit=unit,
            street=unit if unit.type == "street" else None,
            dispatched_at=when,
        )
        for _ in range(len(answers) + extra_volume)
    )
    Callback.objects.bulk_create(
        Callback(
            ticket=t,
            agent=agent,
            at=when,
            valid=True,
            contacted=c,
            solved=s,
            satisfaction=sat,
            counted=True,
            lead_unit=unit,
        )
        for t, (c, s, sat) in zip(tickets, answers, strict=False)
    )
    return tickets


def answers(n, *, contacted=None, solved=None, satisfied=None, basic=0):
    """n valid answers: the first `contacted` contacted, `solved` solved, `satisfied`
    satisfied then `basic` basically satisfied, the rest unsatisfied."""
    contacted = n if contacted is None else contacted
    solved = n if solved is None else solved
    satisfied = n if satisfied is None else satisfied
    sats = (
        ["satisfied"] * satisfied
        + ["basically_satisfied"] * basic
        + ["unsatisfied"] * (n - satisfied - basic)
    )
    return [(i < contacted, i < solved, sats[i]) for i in range(n)]
