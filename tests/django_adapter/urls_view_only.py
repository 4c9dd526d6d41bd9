"""The urlconf of a site that uses only the view, as pingdjack's users did."""

from django.urls import path

import django_pingback

urlpatterns = [path("blog/pingback/", django_pingback.server_view, name="pingback")]
