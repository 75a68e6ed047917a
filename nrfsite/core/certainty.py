"""How sure the sources are of a fact: one vocabulary for statements and events."""

from django.db import models


class Certainty(models.TextChoices):
    """How sure the sources are of a fact; shared by statements and events."""

    CONFIRMED = "confirmed", "confirmed"
    REPORTED = "reported", "reported"
    CLAIMED = "claimed", "claimed"
    ALLEGED = "alleged", "alleged"
    DISPUTED = "disputed", "disputed"
    UNCONFIRMED = "unconfirmed", "unconfirmed"
