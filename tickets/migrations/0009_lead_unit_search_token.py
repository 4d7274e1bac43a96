"""The ticket's search vector also holds its lead unit, as the lexeme '@lead<unit id>'.

A street's search ANDs that lexeme with the words in one GIN lookup (tickets/search/
scope_token.py): the street's few led tickets steer the scan past the word's long list.
PostgreSQL keeps the lexeme in step, since the vector is a column generated from
search_tokens and lead_unit_id. No query can type it: to_tsquery drops the '@'.

PostgreSQL 15 cannot change a generated column's expression, so the column is dropped
(with the GIN index and the recent partial index on it) and added again: a rewrite of the
ticket table. PostgreSQL only.
"""

from django.db import migrations, transaction

OLD = "to_tsvector('simple'::regconfig, search_tokens)"
NEW = (
    f"{OLD} || CASE WHEN lead_unit_id IS NULL THEN ''::tsvector "
    "ELSE array_to_tsvector(ARRAY['@lead' || lead_unit_id::text]) END"
)


def _vector(expression):
    def run(apps, schema_editor):
        from tickets.search.recent_index import refresh

        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search_tokens_tsv")
            cursor.execute(
                "ALTER TABLE tickets_ticket ADD COLUMN search_tokens_tsv tsvector "
                f"GENERATED ALWAYS AS ({expression}) STORED"
            )
            cursor.execute(
                "CREATE INDEX ticket_search_tokens ON tickets_ticket USING gin (search_tokens_tsv)"
            )
        refresh(using=connection)

    return run


class Migration(migrations.Migration):
    atomic = False  # the recent index is built CONCURRENTLY

    dependencies = [("tickets", "0008_inbox_deadline_index")]

    operations = [migrations.RunPython(_vector(NEW), _vector(OLD), elidable=False)]
