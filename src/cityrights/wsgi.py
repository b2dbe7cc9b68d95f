"""WSGI entry point for gunicorn: ``gunicorn cityrights.wsgi``."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityrights.settings.production")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, the URL patterns) lives as long as the process.
# Moving it out of the collector's reach keeps full collections short: a batch consent check
# allocates enough objects to trigger one, which otherwise walks all of Django's modules.
gc.freeze()
