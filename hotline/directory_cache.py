"""Units and categories by code, kept in each process for a minute.

Every intake names a street and a category by code; reading both from the database was a
fifth of an intake's time. The directory changes a few times a year, so each process
keeps the rows it has read for `SECONDS`: an admin's change (a street closed, a category's
default level) is seen at once by the process that saved it (the signals below) and
within a minute by the others. A code not found is not kept: a unit added in the admin
is found by its next use.
"""

import copy
import time

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Category, Unit

SECONDS = 60.0
_shared: dict[str, "KeptByCode"] = {}


class KeptByCode:
    """`get(code)`: the row of `queryset` with that code (a copy of the kept one), or None."""

    def __init__(self, queryset, seconds=SECONDS):
        self.queryset, self.seconds = queryset, seconds
        self._rows: dict[str, tuple[float, object]] = {}

    def get(self, code: str):
        now = time.monotonic()
        kept = self._rows.get(code)
        if kept is None or now - kept[0] > self.seconds:
            row = self.queryset.filter(code=code).first()
            if row is None:
                return None
            kept = self._rows[code] = (now, row)
        # a copy: a caller that sets an attribute on its row changes no one else's
        return copy.copy(kept[1])

    def clear(self):
        self._rows.clear()


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
