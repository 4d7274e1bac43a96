"""Readable unique ticket numbers: YYMMDD and the day's serial, e.g. 26112100001."""

from django.db import connection
from django.utils import timezone

from .models import DailyCounter


def next_number(at=None) -> str:
    """The day's next serial in one statement (an upsert that returns the new count).

    The row stays locked until the caller's transaction ends, so concurrent intakes queue
    here for a moment and a rolled-back intake gives its number back. PostgreSQL and
    SQLite (3.35+) both speak this INSERT … ON CONFLICT … RETURNING.
    """
    day = timezone.localdate(at)
    table = connection.ops.quote_name(DailyCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [day.isoformat()],
        )
        serial = cursor.fetchone()[0]
    return f"{day:%y%m%d}{serial:05d}"
