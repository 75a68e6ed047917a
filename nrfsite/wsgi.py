"""WSGI entry point: gunicorn serves `nrfsite.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrfsite.settings")

application = get_wsgi_application()
