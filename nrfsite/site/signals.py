"""Signal wiring for every content model: clean text before it is stored, and refresh page caches after."""

from django.apps import apps
from django.conf import settings
from django.db.models import CharField, TextField
from django.db.models.signals import post_delete, post_save, pre_save

from nrfsite.core.markup import clean_text
from nrfsite.interchange.signals import rows_imported
from nrfsite.site.models import ContentVersion


def content_changed(**kwargs):
    ContentVersion.bump()


def strip_invisible(sender, instance, **kwargs):
    """No stored text keeps a NUL byte or a bidirectional override (they make text read unlike what is stored)."""
    for field in sender._meta.concrete_fields:
        if isinstance(field, CharField | TextField):
            value = getattr(instance, field.attname)
            if value and isinstance(value, str):
                setattr(instance, field.attname, clean_text(value))


def connect_signals():
    rows_imported.connect(content_changed, dispatch_uid="content-changed-import")
    for label in settings.CONTENT_APPS:
        for model in apps.get_app_config(label).get_models():
            if getattr(model, "derived", False):
                # Kept counts (events.tally) follow content writes, which bump the version themselves; a
                # recount deleting 60 stale rows bumped it 60 times, one query each.
                continue
            pre_save.connect(strip_invisible, sender=model, dispatch_uid=f"strip-invisible-{model._meta.label}")
            post_save.connect(content_changed, sender=model, dispatch_uid=f"content-changed-save-{model._meta.label}")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"content-changed-del-{model._meta.label}")
