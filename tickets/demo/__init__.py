"""Months of realistic demo tickets, written through the actions with back-dated `now=`.

Every ticket is a small scenario (a generator) that yields the moment of its next step. A
scheduler runs all steps of all tickets in time order, and the deadline sweep every
simulated hour, so histories, deadlines, overdue flags and callbacks are what the real
system would have produced. Steps later than now are simply not taken: those tickets are
still open today.

A year of history in about a minute: the last month is a full working month (enquiries,
transfers, repeats, every showcase scenario); the eleven before it carry only the tickets that
are counted in the three rates — the dispatched ones, each still walked through every real
action — at a lower daily rate that rises towards today. Fewer tickets, each a complete
honest life, rather than a bulk insert that would bypass the lifecycle table. Two
street-and-category hot spots grow over the last four months (每月一题 candidates).
"""

from .generator import Demo, Stats
from .material import CONTENT, ESTATES, ROADS
from .people import (
    CENTRE_LOGINS,
    PASSWORD,
    UNIT_LOGINS,
    demo_tickets_exist,
    ensure_directory,
    ensure_users,
    login_rows,
)

__all__ = [
    "CENTRE_LOGINS",
    "CONTENT",
    "ESTATES",
    "PASSWORD",
    "ROADS",
    "UNIT_LOGINS",
    "Demo",
    "Stats",
    "demo_tickets_exist",
    "ensure_directory",
    "ensure_users",
    "login_rows",
]
