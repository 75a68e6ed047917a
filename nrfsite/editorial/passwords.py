"""Password rules for staff logins (every login of this site is an editor's or a reviewer's)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext

MIN_DISTINCT = 6


class PatternValidator:
    """Refuses a password that is one short piece repeated ("ed2ed2ed2ed2") or has fewer than 6 distinct characters."""

    def validate(self, password, user=None):
        if re.fullmatch(r"(.{1,6}?)\1+", password or "", flags=re.DOTALL):
            raise ValidationError(
                gettext("This password repeats a short piece of text: choose one that does not."), code="password_repeated"
            )
        if len(set(password or "")) < MIN_DISTINCT:
            raise ValidationError(
                ngettext(
                    "This password has fewer than %(count)d different character.",
                    "This password has fewer than %(count)d different characters.",
                    MIN_DISTINCT,
                ),
                code="password_too_uniform",
                params={"count": MIN_DISTINCT},
            )

    def get_help_text(self):
        return ngettext(
            "Your password can't repeat a short piece of text and needs at least %(count)d different character.",
            "Your password can't repeat a short piece of text and needs at least %(count)d different characters.",
            MIN_DISTINCT,
        ) % {"count": MIN_DISTINCT}
