"""Reads that may lag a little (dashboards, exports, scoring) can go to a read replica.

Nothing goes there unless DATABASE_REPLICA_URL is set *and* the code asks for it by
running inside `replica_reads()`; everything else — every write, and every read of a
ticket someone is acting on — stays on the primary. Without a replica configured,
`replica_reads()` changes nothing, so code can use it today.

    from hotline.db_router import replica_reads

    with replica_reads():
        rows = list(selectors.hot_spots(period))
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_use_replica: ContextVar[bool] = ContextVar("use_replica", default=False)


@contextmanager
def replica_reads():
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _use_replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None  # the default database

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"  # the replica follows the primary's schema by replication
