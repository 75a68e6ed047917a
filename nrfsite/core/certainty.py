"""How sure the sources are of a fact: one vocabulary for statements and events."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Certainty(models.TextChoices):
    """How sure the sources are of a fact; shared by statements and events."""

    CONFIRMED = "confirmed", _("confirmed")
    REPORTED = "reported", _("reported")
    CLAIMED = "claimed", _("claimed")
    ALLEGED = "alleged", _("alleged")
    DISPUTED = "disputed", _("disputed")
    UNCONFIRMED = "unconfirmed", _("unconfirmed")
