"""Wikidata identifiers: the one check of what an item id ("Q107472524") and a property id ("P488") look like."""

from django.core.validators import RegexValidator

validate_item = RegexValidator(r"^Q[1-9][0-9]*$", 'A Wikidata item id looks like "Q107472524".')
validate_property = RegexValidator(r"^P[1-9][0-9]*$", 'A Wikidata property id looks like "P488".')
