from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    """The CSV engine: apps register their resources (and so the bundle's order) with it."""

    name = "nrfsite.interchange"
    label = "interchange"
    verbose_name = "CSV interchange"
