"""The events' full-text index is now `nrfsite.core.fulltext`'s, made after every migrate on both engines.

The GIN index of migration 0005 indexed the expression Django's SearchVector writes; the new one indexes
the expression `fulltext` writes for its index and its queries alike (so the two cannot drift apart), and
SQLite gains an FTS5 index. The old index is dropped here.
"""

from django.db import migrations


def drop_old_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS events_event_search")


class Migration(migrations.Migration):
    dependencies = [("events", "0016_marker_citations")]

    operations = [migrations.RunPython(drop_old_index, migrations.RunPython.noop, elidable=False)]
