"""What every import command shares: its --dry-run, --encoding and --user options, and the user they name."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

USER_HELP = (
    "Import as this user: the revisions name them, and their rights apply (an Editor's file may add and change "
    "drafts, not publish or change what the public sees). Without it the import writes as the system."
)


def add_import_options(parser, *, dry_run_help="Check and report without writing anything."):
    parser.add_argument("--dry-run", action="store_true", help=dry_run_help)
    parser.add_argument("--encoding", help="The file's encoding if not UTF-8, e.g. cp1256 for Excel on Windows.")
    parser.add_argument("--user", help=USER_HELP)


def import_user(username):
    """The user `--user` names (None without it), or a CommandError that says there is none."""
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f'No user "{username}".') from None
