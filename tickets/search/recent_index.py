"""Partial GIN indexes of the ticket search over recent tickets: one of the last ~4 months,
one of the last ~5 weeks, one of the last ~2 weeks.

A GIN index answers a word with a bitmap of every ticket holding it, so its cost grows
with the table: 噪音 is 58,000 tickets of two million, 7 ms of posting list and 8 ms of
bitmap before a row is read. A newest-first search reads its hits in windows of the last
7, 30 and 90 days (hotline.pagination.HitsPaginator); with `received_at >= <date>` in the
query PostgreSQL picks the smallest partial index that holds the window, whose lists hold
only the recent tickets: the cost follows the tickets of a few days or months, not of
every year kept. Each window has the smallest tier that holds it: the week's is for the
first window and for busy place names, which every address of a street holds (左家庄 at
2 M: 24,806 hits in four months' index to keep the 5,794 of the week); the month's for
the 30-day window, which read four months' lists before it had its own (a four-character
word at 2 M: 8–15 ms of its 12–24 ms page); the four months' for the 90-day window. The
rest reads the whole index.

Each index is named by its tier and first day (`ticket_search_recent_20260801`).
`refresh` (daily, beat task `tickets.tasks.refresh_recent_search_index_task`) builds a new
one, CONCURRENTLY, once the current one of its tier reaches back more than its stale days,
then drops the tier's old one: it always covers at least its widest window. Nothing on
SQLite.
"""

from datetime import date, datetime, timedelta

from django.db import connection, migrations
from django.utils import timezone

# name's prefix: (a new index starts this many days back, is replaced once it reaches back
# this far); each starts further back than the widest window it serves
TIERS = {
    "ticket_search_recent_": (120, 150),  # the 90-day window
    "ticket_search_month_": (35, 45),  # the 30-day window, rebuilt every ten days
    "ticket_search_week_": (9, 14),  # the 7-day window, rebuilt every five days
}


def recent_indexes(using=connection, prefix=None) -> dict[str, date]:
    """{name: first day} of the recent search indexes there are (valid or not), of one tier
    or of all."""
    prefixes = [prefix] if prefix else list(TIERS)
    with using.cursor() as c:
        c.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'tickets_ticket' "
            "AND indexname LIKE ANY(%s)",
            [[p + "%" for p in prefixes]],
        )
        names = [name for (name,) in c.fetchall()]
    return {name: datetime.strptime(name[-8:], "%Y%m%d").date() for name in names}


def drop_tier(prefix=None, using=connection) -> None:
    """Drop a tier's indexes, or every tier's: the reverse of the migrations that build them."""
    if using.vendor != "postgresql":
        return
    _drop(recent_indexes(using, prefix), using)


def migration_step(prefix=None) -> migrations.RunPython:
    """A migration's step that builds the tiers' indexes there are not yet (refresh) and,
    reversed, drops `prefix`'s tier (every tier without one). The migration must not be
    atomic: CREATE INDEX CONCURRENTLY, so ticket intake goes on while it builds."""

    def build(apps, schema_editor):
        refresh(using=schema_editor.connection)

    def drop(apps, schema_editor):
        drop_tier(prefix, using=schema_editor.connection)

    return migrations.RunPython(build, drop, elidable=False)


def _drop(names, using) -> None:
    with using.cursor() as c:
        for name in names:
            c.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


def refresh(now=None, using=connection) -> list[str]:
    """Build a tier's new index when it has none or it reaches back too far; drop the
    tier's others. Returns the names built. Must run outside a transaction."""
    if using.vendor != "postgresql":
        return []
    today = timezone.localdate(now or timezone.now())
    built = [_refresh_tier(prefix, today, using) for prefix in TIERS]
    return [name for name in built if name]


def _refresh_tier(prefix, today, using) -> str | None:
    horizon, stale = TIERS[prefix]
    have = recent_indexes(using, prefix)
    if have and min(today - day for day in have.values()) <= timedelta(days=stale):
        keep = max(have, key=have.get)
        built = None
    else:
        first = today - timedelta(days=horizon)
        keep = built = f"{prefix}{first:%Y%m%d}"
        since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
        _drop([built], using)  # a build cut short
        with using.cursor() as c:
            c.execute(
                f'CREATE INDEX CONCURRENTLY "{built}" ON tickets_ticket '
                f"USING gin (search_tokens_tsv) WHERE received_at >= %s",
                [since],
            )
    _drop([name for name in have if name != keep], using)
    return built
