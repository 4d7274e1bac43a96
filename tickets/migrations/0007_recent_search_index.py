"""The partial GIN index of recent tickets (tickets/search/recent_index.py), PostgreSQL only."""

from django.db import migrations

from tickets.search.recent_index import migration_step


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY: ticket intake goes on while it builds

    dependencies = [("tickets", "0006_merge_20261204_1227")]

    operations = [migration_step()]
