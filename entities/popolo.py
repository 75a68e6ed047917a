"""People, organizations, posts and memberships in Popolo JSON (https://www.popoloproject.com/specs/).

Everything comes from the public data only: public persons, and public organizations and states
(Popolo's organizations, with their kind as `classification`), each with its other names, its Wikidata
id as an identifier, its dates at the precision known, and a link to its page. Memberships are the
public statements whose property has a `membership_role` (data, not code) and that link a person and an
organization, either way round: "NRF — leader — Ahmad Massoud" and "X — member of — NRF". A statement
made of the organization ("leader") also names a post, "Leader of National Resistance Front", which
outlives whoever holds it. Each membership lists the sources of its statement.

Popolo has no word for a claim, a doubt or a rank, so only plain facts (`Statement.objects.plain_facts()`)
become memberships; and its dates have no "circa", so an approximate date is given at its precision and
the membership's label says that it is approximate.
"""

from django.db.models import Prefetch

from entities.models import Alias, Entity, EntityKind, ValueType
from entities.selectors import public_statements

ORGANIZATION_KINDS = (EntityKind.ORGANIZATION, EntityKind.STATE)
POPOLO_KINDS = (EntityKind.PERSON, *ORGANIZATION_KINDS)


def dates(start, end, start_key="start_date", end_key="end_date"):
    values = {}
    if start:
        values[start_key] = start.iso_date()
    if end:
        values[end_key] = end.iso_date()
    return values


def described(entity, absolute):
    """What persons and organizations share: id, name, other names, identifiers, link to the page."""
    item = {"id": entity.slug, "name": entity.name}
    other_names = []
    for alias in entity.aliases.all():
        name = {"name": alias.name}
        if alias.language:
            name["lang"] = alias.language
        if alias.note:
            name["note"] = alias.note
        other_names.append(name)
    if other_names:
        item["other_names"] = other_names
    if entity.wikidata_id:
        item["identifiers"] = [{"scheme": "wikidata", "identifier": entity.wikidata_id}]
    item["links"] = [{"url": absolute(entity.get_absolute_url()), "note": "nrfsite page, with every fact's sources"}]
    return item


def person(entity, absolute):
    item = described(entity, absolute)
    if entity.description:
        item["summary"] = entity.description
    item.update(dates(entity.start_partial, entity.end_partial, "birth_date", "death_date"))
    return item


def organization(entity, absolute):
    item = described(entity, absolute)
    item["classification"] = entity.kind
    item.update(dates(entity.start_partial, entity.end_partial, "founding_date", "dissolution_date"))
    return item


def sides(statement):
    """(person, organization, held as a post of the organization) of a membership statement, or None."""
    subject, value = statement.subject, statement.value_entity
    if subject.kind in ORGANIZATION_KINDS and value.kind == EntityKind.PERSON:
        return value, subject, True
    if subject.kind == EntityKind.PERSON and value.kind in ORGANIZATION_KINDS:
        return subject, value, False
    return None


def source_links(statement, absolute):
    """The statement's public sources: their own URL, else their page here (which says what is known of them)."""
    links = []
    for citation in statement.citations.all():
        source = citation.source
        parts = (source.display_title, source.publisher, str(source.published_on_partial or ""))
        url = source.url or absolute(source.get_absolute_url())
        links.append({"url": url, "note": ", ".join(part for part in parts if part)})
    return links


def membership(statement, person_entity, organization_entity, post, absolute):
    role = statement.property.membership_role
    label = f"{role[:1].upper()}{role[1:]} of {organization_entity.name}"
    approximate = [d for d in (statement.start_partial, statement.end_partial) if d and d.circa]
    if approximate:
        label += f" (dates approximate: {', '.join(d.isoformat() for d in approximate)})"
    item = {
        "id": statement.key,
        "label": label,
        "role": role,
        "person_id": person_entity.slug,
        "organization_id": organization_entity.slug,
    }
    if post:
        item["post_id"] = post["id"]
    item.update(dates(statement.start_partial, statement.end_partial))
    sources = source_links(statement, absolute)
    if sources:
        item["sources"] = sources
    return item


def memberships():
    return (
        public_statements()
        .plain_facts()
        .filter(value_type=ValueType.ENTITY, subject__kind__in=POPOLO_KINDS, value_entity__kind__in=POPOLO_KINDS)
        .exclude(property__membership_role="")
        .order_by("subject__slug", "property__slug", "start", "key")
    )


def document(absolute=lambda path: path):
    """The Popolo document of the public data; `absolute` turns a path into a full URL."""
    entities = (
        Entity.objects.public()
        .filter(kind__in=POPOLO_KINDS)
        .prefetch_related(Prefetch("aliases", queryset=Alias.objects.order_by("language", "name")))
        .order_by("slug")
    )
    persons, organizations = [], []
    for entity in entities:
        if entity.kind == EntityKind.PERSON:
            persons.append(person(entity, absolute))
        else:
            organizations.append(organization(entity, absolute))
    posts, members = {}, []
    for statement in memberships():
        found = sides(statement)
        if found is None:
            continue
        person_entity, organization_entity, is_post = found
        post = None
        if is_post:
            key = f"{organization_entity.slug}/{statement.property.slug}"
            post = posts.setdefault(
                key,
                {
                    "id": key,
                    "label": f"{statement.property.label} of {organization_entity.name}",
                    "role": statement.property.membership_role,
                    "organization_id": organization_entity.slug,
                },
            )
        members.append(membership(statement, person_entity, organization_entity, post, absolute))
    return {
        "persons": persons,
        "organizations": organizations,
        "posts": sorted(posts.values(), key=lambda post: post["id"]),
        "memberships": members,
    }
