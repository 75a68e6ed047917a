"""The editorial admin: roles, publishing, review actions, edit conflicts, revision diffs and restores.

`EditorialAdmin` is the base of every content model's admin. What a user may
do follows `nrfsite.editorial.roles`: an Editor adds and changes (a change to a
published item goes back to draft for review), a Reviewer also publishes,
unpublishes, marks reviewed, flags, restores revisions and deletes. A
forbidden action is refused with a message, never a 500.
"""

from itertools import pairwise

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from nrfsite.core.publishing import Publishable, Reviewable, Status, Versioned
from nrfsite.editorial import pending, schedule
from nrfsite.editorial import services as editorial
from nrfsite.editorial.diff import revision_changes, rows_changes
from nrfsite.editorial.forms import (
    KEEP_THEIRS,
    REASON_FIELD,
    REPLACE_FIELD,
    VERSION_FIELD,
    ChangeReasonFormMixin,
    FlagForm,
    SchedulePublicationForm,
    SetAsideForm,
    VersionedFormMixin,
    VersionedInlineForm,
)
from nrfsite.editorial.models import PendingChange, PendingState, SetAside
from nrfsite.editorial.queues import SET_ASIDE_DAYS, bucket, for_model, set_aside
from nrfsite.editorial.roles import can_review


def partial_date_column(name, description=None):
    """A sortable changelist column showing a partial date at its own precision."""

    @admin.display(description=name.replace("_", " ") if description is None else description, ordering=name)
    def column(obj):
        value = getattr(obj, f"{name}_partial")
        return str(value) if value else "—"

    column.__name__ = f"{name}_at_precision"
    return column


class NamedBlankFilter(admin.AllValuesFieldListFilter):
    """A changelist filter of a field's values in which the blank value is a link named "(none)", not a link
    with no text (axe-core: link-name)."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            yield {**choice, "display": choice["display"] or gettext("(none)")}


class NamedCells:
    """A tabular inline's formset whose cells, under a column header but with no <label> (axe-core: label,
    select-name), are each named by their field's label, the delete box included."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside a related-object wrapper
            if not widget.is_hidden:
                widget.attrs.setdefault("aria-label", str(field.label or name).rstrip("?:").strip())


class EditorialInline:
    """The base of every inline of a content model.

    Its status and review fields are a reviewer's, as on its own form (the parent form's read-only fields
    do not cover an inline's). Each row carries the version it was opened on, and a changed row made on
    an older version, or over someone else's waiting change, is refused, as on its own form.
    """

    form = VersionedInlineForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields + [name for name in (VERSION_FIELD, REPLACE_FIELD) if name not in fields]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"editing_user": request.user})
        if isinstance(self, admin.TabularInline):
            formset = type(formset.__name__, (NamedCells, formset), {})
        return formset

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_review(request.user, self.model):
            fields += [name for name in ("status", "reviewed_on", "reviewed_by") if name in (self.fields or [])]
        return fields


QUEUE_PER_PAGE = 25


class EditorialAdmin(SimpleHistoryAdmin):
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
        filters = list(super().get_list_filter(request))
        return [AttentionFilter, *filters] if for_model(self.model) else filters

    # One needs-attention queue, as a changelist: ?attention=<queue> -------------------

    def attention_queue(self, request):
        """The queue this changelist is narrowed to, if it is one of this model's."""
        key = request.GET.get(AttentionFilter.parameter_name)
        return key if key in dict(for_model(self.model)) else None

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        if not self.attention_queue(request):
            return shown

        @admin.display(description=gettext("why it is listed"))
        def why_listed(obj):
            return getattr(request, "attention_why", {}).get(obj.pk, "")

        return [*shown, why_listed]

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if not self.attention_queue(request):
            return changelist

        class QueueChangeList(changelist):
            """A queue pages by QUEUE_PER_PAGE: 75 alike items are three pages, not one flood."""

            def get_results(self, request):
                self.list_per_page = QUEUE_PER_PAGE
                super().get_results(request)

        return QueueChangeList

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
        if not self.attention_queue(request):
            actions.pop("set_aside_from_queue", None)
        return actions

    # The item counts keep the English "item(s)"; ngettext gives each language its own plural forms of it.

    @admin.action(description=_("Publish selected"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        done = sum(editorial.publishable_publish(obj=obj, user=request.user) for obj in queryset)
        message = ngettext("Published %(count)d item(s).", "Published %(count)d item(s).", done) % {"count": done}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Unpublish selected (back to draft)"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        done = sum(editorial.publishable_unpublish(obj=obj, user=request.user) for obj in queryset)
        message = ngettext("Unpublished %(count)d item(s).", "Unpublished %(count)d item(s).", done) % {"count": done}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Mark selected as reviewed"), permissions=["publish"])
    def mark_reviewed(self, request, queryset):
        for obj in queryset:
            editorial.reviewable_mark_reviewed(obj=obj, user=request.user)
        count = queryset.count()
        message = ngettext("Marked %(count)d item(s) reviewed.", "Marked %(count)d item(s) reviewed.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Flag selected as needing an update…"), permissions=["publish"])
    def flag_needs_update(self, request, queryset):
        form = FlagForm(request.POST if "apply" in request.POST else None)
        count = queryset.count()
        if form.is_valid():
            for obj in queryset:
                editorial.reviewable_flag(obj=obj, user=request.user, reason=form.cleaned_data["reason"])
            message = ngettext("Flagged %(count)d item(s).", "Flagged %(count)d item(s).", count) % {"count": count}
            self.message_user(request, message, messages.SUCCESS)
            return None
        sentence = ngettext(
            "Flag these %(count)d item(s) as needing an update:", "Flag these %(count)d item(s) as needing an update:", count
        ) % {"count": count}
        title, button = gettext("Flag as needing an update"), gettext("Flag")
        return self.confirm_action(request, queryset, form, "flag_needs_update", title, sentence, button)

    @admin.action(description=_("Set selected aside from this queue for now…"), permissions=["change"])
    def set_aside_from_queue(self, request, queryset):
        """Take items off the needs-attention queue the list is narrowed to, for a while, with a reason."""
        key = self.attention_queue(request)
        form = SetAsideForm(request.POST if "apply" in request.POST else None, choices=SET_ASIDE_DAYS)
        if form.is_valid():
            done = set_aside(
                key, queryset, days=form.cleaned_data["days"], reason=form.cleaned_data["reason"], user=request.user
            )
            message = ngettext(
                "Set %(count)d item(s) aside from “%(queue)s” for %(days)d days.",
                "Set %(count)d item(s) aside from “%(queue)s” for %(days)d days.",
                done,
            ) % {"count": done, "queue": dict(for_model(self.model))[key], "days": form.cleaned_data["days"]}
            self.message_user(request, message, messages.SUCCESS)
            return None
        count = queryset.count()
        sentence = ngettext(
            "Set these %(count)d item(s) aside from “%(queue)s”: they leave the queue until the day you choose, then "
            "come back by themselves.",
            "Set these %(count)d item(s) aside from “%(queue)s”: they leave the queue until the day you choose, then "
            "come back by themselves.",
            count,
        ) % {"count": count, "queue": dict(for_model(self.model))[key]}
        title, button = gettext("Set aside from a queue"), gettext("Set aside")
        return self.confirm_action(request, queryset, form, "set_aside_from_queue", title, sentence, button)

    def confirm_action(self, request, queryset, form, action, title, sentence, button):
        """The page a bulk action asks its questions on: the items, the form, and every item's id carried on
        (not only the page's: "select all" means all of them)."""
        return TemplateResponse(
            request,
            "admin/nrfsite/confirm_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "sentence": sentence,
                "button": button,
                "form": form,
                "queryset": queryset,
                "opts": self.model._meta,
                "action": action,
            },
        )

    actions = ["publish_selected", "unpublish_selected", "mark_reviewed", "flag_needs_update", "set_aside_from_queue"]

    # One item's buttons -----------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        urls = [
            path(
                "<path:object_id>/workflow/<str:step>/",
                self.admin_site.admin_view(self.workflow_view),
                name=f"{prefix}_workflow",
            ),
            path("<path:object_id>/history/compare/", self.admin_site.admin_view(self.compare_view), name=f"{prefix}_compare"),
            path("deleted/", self.admin_site.admin_view(self.deleted_view), name=f"{prefix}_deleted"),
            path(
                "deleted/<int:history_id>/restore/",
                self.admin_site.admin_view(self.restore_deleted_view),
                name=f"{prefix}_restore_deleted",
            ),
        ]
        return urls + super().get_urls()

    def workflow_view(self, request, object_id, step):
        """POST-only buttons on the change form: publish, unpublish, review, flag."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = get_object_or_404(self.model, pk=unquote(object_id))
        change_url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        waiting = editorial.waiting_change(obj) if self.publishable else None
        if step == "withdraw" and waiting is not None and waiting.author_id == request.user.pk:
            editorial.withdraw_change(change=waiting, user=request.user)
            self.message_user(request, gettext("Your change is withdrawn: nothing of it was published."), messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        if not self.has_publish_permission(request, obj):
            self.message_user(request, gettext("Only a reviewer may do that: your change was not applied."), messages.ERROR)
            return HttpResponseRedirect(change_url)
        if step == "publish" and self.publishable:
            try:
                editorial.publishable_publish(obj=obj, user=request.user)
            except editorial.ChangeNotApplied as error:
                message = gettext("The change could not be published: %(error)s") % {"error": error}
                self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(request, gettext("“%(item)s” is published.") % {"item": obj}, messages.SUCCESS)
        elif step == "schedule" and self.publishable:
            self.schedule_publication(request, obj)
        elif step == "reject" and waiting is not None:
            editorial.reject_change(change=waiting, user=request.user, note=request.POST.get("note", "").strip()[:300])
            message = gettext("The change to “%(item)s” is rejected: readers keep the published version.")
            self.message_user(request, message % {"item": obj}, messages.SUCCESS)
        elif step == "unpublish" and self.publishable:
            if editorial.publishable_unpublish(obj=obj, user=request.user):
                message = gettext("“%(item)s” is a draft again: readers no longer see it.")
                self.message_user(request, message % {"item": obj}, messages.SUCCESS)
            else:
                message = gettext("“%(item)s” was not public: there was nothing to unpublish.")
                self.message_user(request, message % {"item": obj}, messages.WARNING)
        elif step == "review" and self.reviewable:
            editorial.reviewable_mark_reviewed(obj=obj, user=request.user, note=request.POST.get("note", "")[:200])
            self.message_user(request, gettext("“%(item)s” is marked reviewed.") % {"item": obj}, messages.SUCCESS)
        elif step == "flag" and self.reviewable:
            reason = request.POST.get("reason", "").strip()[:300]
            if not reason:
                message = gettext("Say why it needs an update: the reason is shown to readers.")
                self.message_user(request, message, messages.ERROR)
            else:
                editorial.reviewable_flag(obj=obj, user=request.user, reason=reason)
                message = gettext("“%(item)s” is flagged as needing an update.")
                self.message_user(request, message % {"item": obj}, messages.SUCCESS)
        else:
            self.message_user(request, gettext("Unknown action."), messages.ERROR)
        return HttpResponseRedirect(change_url)

    def schedule_publication(self, request, obj):
        """The reviewer's "Publish at": a background job publishes what they reviewed at that time."""
        form = SchedulePublicationForm(request.POST)
        if not form.is_valid():
            self.message_user(request, " ".join(form.errors["publish_at"]), messages.ERROR)
            return
        try:
            job = schedule.schedule(obj, user=request.user, at=form.cleaned_data["publish_at"])
        except schedule.ScheduleError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        when = date_format(timezone.localtime(job.run_after), "DATETIME_FORMAT")
        message = gettext("“%(item)s” will be published at %(when)s, as you reviewed it.") % {"item": obj, "when": when}
        self.message_user(request, message, messages.SUCCESS)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        waiting = editorial.waiting_change(obj) if self.publishable and obj is not None and obj.pk else None
        context.update(
            can_review=self.has_publish_permission(request, obj),
            publishable=self.publishable,
            reviewable=self.reviewable,
            workflow_steps=["publish", "schedule", "unpublish", "review", "flag", "reject", "withdraw"],
            scheduled_publication=schedule.scheduled(obj) if self.publishable and obj is not None and obj.pk else None,
            schedule_form=SchedulePublicationForm(),
            pending_change=waiting,
            pending_changes=rows_changes(editorial.live_rows(obj), waiting.rows) if waiting else [],
            editing_pending=getattr(request, "_editing_pending", None) is not None,
            conflict=self.has_conflict(context),
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def has_conflict(context):
        """The form or one of its inline rows was refused over a newer version or someone's waiting change."""
        forms = [context["adminform"].form] if "adminform" in context else []
        forms += [form for inline in context.get("inline_admin_formsets", []) for form in inline.formset.forms]
        codes = {"pending_change", "edit_conflict", "missing_version"}
        return any(error.code in codes for form in forms if form.is_bound for error in form.non_field_errors().as_data())

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_review": self.has_publish_permission(request)}
        return super().changelist_view(request, extra_context)

    # Edit conflicts -----------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        versioned = obj is not None and issubclass(self.model, Versioned)
        mixins = (ChangeReasonFormMixin, VersionedFormMixin) if versioned else (ChangeReasonFormMixin,)
        return type(form.__name__, (*mixins, form), {"editing_user": request.user})

    # Saving ---------------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """The author of a waiting change edits that change, not the live row: the form opens on it.

        The change is written in a savepoint that is always rolled back, so the form and its inlines read
        it as if it were live, and nothing of it reaches readers; a save keeps it as the new change.
        """
        if request.method == "POST" and KEEP_THEIRS in request.POST and object_id:
            message = gettext("Your edit was dropped: the form shows the current version.")
            self.message_user(request, message, messages.INFO)
            return HttpResponseRedirect(request.path)
        # get_object, as Django's own view: an id that is not one ("abc", "1/change/x.css") finds nothing.
        obj = self.get_object(request, unquote(object_id)) if object_id and self.publishable else None
        waiting = editorial.waiting_change(obj) if obj is not None else None
        if waiting is None or waiting.author_id != request.user.pk:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic():
            savepoint = transaction.savepoint()
            errors = pending.adapter_for(self.model).apply(obj, waiting.rows, user=None, reason="")
            if errors:
                transaction.savepoint_rollback(savepoint)
                message = gettext("Your waiting change no longer applies (%(errors)s): the form shows the live version.")
                self.message_user(request, message % {"errors": "; ".join(errors)}, messages.WARNING)
                return super().changeform_view(request, object_id, form_url, extra_context)
            # The form's version token stays the live row's: a save made meanwhile is still noticed.
            self.model._default_manager.filter(pk=obj.pk).update(version=obj.version)
            request._editing_pending = savepoint
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # while the change is in place: the page shows it
            transaction.savepoint_rollback(savepoint)
            deferred = getattr(request, "_deferred_hold", None)
            if deferred is not None:  # a save: kept as the new change, beside the live row
                self.finish_hold(request, **deferred)
        return response

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get(REASON_FIELD, "").strip()
        if reason:
            obj._change_reason = reason  # the revision says why, beside who and when
        item = editorial.held_item(obj, request.user)
        replacing = getattr(form, "replacing_change", None)
        if item is None and replacing is not None:  # a reviewer's save, written, replaces the waiting change
            editorial.supersede_change(change=replacing, user=request.user)
        if item is not None:
            # An editor's change to a published item: written in a savepoint, read back as rows, undone.
            request._editorial_hold = {"item": item, "reason": reason, "savepoint": transaction.savepoint()}
        if self.publishable and obj.status == Status.PUBLISHED and (not change or "status" in form.changed_data):
            editorial.mark_published(obj, request.user)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        hold = getattr(request, "_editorial_hold", None)
        if hold is None:
            return super().save_related(request, form, formsets, change)
        item = hold["item"]
        form.save_m2m()
        owned = [f for f in formsets if pending.owned_by(type(item), f.model)] if item is form.instance else formsets
        for formset in owned:
            self.save_formset(request, form, formset, change)
        finish = {
            "item": item,
            "rows": editorial.live_rows(item),
            "reason": hold["reason"],
            "form": form,
            "formsets": [f for f in formsets if f not in owned],
            "change": change,
        }
        request._editorial_held = True
        if getattr(request, "_editing_pending", None) is not None:
            request._deferred_hold = finish  # changeform_view undoes the waiting change it opened on, then keeps this
            return
        transaction.savepoint_rollback(hold["savepoint"])
        self.finish_hold(request, **finish)

    def finish_hold(self, request, *, item, rows, reason, form, formsets, change):
        """After the savepoint is undone: keep the rows as the pending change, then save the other inlines."""
        self.keep_pending(request, item, rows, reason, form)
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def keep_pending(self, request, item, rows, reason, form=None):
        """Keep `rows` as the user's change to `item`, waiting for review; say so. The change, or None."""
        replace = getattr(form, "replacing_change", None)
        try:
            kept = editorial.submit_change(item=item, rows=rows, user=request.user, reason=reason, replace=replace)
        except editorial.PendingConflict as conflict:
            message = gettext("Not saved: %(conflict)s Ask a reviewer to publish or reject it first.")
            self.message_user(request, message % {"conflict": conflict}, messages.ERROR)
            return None
        if kept is not None:
            message = gettext(
                "Your change to “%(item)s” waits for a reviewer. Until it is published, readers see the published version."
            )
            self.message_user(request, message % {"item": item}, messages.WARNING)
        return kept

    def log_addition(self, request, obj, message):
        if not getattr(request, "_editorial_held", False):  # a held change is recorded as the pending change
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if not getattr(request, "_editorial_held", False):
            return super().log_change(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        return self._held_response(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self._held_response(request, obj) or super().response_change(request, obj)

    def _held_response(self, request, obj):
        hold = getattr(request, "_editorial_hold", None)
        if hold is None:
            return None
        item = hold["item"]
        opts = item._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk]))

    def save_formset(self, request, form, formset, change):
        """An editor's change to a published row of an inline (a statement on its entity's form) waits for review."""
        if pending.adapter_for(formset.model) is not None:
            for inline in formset.initial_forms:
                if not inline.has_changed() or formset._should_delete_form(inline):
                    continue
                item = editorial.held_item(inline.instance, request.user)
                if item is None:
                    continue
                savepoint = transaction.savepoint()
                inline.save()
                rows = editorial.live_rows(item)
                transaction.savepoint_rollback(savepoint)
                self.keep_pending(request, item, rows, f"Changed on the form of “{form.instance}”")
                inline.changed_data = []  # written as a pending change: the formset's save leaves the row alone
        super().save_formset(request, form, formset, change)

    # Deleting: a reviewer's, through the service ------------------------------------------

    def delete_model(self, request, obj):
        editorial.delete_items(objs=[obj], user=request.user)

    def delete_queryset(self, request, queryset):
        editorial.delete_items(objs=list(queryset), user=request.user)

    # History: diffs, restores, deleted items --------------------------------------------

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Restoring a revision is a reviewer's right; an editor may look at it."""
        if request.method == "POST" and not self.has_publish_permission(request):
            self.message_user(request, gettext("Only a reviewer may restore a revision."), messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each revision on the history page with what it changed, read as the compare page reads it.

        Not django-simple-history's own: that cuts a long text to "A mou[430 chars]f-28]" and lists the
        version, timestamps and review stamps beside what the editor wrote.
        """
        records = list(historical_records)
        for newer, older in pairwise(records):
            newer.history_delta_changes = revision_changes(self.model, older, newer)
        if records and historical_records.has_next():  # the page's oldest revision: its predecessor is on the next
            records[-1].history_delta_changes = revision_changes(self.model, records[-1].prev_record, records[-1])

    def compare_view(self, request, object_id):
        """A readable diff between any two revisions of one item (?a=<history id>&b=<history id>)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        history = self.model.history.filter(**{self.model._meta.pk.attname: obj.pk}).select_related("history_user")
        records = {str(record.history_id): record for record in history.order_by("-history_date", "-history_id")}
        ordered = list(records.values())
        a = records.get(request.GET.get("a")) or (ordered[1] if len(ordered) > 1 else None)
        b = records.get(request.GET.get("b")) or (ordered[0] if ordered else None)
        if a is not None and b is not None and (a.history_date, a.history_id) > (b.history_date, b.history_id):
            a, b = b, a
        changes = revision_changes(self.model, a, b)
        return TemplateResponse(
            request,
            "admin/nrfsite/compare.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Compare revisions of “%(item)s”") % {"item": obj},
                "object": obj,
                "opts": self.model._meta,
                "a": a,
                "b": b,
                "changes": changes,
                "records": ordered,
            },
        )

    def deleted_records(self):
        history = self.model.history.model
        pk_name = self.model._meta.pk.attname
        existing = self.model._default_manager.values(pk_name)
        return (
            history.objects.filter(history_type="-")
            .exclude(**{f"{pk_name}__in": existing})
            .select_related("history_user")
            .order_by("-history_date")
        )

    def deleted_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/nrfsite/deleted.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Deleted %(items)s") % {"items": self.model._meta.verbose_name_plural},
                "opts": self.model._meta,
                "records": self.deleted_records()[:200],
                "can_restore": self.has_publish_permission(request),
            },
        )

    def restore_deleted_view(self, request, history_id):
        changelist = reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_deleted")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_publish_permission(request):
            self.message_user(request, gettext("Only a reviewer may bring back a deleted item."), messages.ERROR)
            return HttpResponseRedirect(changelist)
        record = self.deleted_records().filter(history_id=history_id).first()
        if record is None:
            self.message_user(request, gettext("That item is not deleted (any more)."), messages.WARNING)
            return HttpResponseRedirect(changelist)
        with transaction.atomic():
            instance = editorial.history_restore(record=record, user=request.user)
        message = gettext("“%(item)s” is back, as it was before it was deleted.") % {"item": instance}
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change", args=[instance.pk])
        )


class AttentionFilter(admin.SimpleListFilter):
    """?attention=<queue>: the changelist narrowed to one queue of the dashboard."""

    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return for_model(model_admin.model)

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        found = bucket(self.value())
        if found is None or found.model is not queryset.model:
            return queryset.none()
        request.attention_why = {item.obj.pk: item.why for item in found.items}  # the list's "why" column
        return queryset.filter(pk__in=found.pks)


CELL = "<td>{}</td>"


@admin.register(SetAside)
class SetAsideAdmin(admin.ModelAdmin):
    """What editors took off a needs-attention queue, until when and why. Deleting a record puts the item back
    on its queue at once; nothing here is added or edited by hand (the queue's bulk action sets items aside)."""

    list_display = ["label", "queue", "until", "reason", "by", "created_at"]
    list_filter = ["queue", "content_type"]
    search_fields = ["label", "reason"]
    list_select_related = ["by", "content_type"]
    readonly_fields = ["label", "queue", "content_type", "object_id", "until", "reason", "by", "created_at"]
    fields = readonly_fields
    actions = ["put_back"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def get_queryset(self, request):
        """Only items of the models the user may view: a set-aside label and reason say what the item is."""
        queryset = super().get_queryset(request)
        shown = {
            pk
            for pk, app, model in ContentType.objects.filter(pk__in=queryset.values("content_type").distinct()).values_list(
                "pk", "app_label", "model"
            )
            if request.user.has_perm(f"{app}.view_{model}")
        }
        return queryset.filter(content_type__in=shown)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return request.user.is_active and request.user.is_staff
        return request.user.has_perm(f"{obj.content_type.app_label}.change_{obj.content_type.model}")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # "put back" says what deleting a record does
        return actions

    @admin.action(description=_("Put selected back on their queue now"))
    def put_back(self, request, queryset):
        records = list(queryset.select_related("content_type"))
        allowed = [record.pk for record in records if self.has_delete_permission(request, record)]
        done, _ = SetAside.objects.filter(pk__in=allowed).delete()
        refused = len(records) - len(allowed)
        message = ngettext("Put %(count)d item(s) back on their queue.", "Put %(count)d item(s) back on their queue.", done)
        self.message_user(request, message % {"count": done}, messages.SUCCESS)
        if refused:
            message = ngettext(
                "%(count)d item(s) stay set aside: you may not change them.",
                "%(count)d item(s) stay set aside: you may not change them.",
                refused,
            )
            self.message_user(request, message % {"count": refused}, messages.WARNING)


@admin.register(PendingChange)
class PendingChangeAdmin(admin.ModelAdmin):
    """Every editor's change to a published item and what became of it, for the whole editorial team to read.

    Read-only: a change is made in the item's own form and decided there (publish, reject, withdraw), through
    `nrfsite.editorial.services`; this list is its record.
    """

    list_display = ["label", "kind", "author", "state", "created_at", "decided_by", "decided_at"]
    list_filter = ["state", "content_type"]
    search_fields = ["label", "reason", "decision_note", "author__username"]
    list_select_related = ["author", "decided_by", "content_type"]
    fields = [
        "label",
        "item_link",
        "kind",
        "state",
        "author",
        "reason",
        "created_at",
        "base_version",
        "decided_by",
        "decided_at",
        "decision_note",
        "proposed",
    ]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("kind of item"))
    def kind(self, change):
        return change.content_type.model_class()._meta.verbose_name

    @admin.display(description=_("item"))
    def item_link(self, change):
        item = change.item
        if item is None:
            return gettext("deleted since")
        meta = item._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk])
        return format_html('<a href="{}">{}</a>', url, item)

    @admin.display(description=_("the change"))
    def proposed(self, change):
        """While it waits: what it changes against the live item. Once decided: the rows it proposed."""
        if change.state == PendingState.PENDING and change.item is not None:
            cells = rows_changes(editorial.live_rows(change.item), change.rows)
            body = format_html_join(
                "", "<tr>" + CELL * 4 + "</tr>", ((f, key, column, diff) for f, key, column, _old, _new, diff in cells)
            )
            return format_html(
                '<table class="pending-diff"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>',
                gettext("file"),
                gettext("row"),
                gettext("column"),
                gettext("change"),
                body,
            )
        rows = (
            (file_name, column, cell)
            for file_name, file_rows in change.rows.items()
            for row in file_rows
            for column, cell in row.items()
            if cell
        )
        body = format_html_join("", "<tr>" + CELL * 3 + "</tr>", rows)
        return format_html(
            '<table class="pending-rows"><tr><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>',
            gettext("file"),
            gettext("column"),
            gettext("proposed"),
            body,
        )
