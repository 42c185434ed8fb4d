"""WSGI entry point: run ``sqms.wsgi:application`` under a WSGI server in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sqms.settings")
application = get_wsgi_application()
