"""Calling the XML-RPC endpoint through Flask's test client, and reading its answers."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def ping_body(*params: Any, method: str = "pingback.ping") -> bytes:
    return xmlrpc.client.dumps(params, method).encode("utf-8")


def call(
    client: FlaskClient, *params: Any, method: str = "pingback.ping", url: str = "/pingback"
) -> TestResponse:
    return client.post(url, data=ping_body(*params, method=method), content_type="text/xml")


def answer(response: TestResponse) -> Any:
    """The value an XML-RPC response holds; raises xmlrpc.client.Fault for a fault."""
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/xml"
    (value,), _ = xmlrpc.client.loads(response.data)
    return value


def fault_of(response: TestResponse) -> xmlrpc.client.Fault:
    with pytest.raises(xmlrpc.client.Fault) as caught:
        answer(response)
    return caught.value
