"""The admin's "My watchlist": an editor's or reviewer's own digest setting and what they watch.

Each person sees and changes only their own watchlist: the list opens it (making it on the first visit), and
another's, asked for by its address, is not found. Only those who may watch (`may_watch`) see it at all.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from events.models import EventType
from nrfsite.core.translations import shown
from nrfsite.site.filters import provinces
from nrfsite.site.models import Watch, Watchlist, may_watch


def province_choices():
    """The provinces one may watch, by ISO 3166-2 code, read when a form is made (a new province shows at once)."""
    return [("", "---------"), *((place.iso_code, shown(place, "name").text) for place in provinces())]


class WatchForm(forms.ModelForm):
    province = forms.ChoiceField(label=_("province"), required=False, choices=province_choices)

    class Meta:
        model = Watch
        fields = ["entity", "province", "event_type"]

    def clean(self):
        data = super().clean()
        chosen = [name for name in ("entity", "province", "event_type") if data.get(name)]
        if len(chosen) != 1 and not data.get("DELETE"):
            raise ValidationError(gettext("Choose one thing to watch on each line: an entity, a province or an event type."))
        return data


class WatchFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """The same thing twice in one save is refused here (the database's unique constraints are conditional,
        which the formset does not check across its own new rows)."""
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            target = (data.get("entity"), data.get("province"), data.get("event_type"))
            if target in seen:
                raise ValidationError(gettext("You watch this already: each thing once."))
            seen.add(target)


class WatchInline(admin.TabularInline):
    model = Watch
    form = WatchForm
    formset = WatchFormSet
    fields = ["entity", "province", "event_type"]
    autocomplete_fields = ["entity"]
    extra = 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "event_type":
            # A type is named with its parent ("Battles › Armed clash"): read together, not one query per option.
            kwargs["queryset"] = EventType.objects.select_related("parent").order_by("parent__position", "position", "label")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # One's own watchlist's rows: the watchlist's own permission (`WatchlistAdmin`) decides.
    def has_view_permission(self, request, obj=None):
        return may_watch(request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Watchlist)
class WatchlistAdmin(admin.ModelAdmin):
    # Django's own: admin/nrfsite/*.html, found by this app's label, are the content models' editorial pages.
    change_form_template = "admin/change_form.html"
    object_history_template = "admin/object_history.html"
    inlines = [WatchInline]
    fields = ["frequency", "sent_to", "last_sent_at"]
    readonly_fields = ["sent_to", "last_sent_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user=request.user.pk)

    def has_module_permission(self, request):
        return may_watch(request.user)

    def has_view_permission(self, request, obj=None):
        return may_watch(request.user) and (obj is None or obj.user_id == request.user.pk)

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return False  # made by the list, once per person

    def has_delete_permission(self, request, obj=None):
        return False  # switched off, never deleted: what one watches is kept for when the digest comes back

    @admin.display(description=_("sent to"))
    def sent_to(self, watchlist):
        return watchlist.user.email or gettext("Your account has no email address: ask an administrator to add one.")

    def changelist_view(self, request, extra_context=None):
        """The list is one's own watchlist: open it (making it on the first visit)."""
        if not may_watch(request.user):
            raise PermissionDenied
        watchlist, _created = Watchlist.objects.get_or_create(user=request.user)
        return redirect(reverse("admin:nrfsite_watchlist_change", args=[watchlist.pk]))

    def own(self, request, object_id):
        """`object_id` when it is one's own watchlist; another's is not found (its address says nothing)."""
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(gettext("No such watchlist."))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self.own(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self.own(request, object_id)
        return super().history_view(request, object_id, extra_context)
