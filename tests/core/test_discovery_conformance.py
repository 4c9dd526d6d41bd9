"""The 23 webmention.rocks discovery tests, each served by a real loopback server.

The cases come from ../shared/conformance/webmention-rocks-discovery.json; their
``http://test.local/`` base becomes the loopback server's URL.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from pingcore.discovery import Endpoint, adiscover_endpoint, discover_endpoint, find_endpoint
from pingcore.fetch import AsyncFetcher, Fetcher, FetchPolicy

BASE = "http://test.local/"
CASE_IDS = range(1, 24)
LOOPBACK = FetchPolicy(allow_private_addresses=True)


def case_by_id(cases: list[dict[str, Any]], case_id: int) -> dict[str, Any]:
    (case,) = [case for case in cases if case["id"] == case_id]
    return case


def on(server: HTTPServer, text: str) -> str:
    return text.replace(BASE, server.url_for("/"))


def path_of(url: str) -> str:
    assert url.startswith(BASE)
    return "/" + url.removeprefix(BASE)


def serve(server: HTTPServer, url: str, status: int, headers: list[list[str]], html: str) -> None:
    """One response, exactly as the case describes it; each URL may be fetched only once."""
    response = Response(
        on(server, html).encode("utf-8"),
        status=status,
        headers=[(name, on(server, value)) for name, value in headers],
    )
    server.expect_oneshot_request(path_of(url), method="GET").respond_with_response(response)


def serve_case(server: HTTPServer, case: dict[str, Any]) -> str:
    """Serve the case (and its redirect chain); return the loopback URL of its target."""
    serve(server, case["url"], case["status"], case["headers"], case["html"])
    for hop in case.get("redirect_chain", []):
        serve(server, hop["url"], hop["status"], hop["headers"], hop["html"])
    return on(server, case["url"])


def expected(server: HTTPServer, case: dict[str, Any]) -> Endpoint:
    return Endpoint("webmention", on(server, case["expected_endpoint"]))


def test_there_are_23_cases(discovery_cases: list[dict[str, Any]]) -> None:
    assert sorted(case["id"] for case in discovery_cases) == list(CASE_IDS)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_webmention_rocks_case_is_discovered_over_loopback(
    case_id: int, discovery_cases: list[dict[str, Any]], httpserver: HTTPServer
) -> None:
    case = case_by_id(discovery_cases, case_id)
    target = serve_case(httpserver, case)

    endpoint = discover_endpoint(target, policy=LOOPBACK)

    assert endpoint == expected(httpserver, case)
    assert endpoint.url not in [on(httpserver, wrong) for wrong in case["wrong_endpoints"]]
    httpserver.check_assertions()
    # Case 23's URLs are one-time: every URL was asked for exactly once.
    assert len(httpserver.log) == 1 + len(case.get("redirect_chain", []))


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_webmention_rocks_case_is_found_by_the_pure_function(
    case_id: int, discovery_cases: list[dict[str, Any]]
) -> None:
    case = case_by_id(discovery_cases, case_id)
    final = case["redirect_chain"][-1] if case.get("redirect_chain") else case
    headers = [(name, value) for name, value in final["headers"]]

    endpoint = find_endpoint(final["url"], final["status"], headers, final["html"].encode())

    assert endpoint == Endpoint("webmention", case["expected_endpoint"])


@pytest.mark.parametrize("case_id", [1, 5, 11, 14, 18, 20, 23])
def test_webmention_rocks_case_is_discovered_by_a_shared_fetcher(
    case_id: int, discovery_cases: list[dict[str, Any]], httpserver: HTTPServer
) -> None:
    case = case_by_id(discovery_cases, case_id)
    target = serve_case(httpserver, case)

    with Fetcher(LOOPBACK) as fetcher:
        endpoint = discover_endpoint(target, fetcher=fetcher)

    assert endpoint == expected(httpserver, case)


@pytest.mark.anyio
@pytest.mark.parametrize("case_id", [1, 3, 5, 10, 13, 15, 19, 22, 23])
async def test_webmention_rocks_case_is_discovered_by_the_async_twin(
    case_id: int, discovery_cases: list[dict[str, Any]], httpserver: HTTPServer
) -> None:
    case = case_by_id(discovery_cases, case_id)
    target = serve_case(httpserver, case)

    endpoint = await adiscover_endpoint(target, policy=LOOPBACK)

    assert endpoint == expected(httpserver, case)
    assert len(httpserver.log) == 1 + len(case.get("redirect_chain", []))


@pytest.mark.anyio
async def test_the_async_twin_uses_a_shared_fetcher(
    discovery_cases: list[dict[str, Any]], httpserver: HTTPServer
) -> None:
    case = case_by_id(discovery_cases, 23)
    target = serve_case(httpserver, case)

    async with AsyncFetcher(LOOPBACK) as fetcher:
        endpoint = await adiscover_endpoint(target, fetcher=fetcher)

    assert endpoint == expected(httpserver, case)
