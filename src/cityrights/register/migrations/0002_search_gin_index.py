"""GIN index for the catalogue's full-text search, on PostgreSQL only.

SQLite has no tsvector type; there the catalogue falls back to a simple ``icontains`` search,
so the index is created only when the database is PostgreSQL.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS register_entry_search_gin "
        "ON register_entry USING gin (search_vector)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS register_entry_search_gin")


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
