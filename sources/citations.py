"""Citation markers in markup: checking them against sources, and keeping citation rows in step."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext

from nrfsite.core.markup import citation_keys, parse_citations
from nrfsite.core.translations import translated_fields
from sources.models import Source


def unknown_keys(keys, known=None):
    """The keys, in order, that name no source; `known` is a set of keys already fetched."""
    if known is None:
        known = set(Source.objects.filter(key__in=keys).values_list("key", flat=True))
    return [key for key in keys if key not in known]


def unknown_keys_message(missing):
    """What an editor or an importer is told about marker keys that name no source."""
    listed = ", ".join(f'"{key}"' for key in missing)
    return gettext("Unknown source key(s) in citation markers: %(keys)s. Add the source first or correct the key.") % {
        "keys": listed
    }


def translation_marker_errors(obj, field):
    """{column: message} for the translations of `obj.<field>` that cite a source its English does not.

    A text's citation rows follow its English markers; a translation says the same and may cite only those
    sources (fewer, or in another order, is its writer's choice). Called by the models' clean(), so the
    admin and the importer apply it alike."""
    cited = set(citation_keys(getattr(obj, field) or ""))
    errors = {}
    for column in translated_fields(type(obj)).get(field, {}).values():
        extra = [key for key in citation_keys(getattr(obj, column) or "") if key not in cited]
        if extra:
            errors[column] = gettext(
                "A translation cites only the sources its English text cites; the English does not cite %(keys)s."
            ) % {"keys": ", ".join(f'"{key}"' for key in dict.fromkeys(extra))}
    return errors


def citing(key, citation_model, parent):
    """Rows that cite the source `key`, read through the citation table's index on its source.

    A [@key] marker in markup always has its citation row: the admin adds it on save
    (`sync_marker_citations`), an import derives it from the markup (`sources.resources.marker_items`), and
    migration events 0016 added the rows older data lacked. So no page scans text for markers (the source
    page on SQLite, 100,000 events: the marker scan alone took 20 ms). The cited rows come through an IN
    subquery, not a join: no DISTINCT over whole rows.
    """
    return Q(pk__in=citation_model.objects.filter(source__key=key).values(f"{parent}_id"))


def validate_markers(text):
    """Field validator: every [@key] in a markup text names an existing source."""
    missing = unknown_keys(citation_keys(text or ""))
    if missing:
        raise ValidationError(unknown_keys_message(missing), code="unknown_source_key")


def sync_marker_citations(*, citations, text, exact):
    """Make `citations` (a related manager of Citation rows) cite every source and locator the markers name.

    With `exact`, rows no marker names are removed, so the rows mirror the
    markers (sections); otherwise rows are only added, beside citations
    entered by hand (events).
    """
    wanted = list(dict.fromkeys((cite.key, cite.locator) for cite in parse_citations(text or "")))
    sources = {source.key: source for source in Source.objects.filter(key__in={key for key, _ in wanted})}
    have = {(citation.source.key, citation.locator): citation for citation in citations.select_related("source")}
    for key, locator in wanted:
        if key in sources and (key, locator) not in have:
            citations.create(source=sources[key], locator=locator)
    if exact:
        stale = [citation.pk for pair, citation in have.items() if pair not in wanted]
        for citation in citations.filter(pk__in=stale):
            citation.delete()  # one by one, so each deletion leaves a revision
