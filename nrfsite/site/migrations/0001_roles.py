"""The Editor and Reviewer groups (see nrfsite/editorial/roles.py)."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from nrfsite.editorial.roles import sync_roles

    sync_roles(apps)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Reviewer"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sources", "0002_editorial_workflow"),
        ("entities", "0005_editorial_workflow"),
        ("events", "0003_editorial_workflow"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
