import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from nrfsite.editorial.roles import ROLES


class Command(BaseCommand):
    help = "Create (or update) a staff login with the Editor or Reviewer role; prints a generated password if none is given."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=[name.lower() for name in ROLES], default="editor")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Leave out to generate one (printed once).")

    @transaction.atomic  # a refused password leaves no half-made login behind
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
            try:
                validate_password(password, user)  # the rules the admin's password forms apply
            except ValidationError as error:
                raise CommandError("The password is refused: " + " ".join(error.messages)) from None
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
