"""The WSGI application, as ``django-admin startproject`` would write it."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_blog.settings")

application = get_wsgi_application()
