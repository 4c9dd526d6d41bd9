"""The test blog's URLs: posts, an archive with positional arguments, and both endpoints."""

from django.contrib import admin
from django.urls import path, re_path

import django_pingback

from .blog import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("blog/pingback/", django_pingback.server_view, name="pingback"),
    path("blog/webmention/", django_pingback.webmention_view, name="webmention"),
    path("blog/<slug:slug>/", views.show_post, name="post"),
    path("page/<slug:slug>/", views.show_post_markup_only, name="page"),
    re_path(r"^archive/(\d{4})/$", views.archive, name="archive"),
    path("about/", views.about, name="about"),
]
