"""Which hosts are the site's: one rule for Django, Flask and the bare core."""

from __future__ import annotations

import pytest

from pingcore import HostPattern, SiteHosts
from pingcore.hosts import parse_patterns, target_address

SITE = SiteHosts([HostPattern.parse("blog.example"), HostPattern.parse(".example.com")])


@pytest.mark.parametrize(
    "url",
    [
        "http://blog.example/posts/hello/",
        "https://blog.example/",
        "http://BLOG.example./posts/",
        "http://blog.example:80/",
        "http://example.com/",
        "http://www.example.com/",
    ],
)
def test_a_host_of_the_site_on_its_default_port_is_ours(url: str) -> None:
    assert SITE.owns(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://blog.example:9999/posts/hello/",
        "http://other-blog.example/",
        "http://notexample.com/",
        "http://example.com.evil.example/",
        "http://evil.example@blog.example/",
        "http://blog.example\\@evil.example/",
        "http://blog.example:0/",
        "ftp://blog.example/",
    ],
)
def test_other_hosts_ports_and_ambiguous_urls_are_not_ours(url: str) -> None:
    assert not SITE.owns(url)


def test_the_port_a_ping_was_sent_to_is_ours_when_its_host_is() -> None:
    assert SITE.owns("http://blog.example:8000/", request_host="blog.example:8000")
    assert not SITE.owns("http://blog.example:8001/", request_host="blog.example:8000")
    assert not SITE.owns("http://blog.example:8000/", request_host="evil.example:8000")


def test_a_pattern_with_a_port_pins_it() -> None:
    hosts = SiteHosts([HostPattern.parse("blog.example:8080")])
    assert hosts.owns("http://blog.example:8080/")
    assert not hosts.owns("http://blog.example/")


def test_a_star_names_no_host_of_ours() -> None:
    hosts = SiteHosts(parse_patterns(["*"]))
    assert hosts.unconfigured
    assert not hosts.owns("http://anything.example/", request_host="anything.example")


def test_without_patterns_only_a_local_request_to_a_loopback_host_is_ours() -> None:
    hosts = SiteHosts()
    assert hosts.owns("http://localhost:5000/", request_host="localhost:5000", remote_addr="::1")
    assert not hosts.owns(
        "http://localhost:5000/", request_host="localhost:5000", remote_addr="203.0.113.9"
    )
    assert not hosts.owns("http://blog.example/", request_host="blog.example", remote_addr="::1")


def test_a_trusted_request_host_is_ours() -> None:
    hosts = SiteHosts(trust_request_host=True)
    assert hosts.owns("http://alice.example/", request_host="alice.example")
    assert not hosts.owns("http://mallory.example/", request_host="alice.example")


def test_the_canonical_netloc_drops_the_default_port_and_lowers_the_case() -> None:
    assert SITE.canonical_netloc("http://BLOG.Example:80/x") == "blog.example"
    assert SITE.canonical_netloc("https://blog.example:8443/x") == "blog.example:8443"


def test_a_pattern_that_names_no_host_is_refused_with_the_forms_it_takes() -> None:
    with pytest.raises(ValueError, match="blog.example:8080"):
        HostPattern.parse("http://blog.example/")


def test_target_address_reads_host_port_and_scheme() -> None:
    assert target_address("https://Blog.Example/x") == ("blog.example", 443, "https")
    assert target_address("http://[::1]:8000/") == ("::1", 8000, "http")
    assert target_address("http://u@blog.example/") is None
