"""Full-text search over mention title and text: a GIN index on PostgreSQL (none on SQLite).

The expression is what `monitors.search` (SearchVector of title and text) generates.
"""

from django.db import migrations

INDEX = "monitors_mention_search_gin"
EXPRESSION = "to_tsvector('english'::regconfig, COALESCE(title, '') || ' ' || COALESCE(text, ''))"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON monitors_mention USING GIN ({EXPRESSION})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("monitors", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
