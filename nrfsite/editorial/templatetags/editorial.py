"""The admin dashboard's "needs attention" panel, and the history pages' names for who made a revision."""

from django import template

from nrfsite.editorial import diff
from nrfsite.editorial.queues import buckets

register = template.Library()


@register.inclusion_tag("admin/nrfsite/attention.html", takes_context=True)
def attention_dashboard(context):
    user = context["request"].user
    shown = [b for b in buckets() if user.has_perm(f"{b.model._meta.app_label}.view_{b.model._meta.model_name}")]
    return {"buckets": [b for b in shown if b.count], "clear": [b for b in shown if not b.count]}


@register.filter
def admin_change_url_name(model):
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_change"


@register.filter
def revision_author(record):
    """Who made a history record, by name; "a command-line import" or "the system" when no one was signed in."""
    return diff.revision_author(record)
