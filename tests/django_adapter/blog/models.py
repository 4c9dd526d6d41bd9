"""A post, and its comments: written by readers or made from pingbacks."""

from django.db import models


class Post(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
    type = models.CharField(max_length=20, default="comment")
    text = models.TextField()
    author = models.CharField(max_length=200)
    url = models.URLField(max_length=2048, blank=True)

    def __str__(self) -> str:
        return f"{self.type} by {self.author}"
