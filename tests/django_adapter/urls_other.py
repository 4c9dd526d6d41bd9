"""A second urlconf, for a request whose middleware sets ``request.urlconf``."""

from django.urls import path

from .blog import views

urlpatterns = [path("elsewhere/<slug:slug>/", views.show_post)]
