"""Editors read the vocabulary (properties, event types); only reviewers change it (nrfsite/editorial/roles.py)."""

from django.db import migrations


def sync(apps, schema_editor):
    from nrfsite.editorial.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("nrfsite", "0003_content_version_rows"),
        ("entities", "0006_alias_language_code"),
        ("events", "0006_index_status_updated_at"),
        ("sources", "0002_editorial_workflow"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
