"""The CSV shapes of entities, aliases, properties, statements, statement citations and sections."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from entities.models import Alias, Entity, Property, Section, SectionCitation, Statement, StatementCitation, unique_key
from entities.models.entities import validate_language
from nrfsite.interchange.children import ChildSet
from nrfsite.interchange.columns import boolean, date, decimal, integer, partial_date, ref, text, translation
from sources.resources import CitingResource, ContentResource, citation_resource, citations_set, marker_items

# The translations, which English each was made from (a fingerprint: nrfsite.core.translations.digest) and
# when the English last changed: kept as given on import, so the bundle round-trips the "behind" state.
TRANSLATION_COLUMNS = (
    "title_prs",
    "title_ps",
    "body_prs",
    "body_ps",
    "title_prs_basis",
    "title_ps_basis",
    "body_prs_basis",
    "body_ps_basis",
    "english_changed_on",
)
REVIEW_COLUMNS = ("as_of", "reviewed_on", "review_every", "needs_update", "update_reason", "flagged_on")


class PropertyResource(ContentResource):
    """properties.csv: the statement vocabulary, in infobox order."""

    file_name = "properties.csv"
    order_by = ("slug",)

    slug = text("slug")
    label = text("label")
    inverse_label = text("inverse_label")
    value_type = text("value_type")
    infobox_position = integer("infobox_position")
    description = text("description")
    several_values = boolean("several_values")
    wikidata_property = text("wikidata_property")
    membership_role = text("membership_role")
    review_every = integer("review_every")
    label_prs = translation("label_prs")
    label_ps = translation("label_ps")
    inverse_label_prs = translation("inverse_label_prs")
    inverse_label_ps = translation("inverse_label_ps")

    class Meta:
        model = Property
        fields = (
            "slug",
            "label",
            "inverse_label",
            "value_type",
            "infobox_position",
            "description",
            "several_values",
            "wikidata_property",
            "membership_role",
            "review_every",
            "label_prs",
            "label_ps",
            "inverse_label_prs",
            "inverse_label_ps",
        )
        export_order = fields
        import_id_fields = ("slug",)


def _parse_alias(resource, text):
    language, separator, name = text.partition(":")
    language, name = language.strip(), name.strip()
    if not separator or not name:
        raise ValueError(
            gettext('write an alias as language:name, e.g. "prs:جبهه مقاومت ملی" (":name" when the language is unknown)')
        )
    if language:
        try:
            validate_language(language)
        except ValidationError as error:
            raise ValueError(f'"{language}": {error.messages[0]}') from None
    if len(name) > Alias._meta.get_field("name").max_length:
        limit = Alias._meta.get_field("name").max_length
        raise ValueError(gettext("an alias is at most %(limit)d characters") % {"limit": limit})
    return (name, language), {"name": name, "language": language}


ALIASES = ChildSet(
    column="aliases",
    model=Alias,
    parent="entity",
    related_name="aliases",
    parse_item=_parse_alias,
    render_item=lambda alias: f"{alias.language}:{alias.name}",
    child_key=lambda alias: (alias.name, alias.language),
)


class EntityResource(ContentResource):
    """entities.csv: people, organizations, states, places and topics, keyed by slug.

    `aliases` lists its other names as language:name ("prs:جبهه مقاومت ملی; en:NRF"); aliases.csv adds
    each one's note. A name holding ";" cannot be listed here: add it in aliases.csv.
    """

    file_name = "entities.csv"
    self_reference = "parent"
    child_sets = (ALIASES,)

    slug = text("slug")
    kind = text("kind")
    name = text("name")
    description = text("description")
    start = partial_date("start")
    end = partial_date("end")
    parent = ref("parent", Entity)
    iso_code = text("iso_code")
    latitude = decimal("latitude")
    longitude = decimal("longitude")
    wikidata_id = text("wikidata_id")
    aliases = text("aliases")
    status = text("status")
    name_prs = translation("name_prs")
    name_ps = translation("name_ps")
    description_prs = translation("description_prs")
    description_ps = translation("description_ps")

    select_related = ("parent",)

    class Meta:
        model = Entity
        fields = (
            "slug",
            "kind",
            "name",
            "description",
            "start",
            "end",
            "parent",
            "iso_code",
            "latitude",
            "longitude",
            "wikidata_id",
            "aliases",
            "name_prs",
            "name_ps",
            "description_prs",
            "description_ps",
            "status",
        )
        export_order = fields
        import_id_fields = ("slug",)


class AliasResource(ContentResource):
    """aliases.csv: other names of an entity, with their language ("prs" Dari, "ps" Pashto)."""

    file_name = "aliases.csv"
    key_columns = ("entity", "name", "language")
    order_by = ("entity__slug", "language", "name")
    select_related = ("entity",)

    entity = ref("entity", Entity)
    name = text("name")
    language = text("language")
    note = text("note")

    class Meta:
        model = Alias
        fields = ("entity", "name", "language", "note")
        export_order = fields
        import_id_fields = ("entity", "name", "language")


class ReviewColumns(CitingResource):
    """The review columns statements and sections share (Reviewable)."""

    as_of = partial_date("as_of")
    reviewed_on = date("reviewed_on")
    review_every = integer("review_every")
    needs_update = boolean("needs_update")
    update_reason = text("update_reason")
    flagged_on = partial_date("flagged_on")


class StatementResource(ReviewColumns):
    """statements.csv: one sourced claim per row; `sources` lists its citations."""

    file_name = "statements.csv"
    key_columns = ("key",)
    self_reference = "superseded_by"  # a deprecated statement may name a preferred one a later row creates
    order_by = ("key",)
    select_related = ("subject", "property", "value_entity", "claimed_by", "superseded_by")
    child_sets = (citations_set("sources", StatementCitation, "statement", "citations"),)

    key = text("key")
    subject = ref("subject", Entity)
    property = ref("property", Property, instances=True)
    value_entity = ref("value_entity", Entity)
    value_text = text("value_text")
    quantity_low = decimal("quantity_low")
    quantity_best = decimal("quantity_best")
    quantity_high = decimal("quantity_high")
    quantity_unit = text("quantity_unit")
    start = partial_date("start")
    end = partial_date("end")
    end_reason = text("end_reason")
    certainty = text("certainty")
    claimed_by = ref("claimed_by", Entity)
    rank = text("rank")
    rank_reason = text("rank_reason")
    superseded_by = ref("superseded_by", Statement, "key")
    note = text("note")
    sources = text("sources")
    status = text("status")

    class Meta:
        model = Statement
        fields = (
            "key",
            "subject",
            "property",
            "value_entity",
            "value_text",
            "quantity_low",
            "quantity_best",
            "quantity_high",
            "quantity_unit",
            "start",
            "end",
            "end_reason",
            "certainty",
            "claimed_by",
            "rank",
            "rank_reason",
            "superseded_by",
            "note",
            "sources",
            "status",
            *REVIEW_COLUMNS,
        )
        export_order = fields
        import_id_fields = ("key",)

    def export_field(self, field, instance, **kwargs):
        preferred = instance.superseded_by if field.column_name == "superseded_by" else None
        if self.for_public and preferred is not None and not preferred.is_published:
            return ""  # a public file never names a draft statement (its subject is this one's, so public)
        return super().export_field(field, instance, **kwargs)

    def prepare_keys(self, parsed):
        """Rows without a key get the readable one the model would give them, the same on every import."""
        blank = [row for row in parsed if not row.failed and not row.values.get("key")]
        if not blank:
            return
        slugs = {pk: slug for slug, pk in self.fields["subject"].widget.mapping().items()}
        entity_slugs = slugs
        given = {row.values["key"] for row in parsed if row.values.get("key")}
        for row in blank:
            values = row.values
            draft = Statement(
                property=values.get("property"),
                value_text=values.get("value_text") or "",
                quantity_best=values.get("quantity_best"),
            )
            draft.subject = Entity(slug=entity_slugs.get(values.get("subject"), ""))
            if values.get("value_entity"):
                draft.value_entity = Entity(pk=values["value_entity"], slug=entity_slugs[values["value_entity"]])
            if draft.property is None:
                continue  # the missing property is reported by validation
            values["key"] = unique_key(draft.key_base(), given)
            given.add(values["key"])


StatementCitationResource = citation_resource(StatementCitation, parent="statement", parent_model=Statement, parent_key="key")


class SectionResource(ReviewColumns):
    """sections.csv: an entity's narrative sections; citations follow the body's markers."""

    file_name = "sections.csv"
    key_columns = ("entity", "title")
    order_by = ("entity__slug", "position", "title")
    select_related = ("entity",)
    markup_columns = ("body", "body_prs", "body_ps")
    child_sets = (citations_set("", SectionCitation, "section", "citations", derive=marker_items("body")),)

    entity = ref("entity", Entity)
    title = text("title")
    position = integer("position")
    body = text("body")
    note = text("note")
    status = text("status")
    title_prs = translation("title_prs")
    title_ps = translation("title_ps")
    body_prs = translation("body_prs")
    body_ps = translation("body_ps")
    title_prs_basis = translation("title_prs_basis")
    title_ps_basis = translation("title_ps_basis")
    body_prs_basis = translation("body_prs_basis")
    body_ps_basis = translation("body_ps_basis")
    english_changed_on = date("english_changed_on")

    class Meta:
        model = Section
        fields = ("entity", "title", "position", "body", "note", *TRANSLATION_COLUMNS, "status", *REVIEW_COLUMNS)
        export_order = fields
        import_id_fields = ("entity", "title")
