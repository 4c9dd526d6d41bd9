"""Tests of the Django adapter, with a small test project (settings, urls, a blog app)."""
