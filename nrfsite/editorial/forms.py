"""The editorial admin's forms: why a change was made, the flag reason, and the edit-conflict check."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import to_historic

from nrfsite.core.translations import mark_current
from nrfsite.editorial import pending
from nrfsite.editorial.diff import rows_changes, word_diff
from nrfsite.editorial.services import live_rows, waiting_change

VERSION_FIELD = "opened_version"


def html_sentence(message, **values):
    """A translated sentence that holds HTML, its %(name)s placeholders filled with the values escaped (what
    `format_html` does for {} placeholders): the catalog's markup is kept, an editor's text is not markup."""
    return mark_safe(message % {name: conditional_escape(value) for name, value in values.items()})  # noqa: S308


def moment(value):
    """A revision's date and time as the conflict messages give it: "3 March 2025 at 14:05"."""
    return gettext("%(date)s at %(time)s") % {"date": date_format(value, "j F Y"), "time": date_format(value, "H:i")}


class FlagForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, help_text=_("Shown to readers beside the flagged text."))


class SetAsideForm(forms.Form):
    days = forms.TypedChoiceField(
        label=pgettext_lazy("set aside for a number of days", "For"),
        coerce=int,
        initial=90,
        help_text=_("The items come back on the queue by themselves after this."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Why they need nothing now (e.g. 'printed books: no web copy to archive')."),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = [
            (days, ngettext("%(count)d day", "%(count)d days", days) % {"count": days}) for days in choices
        ]


class SchedulePublicationForm(forms.Form):
    """A reviewer's "Publish at": a date and time in the site's time zone (a browser's datetime-local box)."""

    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Pick a date and time to publish at."),
            "invalid": _("Write the time as a date and a time, e.g. 2026-12-24 09:00."),
        },
    )


REASON_FIELD = "change_reason"


class ChangeReasonFormMixin:
    """An optional "why" for the revision this save makes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[REASON_FIELD] = forms.CharField(
            required=False,
            max_length=300,
            label=gettext("Reason for this change"),
            help_text=gettext("Optional; kept in the history beside who and when (e.g. 'BBC, 3 March 2025, confirms it')."),
            widget=forms.TextInput(attrs={"size": 60}),
        )


KEEP_MINE, KEEP_THEIRS = "_keep_mine", "_keep_theirs"  # the conflict's two buttons
REPLACE_FIELD = "replacing_change"


def waiting_on(instance):
    """The change waiting for review on the item `instance` is (or is part of), or None."""
    item = pending.item_of(instance)
    return waiting_change(item) if item is not None and item.pk is not None else None


class VersionedFormMixin:
    """Optimistic locking: the form remembers the version it was opened on and refuses a save made on an older
    one, keeping what the editor typed and showing what changed in the meantime."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[VERSION_FIELD] = forms.IntegerField(widget=forms.HiddenInput, required=False, initial=self.opened_on())
        self.fields[REPLACE_FIELD] = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def opened_on(self):
        """The version the form is opened on: the item's; for a revision opened to be restored (the admin's
        history page), the item's version now, since the restore is a save on top of it (the revision's own
        older version made every restore a conflict with no difference to show)."""
        if to_historic(self.instance) is not None and self.instance.pk is not None:
            now = type(self.instance)._default_manager.filter(pk=self.instance.pk).values_list("version", flat=True)
            return now.first() or self.instance.version
        return self.instance.version

    editing_user = None  # set by the admin: whose save this is
    replacing_change = None  # the waiting change the user saw and chose to replace ("keep mine")

    only_when_changed = False  # an inline row is checked only if it was edited: unchanged rows are not saved

    @cached_property
    def changed_data(self):
        return [name for name in super().changed_data if name not in (VERSION_FIELD, REPLACE_FIELD)]

    def clean(self):
        cleaned = super().clean()
        if self.only_when_changed and not self.has_changed():
            return cleaned
        opened = cleaned.get(VERSION_FIELD)
        current = type(self.instance)._default_manager.select_for_update().filter(pk=self.instance.pk).first()
        self.refuse_over_someone_elses_pending_change(current)
        if current is None or current.version == opened:
            return cleaned
        if opened is None:
            # A form without its token could overwrite anything: refused like a conflict, the text kept.
            self.data = self.data.copy()
            self.data[self.add_prefix(VERSION_FIELD)] = current.version
            raise ValidationError(
                gettext(
                    "This form was sent without the version it was opened on, so it could overwrite someone else's "
                    "change. Your text is kept below: check it against the current version, then save again."
                ),
                code="missing_version",
            )
        latest = current.history.select_related("history_user").order_by("-history_date").first()
        who = latest.history_user.get_username() if latest and latest.history_user else gettext("someone")
        when = moment(latest.history_date) if latest else gettext("meanwhile")
        changes = []
        for name in self.changed_data:
            if name == VERSION_FIELD or name not in self.fields:
                continue
            field = (
                type(self.instance)._meta.get_field(name)
                if name in {f.name for f in type(self.instance)._meta.fields}
                else None
            )
            if field is None:
                continue
            theirs = field.value_from_object(current)
            if theirs != cleaned.get(name):
                changes.append(
                    format_html("<li><strong>{}</strong>: {}</li>", field.verbose_name, word_diff(theirs, cleaned.get(name)))
                )
        # The next save is a deliberate one: the form now carries the version just shown.
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = current.version
        raise ValidationError(
            html_sentence(
                gettext(
                    "Changed by %(who)s on %(when)s since you opened it. Your text is kept below; the differences "
                    "between their version and yours (<del>theirs</del> <ins>yours</ins>) are: <ul>%(changes)s</ul>"
                    "Check them, then save again to keep your version."
                ),
                who=who,
                when=when,
                changes=format_html_join("", "{}", ((c,) for c in changes)) or gettext("(none)"),
            ),
            code="edit_conflict",
        )

    def refuse_over_someone_elses_pending_change(self, current):
        """A save never silently replaces someone else's change that waits for review.

        Refused, showing their change against the live version; the form then carries that change's id,
        so "Keep mine" replaces it (it is kept as superseded, not lost) and "Keep theirs" drops this edit.
        """
        waiting = waiting_on(self.instance if current is None else current)
        user = self.editing_user
        if waiting is None or user is None or waiting.author_id == user.pk:
            return
        seen = self.cleaned_data.get(REPLACE_FIELD)
        if seen == waiting.pk and self.data.get(KEEP_MINE) is not None:
            self.replacing_change = waiting
            return
        self.data = self.data.copy()
        self.data[self.add_prefix(REPLACE_FIELD)] = waiting.pk
        item = waiting.item
        from_live = rows_changes(live_rows(item), waiting.rows) if item else []
        raise ValidationError(
            html_sentence(
                gettext(
                    "%(author)s's change to this item waits for a reviewer (since %(when)s). Saving yours would replace "
                    "it. Their change (<del>published</del> <ins>theirs</ins>): <ul>%(changes)s</ul>Your text is kept "
                    "below. <strong>Keep mine</strong> replaces their change with yours (theirs stays in the record, "
                    "superseded); <strong>Keep theirs</strong> drops your edit."
                ),
                author=waiting.author.get_username() if waiting.author else gettext("Another editor"),
                when=moment(waiting.updated_at),
                changes=format_html_join(
                    "", "<li><strong>{}</strong>: {}</li>", ((column, diff) for _f, _k, column, _a, _b, diff in from_live)
                )
                or gettext("(none)"),
            ),
            code="pending_change",
        )


class VersionedInlineForm(VersionedFormMixin, forms.ModelForm):
    """An inline row's form: the version it was opened on travels with the row, as on the item's own form.

    A stale entity form must not overwrite a section someone changed meanwhile through its inline; a row
    the editor did not touch is not checked (and not saved).
    """

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    replacing_change = forms.IntegerField(widget=forms.HiddenInput, required=False)
    only_when_changed = True


class TranslationsCurrentForm(forms.ModelForm):
    """The form of a model whose translations can fall behind (`translations.TracksTranslations`): a box a
    translator ticks after checking translations marked behind, which marks them current. Saved through the
    admin's save, so it takes the same rights, version check and revision as any edit."""

    translations_current = forms.BooleanField(
        required=False,
        label=_("The translations still say what the English says"),
        help_text=_("Tick after checking the translations marked as behind the English: they are marked current."),
    )

    def save(self, commit=True):
        if self.cleaned_data.get("translations_current"):
            mark_current(self.instance)  # the instance holds the form's values since it was validated
        return super().save(commit)
