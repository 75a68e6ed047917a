"""The citation inline every cited model's admin uses: the source by key and title, where, and the quote."""

from django.contrib import admin


class CitationInline(admin.TabularInline):
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "locator", "quote", "quote_translation"]
