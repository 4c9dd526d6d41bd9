"""A site that uses server_view without listing django_pingback in INSTALLED_APPS."""

SECRET_KEY = "django-adapter-tests-only"
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS: list[str] = []
ROOT_URLCONF = "django_adapter.urls_view_only"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
