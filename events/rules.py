"""Domain rules about events that pages, queues and every way of writing an event apply."""

from django.utils.translation import gettext

from entities.rules import compatible, pairs
from events.models import Event


def dates_disagree(first, second):
    """Two reports of one happening whose dates cannot name the same day: "5 September 2021" and "6 September
    2021" disagree, "September 2021" and "6 September 2021" do not."""
    return not compatible(first.date_partial, second.date_partial)


def date_contradictions(events):
    """The events that report one happening (linked as "same event as") on dates that disagree."""
    found = set()
    for first, second in pairs(events, lambda event: event.happening):
        if dates_disagree(first, second):
            found.update((first.pk, second.pk))
    return found


def same_as_errors(links):
    """What is wrong with "same event as" links, {slug: message}; `links` is [(event slug, slug it names)].

    A link names another event that is itself the first report (links are one level deep, so every report
    of a happening names the same slug); read in one query, so an import checks a whole file at once.
    """
    links = [(slug, target) for slug, target in links if target]
    targets = dict(Event.objects.filter(slug__in={target for _, target in links}).values_list("slug", "same_as"))
    named = set(Event.objects.filter(same_as__in={slug for slug, _ in links}).values_list("same_as", flat=True))
    errors = {}
    for slug, target in links:
        if slug in named:
            errors[slug] = gettext(
                "Other events name this one as the first report of their happening: it cannot name another. "
                'Link "%(target)s" to it instead, or change their link first.'
            ) % {"target": target}
        elif target == slug:
            errors[slug] = gettext("An event cannot be the same event as itself.")
        elif target not in targets:
            errors[slug] = gettext('No event with the slug "%(target)s".') % {"target": target}
        elif targets[target]:
            errors[slug] = gettext(
                '"%(target)s" is itself a report of "%(first)s": name "%(first)s", '
                "the first report, so all reports of one happening name the same event."
            ) % {"target": target, "first": targets[target]}
    return errors
