"""The partial GIN index of the last two weeks' tickets (tickets/search/recent_index.py),
beside the four months' one; PostgreSQL only."""

from django.db import migrations


def build(apps, schema_editor):
    from tickets.search.recent_index import refresh

    refresh(using=schema_editor.connection)


def drop(apps, schema_editor):
    from tickets.search.recent_index import drop_tier

    drop_tier("ticket_search_week_", using=schema_editor.connection)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY: ticket intake goes on while it builds

    dependencies = [("tickets", "0012_caller_name_beginning")]

    operations = [migrations.RunPython(build, drop, elidable=False)]
