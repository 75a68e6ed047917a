"""Password rules for staff logins (every login of this site is an editor's or a reviewer's)."""

import re

from django.core.exceptions import ValidationError

MIN_DISTINCT = 6


class PatternValidator:
    """Refuses a password that is one short piece repeated ("ed2ed2ed2ed2") or has fewer than 6 distinct characters."""

    def validate(self, password, user=None):
        if re.fullmatch(r"(.{1,6}?)\1+", password or "", flags=re.DOTALL):
            raise ValidationError(
                "This password repeats a short piece of text: choose one that does not.", code="password_repeated"
            )
        if len(set(password or "")) < MIN_DISTINCT:
            raise ValidationError(
                f"This password has fewer than {MIN_DISTINCT} different characters.", code="password_too_uniform"
            )

    def get_help_text(self):
        return f"Your password can't repeat a short piece of text and needs at least {MIN_DISTINCT} different characters."
