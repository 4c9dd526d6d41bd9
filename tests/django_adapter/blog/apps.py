from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "django_adapter.blog"
    label = "blog"
    default_auto_field = "django.db.models.BigAutoField"
