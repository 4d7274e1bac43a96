"""A second, partial GIN index of the ticket search: the tickets of the last ~4 months.

A GIN index answers a word with a bitmap of every ticket holding it, so its cost grows
with the table: 噪音 is 58,000 tickets of two million, 7 ms of posting list and 8 ms of
bitmap before a row is read. A newest-first search reads its hits in windows of the last
7, 30 and 90 days (hotline.pagination.HitsPaginator); with `received_at >= <date>` in the
query PostgreSQL picks this partial index instead, whose lists hold only the recent
tickets, and ANDs it with the received_at index: the cost follows the tickets of a few
months, not of every year kept. Older windows and the rest use the whole index.

The index is named by its first day (`ticket_search_recent_20260801`). `refresh` (daily,
beat task `tickets.tasks.refresh_recent_search_index_task`) builds a new one, CONCURRENTLY,
once the current one reaches back more than STALE_DAYS, then drops the old: it always
covers at least the widest window. Nothing on SQLite.
"""

from datetime import date, datetime, timedelta

from django.db import connection
from django.utils import timezone

PREFIX = "ticket_search_recent_"
HORIZON_DAYS = 120  # a new index starts this far back (the widest window is 90 days)
STALE_DAYS = 150  # and is replaced once it reaches back this far


def recent_indexes(using=connection) -> dict[str, date]:
    """{name: first day} of the recent search indexes there are (valid or not)."""
    with using.cursor() as c:
        c.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'tickets_ticket' "
            "AND indexname LIKE %s",
            [PREFIX + "%"],
        )
        names = [name for (name,) in c.fetchall()]
    return {name: datetime.strptime(name[len(PREFIX) :], "%Y%m%d").date() for name in names}


def refresh(now=None, using=connection) -> str | None:
    """Build a new recent index when there is none or it reaches back too far; drop the
    others. Returns the name built, or None. Must run outside a transaction."""
    if using.vendor != "postgresql":
        return None
    today = timezone.localdate(now or timezone.now())
    have = recent_indexes(using)
    if have and min(today - day for day in have.values()) <= timedelta(days=STALE_DAYS):
        keep = max(have, key=have.get)
        built = None
    else:
        first = today - timedelta(days=HORIZON_DAYS)
        keep = built = f"{PREFIX}{first:%Y%m%d}"
        since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
        with using.cursor() as c:
            c.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{built}"')  # a build cut short
            c.execute(
                f'CREATE INDEX CONCURRENTLY "{built}" ON tickets_ticket '
                f"USING gin (search_tokens_tsv) WHERE received_at >= %s",
                [since],
            )
    with using.cursor() as c:
        for name in have:
            if name != keep:
                c.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')
    return built
