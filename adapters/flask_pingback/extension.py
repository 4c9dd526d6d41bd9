"""The ``Pingback`` extension: config, blueprint, headers and signals for each Flask app.

The one place Flask's request goes into pingcore's server, and its response comes out.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import (
    Blueprint,
    Flask,
    copy_current_request_context,
    current_app,
    has_request_context,
    request,
)
from flask import Response as FlaskResponse
from werkzeug.utils import import_string

from pingcore.client import PingResult
from pingcore.fetch import FetchPolicy
from pingcore.ratelimit import MemoryStore, RateLimiter, RateLimitStore
from pingcore.server import (
    PingbackServer,
    PingRequest,
    ReceivedPing,
    Response,
    Target,
    deleted_signal_arguments,
)
from pingcore.webmention import WebmentionReceiver

from .advertising import (
    advertising_headers,
    is_pingable,
    pingable,
    pingback_link,
    pingback_url,
    webmention_url,
)
from .sending import PingJob, run_in_thread, site_root
from .signals import deleted, received
from .targets import resolve_target

__all__ = ["Pingback", "PingbackState"]

logger = logging.getLogger("flask_pingback")

Queue = Callable[[PingJob], Any]

# The core's defaults are the adapter's.
_FETCH_DEFAULTS = FetchPolicy()
RATE_LIMIT_KEYS = frozenset({"per_address", "per_source_host", "window"})

# Every key the extension reads, with its default; init_app sets what is unset.
DEFAULT_CONFIG: Mapping[str, Any] = {
    "PINGBACK_URL": "/pingback",
    "PINGBACK_WEBMENTION": False,
    "PINGBACK_WEBMENTION_URL": "/webmention",
    "PINGBACK_WEBMENTION_ASYNC": False,
    "PINGBACK_HEADER_ALL_VIEWS": False,
    "PINGBACK_ALLOW_PRIVATE_ADDRESSES": _FETCH_DEFAULTS.allow_private_addresses,
    "PINGBACK_ALLOWED_PORTS": _FETCH_DEFAULTS.allowed_ports,
    "PINGBACK_MAX_SOURCE_BYTES": _FETCH_DEFAULTS.max_bytes,
    "PINGBACK_FETCH_TIMEOUT": _FETCH_DEFAULTS.timeout,
    # per_address, per_source_host, window: omitted keys keep the core's values,
    # a None value turns that limit off; None turns every limit off.
    "PINGBACK_RATE_LIMIT": {},
}


@dataclass(frozen=True)
class PingbackState:
    """What the extension keeps for one app, in ``app.extensions["pingback"]``."""

    extension: Pingback
    blueprint: Blueprint
    policy: FetchPolicy
    server: PingbackServer
    webmention: WebmentionReceiver | None
    queue: Queue | None
    header_all_views: bool


def state_of(app: Flask) -> PingbackState:
    try:
        state: PingbackState = app.extensions["pingback"]
    except KeyError:
        raise RuntimeError(
            f"flask_pingback is not set up on {app.name!r}: call pingback.init_app(app)."
        ) from None
    return state


# -- the hooks pingcore's servers call, inside the app's request or app context --


def _resolve(target_url: str) -> Target | None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return resolve_target(
        app,
        target_url,
        request_host=request.host if has_request_context() else None,
        script_root=request.script_root if has_request_context() else "",
    )


def _send_received(ping: ReceivedPing) -> None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if not received.has_receivers_for(app):
        logger.warning(
            "a %s from %s was verified, but nothing is connected to "
            "flask_pingback.received to store it",
            ping.protocol,
            ping.source_url,
        )
    # Exceptions propagate: the core turns Pingback errors into their faults and
    # anything else into fault 0, logged.
    received.send(app, **ping.signal_arguments())


def _send_deleted(source_url: str, target: Target) -> None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    deleted.send(app, **deleted_signal_arguments(source_url, target))


# -- the one place Flask's request goes in and the core's response comes out ----


def _to_flask(answer: Response) -> FlaskResponse:
    return current_app.response_class(
        answer.body, status=answer.status, headers=list(answer.headers.items())
    )


def _xmlrpc_view() -> FlaskResponse:
    server = state_of(current_app).server
    # One byte past the cap is enough for the core to answer 413.
    body = request.stream.read(server.max_body + 1)
    return _to_flask(server.handle(body, method=request.method, remote_addr=request.remote_addr))


def _webmention_view() -> FlaskResponse:
    receiver = state_of(current_app).webmention
    assert receiver is not None  # the rule exists only with Webmention on
    body = request.stream.read(receiver.max_body + 1)
    return _to_flask(
        receiver.handle(
            body,
            method=request.method,
            content_type=request.content_type,
            remote_addr=request.remote_addr,
        )
    )


def _advertise(response: FlaskResponse) -> FlaskResponse:
    """After a page view: add the X-Pingback (and Link) headers to pingable pages."""
    endpoint = request.endpoint
    if request.method not in ("GET", "HEAD") or endpoint is None or response.status_code >= 400:
        return response
    if endpoint.rpartition(".")[2] == "static":
        return response
    view = current_app.view_functions.get(endpoint)
    if state_of(current_app).header_all_views or is_pingable(view):
        for name, value in advertising_headers():
            response.headers.add(name, value)
    return response


def _in_app_context(app: Flask, job: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        with app.app_context():
            return job()

    return run


def _fetch_policy(config: Mapping[str, Any]) -> FetchPolicy:
    """The policy of every fetch: sources of received pings, and pages pinged."""
    ports = config["PINGBACK_ALLOWED_PORTS"]
    timeout = float(config["PINGBACK_FETCH_TIMEOUT"])
    return _FETCH_DEFAULTS.replace(
        allow_private_addresses=bool(config["PINGBACK_ALLOW_PRIVATE_ADDRESSES"]),
        allowed_ports=None if ports is None else frozenset(int(port) for port in ports),
        timeout=timeout,
        # A timeout shorter than the core's connect timeout bounds connecting too.
        connect_timeout=min(_FETCH_DEFAULTS.connect_timeout, timeout),
    )


def _rate_limiter(config: Mapping[str, Any], store: RateLimitStore | None) -> RateLimiter:
    limits = config["PINGBACK_RATE_LIMIT"]
    if limits is None:
        return RateLimiter(per_address=None, per_source_host=None)
    unknown = set(limits) - RATE_LIMIT_KEYS
    if unknown:
        raise ValueError(
            f"PINGBACK_RATE_LIMIT takes {', '.join(sorted(RATE_LIMIT_KEYS))}; "
            f"not {', '.join(sorted(unknown))}"
        )
    # Without a shared store each app counts on its own, in this process.
    return RateLimiter(store=store if store is not None else MemoryStore(), **limits)


def _queue(value: object) -> Queue | None:
    if isinstance(value, str):
        value = import_string(value)
    if value is None or callable(value):
        return value
    raise TypeError(f"PINGBACK_QUEUE must be a callable or an import path, not {value!r}")


class Pingback:
    """Receives Pingbacks (and Webmentions) for a Flask app, and sends them for it.

    ``Pingback(app)``, or ``pingback = Pingback()`` then ``pingback.init_app(app)``
    for each app: each app keeps its own state, read from its ``PINGBACK_*``
    config when ``init_app`` runs. ``rate_limit_store`` is a pingcore
    ``RateLimitStore`` shared by every app of this extension (e.g. a
    ``SQLiteStore`` or a Redis one, for several processes); ``queue`` is the
    default of ``PINGBACK_QUEUE``: a callable that takes a ``PingJob`` and hands
    it to a task queue.
    """

    #: The ``pingable`` decorator, also reachable as ``@pingback.pingable``.
    pingable = staticmethod(pingable)

    def __init__(
        self,
        app: Flask | None = None,
        *,
        rate_limit_store: RateLimitStore | None = None,
        queue: Queue | str | None = None,
    ) -> None:
        self.rate_limit_store = rate_limit_store
        self.queue = queue
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        if "pingback" in app.extensions:
            raise RuntimeError(f"flask_pingback is already set up on {app.name!r}.")
        for key, value in DEFAULT_CONFIG.items():
            app.config.setdefault(key, copy.copy(value))  # no dict shared between apps
        app.config.setdefault("PINGBACK_QUEUE", self.queue)
        config = app.config
        policy = _fetch_policy(config)
        limiter = _rate_limiter(config, self.rate_limit_store)
        source_max_bytes = int(config["PINGBACK_MAX_SOURCE_BYTES"])
        server = PingbackServer(
            _resolve,
            _send_received,
            policy=policy,
            rate_limiter=limiter,
            source_max_bytes=source_max_bytes,
        )
        webmention = None
        if config["PINGBACK_WEBMENTION"]:
            verify_later = None
            if config["PINGBACK_WEBMENTION_ASYNC"]:

                def verify_later(job: PingRequest) -> Future[Any]:
                    assert webmention is not None  # set below, before any request
                    # The worker resolves the target again, against this request's host.
                    verify = copy_current_request_context(partial(webmention.process, job))
                    return run_in_thread(verify, name="flask-pingback-verify")

            webmention = WebmentionReceiver(
                _resolve,
                _send_received,
                policy=policy,
                rate_limiter=limiter,
                source_max_bytes=source_max_bytes,
                on_deleted=_send_deleted,
                queue=verify_later,
            )

        # A fresh blueprint for each app: its rules carry this app's URLs.
        blueprint = Blueprint("pingback", __name__)
        blueprint.add_url_rule(config["PINGBACK_URL"], "xmlrpc", _xmlrpc_view, methods=["POST"])
        if webmention is not None:
            blueprint.add_url_rule(
                config["PINGBACK_WEBMENTION_URL"], "webmention", _webmention_view, methods=["POST"]
            )
        app.extensions["pingback"] = PingbackState(
            extension=self,
            blueprint=blueprint,
            policy=policy,
            server=server,
            webmention=webmention,
            queue=_queue(config["PINGBACK_QUEUE"]),
            header_all_views=bool(config["PINGBACK_HEADER_ALL_VIEWS"]),
        )
        app.register_blueprint(blueprint)
        app.after_request(_advertise)
        app.add_template_global(pingback_url)
        app.add_template_global(pingback_link)
        app.add_template_global(webmention_url)

    def ping_links(
        self,
        source_url: str,
        html: str | bytes,
        root_url: str | None = None,
        *,
        protocol: str | None = None,
    ) -> Any:
        """Ping every link of a published post outside ``root_url``, off the request.

        Call it inside the app's context (a view is). ``root_url`` defaults to
        the root of the post's site. With a queue (``PINGBACK_QUEUE``) the
        ``PingJob`` goes to it and its return value comes back (a Celery
        ``AsyncResult``, an RQ ``Job``); without one the job runs on a thread of
        its own and a ``Future`` of its ``PingResult`` list comes back. Results
        are logged on the ``flask_pingback`` logger either way.
        """
        state = state_of(current_app)
        job = PingJob(
            source_url,
            html,
            root_url or site_root(source_url),
            policy=state.policy,
            protocol=protocol,
        )
        if state.queue is not None:
            return state.queue(job)
        future: Future[list[PingResult]] = run_in_thread(job)
        return future
