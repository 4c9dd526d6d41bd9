"""The blog app: posts, and the pages that show them with the pings they received."""

from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "django_blog"
    verbose_name = "Blog"
    default_auto_field = "django.db.models.BigAutoField"
