"""The partial GIN index of the last two weeks' tickets (tickets/search/recent_index.py),
beside the four months' one; PostgreSQL only."""

from django.db import migrations

from tickets.search.recent_index import migration_step


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY: ticket intake goes on while it builds

    dependencies = [("tickets", "0012_caller_name_beginning")]

    operations = [migration_step("ticket_search_week_")]
