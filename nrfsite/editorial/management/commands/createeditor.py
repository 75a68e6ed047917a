import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from nrfsite.editorial.roles import ROLES


class Command(BaseCommand):
    help = "Create (or update) a staff login with the Editor or Reviewer role; prints a generated password if none is given."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=[name.lower() for name in ROLES], default="editor")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Leave out to generate one (printed once).")

    def handle(self, *args, username, role, email, password, **options):
        group_name = role.capitalize()
        try:
            group = Group.objects.get(name=group_name)
        except Group.DoesNotExist:
            raise CommandError(f'The "{group_name}" group is missing: run "manage.py migrate" first.') from None
        user, created = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
        generated = password is None and created
        if password or generated:
            password = password or secrets.token_urlsafe(12)
            user.set_password(password)
        user.is_staff = True
        if email:
            user.email = email
        user.save()
        user.groups.set([group])
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {username} as {group_name}."))
        if generated:
            self.stdout.write(f"Password (shown once): {password}")
