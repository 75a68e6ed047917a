"""The event-type taxonomy: ACLED's event types and sub-types, plus the political types this topic needs."""

from django.db import migrations

# (slug, label, [(slug, label), ...]) — ACLED's codebook order, then our own.
TAXONOMY = [
    (
        "battles",
        "Battles",
        [
            ("armed-clash", "Armed clash"),
            ("government-regains-territory", "Government regains territory"),
            ("non-state-actor-overtakes-territory", "Non-state actor overtakes territory"),
        ],
    ),
    (
        "explosions-remote-violence",
        "Explosions/Remote violence",
        [
            ("chemical-weapon", "Chemical weapon"),
            ("air-drone-strike", "Air/drone strike"),
            ("suicide-bomb", "Suicide bomb"),
            ("shelling-artillery-missile-attack", "Shelling/artillery/missile attack"),
            ("remote-explosive-landmine-ied", "Remote explosive/landmine/IED"),
            ("grenade", "Grenade"),
        ],
    ),
    (
        "violence-against-civilians",
        "Violence against civilians",
        [
            ("sexual-violence", "Sexual violence"),
            ("attack", "Attack"),
            ("abduction-forced-disappearance", "Abduction/forced disappearance"),
        ],
    ),
    (
        "protests",
        "Protests",
        [
            ("peaceful-protest", "Peaceful protest"),
            ("protest-with-intervention", "Protest with intervention"),
            ("excessive-force-against-protesters", "Excessive force against protesters"),
        ],
    ),
    (
        "riots",
        "Riots",
        [
            ("violent-demonstration", "Violent demonstration"),
            ("mob-violence", "Mob violence"),
        ],
    ),
    (
        "strategic-developments",
        "Strategic developments",
        [
            ("agreement", "Agreement"),
            ("arrests", "Arrests"),
            ("change-to-group-activity", "Change to group/activity"),
            ("disrupted-weapons-use", "Disrupted weapons use"),
            ("headquarters-or-base-established", "Headquarters or base established"),
            ("looting-property-destruction", "Looting/property destruction"),
            ("non-violent-transfer-of-territory", "Non-violent transfer of territory"),
            ("other-strategic-development", "Other"),
        ],
    ),
    (
        "political-developments",
        "Political developments",
        [
            ("announcement", "Announcement"),
            ("appointment", "Appointment"),
            ("resignation", "Resignation"),
            ("death", "Death"),
            ("diplomatic-meeting", "Diplomatic meeting"),
            ("statement", "Statement"),
        ],
    ),
]


def create_event_types(apps, schema_editor):
    EventType = apps.get_model("events", "EventType")
    for top_position, (slug, label, subtypes) in enumerate(TAXONOMY, start=1):
        parent, _ = EventType.objects.get_or_create(slug=slug, defaults={"label": label, "position": top_position})
        for position, (sub_slug, sub_label) in enumerate(subtypes, start=1):
            EventType.objects.get_or_create(
                slug=sub_slug, defaults={"label": sub_label, "parent": parent, "position": position}
            )


def remove_event_types(apps, schema_editor):
    EventType = apps.get_model("events", "EventType")
    EventType.objects.filter(parent__isnull=False, events__isnull=True).delete()
    EventType.objects.filter(parent__isnull=True, subtypes__isnull=True, events__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(create_event_types, remove_event_types)]
