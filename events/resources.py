"""The CSV shapes of event types, events, participations and event citations."""

from django.utils.translation import gettext

from entities.models import Entity
from events import tally
from events.models import Event, EventCitation, EventType, Participation, Role
from events.rules import same_as_errors
from nrfsite.interchange import dialect
from nrfsite.interchange.children import ChildSet
from nrfsite.interchange.columns import date as day
from nrfsite.interchange.columns import integer, partial_date, ref, text, translation
from sources.resources import CitingResource, ContentResource, citation_resource, citations_set, marker_items


class EventTypeResource(ContentResource):
    """event_types.csv: the two-level taxonomy; `parent` names a top-level type."""

    file_name = "event_types.csv"
    self_reference = "parent"
    max_depth = 2  # a top-level type and its sub-types
    order_by = ("slug",)
    select_related = ("parent",)

    slug = text("slug")
    label = text("label")
    parent = ref("parent", EventType, instances=True)
    position = integer("position")
    description = text("description")
    label_prs = translation("label_prs")
    label_ps = translation("label_ps")

    class Meta:
        model = EventType
        fields = ("slug", "label", "parent", "position", "description", "label_prs", "label_ps")
        export_order = fields
        import_id_fields = ("slug",)


def _parse_participant(resource, text):
    role, separator, slug = (part.strip() for part in text.partition(":"))
    if not separator:
        raise ValueError(gettext('write a participant as role:entity-slug, e.g. "actor:nrf"'))
    if role not in Role.values:
        raise ValueError(
            gettext('unknown role "%(role)s"; roles are %(roles)s') % {"role": role, "roles": ", ".join(Role.values)}
        )
    entity_id = resource.fields["claimed_by"].widget.clean(slug)
    return (entity_id, role), {"entity_id": entity_id, "role": role}


PARTICIPANTS = ChildSet(
    column="participants",
    model=Participation,
    parent="event",
    related_name="participations",
    render_related=("entity",),
    parse_item=_parse_participant,
    render_item=lambda participation: f"{participation.role}:{participation.entity.slug}",
    child_key=lambda participation: (participation.entity_id, participation.role),
)


class EventResource(CitingResource):
    """events.csv: one event per row; `participants` as role:slug, `sources` as key[, locator]."""

    file_name = "events.csv"
    order_by = ("slug",)
    select_related = ("event_type", "location", "claimed_by")
    markup_columns = ("summary", "summary_prs", "summary_ps")
    child_sets = (PARTICIPANTS, citations_set("sources", EventCitation, "event", "citations", derive=marker_items("summary")))

    slug = text("slug")
    title = text("title")
    date = partial_date("date")
    end = partial_date("end")
    event_type = ref("event_type", EventType, instances=True)
    location = ref("location", Entity)
    location_precision = text("location_precision")
    summary = text("summary")
    fatalities_low = integer("fatalities_low")
    fatalities_high = integer("fatalities_high")
    casualty_note = text("casualty_note")
    certainty = text("certainty")
    claimed_by = ref("claimed_by", Entity)
    participants = text("participants")
    sources = text("sources")
    same_as = text("same_as")
    acled_id = text("acled_id")
    ucdp_id = text("ucdp_id")
    wikidata_id = text("wikidata_id")
    note = text("note")
    status = text("status")
    title_prs = translation("title_prs")
    title_ps = translation("title_ps")
    summary_prs = translation("summary_prs")
    summary_ps = translation("summary_ps")
    summary_prs_basis = translation("summary_prs_basis")
    summary_ps_basis = translation("summary_ps_basis")
    english_changed_on = day("english_changed_on")  # `date` is the event date's column here

    column_references = {"same_as": ("", "slug")}  # a slug of this file (Table Schema's foreign key)

    def public_queryset(self):
        return Event.objects.public().with_public_links()

    def export_field(self, field, instance, **kwargs):
        if self.for_public and field.column_name == "same_as":
            return instance.public_same_as  # a public file never names a draft event
        return super().export_field(field, instance, **kwargs)

    def reset_caches(self):
        super().reset_caches()
        self._links = []  # (line, slug, same_as) of the rows written: a link may name an event a later row creates
        # What the rows written change, before and after, kept small for a file of a million rows: the
        # months and places they were and are at, the sources they cited and cite, the entities they
        # involved and involve.
        self._months, self._places, self._cited, self._involved = set(), set(), set(), set()

    def write(self, work, report, *, user, reason):
        self._links += [(row.line, row.obj.slug, row.obj.same_as) for row in work if row.obj.same_as]
        updated = [row.obj.pk for row in work if row.obj.pk]
        self._cited |= tally.cited_by(updated)  # before its citations change
        self._involved |= tally.participants_of(updated)  # before they change (places: `after_write`'s before)
        super().write(work, report, user=user, reason=reason)

    def after_write(self, objs, *, user, reason, before):
        super().after_write(objs, user=user, reason=reason, before=before)
        for date, location in [(obj.date, obj.location_id) for obj in objs] + [
            (values["date"], values["location_id"]) for values in before
        ]:
            self._months.add(tally.month_of(date))
            self._places.add(location)
        written = [obj.pk for obj in objs]
        self._cited |= tally.cited_by(written)  # after: their citations are written
        self._involved |= tally.participants_of(written)  # and their participants

    def check_written(self, report):
        # Once per file: a chunk at a time would count a month many times.
        # The places written, before and after, count for themselves and the provinces they lie in.
        tally.recount(self._months, self._places, self._cited, self._involved | tally.places_of(self._places))
        self._months, self._places, self._cited, self._involved = set(), set(), set(), set()
        links = self._links
        errors = same_as_errors([(slug, target) for _, slug, target in links])
        for line, slug, _ in links:
            if slug in errors:
                report.errors.append(dialect.CellError(report.file, line, "same_as", errors[slug]))

    class Meta:
        model = Event
        fields = (
            "slug",
            "title",
            "date",
            "end",
            "event_type",
            "location",
            "location_precision",
            "summary",
            "fatalities_low",
            "fatalities_high",
            "casualty_note",
            "certainty",
            "claimed_by",
            "participants",
            "sources",
            "same_as",
            "acled_id",
            "ucdp_id",
            "wikidata_id",
            "note",
            "title_prs",
            "title_ps",
            "summary_prs",
            "summary_ps",
            "summary_prs_basis",
            "summary_ps_basis",
            "english_changed_on",
            "status",
        )
        export_order = fields
        import_id_fields = ("slug",)


class ParticipationResource(ContentResource):
    """participations.csv: who took part in an event and how, with a note."""

    file_name = "participations.csv"
    key_columns = ("event", "entity", "role")
    order_by = ("event__slug", "role", "entity__slug")
    select_related = ("event", "entity")

    event = ref("event", Event)
    entity = ref("entity", Entity)
    role = text("role")
    note = text("note")

    def public_queryset(self):
        return Participation.objects.public().filter(event__in=Event.objects.public())

    class Meta:
        model = Participation
        fields = ("event", "entity", "role", "note")
        export_order = fields
        import_id_fields = ("event", "entity", "role")


EventCitationResource = citation_resource(EventCitation, parent="event", parent_model=Event)
