"""Units and categories by code, kept in each process for a minute.

Every intake names a street and a category by code; reading both from the database was a
fifth of an intake's time. The directory changes a few times a year, so each process
keeps the whole of what a field may name (Beijing's 343 streets, 204 categories), read
in one query and again after `SECONDS`. Kept code by code it seldom helped: at the
city's forty calls a minute, shared among the web processes, a street was rarely named
twice in one process's minute. A directory too large to read each minute (the 6,919
communities) is kept code by code all the same, each minute's afresh. An admin's change
(a street closed, a category's default level) is seen at once by the process that saved
it (the signals below) and within a minute by the others. A code not kept is looked up
on its own: a unit added in the admin is found by its next use.
"""

import copy
import time

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Category, Unit

SECONDS = 60.0
# Read whole when it has at most this many rows (streets 343, categories 204); Beijing's
# 6,919 communities took 200 ms to read, so they are kept as they are named.
WHOLE_AT_MOST = 1_000
_shared: dict[str, "KeptByCode"] = {}


class KeptByCode:
    """`get(code)`: the row of `queryset` with that code (a copy of the kept one), or None."""

    def __init__(self, queryset, seconds=SECONDS):
        self.queryset, self.seconds = queryset, seconds
        self.clear()

    def get(self, code: str):
        now = time.monotonic()
        if self._read_at is None or now - self._read_at > self.seconds:
            self._rows, self._read_at = self._read_whole(), now
        row = self._rows.get(code)
        if row is None:  # added since the table was read, too many to read, or no such code
            row = self.queryset.filter(code=code).first()
            if row is None:
                return None
            self._rows[code] = row
        # a copy: a caller that sets an attribute on its row changes no one else's
        return copy.copy(row)

    def _read_whole(self) -> dict:
        if self._too_many:
            return {}
        rows = list(self.queryset.all()[: WHOLE_AT_MOST + 1])  # .all(): read anew
        if len(rows) > WHOLE_AT_MOST:
            self._too_many = True
            return {}
        return {row.code: row for row in rows}

    def clear(self):
        self._rows, self._read_at, self._too_many = {}, None, False


def kept_for(queryset) -> KeptByCode:
    """The one cache of this queryset's rows in this process, whichever field (or copy of a
    field, per serializer and language) reads them."""
    key = f"{queryset.model._meta.label} {queryset.query}"
    if key not in _shared:
        _shared[key] = KeptByCode(queryset)
    return _shared[key]


def clear_all():
    for kept in _shared.values():
        kept.clear()


@receiver(post_save, sender=Unit)
@receiver(post_delete, sender=Unit)
@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
def _directory_changed(**kwargs):
    clear_all()
