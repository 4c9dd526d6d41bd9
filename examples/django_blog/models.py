"""A blog post: its words are HTML that the site's own author wrote."""

from django.db import models
from django.urls import reverse


class Post(models.Model):
    slug = models.SlugField(unique=True, allow_unicode=True)  # "été" is a slug too
    title = models.CharField(max_length=200)
    author = models.CharField(max_length=100)
    body = models.TextField(help_text="HTML")
    published = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("show_post", kwargs={"slug": self.slug})
