"""The WSGI application gunicorn serves for the Django load site."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load.django_settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
