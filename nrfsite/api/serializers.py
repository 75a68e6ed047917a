"""What the API says of each record: the public page's facts, with dates at their precision and every citation.

Nothing here decides visibility: querysets come from the models' `public()` rules (nrfsite.api.views), and
markup is passed through `keep_citations` with the public source keys, as a public CSV download is.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from nrfsite.core.dates import Calendar
from nrfsite.core.markup import keep_citations, to_plain_text
from nrfsite.core.translations import LANGUAGE_NAMES, translated_fields

PARTIAL_DATE = {
    "type": "object",
    "nullable": True,
    "properties": {
        "value": {
            "type": "string",
            "example": "2021-08",
            "description": 'ISO 8601 at the date\'s precision; a Solar Hijri date as its CSV form, "1400-05 SH".',
        },
        "precision": {"type": "string", "enum": ["year", "month", "day"]},
        "approximate": {"type": "boolean", "description": 'The source says "about" ("c. 2021").'},
        "text": {"type": "string", "example": "August 2021", "description": 'As readers see it ("c. 2021" if approximate).'},
        "calendar": {
            "type": "string",
            "enum": ["solar_hijri"],
            "description": 'Only for a date written in the Solar Hijri calendar ("Asad 1400"); absent: Gregorian.',
        },
        "first": {"type": "string", "format": "date", "description": "A Solar Hijri date's first Gregorian day."},
        "last": {"type": "string", "format": "date", "description": "A Solar Hijri date's last Gregorian day."},
    },
}
REF = {"type": "object", "nullable": True, "description": "The record it names, by key, or null if none is public."}


@extend_schema_field(PARTIAL_DATE)
class PartialDateField(serializers.Field):
    """A partial date as {"value": "2021-08", "precision": "month", "text": "August 2021"}, or null; a Solar
    Hijri one adds its calendar and Gregorian days: {"value": "1400-05 SH", …, "calendar": "solar_hijri",
    "first": "2021-07-23", "last": "2021-08-22"}. A Gregorian date's keys are what they were before Solar Hijri
    dates, for the clients written then."""

    def __init__(self, name, **kwargs):
        self.name = name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        if getattr(obj, self.name) is None:
            return None
        partial = getattr(obj, f"{self.name}_partial")
        value = partial.isoformat().removeprefix("c. ")
        data = {"value": value, "precision": partial.precision, "approximate": partial.circa, "text": str(partial)}
        if partial.calendar != Calendar.GREGORIAN:
            data.update(calendar=partial.calendar.value, first=partial.value.isoformat(), last=partial.last_day.isoformat())
        return data


@extend_schema_field(REF)
class RefField(serializers.Field):
    """Another record by its key, or null when there is none or the public may not see it."""

    def __init__(self, key="slug", label_attr=None, public=None, **kwargs):
        self.key, self.label_attr, self.public = key, label_attr, public
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        if value is None or (self.public is not None and not self.public(value)):
            return None
        data = {self.key: getattr(value, self.key)}
        if self.label_attr:
            data[self.label_attr] = str(getattr(value, self.label_attr))
        return data


@extend_schema_field(OpenApiTypes.URI)
class PageField(serializers.Field):
    """The record's public page, as an absolute address."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


def is_published(obj):
    return obj.is_published


@extend_schema_field(OpenApiTypes.STR)
class MarkupField(serializers.Field):
    """Markup with only the public sources' markers (a draft source's key never leaves the site)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, text):
        return keep_citations(text or "", self.context["public_source_keys"])


@extend_schema_field(
    {
        "type": "object",
        "description": 'Its texts translated: {"prs": {"name": "…"}, "ps": {…}}. A text not translated yet is '
        "left out (its English is the field of the same name).",
        "properties": {language: {"type": "object", "additionalProperties": {"type": "string"}} for language in LANGUAGE_NAMES},
    }
)
class TranslationsField(serializers.Field):
    """The item's translations (nrfsite.core.translations), by language; markup keeps only public markers."""

    def __init__(self, markup=(), **kwargs):
        self.markup = markup
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        translations = {}
        for field, columns in translated_fields(type(obj)).items():
            for language, column in columns.items():
                text = getattr(obj, column)
                if text:
                    if field in self.markup:
                        text = keep_citations(text, self.context["public_source_keys"])
                    translations.setdefault(language, {})[field] = text
        return translations


class CitationSerializer(serializers.Serializer):
    source = serializers.CharField(source="source.key")
    source_title = serializers.CharField(source="source.display_title")
    locator = serializers.CharField()
    stance = serializers.CharField()
    backs = serializers.SerializerMethodField(help_text="The parts of the fact it backs; [] for the fact as a whole.")
    quote = serializers.CharField()
    quote_translation = serializers.CharField()

    def get_backs(self, citation) -> list[str]:
        return citation.backed()


class SourceSerializer(serializers.Serializer):
    key = serializers.CharField()
    url = serializers.HyperlinkedIdentityField(view_name="api:source-detail", lookup_field="key")
    page = PageField()
    display_title = serializers.CharField()
    title = serializers.CharField()
    authors = serializers.CharField()
    publisher = serializers.CharField()
    source_type = serializers.CharField()
    language = serializers.CharField()
    published_on = PartialDateField("published_on")
    link = serializers.CharField(source="url")
    archive_url = serializers.CharField()
    accessed_on = serializers.DateField()
    affiliation = serializers.CharField()
    found_in = RefField("key", source="work")
    found_as = serializers.CharField()
    wikidata_id = serializers.CharField()
    translations = TranslationsField()  # the title translated: {"en": {"title": …}} for a Dari source
    updated_at = serializers.DateTimeField()


class StatementSerializer(serializers.Serializer):
    key = serializers.CharField()
    url = serializers.HyperlinkedIdentityField(view_name="api:statement-detail", lookup_field="key")
    subject = RefField("slug", "name")
    property = serializers.CharField(source="property.slug")
    property_label = serializers.CharField(source="property.label")
    value = serializers.SerializerMethodField()
    value_entity = RefField("slug", "name")
    value_text = serializers.CharField()
    quantity_low = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False)
    quantity_best = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False)
    quantity_high = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False)
    quantity_unit = serializers.CharField()
    start = PartialDateField("start")
    end = PartialDateField("end")
    end_reason = serializers.CharField()
    certainty = serializers.CharField()
    claimed_by = RefField("slug", "name")
    rank = serializers.CharField()
    rank_reason = serializers.CharField()
    superseded_by = RefField("key", public=is_published)
    citations = CitationSerializer(many=True)
    updated_at = serializers.DateTimeField()

    def get_value(self, statement) -> str:
        return statement.value_display()


class AliasSerializer(serializers.Serializer):
    name = serializers.CharField()
    language = serializers.CharField()
    direction = serializers.CharField()


class EntitySerializer(serializers.Serializer):
    slug = serializers.CharField()
    url = serializers.HyperlinkedIdentityField(view_name="api:entity-detail", lookup_field="slug")
    page = PageField()
    name = serializers.CharField()
    kind = serializers.CharField()
    description = serializers.CharField()
    start = PartialDateField("start")
    end = PartialDateField("end")
    parent = RefField("slug", "name", public=is_published)
    iso_code = serializers.CharField()
    wikidata_id = serializers.CharField()
    aliases = AliasSerializer(many=True)
    infobox = serializers.SerializerMethodField(help_text="The public statements of the page's infobox.")
    translations = TranslationsField()
    updated_at = serializers.DateTimeField()

    def get_infobox(self, entity) -> list[dict]:
        statements = [s for s in entity.public_statements if s.property.infobox_position is not None]
        return StatementSerializer(statements, many=True, context=self.context).data


class SectionSerializer(serializers.Serializer):
    entity = RefField("slug", "name")
    title = serializers.CharField()
    position = serializers.IntegerField()
    body = MarkupField()
    text = serializers.SerializerMethodField(help_text="The body as plain text, markers left out.")
    as_of = PartialDateField("as_of")
    needs_update = serializers.BooleanField()
    update_reason = serializers.CharField()
    translations = TranslationsField(markup=("body",))
    updated_at = serializers.DateTimeField()

    def get_text(self, section) -> str:
        return to_plain_text(keep_citations(section.body, set()))


class ParticipantSerializer(serializers.Serializer):
    entity = RefField("slug", "name")
    role = serializers.CharField()
    note = serializers.CharField()


class EventSerializer(serializers.Serializer):
    slug = serializers.CharField()
    url = serializers.HyperlinkedIdentityField(view_name="api:event-detail", lookup_field="slug")
    page = PageField()
    title = serializers.CharField()
    date = PartialDateField("date")
    end = PartialDateField("end")
    event_type = serializers.CharField(source="event_type.slug")
    event_type_label = serializers.CharField(source="event_type.__str__")
    location = RefField("slug", "name")
    location_precision = serializers.CharField()
    summary = MarkupField()
    fatalities_low = serializers.IntegerField()
    fatalities_high = serializers.IntegerField()
    casualty_note = serializers.CharField()
    certainty = serializers.CharField()
    claimed_by = RefField("slug", "name")
    same_as = serializers.CharField(
        source="public_same_as", help_text="The slug of the first report of the same happening, if any (and public)."
    )
    participants = ParticipantSerializer(source="participations", many=True)
    citations = CitationSerializer(many=True)
    acled_id = serializers.CharField()
    ucdp_id = serializers.CharField()
    wikidata_id = serializers.CharField()
    translations = TranslationsField(markup=("summary",))
    updated_at = serializers.DateTimeField()


class EventTypeSerializer(serializers.Serializer):
    slug = serializers.CharField()
    label = serializers.CharField()
    parent = serializers.CharField(source="parent.slug", default=None)
    description = serializers.CharField()
    translations = TranslationsField()


class PropertySerializer(serializers.Serializer):
    slug = serializers.CharField()
    label = serializers.CharField()
    value_type = serializers.CharField()
    several_values = serializers.BooleanField()
    infobox_position = serializers.IntegerField()
    wikidata_property = serializers.CharField()
    membership_role = serializers.CharField()
    translations = TranslationsField()


class DeletionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["entity", "statement", "section", "event", "source"])
    key = serializers.CharField(help_text='Its key: a slug, a statement or source key, "entity/title" of a section.')
    at = serializers.DateTimeField()
    reason = serializers.ChoiceField(choices=["deleted", "unpublished"])
