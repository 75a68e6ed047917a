import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0013_status_without_index"),
        ("events", "0018_source_counts"),
    ]

    operations = [
        migrations.CreateModel(
            name="EventEntityCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("count", models.PositiveIntegerField()),
                (
                    "entity",
                    models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="entities.entity"),
                ),
            ],
        ),
    ]
