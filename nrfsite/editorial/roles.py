"""The editorial roles: what an Editor and a Reviewer may do, as Django groups.

| role     | view | add | change | import | export | publish / unpublish / mark reviewed / restore | delete |
|----------|------|-----|--------|--------|--------|-----------------------------------------------|--------|
| Editor   | yes  | yes | yes    | yes    | yes    | no                                            | no     |
| Reviewer | yes  | yes | yes    | yes    | yes    | yes                                           | yes    |

`publish_<model>` is the reviewer's permission: it covers publishing and
unpublishing, marking reviewed, flagging and restoring revisions.
"""

from django.conf import settings
from django.contrib.auth.management import create_permissions

EDITOR_ACTIONS = ("view", "add", "change", "import", "export")
# On the vocabulary (settings.REVIEWER_ONLY_MODELS: properties, event types) an Editor only reads: it has
# no draft state, and one changed label changes every infobox and timeline at once.
EDITOR_VOCABULARY_ACTIONS = ("view", "export")
REVIEWER_ACTIONS = (*EDITOR_ACTIONS, "publish", "delete")
ROLES = {"Editor": EDITOR_ACTIONS, "Reviewer": REVIEWER_ACTIONS}
# Models without a publish permission: a reviewer may "restore" them with their change permission.
HISTORY_PERMISSION = "publish"


def sync_roles(apps):
    """Create or update the Editor and Reviewer groups; `apps` is a migration's or the live app registry."""
    for label in (*settings.CONTENT_APPS, "auth", "contenttypes"):
        config = apps.get_app_config(label)
        config.models_module = getattr(config, "models_module", None) or True  # migration stubs have none
        create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = (
        Permission.objects.filter(content_type__app_label__in=settings.CONTENT_APPS)
        .exclude(content_type__model__startswith="historical")
        .select_related("content_type")
    )
    vocabulary = {tuple(label.split(".")) for label in settings.REVIEWER_ONLY_MODELS}
    for name, actions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                permission
                for permission in permissions
                if permission.codename.split("_", 1)[0]
                in (
                    EDITOR_VOCABULARY_ACTIONS
                    if name == "Editor" and (permission.content_type.app_label, permission.content_type.model) in vocabulary
                    else actions
                )
            ]
        )


def can_review(user, model):
    """Publish, unpublish, mark reviewed, flag and restore: a reviewer's rights on this model."""
    opts = model._meta
    if any(p == "publish" for p in opts.default_permissions):
        return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")
    return user.has_perm(f"{opts.app_label}.delete_{opts.model_name}")
