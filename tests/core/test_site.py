"""A target is a page of this site that exists, named canonically, decided before any fetch."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from pingcore import (
    HostPattern,
    PageMatch,
    Probe,
    Site,
    SiteHosts,
    TargetNotFound,
    UnpingableTarget,
    pingable,
)

POSTS = {"hello", "a-b", "été"}


def show_post(slug: str) -> str:
    return slug


@pingable(exists=lambda slug: slug in POSTS)
def show_page(slug: str) -> str:
    return slug


def endpoint() -> None:
    return None


@dataclass
class Blog:
    """A little site: /posts/<slug>/ (404 when missing), /pages/<slug>/, the endpoint."""

    probes: list[str] = field(default_factory=list)

    def match(self, url: str, path: str) -> PageMatch | None:
        parts = path.strip("/").split("/")
        if path == "/pingback/":
            return PageMatch(endpoint, takes_pings=False)
        if len(parts) == 2 and path.endswith("/") and parts[0] in ("posts", "pages"):
            view = show_post if parts[0] == "posts" else show_page
            return PageMatch(view, kwargs={"slug": parts[1]})
        return None

    def probe(self, url: str, path: str) -> Probe:
        self.probes.append(path)
        if not path.endswith("/"):
            return Probe(308, path + "/")
        match = self.match(url, path)
        if match is None or match.kwargs.get("slug") not in POSTS:
            return Probe(404)
        return Probe(200)


@pytest.fixture
def blog() -> Blog:
    return Blog()


@pytest.fixture
def site(blog: Blog) -> Site:
    return Site(SiteHosts([HostPattern.parse("blog.example")]), blog)


def test_a_page_that_exists_gives_its_view_kwargs_and_canonical_url(site: Site) -> None:
    target = site.resolve("http://BLOG.example:80/posts/hello/?utm_source=x#comments")
    assert (target.url, target.view, target.kwargs) == (
        "http://blog.example/posts/hello/",
        show_post,
        {"slug": "hello"},
    )


def test_a_missing_post_whose_pattern_matches_is_no_target(site: Site) -> None:
    with pytest.raises(TargetNotFound):
        site.resolve("http://blog.example/posts/no-such-post/")


def test_the_sites_own_slash_redirect_names_the_canonical_page(site: Site) -> None:
    assert site.resolve("http://blog.example/posts/hello").url == "http://blog.example/posts/hello/"


@pytest.mark.parametrize(
    "url", ["http://blog.example/posts/%C3%A9t%C3%A9/", "http://blog.example/posts/été/"]
)
def test_a_non_ascii_slug_in_any_spelling_names_one_canonical_url(site: Site, url: str) -> None:
    target = site.resolve(url)
    assert target.url == "http://blog.example/posts/%C3%A9t%C3%A9/"
    assert target.kwargs == {"slug": "été"}


def test_the_endpoint_exists_but_takes_no_pings(site: Site) -> None:
    with pytest.raises(UnpingableTarget):
        site.resolve("http://blog.example/pingback/")


def test_a_declared_exists_hook_replaces_the_get_of_the_page(site: Site, blog: Blog) -> None:
    assert site.resolve("http://blog.example/pages/a-b/").kwargs == {"slug": "a-b"}
    with pytest.raises(TargetNotFound):
        site.resolve("http://blog.example/pages/nothing/")
    assert blog.probes == []


def test_with_targets_pingable_only_marked_views_take_pings(blog: Blog) -> None:
    site = Site(SiteHosts([HostPattern.parse("blog.example")]), blog, targets="pingable")
    assert site.resolve("http://blog.example/pages/hello/").view is show_page
    with pytest.raises(UnpingableTarget):
        site.resolve("http://blog.example/posts/hello/")


def test_another_host_or_port_is_no_page_and_is_never_probed(site: Site, blog: Blog) -> None:
    for url in ("http://other.example/posts/hello/", "http://blog.example:9999/posts/hello/"):
        with pytest.raises(TargetNotFound):
            site.resolve(url)
    assert blog.probes == []


def test_a_site_under_a_script_prefix_resolves_paths_below_it(blog: Blog) -> None:
    site = Site(SiteHosts([HostPattern.parse("blog.example")]), blog, script_prefix="/blog")
    target = site.resolve("http://blog.example/blog/posts/hello/")
    assert target.url == "http://blog.example/blog/posts/hello/"
    with pytest.raises(TargetNotFound):
        site.resolve("http://blog.example/posts/hello/")


def test_a_redirect_off_the_site_is_no_page_of_it() -> None:
    class Moved(Blog):
        def probe(self, url: str, path: str) -> Probe:
            return Probe(301, "http://elsewhere.example/posts/hello/")

    site = Site(SiteHosts([HostPattern.parse("blog.example")]), Moved())
    with pytest.raises(TargetNotFound):
        site.resolve("http://blog.example/posts/hello/")
