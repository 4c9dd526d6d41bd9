"""Tests of flask_pingback, the Flask adapter (not tests/flask: that would shadow flask)."""
