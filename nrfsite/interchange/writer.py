"""The writing half of an import: rows, their child sets and their revision rows, in bulk."""

import bisect
from collections import defaultdict

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from nrfsite.core.publishing import Versioned
from nrfsite.core.translations import track_translations, tracking_columns
from nrfsite.interchange import dialect
from nrfsite.interchange.signals import rows_imported
from nrfsite.interchange.writes import history_rows

BATCH = 500
CHUNK = 2000  # rows whose children and revisions are built at once


class PkRuns:
    """A set of integer pks kept as sorted runs [start, stop).

    The rows one import creates get consecutive pks, so the 4,000,000 participations and citations of a
    million events are a run or two, not four million set entries (about 240 MB).
    """

    def __init__(self):
        self.starts, self.stops = [], []

    def update(self, pks):
        for pk in sorted(pks):
            self.add(pk)

    def add(self, pk):
        starts, stops = self.starts, self.stops
        i = bisect.bisect_right(starts, pk)  # runs i-1 and before start at or before pk
        if i and pk < stops[i - 1]:
            return
        if i and pk == stops[i - 1]:
            stops[i - 1] += 1
            if i < len(starts) and starts[i] == stops[i - 1]:  # it closes the gap to the next run
                stops[i - 1] = stops[i]
                del starts[i], stops[i]
        elif i < len(starts) and starts[i] == pk + 1:
            starts[i] = pk
        else:
            starts.insert(i, pk)
            stops.insert(i, pk + 1)

    def __contains__(self, pk):
        i = bisect.bisect_right(self.starts, pk)
        return bool(i) and pk < self.stops[i - 1]


class WriterMixin:
    """Writes the rows `check_rows` passed; a database refusal becomes an error of the report."""

    def write(self, work, report, *, user, reason):
        model = self.model
        created, changed, changed_fields, before_changes = [], [], set(), []
        child_plans = []  # (child_set, obj, desired dict, is the parent new)
        stored = {}  # id(obj): its values before the row (for the translations' record)
        for row in work:
            obj, before, deferred_parent = row.obj, row.before, row.deferred_parent
            stored[id(obj)] = before
            if before is None:
                created.append(obj)
            elif row.changes or row.child_changed:
                changed.append(obj)  # its citations or participants alone changing changes the item readers see
                before_changes.append(before)
                changed_fields.update(row.changes)
            child_plans.extend((child_set, obj, desired, before is None) for child_set, desired in row.child_plans)
            kind = row.kind
            if deferred_parent:
                obj._deferred_parent = deferred_parent
                if before is not None and obj not in changed:
                    # Its parent is a row created by this file: it changes once that row exists.
                    changed.append(obj)
                    changed_fields.add(self.model_field(self.columns()[self.self_reference]).attname)
                    kind = "update"
            report.add_row(row.line, kind, self.describe_obj(obj), row.cells, row.changes, instance=obj)
        if issubclass(model, Versioned):
            # Imports are saves too: they raise the version the admin's edit-conflict check compares.
            for obj in created:
                obj.version = 1
            for obj in changed:
                obj.version += 1
            if changed:
                changed_fields.add("version")
        if tracking := tracking_columns(model):
            # Bulk writes call no save(): the same record of which English each translation was made from.
            today = timezone.localdate()
            for obj in created + changed:
                track_translations(obj, stored.get(id(obj)), today)
            if changed:
                changed_fields.update(tracking)
        # bulk_update() skips auto_now: set it, so the feed, the sitemap and "Recently updated" see the change.
        now = timezone.now()
        for auto_now in (f for f in model._meta.concrete_fields if getattr(f, "auto_now", False) and changed):
            for obj in changed:
                setattr(obj, auto_now.attname, now)
            changed_fields.add(auto_now.attname)
        try:
            with transaction.atomic():
                model._default_manager.bulk_create(created, batch_size=BATCH)
                self.fix_self_references(created + changed)
                fields = [model._meta.get_field(name).name for name in changed_fields if name != model._meta.pk.attname]
                if changed and fields:
                    model._default_manager.bulk_update(changed, fields, batch_size=BATCH)
                history = model.history.model
                when = None
                # Revision rows are built and written a chunk at a time, so memory does not grow with the file.
                for kind, objs in (("+", created), ("~", changed)):
                    for start in range(0, len(objs), CHUNK):
                        history.objects.bulk_create(
                            history_rows(model, objs[start : start + CHUNK], kind=kind, user=user, reason=reason, when=when),
                            batch_size=BATCH,
                        )
                self.write_children(child_plans, user=user, reason=reason)
                self.after_write(created + changed, user=user, reason=reason, before=before_changes)
                if created or changed or child_plans:
                    # Bulk writes send no model signals; whoever caches pages listens to this one instead.
                    rows_imported.send(sender=model, created=len(created), changed=len(changed), objs=created + changed)
        except IntegrityError as error:
            message = gettext("The database refused the rows: %(error)s") % {"error": error}
            report.errors.append(dialect.CellError(report.file, 0, "", message))
        if self.self_reference:
            widget = self.columns()[self.self_reference].widget
            for obj in created:
                widget.add(getattr(obj, widget.field), obj)

    created_in_import = None  # set by run_import: {model: PkRuns} the earlier files of a bundle created
    import_user = None  # set by run_import: None is the system (the seed loader, import_bundle without --user)

    def created_earlier(self, model):
        """The pks of `model` rows that earlier files of the same import created."""
        return self.created_in_import.get(model, ()) if self.created_in_import else ()

    def fix_self_references(self, objs):
        if not self.self_reference:
            return
        f = self.columns()[self.self_reference]
        attname = self.model_field(f).attname
        widget = f.widget
        by_key = {getattr(obj, widget.field): obj for obj in objs}
        pending = [obj for obj in objs if getattr(obj, "_deferred_parent", None)]
        for obj in pending:
            parent = by_key.get(obj._deferred_parent)
            setattr(obj, attname, parent.pk if parent else key_part(widget.mapping()[obj._deferred_parent]))
        if pending:
            self.model._default_manager.bulk_update(pending, [self.model_field(f).name], batch_size=BATCH)

    def write_children(self, plans, *, user, reason):
        by_set = defaultdict(list)
        for child_set, obj, desired, is_new in plans:
            by_set[id(child_set)].append((child_set, obj, desired, is_new))
        for all_entries in by_set.values():
            child_set = all_entries[0][0]
            child_model = child_set.model
            parent_attname = child_model._meta.get_field(child_set.parent).attname
            history = child_model.history.model
            # A chunk of parents at a time: children and their revision rows never all sit in memory.
            for start in range(0, len(all_entries), CHUNK):
                to_create, to_delete = [], []
                for _, obj, desired, is_new in all_entries[start : start + CHUNK]:
                    have = {} if is_new else {child_set.child_key(c): c for c in getattr(obj, child_set.related_name).all()}
                    for child_key, values in desired.items():
                        if child_key not in have:
                            to_create.append(child_model(**{parent_attname: obj.pk}, **values))
                    to_delete.extend(child for k, child in have.items() if k not in desired)
                child_model._default_manager.bulk_create(to_create, batch_size=BATCH)
                if self.created_in_import is not None:
                    self.created_in_import.setdefault(child_model, PkRuns()).update(child.pk for child in to_create)
                history.objects.bulk_create(
                    history_rows(child_model, to_create, kind="+", user=user, reason=reason)
                    + history_rows(child_model, to_delete, kind="-", user=user, reason=reason),
                    batch_size=BATCH,
                )
                if to_delete:
                    child_model._default_manager.filter(pk__in=[c.pk for c in to_delete]).delete()

    def describe_obj(self, obj):
        return str(self.existing_key(obj)[-1]) if len(self.key_columns) == 1 else str(obj)


def key_part(value):
    """A key map's value as the key it stands for: a model object's pk, or the value itself."""
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj):
    """An object's field values, to compare before and after a row is applied."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
