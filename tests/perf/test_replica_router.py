"""The read-replica router: only reads inside replica_reads(), only when one is configured."""

import pytest
from django.conf import settings

from hotline.db_router import ReplicaRouter, replica_reads
from hotline.models import Unit

router = ReplicaRouter()


def test_without_a_replica_every_read_stays_on_the_primary():
    assert "replica" not in settings.DATABASES
    with replica_reads():
        assert router.db_for_read(Unit) is None
    assert router.db_for_write(Unit) == "default"


def test_with_a_replica_only_the_reads_asked_for_go_there(monkeypatch):
    # The router reads the setting; the connections Django already opened are untouched.
    monkeypatch.setitem(settings.DATABASES, "replica", dict(settings.DATABASES["default"]))
    assert router.db_for_read(Unit) is None
    with replica_reads():
        assert router.db_for_read(Unit) == "replica"
        assert router.db_for_write(Unit) == "default"
    assert router.db_for_read(Unit) is None
    assert not router.allow_migrate("replica", "tickets")


@pytest.mark.django_db
def test_replica_reads_without_a_replica_read_the_primary(directory):
    with replica_reads():
        assert Unit.objects.filter(code="12345").exists()
