"""The parity cases: one ping each, and the answer the specs give it, on any of the three sites.

Each case is a raw request (with what the source page at ``/reply`` says
before it), and the outcome the Pingback spec and the W3C Webmention
Recommendation call for. Where they leave a choice, the choice made here is:

- A target's canonical URL is the one the site links to: scheme and host in
  lower case, no default port, the post's path with its trailing slash and its
  slug percent-encoded (``/posts/%C3%A9t%C3%A9/``), no query, no fragment.
  Rows and deletions name canonical targets; sources are stored as sent.
- A source links to the target when it links to it as sent or to its canonical URL.
- A repeated Pingback (same canonical pair) is fault 48, known without fetching
  the source; a repeated Webmention is verified again (fetched) and updates its row.
- A URL holding a control character or whitespace, credentials, or more than
  2,048 characters names no page: fault 16 for a source, 32 for a target,
  Webmention 400, nothing fetched. A malformed call is an XML-RPC error:
  -32700 (not XML), -32601 (no such method), -32602 (wrong count or types).
- A request whose Host header is not the site's is answered 400 by the site
  (Django's ALLOWED_HOSTS, Flask's TRUSTED_HOSTS, the core app's own check).
- Webmention: 200 when verified at once, 202 when queued; a mention deleted
  because its source is gone (410) is answered 200, one whose source no longer
  links 400 (deleted all the same). Source and target the same page: fault 0
  (Pingback has no code for it), Webmention 400. GET on an endpoint: 405.

In requests and outcomes, ``{port}`` is the site's port and ``{source}`` the
source server's root URL (see ``blog.py`` for how hosts and ports relate).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .blog import (
    ANY_HOST_HEADER,
    ASYNC_WEBMENTION,
    PINGBACK_PATH,
    STANDARD,
    WEBMENTION_PATH,
    SiteConfig,
)
from .site import Pair, Row
from .sources import Page
from .wire import FORM, REGISTERED, XML, Answer, Call, Request, fault, status

SITE = "http://blog.test:{port}"
SOURCE = "{source}"
REPLY = SOURCE + "/reply"
HELLO = SITE + "/posts/hello/"
A_B = SITE + "/posts/a-b/"
ETE = SITE + "/posts/%C3%A9t%C3%A9/"  # the canonical spelling of /posts/été/
# A target URL 3,000 characters long (the site's port has five digits).
LONG_TARGET = HELLO + "?q=" + "a" * (3000 - len(HELLO.format(port=10000) + "?q="))
LONG_SOURCE = (
    REPLY + "?q=" + "a" * (3000 - len(REPLY.format(source="http://127.0.0.1:10000") + "?q="))
)


@dataclass(frozen=True)
class Outcome:
    """What a case did to a site: its answer, what is stored after it, and what its request did."""

    answer: Answer
    stored: frozenset[Row] = frozenset()
    deleted: tuple[Pair, ...] = ()  # (source, target) the deleted hook was told of
    fetched: bool = False  # whether the site fetched any source page for this request


@dataclass(frozen=True)
class Step:
    """A request sent before the case's own, with the source pages served while it runs."""

    request: Request
    pages: Mapping[str, Page]


@dataclass(frozen=True)
class Case:
    """One ping: the site's configuration, what came before, the pages, the request, the outcome."""

    name: str
    protocol: str  # "pingback" (an XML-RPC body) or "webmention" (a form POST)
    request: Request
    expect: Outcome
    before: tuple[Step, ...] = ()  # requests sent first, their answers not judged
    pages: Mapping[str, Page] = field(default_factory=dict)  # served during ``request``
    config: SiteConfig = STANDARD


def pingback(source: str, target: str, **request: object) -> Request:
    return Request(
        PINGBACK_PATH, content_type=XML, call=Call("pingback.ping", (source, target)), **request
    )


def xmlrpc(method: str, *params: object, **request: object) -> Request:
    return Request(PINGBACK_PATH, content_type=XML, call=Call(method, params), **request)


def webmention(source: str, target: str, **request: object) -> Request:
    return Request(
        WEBMENTION_PATH, content_type=FORM, form=(("source", source), ("target", target)), **request
    )


def linking(target: str, **page: object) -> dict[str, Page]:
    """The source page at /reply, linking to ``target``."""
    return {"/reply": Page(links_to=target, **page)}


def rows(*stored: tuple[str, str]) -> frozenset[Row]:
    """Rows from (target, protocol) pairs, each from /reply and titled as its page is."""
    return frozenset(Row(REPLY, target, protocol, "A post") for target, protocol in stored)


def first(protocol: str, target: str = HELLO) -> Step:
    """The mention of ``target`` from /reply, registered before the case's request."""
    send = pingback if protocol == "pingback" else webmention
    return Step(send(REPLY, target), linking(target))


def registered(target: str, protocol: str, *, fetched: bool = True) -> Outcome:
    answer = REGISTERED if protocol == "pingback" else status(200)
    return Outcome(answer, rows((target, protocol)), fetched=fetched)


def refused(answer: Answer, *, fetched: bool = False) -> Outcome:
    """Nothing stored, nothing deleted."""
    return Outcome(answer, fetched=fetched)


PINGBACK_CASES = [
    Case(
        "pingback_for_a_post_is_registered",
        "pingback",
        pingback(REPLY, HELLO),
        pages=linking(HELLO),
        expect=registered(HELLO, "pingback"),
    ),
    Case(
        "pingback_for_a_slug_with_a_hyphen_is_registered",
        "pingback",
        pingback(REPLY, A_B),
        pages=linking(A_B),
        expect=registered(A_B, "pingback"),
    ),
    Case(
        "pingback_repeated_is_fault_48_without_a_fetch",
        "pingback",
        pingback(REPLY, HELLO),
        before=(first("pingback"),),
        pages=linking(HELLO),
        expect=Outcome(fault(48), rows((HELLO, "pingback"))),
    ),
    Case(
        "pingback_repeated_with_comments_fragment_is_fault_48",
        "pingback",
        pingback(REPLY, HELLO + "#comments"),
        before=(first("pingback"),),
        pages=linking(HELLO + "#comments"),
        expect=Outcome(fault(48), rows((HELLO, "pingback"))),
    ),
    Case(
        "pingback_target_fragment_is_stored_without_it",
        "pingback",
        pingback(REPLY, HELLO + "#comments"),
        pages=linking(HELLO + "#comments"),
        expect=registered(HELLO, "pingback"),
    ),
    Case(
        "pingback_target_query_string_is_stored_without_it",
        "pingback",
        pingback(REPLY, HELLO + "?lang=en"),
        pages=linking(HELLO + "?lang=en"),
        expect=registered(HELLO, "pingback"),
    ),
    Case(
        "pingback_target_without_trailing_slash_names_the_post",
        "pingback",
        pingback(REPLY, SITE + "/posts/hello"),
        pages=linking(SITE + "/posts/hello"),
        expect=registered(HELLO, "pingback"),
    ),
    Case(
        "pingback_target_with_uppercase_host_is_stored_lowercase",
        "pingback",
        pingback(REPLY, "http://BLOG.TEST:{port}/posts/hello/"),
        pages=linking("http://BLOG.TEST:{port}/posts/hello/"),
        expect=registered(HELLO, "pingback"),
    ),
    Case(
        "pingback_target_with_default_port_80_written_is_stored_without_it",
        "pingback",
        pingback(REPLY, "http://blog.test:80/posts/hello/"),
        pages=linking("http://blog.test:80/posts/hello/"),
        expect=registered("http://blog.test/posts/hello/", "pingback"),
    ),
    Case(
        "pingback_non_ascii_slug_raw_is_registered",
        "pingback",
        pingback(REPLY, SITE + "/posts/été/"),
        pages=linking(SITE + "/posts/été/"),
        expect=registered(ETE, "pingback"),
    ),
    Case(
        "pingback_non_ascii_slug_percent_lowercase_is_registered",
        "pingback",
        pingback(REPLY, SITE + "/posts/%c3%a9t%c3%a9/"),
        pages=linking(SITE + "/posts/%c3%a9t%c3%a9/"),
        expect=registered(ETE, "pingback"),
    ),
    Case(
        "pingback_non_ascii_slug_percent_uppercase_is_registered",
        "pingback",
        pingback(REPLY, ETE),
        pages=linking(ETE),
        expect=registered(ETE, "pingback"),
    ),
    Case(
        "pingback_chunked_body_is_registered",
        "pingback",
        pingback(REPLY, HELLO, chunked=True),
        pages=linking(HELLO),
        expect=registered(HELLO, "pingback"),
    ),
    Case(
        "pingback_site_host_on_another_port_is_fault_32",
        "pingback",
        pingback(REPLY, "http://blog.test:9999/posts/hello/"),
        pages=linking("http://blog.test:9999/posts/hello/"),
        expect=refused(fault(32)),
    ),
    Case(
        "pingback_no_such_post_is_fault_32_without_a_fetch",
        "pingback",
        pingback(REPLY, SITE + "/posts/no-such-post/"),
        pages=linking(SITE + "/posts/no-such-post/"),
        expect=refused(fault(32)),
    ),
    Case(
        "pingback_unknown_path_is_fault_32",
        "pingback",
        pingback(REPLY, SITE + "/about/"),
        pages=linking(SITE + "/about/"),
        expect=refused(fault(32)),
    ),
    Case(
        "pingback_pingback_endpoint_as_target_is_fault_33",
        "pingback",
        pingback(REPLY, SITE + PINGBACK_PATH),
        pages=linking(SITE + PINGBACK_PATH),
        expect=refused(fault(33)),
    ),
    Case(
        "pingback_webmention_endpoint_as_target_is_fault_33",
        "pingback",
        pingback(REPLY, SITE + WEBMENTION_PATH),
        pages=linking(SITE + WEBMENTION_PATH),
        expect=refused(fault(33)),
    ),
    Case(
        "pingback_foreign_target_host_is_fault_32",
        "pingback",
        pingback(REPLY, "http://other-blog.example/posts/hello/"),
        pages=linking("http://other-blog.example/posts/hello/"),
        expect=refused(fault(32)),
    ),
    Case(
        "pingback_foreign_target_host_with_any_host_header_allowed_is_fault_32",
        "pingback",
        pingback(REPLY, "http://other-blog.example/posts/hello/"),
        pages=linking("http://other-blog.example/posts/hello/"),
        config=ANY_HOST_HEADER,
        expect=refused(fault(32)),
    ),
    Case(
        "pingback_foreign_host_header_is_refused_400",
        "pingback",
        pingback(REPLY, HELLO, host="evil.example"),
        pages=linking(HELLO),
        expect=refused(status(400)),
    ),
    Case(
        "pingback_newline_inside_target_is_fault_32",
        "pingback",
        pingback(REPLY, SITE + "/posts/hel\nlo/"),
        pages=linking(HELLO),
        expect=refused(fault(32)),
    ),
    Case(
        "pingback_carriage_return_inside_target_is_fault_32",
        "pingback",
        pingback(REPLY, SITE + "/posts/hel\rlo/"),
        pages=linking(HELLO),
        expect=refused(fault(32)),
    ),
    Case(
        "pingback_newline_inside_source_is_fault_16",
        "pingback",
        pingback(SOURCE + "/re\nply", HELLO),
        pages=linking(HELLO),
        expect=refused(fault(16)),
    ),
    Case(
        "pingback_tab_inside_source_is_fault_16",
        "pingback",
        pingback(SOURCE + "/re\tply", HELLO),
        pages=linking(HELLO),
        expect=refused(fault(16)),
    ),
    Case(
        "pingback_userinfo_in_target_is_fault_32",
        "pingback",
        pingback(REPLY, "http://ann@blog.test:{port}/posts/hello/"),
        pages=linking("http://ann@blog.test:{port}/posts/hello/"),
        expect=refused(fault(32)),
    ),
    Case(
        "pingback_3000_character_target_is_fault_32",
        "pingback",
        pingback(REPLY, LONG_TARGET),
        pages=linking(LONG_TARGET),
        expect=refused(fault(32)),
    ),
    Case(
        "pingback_3000_character_source_is_fault_16",
        "pingback",
        pingback(LONG_SOURCE, HELLO),
        pages=linking(HELLO),
        expect=refused(fault(16)),
    ),
    Case(
        "pingback_source_equal_to_target_is_fault_0",
        "pingback",
        pingback(HELLO, HELLO),
        expect=refused(fault(0)),
    ),
    Case(
        "pingback_source_without_the_link_is_fault_17",
        "pingback",
        pingback(REPLY, HELLO),
        pages=linking(A_B),
        expect=refused(fault(17), fetched=True),
    ),
    Case(
        "pingback_source_answering_404_is_fault_16",
        "pingback",
        pingback(REPLY, HELLO),
        pages={"/reply": Page(HELLO, status=404)},
        expect=refused(fault(16), fetched=True),
    ),
    Case(
        "pingback_source_answering_410_is_fault_16",
        "pingback",
        pingback(REPLY, HELLO),
        pages={"/reply": Page(HELLO, status=410)},
        expect=refused(fault(16), fetched=True),
    ),
    Case(
        "pingback_one_parameter_is_fault_minus_32602",
        "pingback",
        xmlrpc("pingback.ping", REPLY),
        pages=linking(HELLO),
        expect=refused(fault(-32602)),
    ),
    Case(
        "pingback_three_parameters_is_fault_minus_32602",
        "pingback",
        xmlrpc("pingback.ping", REPLY, HELLO, HELLO),
        pages=linking(HELLO),
        expect=refused(fault(-32602)),
    ),
    Case(
        "pingback_integer_parameters_is_fault_minus_32602",
        "pingback",
        xmlrpc("pingback.ping", 1, 2),
        expect=refused(fault(-32602)),
    ),
    Case(
        "pingback_array_parameter_is_fault_minus_32602",
        "pingback",
        xmlrpc("pingback.ping", [REPLY], HELLO),
        pages=linking(HELLO),
        expect=refused(fault(-32602)),
    ),
    Case(
        "pingback_unknown_method_is_fault_minus_32601",
        "pingback",
        xmlrpc("pingback.pong", REPLY, HELLO),
        pages=linking(HELLO),
        expect=refused(fault(-32601)),
    ),
    Case(
        "pingback_empty_body_is_fault_minus_32700",
        "pingback",
        Request(PINGBACK_PATH, content_type=XML),
        expect=refused(fault(-32700)),
    ),
    Case(
        "pingback_body_that_is_not_xml_is_fault_minus_32700",
        "pingback",
        Request(PINGBACK_PATH, content_type=XML, raw="source={source}/reply"),
        expect=refused(fault(-32700)),
    ),
    Case(
        "pingback_get_is_405",
        "pingback",
        Request(PINGBACK_PATH, method="GET"),
        expect=refused(status(405)),
    ),
]

WEBMENTION_CASES = [
    Case(
        "webmention_for_a_post_is_registered_200",
        "webmention",
        webmention(REPLY, HELLO),
        pages=linking(HELLO),
        expect=registered(HELLO, "webmention"),
    ),
    Case(
        "webmention_repeated_is_verified_again_and_updates_the_row",
        "webmention",
        webmention(REPLY, HELLO),
        before=(first("webmention"),),
        pages=linking(HELLO, title="A post, revised"),
        expect=Outcome(
            status(200),
            frozenset({Row(REPLY, HELLO, "webmention", "A post, revised")}),
            fetched=True,
        ),
    ),
    Case(
        "webmention_source_gone_410_deletes_the_mention",
        "webmention",
        webmention(REPLY, HELLO),
        before=(first("webmention"),),
        pages={"/reply": Page(HELLO, status=410)},
        expect=Outcome(status(200), deleted=((REPLY, HELLO),), fetched=True),
    ),
    Case(
        "webmention_source_no_longer_linking_deletes_the_mention",
        "webmention",
        webmention(REPLY, HELLO),
        before=(first("webmention"),),
        pages=linking(A_B),
        expect=Outcome(status(400), deleted=((REPLY, HELLO),), fetched=True),
    ),
    Case(
        "webmention_variant_target_with_utm_query_deletes_nothing",
        "webmention",
        webmention(REPLY, HELLO + "?utm_source=x"),
        before=(first("webmention"),),
        pages=linking(HELLO),
        expect=registered(HELLO, "webmention"),
    ),
    Case(
        "webmention_variant_target_without_slash_deletes_nothing",
        "webmention",
        webmention(REPLY, SITE + "/posts/hello"),
        before=(first("webmention"),),
        pages=linking(HELLO),
        expect=registered(HELLO, "webmention"),
    ),
    Case(
        "webmention_no_such_post_is_400_without_a_fetch",
        "webmention",
        webmention(REPLY, SITE + "/posts/no-such-post/"),
        pages=linking(SITE + "/posts/no-such-post/"),
        expect=refused(status(400)),
    ),
    Case(
        "webmention_async_no_such_post_is_400_without_a_fetch",
        "webmention",
        webmention(REPLY, SITE + "/posts/no-such-post/"),
        pages=linking(SITE + "/posts/no-such-post/"),
        config=ASYNC_WEBMENTION,
        expect=refused(status(400)),
    ),
    Case(
        "webmention_async_is_accepted_202_and_stored_once_verified",
        "webmention",
        webmention(REPLY, HELLO),
        pages=linking(HELLO),
        config=ASYNC_WEBMENTION,
        expect=Outcome(status(202), rows((HELLO, "webmention")), fetched=True),
    ),
    Case(
        "webmention_async_source_gone_410_deletes_the_mention",
        "webmention",
        webmention(REPLY, HELLO),
        before=(first("webmention"),),
        pages={"/reply": Page(HELLO, status=410)},
        config=ASYNC_WEBMENTION,
        expect=Outcome(status(202), deleted=((REPLY, HELLO),), fetched=True),
    ),
    Case(
        "webmention_site_host_on_another_port_is_400",
        "webmention",
        webmention(REPLY, "http://blog.test:9999/posts/hello/"),
        pages=linking("http://blog.test:9999/posts/hello/"),
        expect=refused(status(400)),
    ),
    Case(
        "webmention_endpoint_as_target_is_400",
        "webmention",
        webmention(REPLY, SITE + WEBMENTION_PATH),
        pages=linking(SITE + WEBMENTION_PATH),
        expect=refused(status(400)),
    ),
    Case(
        "webmention_foreign_target_host_with_any_host_header_allowed_is_400",
        "webmention",
        webmention(REPLY, "http://other-blog.example/posts/hello/"),
        pages=linking("http://other-blog.example/posts/hello/"),
        config=ANY_HOST_HEADER,
        expect=refused(status(400)),
    ),
    Case(
        "webmention_foreign_host_header_is_refused_400",
        "webmention",
        webmention(REPLY, HELLO, host="evil.example"),
        pages=linking(HELLO),
        expect=refused(status(400)),
    ),
    Case(
        "webmention_newline_inside_target_is_400",
        "webmention",
        webmention(REPLY, SITE + "/posts/hel\nlo/"),
        pages=linking(HELLO),
        expect=refused(status(400)),
    ),
    Case(
        "webmention_tab_inside_source_is_400",
        "webmention",
        webmention(SOURCE + "/re\tply", HELLO),
        pages=linking(HELLO),
        expect=refused(status(400)),
    ),
    Case(
        "webmention_chunked_body_is_registered",
        "webmention",
        webmention(REPLY, HELLO, chunked=True),
        pages=linking(HELLO),
        expect=registered(HELLO, "webmention"),
    ),
    Case(
        "webmention_non_ascii_slug_raw_is_registered",
        "webmention",
        webmention(REPLY, SITE + "/posts/été/"),
        pages=linking(SITE + "/posts/été/"),
        expect=registered(ETE, "webmention"),
    ),
    Case(
        "webmention_target_fragment_is_stored_without_it",
        "webmention",
        webmention(REPLY, HELLO + "#comments"),
        pages=linking(HELLO + "#comments"),
        expect=registered(HELLO, "webmention"),
    ),
    Case(
        "webmention_target_with_uppercase_host_is_stored_lowercase",
        "webmention",
        webmention(REPLY, "http://BLOG.TEST:{port}/posts/hello/"),
        pages=linking("http://BLOG.TEST:{port}/posts/hello/"),
        expect=registered(HELLO, "webmention"),
    ),
    Case(
        "webmention_userinfo_in_target_is_400",
        "webmention",
        webmention(REPLY, "http://ann@blog.test:{port}/posts/hello/"),
        pages=linking("http://ann@blog.test:{port}/posts/hello/"),
        expect=refused(status(400)),
    ),
    Case(
        "webmention_3000_character_target_is_400",
        "webmention",
        webmention(REPLY, LONG_TARGET),
        pages=linking(LONG_TARGET),
        expect=refused(status(400)),
    ),
    Case(
        "webmention_source_equal_to_target_is_400",
        "webmention",
        webmention(HELLO, HELLO),
        expect=refused(status(400)),
    ),
    Case(
        "webmention_source_without_the_link_is_400",
        "webmention",
        webmention(REPLY, HELLO),
        pages=linking(A_B),
        expect=refused(status(400), fetched=True),
    ),
    Case(
        "webmention_without_target_is_400",
        "webmention",
        Request(WEBMENTION_PATH, content_type=FORM, form=(("source", REPLY),)),
        pages=linking(HELLO),
        expect=refused(status(400)),
    ),
    Case(
        "webmention_empty_body_is_400",
        "webmention",
        Request(WEBMENTION_PATH, content_type=FORM),
        expect=refused(status(400)),
    ),
    Case(
        "webmention_json_body_is_415",
        "webmention",
        Request(
            WEBMENTION_PATH, content_type="application/json", raw='{"source": "{source}/reply"}'
        ),
        pages=linking(HELLO),
        expect=refused(status(415)),
    ),
    Case(
        "webmention_get_is_405",
        "webmention",
        Request(WEBMENTION_PATH, method="GET"),
        expect=refused(status(405)),
    ),
]

CASES = PINGBACK_CASES + WEBMENTION_CASES
