"""Every [@key] marker of an event summary gets its citation row, as the admin and the import now ensure.

Older imports stored a summary marker without its row; pages that list what a source backs read only the
citation rows now (`sources.citations.citing`), so the rows are added here. Existing rows are kept.
Sections need none: the admin and the import have always made their rows mirror the markers.
"""

from django.db import migrations

from nrfsite.core.markup import parse_citations


def add_marker_rows(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    EventCitation = apps.get_model("events", "EventCitation")
    Source = apps.get_model("sources", "Source")
    sources = dict(Source.objects.values_list("key", "pk"))
    have = set(EventCitation.objects.values_list("event_id", "source_id", "locator"))
    missing = {}
    for pk, summary in Event.objects.filter(summary__contains="@").values_list("pk", "summary").iterator():
        for cite in parse_citations(summary):
            row = (pk, sources.get(cite.key), cite.locator)
            if row[1] is not None and row not in have:
                missing[row] = EventCitation(event_id=row[0], source_id=row[1], locator=row[2])
    EventCitation.objects.bulk_create(missing.values(), batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0015_timeline_indexes"),
        ("sources", "0006_status_without_index"),
    ]

    operations = [migrations.RunPython(add_marker_rows, migrations.RunPython.noop)]
