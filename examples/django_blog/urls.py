"""The blog's pages, the two endpoints exactly as the README puts them, and the admin."""

from django.contrib import admin
from django.urls import path

import django_pingback

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    # <str:...>, not <slug:...>: Django's slug converter refuses non-ASCII slugs ("été").
    path("posts/<str:slug>/", views.show_post, name="show_post"),
    path("blog/pingback/", django_pingback.server_view, name="pingback"),
    path("blog/webmention/", django_pingback.webmention_view, name="webmention"),
    path("admin/", admin.site.urls),
]
