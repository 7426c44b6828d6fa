"""Trigram indexes for the inbox search, on PostgreSQL only.

The search runs UPPER(col) LIKE UPPER('%word%') (Django's icontains); GIN trigram indexes
on the same UPPER(col) expressions let PostgreSQL answer it without reading every row.
SQLite has no such index and searches through its own fold function (inbox.db), so
there this migration does nothing. The indexes are built CONCURRENTLY so that a large
message table keeps taking webhooks while they are built.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# index name: (model, column)
INDEXES = {
    "message_text_trgm_idx": ("Message", "text"),
    "contact_name_trgm_idx": ("Contact", "name"),
    "identity_name_trgm_idx": ("Identity", "name"),
    "identity_handle_trgm_idx": ("Identity", "handle"),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for name, (model, column) in INDEXES.items():
        table = apps.get_model("inbox", model)._meta.db_table
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {quote(name)} "
            f"ON {quote(table)} USING gin (UPPER({quote(column)}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("inbox", "0005_agent_profiles_and_reads"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
