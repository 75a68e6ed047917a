"""The statement vocabulary the site cannot work without: infobox properties in their order."""

from django.db import migrations

# slug, label, inverse label, value type, infobox position (None: not in the infobox), description
PROPERTIES = [
    ("leader", "Leader", "leader of", "entity", 10, "Who leads the organization."),
    (
        "head-of-foreign-relations",
        "Head of Foreign Relations",
        "head of foreign relations of",
        "entity",
        20,
        "Who runs the organization's foreign relations.",
    ),
    ("chief-of-staff", "Chief of staff", "chief of staff of", "entity", 30, "Who heads the military staff."),
    ("spokesperson", "Spokesperson", "spokesperson of", "entity", 40, "Who speaks for the organization."),
    ("headquarters", "Headquarters", "headquarters of", "entity", 50, "Where the organization is based."),
    ("active-region", "Active regions", "active region of", "entity", 60, "Where the organization operates."),
    ("ideology", "Ideology", "", "text", 70, "What the organization stands for."),
    ("status", "Status", "", "text", 80, "Active, inactive, dissolved."),
    ("size", "Size", "", "quantity", 90, "How many members or fighters."),
    ("ally", "Allies", "ally of", "entity", 100, "Who fights on the same side."),
    ("supporter", "Supported by", "supporter of", "entity", 110, "Who supports it (money, arms, shelter)."),
    ("opponent", "Opponents", "opponent of", "entity", 120, "Who it fights against."),
    ("conflict", "Battles and wars", "participant", "entity", 130, "Which conflicts it takes part in."),
    ("predecessor", "Predecessor", "successor", "entity", 140, "What it is regarded as succeeding."),
    ("member-of", "Member of", "has member", "entity", 150, "What it belongs to."),
    ("founder", "Founded by", "founder of", "entity", 160, "Who founded it."),
    ("child-of", "Child of", "parent of", "entity", None, "A person's parent."),
]


def create_properties(apps, schema_editor):
    Property = apps.get_model("entities", "Property")
    for slug, label, inverse, value_type, position, description in PROPERTIES:
        Property.objects.get_or_create(
            slug=slug,
            defaults={
                "label": label,
                "inverse_label": inverse,
                "value_type": value_type,
                "infobox_position": position,
                "description": description,
            },
        )


def remove_properties(apps, schema_editor):
    apps.get_model("entities", "Property").objects.filter(
        slug__in=[row[0] for row in PROPERTIES], statements__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("entities", "0001_initial")]
    operations = [migrations.RunPython(create_properties, remove_properties)]
