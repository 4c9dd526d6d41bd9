"""Which target URLs name a page of this site, as the core's Site decides with Django's routing.

The host is one of PINGBACK_HOSTS or ALLOWED_HOSTS (never '*'); the path resolves
through the urlconf; the page exists when a GET of it answers without 404.
"""

from __future__ import annotations

import pytest
from django.urls import set_script_prefix

from django_adapter.blog.models import Post
from django_adapter.blog.views import archive, show_post
from django_pingback import UnpingableTarget
from django_pingback.targets import SiteContext, site_for
from pingcore import Target, TargetNotFound

pytestmark = pytest.mark.django_db

SITE = SiteContext(host="testserver")


def resolve_target(site: SiteContext, url: str, host: str | None = None) -> Target | None:
    try:
        return site_for(site).resolve(url, request_host=host or site.host)
    except TargetNotFound:
        return None


@pytest.fixture(autouse=True)
def posts() -> None:
    Post.objects.create(slug="hello", title="Hello")


def test_post_url_resolves_to_its_view_kwargs_and_canonical_url():
    target = resolve_target(SITE, "http://testserver/blog/hello/")
    assert target is not None
    assert (target.url, target.view, target.args, target.kwargs) == (
        "http://testserver/blog/hello/",
        show_post,
        (),
        {"slug": "hello"},
    )


def test_a_missing_post_is_no_page_though_its_pattern_matches():
    assert resolve_target(SITE, "http://testserver/blog/no-such-post/") is None


def test_the_missing_trailing_slash_follows_the_sites_own_redirect(settings):
    settings.APPEND_SLASH = True
    target = resolve_target(SITE, "http://testserver/blog/hello")
    assert target is not None and target.url == "http://testserver/blog/hello/"


def test_query_and_fragment_are_not_part_of_the_canonical_url():
    target = resolve_target(SITE, "http://TESTSERVER:80/blog/hello/?utm_source=x#comments")
    assert target is not None and target.url == "http://testserver/blog/hello/"


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


def test_another_port_of_the_sites_host_is_no_page_of_this_site():
    assert resolve_target(SITE, "http://testserver:9999/blog/hello/") is None


def test_the_port_the_ping_came_in_on_is_the_sites(settings):
    settings.ALLOWED_HOSTS = ["blog.example"]
    site = SiteContext(host="blog.example:8000")
    assert resolve_target(site, "http://blog.example:8000/blog/hello/") is not None
    assert resolve_target(site, "http://blog.example:8001/blog/hello/") is None


def test_dotted_allowed_host_takes_its_subdomains(settings):
    settings.ALLOWED_HOSTS = [".example.com"]
    site = SiteContext(host="www.example.com")
    assert resolve_target(site, "http://www.example.com/blog/hello/") is not None
    assert resolve_target(site, "http://notexample.com/blog/hello/") is None


def test_star_in_allowed_hosts_makes_no_host_the_sites(settings):
    settings.ALLOWED_HOSTS = ["*"]
    site = SiteContext(host="other-blog.example")
    assert resolve_target(site, "http://other-blog.example/blog/hello/") is None


def test_pingback_hosts_names_the_sites_hosts_beside_a_star(settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.PINGBACK_HOSTS = ["blog.example"]
    site = SiteContext(host="blog.example")
    assert resolve_target(site, "http://blog.example/blog/hello/") is not None
    assert resolve_target(site, "http://other.example/blog/hello/") is None


def test_debug_without_allowed_hosts_takes_loopback_pings_only(settings):
    settings.DEBUG, settings.ALLOWED_HOSTS = True, []
    site = SiteContext(host="localhost:8000")
    assert site_for(site).hosts.owns("http://localhost:8000/", request_host="localhost:8000")
    assert not site_for(site).hosts.owns("http://example.com/", request_host="localhost:8000")


def test_credentials_in_the_url_do_not_change_the_host():
    assert resolve_target(SITE, "http://testserver@example.org/blog/hello/") is None


def test_script_prefix_is_removed_before_resolving():
    site = SiteContext(host="testserver", script_prefix="/site/")
    target = resolve_target(site, "http://testserver/site/blog/hello/")
    assert target is not None and target.kwargs == {"slug": "hello"}
    assert target.url == "http://testserver/site/blog/hello/"
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
        site_for(SITE).resolve("http://testserver" + path, request_host="testserver")
