"""The partial GIN index of recent tickets (tickets/search/recent_index.py), PostgreSQL only."""

from django.db import migrations


def build(apps, schema_editor):
    from tickets.search.recent_index import refresh

    refresh(using=schema_editor.connection)


def drop(apps, schema_editor):
    from tickets.search.recent_index import drop_tier

    drop_tier(using=schema_editor.connection)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY: ticket intake goes on while it builds

    dependencies = [("tickets", "0006_merge_20261204_1227")]

    operations = [migrations.RunPython(build, drop, elidable=False)]
