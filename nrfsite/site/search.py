"""Site search: every word of the query must start a word in one of the fields, in any script.

On PostgreSQL this is its full-text search (the `simple` configuration, so
names are not stemmed, with prefix matching); elsewhere (SQLite) a regular
expression does the same word-prefix match, so both give the same results.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q

MAX_WORDS = 8


def words(query):
    return re.findall(r"\w+", query or "", flags=re.UNICODE)[:MAX_WORDS]


def search(queryset, fields, query):
    """`queryset` narrowed to rows matching every word of `query` in `fields` (which may span relations)."""
    terms = words(query)
    if not terms:
        return queryset.none()
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{term.lower()}:*" for term in terms)
        # One vector per joined row (an entity has several aliases): match any of them, return each row once.
        matching = (
            queryset.model._default_manager.annotate(search_vector=SearchVector(*fields, config="simple"))
            .filter(search_vector=SearchQuery(tsquery, search_type="raw", config="simple"))
            .values("pk")
        )
        return queryset.filter(pk__in=matching)
    condition = Q()
    for term in terms:
        pattern = r"(^|\W)" + re.escape(term)
        any_field = Q()
        for field in fields:
            match = Q(**{f"{field}__iregex": pattern})
            if term.isascii():
                # SQLite's LIKE folds ASCII case in C; it runs first, so the regular expression (a Python
                # call per row) only sees rows that contain the word at all. Non-ASCII terms skip it: LIKE
                # does not fold their case (nor the Kelvin sign's and long s's into k and s, which we accept).
                match = Q(**{f"{field}__icontains": term}) & match
            any_field |= match
        condition &= any_field
    return queryset.filter(pk__in=queryset.model._default_manager.filter(condition).values("pk"))
