"""The partial GIN index of the last five weeks' tickets (tickets/search/recent_index.py),
for the 30-day window of a search; PostgreSQL only."""

from django.db import migrations

from tickets.search.recent_index import migration_step


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY: ticket intake goes on while it builds

    dependencies = [("tickets", "0014_tokens_cut_as_simplified")]

    operations = [migration_step("ticket_search_month_")]
