"""The partial GIN index of the last five weeks' tickets (tickets/search/recent_index.py),
for the 30-day window of a search; PostgreSQL only."""

from django.db import migrations


def build(apps, schema_editor):
    from tickets.search.recent_index import refresh

    refresh(using=schema_editor.connection)


def drop(apps, schema_editor):
    from tickets.search.recent_index import drop_tier

    drop_tier("ticket_search_month_", using=schema_editor.connection)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY: ticket intake goes on while it builds

    dependencies = [("tickets", "0014_tokens_cut_as_simplified")]

    operations = [migrations.RunPython(build, drop, elidable=False)]
