"""The editorial admin: roles, publishing, review actions, edit conflicts, revision diffs and restores.

`EditorialAdmin` is the base of every content model's admin. What a user may
do follows `nrfsite.roles`: an Editor adds and changes (a change to a
published item goes back to draft for review), a Reviewer also publishes,
unpublishes, marks reviewed, flags, restores revisions and deletes. A
forbidden action is refused with a message, never a 500.
"""

import difflib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from nrfsite import editorial
from nrfsite.admin_csv import CSVAdminMixin
from nrfsite.roles import can_review
from nrfsite.workflow import Publishable, Reviewable, Status

VERSION_FIELD = "opened_version"


def word_diff(old, new):
    """An HTML word diff of two texts (escaped): deletions in <del>, insertions in <ins>."""
    old_words, new_words = str(old or "").split(" "), str(new or "").split(" ")
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(format_html("{}", " ".join(old_words[a1:a2])))
        if op in ("delete", "replace"):
            parts.append(format_html("<del>{}</del>", " ".join(old_words[a1:a2])))
        if op in ("insert", "replace"):
            parts.append(format_html("<ins>{}</ins>", " ".join(new_words[b1:b2])))
    return format_html_join(" ", "{}", ((part,) for part in parts))


def field_changes(model, old_values, new_values):
    """[(label, old, new, html diff)] for the fields that differ between two value dicts."""
    changes = []
    for field in model._meta.concrete_fields:
        if field.attname in ("version", "updated_at") or field.attname not in old_values:
            continue
        old, new = old_values.get(field.attname), new_values.get(field.attname)
        if old != new:
            changes.append((field.verbose_name.capitalize(), old, new, word_diff(old, new)))
    return changes


def record_values(record):
    return {field.attname: getattr(record, field.attname) for field in type(record.instance)._meta.concrete_fields}


class EditorialAdmin(CSVAdminMixin, SimpleHistoryAdmin):
    """Base admin for every content model."""

    object_history_template = "admin/nrfsite/object_history.html"
    change_form_template = "admin/nrfsite/change_form.html"
    change_list_template = "admin/nrfsite/change_list.html"

    @property
    def publishable(self):
        return issubclass(self.model, Publishable)

    @property
    def reviewable(self):
        return issubclass(self.model, Reviewable)

    # Permissions ----------------------------------------------------------------

    def has_publish_permission(self, request, obj=None):
        return can_review(request.user, self.model)

    def get_list_filter(self, request):
        from nrfsite.attention import for_model

        filters = list(super().get_list_filter(request))
        return [AttentionFilter, *filters] if for_model(self.model) else filters

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self.publishable and not self.has_publish_permission(request):
            fields.append("status")
        if self.reviewable and not self.has_publish_permission(request):
            fields += ["reviewed_on", "reviewed_by"]
        return fields

    # Actions ----------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.publishable:
            actions.pop("publish_selected", None)
            actions.pop("unpublish_selected", None)
        if not self.reviewable:
            actions.pop("mark_reviewed", None)
            actions.pop("flag_needs_update", None)
        return actions

    @admin.action(description="Publish selected", permissions=["publish"])
    def publish_selected(self, request, queryset):
        done = sum(editorial.publishable_publish(obj=obj, user=request.user) for obj in queryset)
        self.message_user(request, f"Published {done} item(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected (back to draft)", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        done = sum(editorial.publishable_unpublish(obj=obj, user=request.user) for obj in queryset)
        self.message_user(request, f"Unpublished {done} item(s).", messages.SUCCESS)

    @admin.action(description="Mark selected as reviewed", permissions=["publish"])
    def mark_reviewed(self, request, queryset):
        for obj in queryset:
            editorial.reviewable_mark_reviewed(obj=obj, user=request.user)
        self.message_user(request, f"Marked {queryset.count()} item(s) reviewed.", messages.SUCCESS)

    @admin.action(description="Flag selected as needing an update…", permissions=["publish"])
    def flag_needs_update(self, request, queryset):
        form = FlagForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for obj in queryset:
                editorial.reviewable_flag(obj=obj, user=request.user, reason=form.cleaned_data["reason"])
            self.message_user(request, f"Flagged {queryset.count()} item(s).", messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/nrfsite/flag.html", {
            **self.admin_site.each_context(request), "title": "Flag as needing an update", "form": form,
            "queryset": queryset, "opts": self.model._meta, "action": "flag_needs_update",
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        })

    actions = ["publish_selected", "unpublish_selected", "mark_reviewed", "flag_needs_update"]

    # One item's buttons -----------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        urls = [
            path("<path:object_id>/workflow/<str:step>/", self.admin_site.admin_view(self.workflow_view),
                 name=f"{prefix}_workflow"),
            path("<path:object_id>/history/compare/", self.admin_site.admin_view(self.compare_view),
                 name=f"{prefix}_compare"),
            path("deleted/", self.admin_site.admin_view(self.deleted_view), name=f"{prefix}_deleted"),
            path("deleted/<int:history_id>/restore/", self.admin_site.admin_view(self.restore_deleted_view),
                 name=f"{prefix}_restore_deleted"),
        ]
        return urls + super().get_urls()

    def workflow_view(self, request, object_id, step):
        """POST-only buttons on the change form: publish, unpublish, review, flag."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = get_object_or_404(self.model, pk=unquote(object_id))
        change_url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        if not self.has_publish_permission(request, obj):
            self.message_user(request, "Only a reviewer may do that: your change was not applied.", messages.ERROR)
            return HttpResponseRedirect(change_url)
        if step == "publish" and self.publishable:
            editorial.publishable_publish(obj=obj, user=request.user)
            self.message_user(request, f"“{obj}” is published.", messages.SUCCESS)
        elif step == "unpublish" and self.publishable:
            editorial.publishable_unpublish(obj=obj, user=request.user)
            self.message_user(request, f"“{obj}” is a draft again.", messages.SUCCESS)
        elif step == "review" and self.reviewable:
            editorial.reviewable_mark_reviewed(obj=obj, user=request.user, note=request.POST.get("note", "")[:200])
            self.message_user(request, f"“{obj}” is marked reviewed.", messages.SUCCESS)
        elif step == "flag" and self.reviewable:
            reason = request.POST.get("reason", "").strip()[:300]
            if not reason:
                self.message_user(request, "Say why it needs an update: the reason is shown to readers.",
                                  messages.ERROR)
            else:
                editorial.reviewable_flag(obj=obj, user=request.user, reason=reason)
                self.message_user(request, f"“{obj}” is flagged as needing an update.", messages.SUCCESS)
        else:
            self.message_user(request, "Unknown action.", messages.ERROR)
        return HttpResponseRedirect(change_url)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(
            can_review=self.has_publish_permission(request, obj),
            publishable=self.publishable,
            reviewable=self.reviewable,
            workflow_steps=["publish", "unpublish", "review", "flag"],
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_review": self.has_publish_permission(request)}
        return super().changelist_view(request, extra_context)

    # Edit conflicts -----------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        mixins = (ChangeReasonFormMixin,) if not self.publishable or obj is None else (
            ChangeReasonFormMixin, VersionedFormMixin,
        )
        return type(form.__name__, (*mixins, form), {})

    # Saving ---------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get(REASON_FIELD, "").strip()
        if reason:
            obj._change_reason = reason  # the revision says why, beside who and when
        if self.publishable:
            was_published = change and obj.status == Status.PUBLISHED and "status" not in form.changed_data
            if change and not self.has_publish_permission(request, obj) and was_published and form.changed_data:
                obj.status = Status.DRAFT
                obj.pending_review = True
                self.message_user(
                    request,
                    "Saved as a draft: a reviewer publishes it before readers see the change. Until then the "
                    "public page keeps the last published version.",
                    messages.WARNING,
                )
            if obj.status == Status.PUBLISHED and (not change or "status" in form.changed_data):
                editorial.mark_published(obj, request.user)
        super().save_model(request, obj, form, change)

    # History: diffs, restores, deleted items --------------------------------------------

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Restoring a revision is a reviewer's right; an editor may look at it."""
        if request.method == "POST" and not self.has_publish_permission(request):
            self.message_user(request, "Only a reviewer may restore a revision.", messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def compare_view(self, request, object_id):
        """A readable diff between any two revisions of one item (?a=<history id>&b=<history id>)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        history = self.model.history.filter(**{self.model._meta.pk.attname: obj.pk})
        records = {str(record.history_id): record for record in history.order_by("-history_date")}
        ordered = list(records.values())
        a = records.get(request.GET.get("a")) or (ordered[1] if len(ordered) > 1 else None)
        b = records.get(request.GET.get("b")) or (ordered[0] if ordered else None)
        if a is not None and b is not None and a.history_date > b.history_date:
            a, b = b, a
        changes = field_changes(self.model, record_values(a), record_values(b)) if a and b else []
        return TemplateResponse(request, "admin/nrfsite/compare.html", {
            **self.admin_site.each_context(request), "title": f"Compare revisions of “{obj}”", "object": obj,
            "opts": self.model._meta, "a": a, "b": b, "changes": changes, "records": ordered,
        })

    def deleted_records(self):
        history = self.model.history.model
        pk_name = self.model._meta.pk.attname
        existing = self.model._default_manager.values(pk_name)
        return (history.objects.filter(history_type="-").exclude(**{f"{pk_name}__in": existing})
                .select_related("history_user").order_by("-history_date"))

    def deleted_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return TemplateResponse(request, "admin/nrfsite/deleted.html", {
            **self.admin_site.each_context(request), "title": f"Deleted {self.model._meta.verbose_name_plural}",
            "opts": self.model._meta, "records": self.deleted_records()[:200],
            "can_restore": self.has_publish_permission(request),
        })

    def restore_deleted_view(self, request, history_id):
        changelist = reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_deleted")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_publish_permission(request):
            self.message_user(request, "Only a reviewer may bring back a deleted item.", messages.ERROR)
            return HttpResponseRedirect(changelist)
        record = self.deleted_records().filter(history_id=history_id).first()
        if record is None:
            self.message_user(request, "That item is not deleted (any more).", messages.WARNING)
            return HttpResponseRedirect(changelist)
        with transaction.atomic():
            instance = editorial.history_restore(record=record, user=request.user)
        self.message_user(request, f"“{instance}” is back, as it was before it was deleted.", messages.SUCCESS)
        return HttpResponseRedirect(
            reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change", args=[instance.pk])
        )


class FlagForm(forms.Form):
    reason = forms.CharField(max_length=300, help_text="Shown to readers beside the flagged text.")


REASON_FIELD = "change_reason"


class ChangeReasonFormMixin:
    """An optional "why" for the revision this save makes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[REASON_FIELD] = forms.CharField(
            required=False, max_length=300, label="Reason for this change",
            help_text="Optional; kept in the history beside who and when (e.g. 'BBC, 3 March 2025, confirms it').",
            widget=forms.TextInput(attrs={"size": 60}),
        )


class VersionedFormMixin:
    """Optimistic locking: the form remembers the version it was opened on and refuses a save made on an older
    one, keeping what the editor typed and showing what changed in the meantime."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[VERSION_FIELD] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=self.instance.version
        )

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get(VERSION_FIELD)
        current = type(self.instance)._default_manager.select_for_update().filter(pk=self.instance.pk).first()
        if current is None or opened is None or current.version == opened:
            return cleaned
        latest = current.history.select_related("history_user").order_by("-history_date").first()
        who = latest.history_user.get_username() if latest and latest.history_user else "someone"
        when = latest.history_date.strftime("%-d %B %Y at %H:%M") if latest else "meanwhile"
        changes = []
        for name in self.changed_data:
            if name == VERSION_FIELD or name not in self.fields:
                continue
            field = type(self.instance)._meta.get_field(name) if name in {
                f.name for f in type(self.instance)._meta.fields} else None
            if field is None:
                continue
            theirs = field.value_from_object(current)
            if theirs != cleaned.get(name):
                changes.append(format_html("<li><strong>{}</strong>: {}</li>", field.verbose_name,
                                           word_diff(theirs, cleaned.get(name))))
        # The next save is a deliberate one: the form now carries the version just shown.
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = current.version
        raise ValidationError(format_html(
            "Changed by {} on {} since you opened it. Your text is kept below; the differences between their "
            "version and yours (<del>theirs</del> <ins>yours</ins>) are: <ul>{}</ul>Check them, then save again to "
            "keep your version.", who, when, format_html_join("", "{}", ((c,) for c in changes)) or "(none)",
        ), code="edit_conflict")


class AttentionFilter(admin.SimpleListFilter):
    """?attention=<queue>: the changelist narrowed to one queue of the dashboard."""

    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        from nrfsite.attention import for_model

        return for_model(model_admin.model)

    def queryset(self, request, queryset):
        from nrfsite.attention import bucket

        if not self.value():
            return queryset
        found = bucket(self.value())
        if found is None or found.model is not queryset.model:
            return queryset.none()
        return queryset.filter(pk__in=found.pks)
