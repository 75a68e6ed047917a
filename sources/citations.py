"""Citation markers in markup: checking them against sources, and keeping citation rows in step."""

from django.core.exceptions import ValidationError

from nrfsite.markup import citation_keys


def unknown_keys(keys, known=None):
    """The keys, in order, that name no source; `known` is a set of keys already fetched."""
    from sources.models import Source

    if known is None:
        known = set(Source.objects.filter(key__in=keys).values_list("key", flat=True))
    return [key for key in keys if key not in known]


def validate_markers(text):
    """Field validator: every [@key] in a markup text names an existing source."""
    missing = unknown_keys(citation_keys(text or ""))
    if missing:
        listed = ", ".join(f'"{key}"' for key in missing)
        raise ValidationError(
            f"Unknown source key(s) in citation markers: {listed}. Add the source first or correct the key.",
            code="unknown_source_key",
        )


def sync_marker_citations(*, citations, text, exact):
    """Make `citations` (a related manager of Citation rows) cite every source the text's markers name.

    With `exact`, rows whose source is no longer named are removed, so the
    rows mirror the markers (sections); otherwise rows are only added, beside
    citations entered by hand (events).
    """
    from sources.models import Source

    keys = citation_keys(text or "")
    sources = {source.key: source for source in Source.objects.filter(key__in=keys)}
    have = set(citations.values_list("source__key", flat=True))
    for key in keys:
        if key in sources and key not in have:
            citations.create(source=sources[key])
    if exact:
        citations.exclude(source__key__in=keys).delete()
