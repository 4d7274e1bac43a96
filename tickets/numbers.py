"""Readable unique ticket numbers: YYMMDD and the day's serial, e.g. 26112100001."""

from django.db import connection
from django.utils import timezone

from .models import DailyCounter


def next_number(at=None) -> str:
    """The day's next serial in one statement (an upsert that returns the new count).

    Called outside a transaction (as intake calls it), on PostgreSQL the count commits at
    once: the day's row is locked for that statement alone. Inside the intake's
    transaction every intake of the city queued on that row until the one before had
    written its ticket, its history and its announcement and committed. The count's commit
    does not wait for the disk (synchronous_commit off): the ticket that takes the number
    commits after it, and PostgreSQL writes its log in order, so a ticket on disk has its
    count on disk too; a crash or a rolled-back intake leaves a gap, never a second
    ticket with the same number (SPEC §3 asks unique and readable, not gapless). Inside a
    transaction, or on SQLite, the count is part of it and a rollback gives it back.
    """
    day = timezone.localdate(at)
    table = connection.ops.quote_name(DailyCounter._meta.db_table)
    upsert = (
        f"INSERT INTO {table} (day, last) VALUES (%s, 1) "
        f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    )
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # one message, so one implicit transaction: the SET applies to this count alone
        upsert = f"SET LOCAL synchronous_commit TO OFF; {upsert}"
    with connection.cursor() as cursor:
        cursor.execute(upsert, [day.isoformat()])
        serial = cursor.fetchone()[0]
    return f"{day:%y%m%d}{serial:05d}"
