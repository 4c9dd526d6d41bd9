"""FetchPolicy checks its numbers as it is made, and owns the rule for a user's timeout."""

from __future__ import annotations

import math
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from pingcore.errors import FetchTimeout
from pingcore.fetch import AsyncFetcher, Fetcher, FetchPolicy

NOT_FINITE = [math.inf, -math.inf, math.nan]


@pytest.mark.parametrize("field", ["timeout", "connect_timeout"])
@pytest.mark.parametrize("value", [*NOT_FINITE, 0, 0.0, -1, -0.5])
def test_a_timeout_that_is_not_a_positive_finite_number_is_refused_by_name(
    field: str, value: float
) -> None:
    with pytest.raises(ValueError, match=rf"^FetchPolicy\.{field} must be a positive, finite"):
        FetchPolicy(**{field: value})


@pytest.mark.parametrize("field", ["timeout", "connect_timeout"])
@pytest.mark.parametrize("value", ["10", None, True, b"1"])
def test_a_timeout_that_is_no_number_is_a_type_error_naming_the_field(
    field: str, value: object
) -> None:
    with pytest.raises(TypeError, match=rf"^FetchPolicy\.{field} must be a number of seconds"):
        FetchPolicy(**{field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_bytes", 0),
        ("max_bytes", -1),
        ("max_url_length", 0),
        ("max_url_length", -20),
        ("max_redirects", -1),
        *[
            (field, value)
            for field in ("max_bytes", "max_url_length", "max_redirects")
            for value in NOT_FINITE
        ],
    ],
)
def test_a_cap_out_of_range_or_not_finite_is_refused_by_name(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=rf"^FetchPolicy\.{field} must be"):
        FetchPolicy(**{field: value})


@pytest.mark.parametrize("field", ["max_bytes", "max_url_length", "max_redirects"])
@pytest.mark.parametrize("value", [1e6, 2.5, "1000", None, True])
def test_a_cap_that_is_no_whole_number_is_a_type_error_naming_the_field(
    field: str, value: object
) -> None:
    with pytest.raises(TypeError, match=rf"^FetchPolicy\.{field} must be a whole number"):
        FetchPolicy(**{field: value})


def test_zero_redirects_is_a_policy_that_follows_none() -> None:
    assert FetchPolicy(max_redirects=0).max_redirects == 0


@pytest.mark.parametrize(
    ("ports", "error"),
    [
        ([0], ValueError),
        ([443, 65536], ValueError),
        ([-80], ValueError),
        ("443", TypeError),
        (443, TypeError),
        ([True], TypeError),
        (["80"], TypeError),
        ([80.0], TypeError),
        ((port for port in [80]), TypeError),
    ],
)
def test_allowed_ports_must_be_port_numbers(ports: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"^FetchPolicy\.allowed_ports "):
        FetchPolicy(allowed_ports=ports)


def test_any_port_and_a_plain_set_of_ports_are_allowed() -> None:
    assert FetchPolicy(allowed_ports=None).allowed_ports is None
    assert FetchPolicy(allowed_ports=frozenset({8000})).allowed_ports == {8000}


def test_replace_checks_the_new_values_too() -> None:
    with pytest.raises(ValueError, match="FetchPolicy.timeout"):
        FetchPolicy().replace(timeout=math.inf)
    with pytest.raises(ValueError, match="FetchPolicy.max_bytes"):
        FetchPolicy().replace(max_bytes=0)


def test_the_defaults_pass_their_own_checks() -> None:
    policy = FetchPolicy()
    assert (policy.timeout, policy.connect_timeout) == (10.0, 5.0)
    assert policy.max_bytes == 1_048_576


# -- with_timeout: the one way in for a timeout a user chose ------------------------


def test_with_timeout_sets_the_deadline_and_shortens_a_longer_connect_timeout() -> None:
    policy = FetchPolicy(max_bytes=500).with_timeout(2.5)
    assert (policy.timeout, policy.connect_timeout) == (2.5, 2.5)
    assert policy.max_bytes == 500


def test_with_timeout_keeps_a_connect_timeout_that_already_fits() -> None:
    policy = FetchPolicy(connect_timeout=3.0).with_timeout(60)
    assert (policy.timeout, policy.connect_timeout) == (60, 3.0)


def test_with_timeout_leaves_the_policy_it_was_called_on_alone() -> None:
    base = FetchPolicy()
    base.with_timeout(1.0)
    assert base == FetchPolicy()


@pytest.mark.parametrize("value", [*NOT_FINITE, 0, -3])
def test_with_timeout_refuses_a_bad_value_under_the_users_name_for_it(value: float) -> None:
    with pytest.raises(ValueError, match=r"^PINGBACK_FETCH_TIMEOUT must be a positive, finite"):
        FetchPolicy().with_timeout(value, name="PINGBACK_FETCH_TIMEOUT")


@pytest.mark.parametrize("value", ["10", None, False])
def test_with_timeout_refuses_what_is_no_number_as_a_type_error(value: Any) -> None:
    with pytest.raises(TypeError, match=r"^--timeout must be a number of seconds"):
        FetchPolicy().with_timeout(value, name="--timeout")


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        listener.close()


def test_a_policy_from_with_timeout_holds_a_real_request_to_that_deadline(
    silent_server: str,
) -> None:
    policy = FetchPolicy(allow_private_addresses=True).with_timeout(0.4)
    started = time.monotonic()
    with Fetcher(policy) as fetcher, pytest.raises(FetchTimeout, match="0.4 s deadline"):
        fetcher.get(silent_server)
    assert time.monotonic() - started < 3


@pytest.mark.anyio
async def test_the_async_twin_holds_to_the_same_deadline(silent_server: str) -> None:
    policy = FetchPolicy(allow_private_addresses=True).with_timeout(0.4)
    started = time.monotonic()
    async with AsyncFetcher(policy) as fetcher:
        with pytest.raises(FetchTimeout, match="0.4 s deadline"):
            await fetcher.get(silent_server)
    assert time.monotonic() - started < 3
