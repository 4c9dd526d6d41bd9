"""The load's figures (bench/load/figures.py): the arithmetic `make load` reports and checks by."""

from __future__ import annotations

import pytest

from bench.load.client import PINGBACK, WEBMENTION, Answer, Call, read_answer
from bench.load.figures import exact_limit, percentile, stored_once, unexpected


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile(values, 1.0) == 100.0


def test_percentile_of_one_value_is_that_value() -> None:
    assert percentile([0.25], 0.99) == 0.25


def test_percentile_ignores_the_order_it_is_given() -> None:
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0


def test_percentile_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)


def test_each_source_stored_once_passes() -> None:
    ok, words = stored_once(["a", "b"], {"a", "b"})
    assert ok
    assert words == "2 rows for 2 sources"


def test_a_source_stored_twice_fails_and_is_counted() -> None:
    ok, words = stored_once(["a", "a", "b"], {"a", "b"})
    assert not ok
    assert words == "3 rows for 2 sources (1 stored twice, 0 missing, 0 unexpected)"


def test_a_missing_source_and_a_stranger_both_fail() -> None:
    ok, words = stored_once(["a", "evil"], {"a", "b"})
    assert not ok
    assert "1 missing, 1 unexpected" in words


def test_the_limit_is_exact_only_when_reached_and_not_passed() -> None:
    assert exact_limit(20, 320, 20)
    assert exact_limit(5, 5, 20)  # fewer pings than the limit: each fetched once
    assert not exact_limit(19, 320, 20)  # counted hits that never fetched
    assert not exact_limit(21, 320, 20)  # one past the limit


def test_an_answer_outside_its_kinds_expected_outcomes_is_unexpected() -> None:
    call = Call("victim", "http://victim.example/", WEBMENTION)
    limited = read_answer(call, 0.1, b"HTTP/1.1 429 Too Many Requests\r\n\r\n")
    fetched = read_answer(call, 0.1, b"HTTP/1.1 500 Internal Server Error\r\n\r\n")
    expected = {("victim", WEBMENTION): {"HTTP 400", "HTTP 429"}}
    assert unexpected([limited, fetched], expected) == [fetched]


def test_a_pingback_fault_is_read_from_the_xmlrpc_answer() -> None:
    body = (
        b"<?xml version='1.0'?><methodResponse><fault><value><struct>"
        b"<member><name>faultCode</name><value><int>48</int></value></member>"
        b"<member><name>faultString</name><value><string>known</string></value></member>"
        b"</struct></value></fault></methodResponse>"
    )
    answer = read_answer(Call("good", "http://a.example/"), 0.1, b"HTTP/1.1 200 OK\r\n\r\n" + body)
    assert answer.outcome == "fault 48"


def test_a_reply_that_is_not_http_is_an_error_not_a_crash() -> None:
    answer = read_answer(Call("good", "http://a.example/", PINGBACK), 0.1, b"")
    assert isinstance(answer, Answer)
    assert answer.outcome == "error"
