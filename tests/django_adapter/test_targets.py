"""Which target URLs name a page of this site.

The host is the request's or one of ALLOWED_HOSTS; the path resolves through the urlconf.
"""

from __future__ import annotations

import pytest
from django.urls import set_script_prefix

from django_adapter.blog.views import archive, show_post
from django_pingback import UnpingableTarget
from django_pingback.targets import SiteContext, is_own_host, resolve_target

SITE = SiteContext(host="testserver")


def test_post_url_resolves_to_its_view_and_kwargs():
    target = resolve_target(SITE, "http://testserver/blog/hello/")
    assert target is not None
    assert (target.url, target.view, target.args, target.kwargs) == (
        "http://testserver/blog/hello/",
        show_post,
        (),
        {"slug": "hello"},
    )


def test_unnamed_groups_arrive_as_positional_args():
    target = resolve_target(SITE, "http://testserver/archive/2024/")
    assert target is not None
    assert (target.view, target.args, target.kwargs) == (archive, ("2024",), {})


def test_percent_encoded_path_is_decoded_before_resolving():
    target = resolve_target(SITE, "http://testserver/blog/h%65llo/")
    assert target is not None and target.kwargs == {"slug": "hello"}


def test_path_outside_the_urlconf_is_no_page():
    assert resolve_target(SITE, "http://testserver/nowhere/") is None


def test_host_outside_allowed_hosts_is_no_page():
    assert resolve_target(SITE, "http://example.org/blog/hello/") is None


def test_request_host_counts_even_outside_allowed_hosts(settings):
    settings.ALLOWED_HOSTS = []
    site = SiteContext(host="blog.example:8000")
    assert is_own_host(site, "http://blog.example:8000/blog/hello/")
    assert is_own_host(site, "https://BLOG.example./blog/hello/")
    assert not is_own_host(site, "http://other.example:8000/")


def test_dotted_allowed_host_takes_its_subdomains(settings):
    settings.ALLOWED_HOSTS = [".example.com"]
    assert is_own_host(SITE, "http://example.com/")
    assert is_own_host(SITE, "http://www.example.com:8080/")
    assert not is_own_host(SITE, "http://notexample.com/")


def test_star_allowed_host_takes_any_host(settings):
    settings.ALLOWED_HOSTS = ["*"]
    assert is_own_host(SITE, "http://anything.example/")


def test_debug_without_allowed_hosts_takes_localhost_as_django_does(settings):
    settings.DEBUG, settings.ALLOWED_HOSTS = True, []
    assert is_own_host(SITE, "http://localhost:8000/")
    assert is_own_host(SITE, "http://[::1]/")
    assert not is_own_host(SITE, "http://example.com/")


def test_credentials_in_the_url_do_not_change_the_host():
    assert not is_own_host(SITE, "http://testserver@example.org/blog/hello/")


def test_script_prefix_is_removed_before_resolving():
    site = SiteContext(host="testserver", script_prefix="/site/")
    target = resolve_target(site, "http://testserver/site/blog/hello/")
    assert target is not None and target.kwargs == {"slug": "hello"}
    assert resolve_target(site, "http://testserver/blog/hello/") is None


def test_script_prefix_is_taken_from_the_request(rf):
    set_script_prefix("/site/")
    try:
        site = SiteContext.from_request(rf.get("/site/blog/pingback/"))
    finally:
        set_script_prefix("/")
    assert site == SiteContext(host="testserver", urlconf=None, script_prefix="/site/")


def test_request_urlconf_is_the_one_resolved_against(rf):
    request = rf.get("/")
    request.urlconf = "django_adapter.urls_other"
    site = SiteContext.from_request(request)
    target = resolve_target(site, "http://testserver/elsewhere/hello/")
    assert target is not None and target.view is show_post


@pytest.mark.parametrize("path", ["/blog/pingback/", "/blog/webmention/"])
def test_the_endpoints_take_no_pings(path):
    with pytest.raises(UnpingableTarget):
        resolve_target(SITE, "http://testserver" + path)
