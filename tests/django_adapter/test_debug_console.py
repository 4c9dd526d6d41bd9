"""With DEBUG = True, the reason a ping was refused reaches the console, in the settings' words."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from logging_state import unconfigured_logging

from django_adapter.blog.models import Post

from .conftest import FORM

pytestmark = pytest.mark.django_db

TARGET = "http://testserver/blog/hello/"
HINT = "Set PINGBACK_ALLOW_PRIVATE_ADDRESSES = True in the settings to allow it."


def mention(client, source: str):
    body = urlencode({"source": source, "target": TARGET})
    return client.post("/blog/webmention/", body, content_type=FORM)


def test_a_refused_source_is_explained_on_the_console_in_debug(
    client, settings, capsys, source_linking_to
):
    Post.objects.create(slug="hello", title="Hello")
    settings.DEBUG = True
    source = source_linking_to(TARGET)
    with unconfigured_logging():
        response = mention(client, source)
    assert response.status_code == 400
    console = capsys.readouterr().err
    assert f"source {source!r} not fetched" in console
    assert HINT in console
    assert "FetchPolicy" not in console


def test_without_debug_the_console_stays_quiet(client, settings, capsys, source_linking_to):
    Post.objects.create(slug="hello", title="Hello")
    settings.DEBUG = False
    with unconfigured_logging():
        response = mention(client, source_linking_to(TARGET))
    assert response.status_code == 400
    assert "not fetched" not in capsys.readouterr().err
