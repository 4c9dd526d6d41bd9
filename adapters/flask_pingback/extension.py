"""The ``Pingback`` extension: config, blueprint, headers and signals for each Flask app.

The one place Flask's request goes into pingcore's server, and its response comes out.
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
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

from pingcore import (
    FetchPolicy,
    IncomingRequest,
    MemoryStore,
    MentionStore,
    PingbackServer,
    PingbackSettings,
    PingRequest,
    PingResult,
    RateLimited,
    RateLimiter,
    RateLimitStore,
    ReceivedPing,
    Response,
    SendHistory,
    SiteHosts,
    Target,
    WebmentionReceiver,
)
from pingcore.console import show_refusals_on_console
from pingcore.ratelimit import store_from_url
from pingcore.server import deleted_signal_arguments

from .advertising import (
    advertising_headers,
    is_pingable,
    pingable,
    pingback_link,
    pingback_url,
    webmention_url,
)
from .config import DEFAULT_CONFIG, read_config
from .display import register_mentions
from .sending import DeletedPostJob, PingJob, history_from_url, run_in_thread, site_root
from .signals import deleted, received
from .targets import app_hosts, site_for, warn_unconfigured

__all__ = ["Pingback", "PingbackState"]

logger = logging.getLogger("flask_pingback")

# A queue takes any job of flask_pingback.sending: a PingJob, a DeletedPostJob.
Queue = Callable[[Callable[[], list[PingResult]]], Any]


@dataclass(frozen=True)
class PingbackState:
    """What the extension keeps for one app, in ``app.extensions["pingback"]``."""

    extension: Pingback
    blueprint: Blueprint
    policy: FetchPolicy
    server: PingbackServer
    webmention: WebmentionReceiver | None
    queue: Queue | None
    history: SendHistory | None
    header_all_views: bool
    hosts: SiteHosts
    targets: str


def state_of(app: Flask) -> PingbackState:
    try:
        state: PingbackState = app.extensions["pingback"]
    except KeyError:
        raise RuntimeError(
            f"flask_pingback is not set up on {app.name!r}: call pingback.init_app(app)."
        ) from None
    return state


# -- the hooks pingcore's servers call, inside the app's request or app context --


def _site() -> Any:
    """The core's ``Site`` for the current app and request."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    state = state_of(app)
    root = request.script_root if has_request_context() else ""
    return site_for(app, state.hosts, script_root=root, targets=state.targets)


def _send_received(ping: ReceivedPing) -> None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if not received.has_receivers_for(app) and state_of(app).extension.store is None:
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


def _read_body(max_body: int) -> bytes:
    """The request body, up to one byte past ``max_body``: enough for the core to answer 413.

    A WSGI input may hand over less than asked at each read, so read until the
    cap or the end of the body.
    """
    chunks: list[bytes] = []
    size, limit = 0, max_body + 1
    while size < limit:
        chunk = request.stream.read(limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _incoming(max_body: int) -> IncomingRequest:
    """The one place Flask's request goes into the core."""
    return IncomingRequest(
        method=request.method,
        body=_read_body(max_body),
        content_type=request.content_type,
        remote_addr=request.remote_addr,
        host=request.host,
        script_prefix=request.script_root or "/",
    )


def _show_refusals_in_debug() -> None:
    # app.debug may be set after init_app (app.run(debug=True)), so it is read per request.
    if current_app.debug:
        show_refusals_on_console("flask")


def _xmlrpc_view() -> FlaskResponse:
    _show_refusals_in_debug()
    server = state_of(current_app).server
    return _to_flask(server.handle_request(_incoming(server.max_body)))


def _webmention_view() -> FlaskResponse:
    _show_refusals_in_debug()
    receiver = state_of(current_app).webmention
    assert receiver is not None  # the rule exists only with Webmention on
    return _to_flask(receiver.handle_request(_incoming(receiver.max_body)))


def _advertise(response: FlaskResponse) -> FlaskResponse:
    """After a page view: add the X-Pingback (and Link) headers to pingable pages."""
    endpoint = request.endpoint
    if request.method not in ("GET", "HEAD") or endpoint is None or response.status_code >= 400:
        return response
    if endpoint.rpartition(".")[2] == "static":
        return response
    view = current_app.view_functions.get(endpoint)
    state = state_of(current_app)
    if not (state.header_all_views or is_pingable(view)):
        return response
    # A page on a host that is not the app's takes no pings: advertising there
    # would also echo a Host header of the client's choosing in the endpoint's URL.
    if not state.hosts.owns(
        request.host_url, request_host=request.host, remote_addr=request.remote_addr
    ):
        return response
    for name, value in advertising_headers():
        response.headers.add(name, value)
    return response


def _rate_limit_store(config: PingbackSettings, given: RateLimitStore | None) -> RateLimitStore:
    """The extension's store, else ``PINGBACK_RATE_LIMIT_STORE``, else this process's memory."""
    if given is not None:
        return given
    url: str | None = config.rate_limit_store
    return MemoryStore() if url is None else store_from_url(url)


def _rate_limiter(config: PingbackSettings, store: RateLimitStore | None) -> RateLimiter:
    if config.rate_limit is None:
        return RateLimiter(per_address=None, per_source_host=None, per_source_address=None)
    # Without a shared store each app counts on its own, in this process.
    return RateLimiter(store=_rate_limit_store(config, store), **config.rate_limit)


def _send_history(config: PingbackSettings, given: SendHistory | None) -> SendHistory | None:
    """The extension's history, else ``PINGBACK_SEND_HISTORY``'s, else none."""
    if given is not None:
        return given
    url: str | None = config.send_history
    return None if url is None else history_from_url(url)


def _queue(value: object) -> Queue | None:
    if isinstance(value, str):
        value = import_string(value)
    if value is None or callable(value):
        return value
    raise TypeError(f"PINGBACK_QUEUE must be a callable or an import path, not {value!r}")


class _SiteProxy:
    """The core's ``SiteResolver`` for whichever app and request are current."""

    def resolve(
        self, target_url: str, *, request_host: str | None = None, remote_addr: str | None = None
    ) -> Target:
        warn_unconfigured(current_app._get_current_object(), request_host, remote_addr)  # type: ignore[attr-defined]
        site = _site()
        return site.resolve(  # type: ignore[no-any-return]
            target_url, request_host=request_host, remote_addr=remote_addr
        )


_site_proxy = _SiteProxy()


class Pingback:
    """Receives Pingbacks (and Webmentions) for a Flask app, and sends them for it.

    ``Pingback(app)``, or ``pingback = Pingback()`` then ``pingback.init_app(app)``
    for each app: each app keeps its own state, read from its ``PINGBACK_*``
    config when ``init_app`` runs. ``rate_limit_store`` is a pingcore
    ``RateLimitStore`` shared by every app of this extension (e.g. a
    ``SQLiteStore`` or a Redis one, for several processes); ``queue`` is the
    default of ``PINGBACK_QUEUE``: a callable that takes a ``PingJob`` and hands
    it to a task queue. ``store`` is a pingcore ``MentionStore`` (such as
    ``flask_pingback.storage.SQLAlchemyMentionStore(db)``): verified pings are
    stored by the core's rules after the ``received`` signal (a repeated
    Pingback is fault 48 before any fetch, a repeated Webmention an update),
    and deleted Webmentions removed. ``history`` is a pingcore ``SendHistory``
    (such as ``flask_pingback.storage.SQLAlchemySendHistory(db)``), the default
    of ``PINGBACK_SEND_HISTORY``: ``ping_links`` then sends an updated post's
    changes only, and ``ping_deleted`` can reach every target a post mentioned.
    """

    #: The ``pingable`` decorator, also reachable as ``@pingback.pingable``.
    pingable = staticmethod(pingable)

    def __init__(
        self,
        app: Flask | None = None,
        *,
        rate_limit_store: RateLimitStore | None = None,
        queue: Queue | str | None = None,
        store: MentionStore | None = None,
        history: SendHistory | None = None,
    ) -> None:
        self.rate_limit_store = rate_limit_store
        self.queue = queue
        self.store = store
        self.history = history
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        if "pingback" in app.extensions:
            raise RuntimeError(f"flask_pingback is already set up on {app.name!r}.")
        for key, value in DEFAULT_CONFIG.items():
            app.config.setdefault(key, copy.copy(value))  # no dict shared between apps
        app.config.setdefault("PINGBACK_QUEUE", self.queue)
        config = read_config(app.config)  # fails here, naming the key, on a bad value
        queue = _queue(app.config["PINGBACK_QUEUE"])
        policy = config.fetch_policy()
        limiter = _rate_limiter(config, self.rate_limit_store)
        source_max_bytes = config.max_source_bytes
        site = _site_proxy
        server = PingbackServer(
            site,
            _send_received,
            policy=policy,
            rate_limiter=limiter,
            store=self.store,
            source_max_bytes=source_max_bytes,
        )
        webmention = None
        if config.webmention:
            verify_later = None
            if config.webmention_async:
                # Mentions are verified on threads of their own, but not on more
                # than this many at once: past it the sender is asked to retry.
                slots = threading.BoundedSemaphore(config.webmention_async_threads)

                def verify_later(job: PingRequest) -> Future[Any]:
                    assert webmention is not None  # set below, before any request
                    if not slots.acquire(blocking=False):
                        raise RateLimited(
                            "Too many Webmentions are being verified; try again later."
                        )
                    process = webmention.process

                    def verify() -> bool:
                        try:
                            return process(job)
                        finally:
                            slots.release()

                    try:
                        # The worker resolves the target again, against this request's host.
                        return run_in_thread(
                            copy_current_request_context(verify), name="flask-pingback-verify"
                        )
                    except BaseException:
                        slots.release()  # no thread started
                        raise

            webmention = WebmentionReceiver(
                site,
                _send_received,
                policy=policy,
                rate_limiter=limiter,
                store=self.store,
                source_max_bytes=source_max_bytes,
                on_deleted=_send_deleted,
                queue=verify_later,
            )

        # A fresh blueprint for each app: its rules carry this app's URLs.
        blueprint = Blueprint("pingback", __name__)
        blueprint.add_url_rule(config.url, "xmlrpc", _xmlrpc_view, methods=["POST"])
        if webmention is not None:
            blueprint.add_url_rule(
                config.webmention_url, "webmention", _webmention_view, methods=["POST"]
            )
        app.extensions["pingback"] = PingbackState(
            extension=self,
            blueprint=blueprint,
            policy=policy,
            server=server,
            webmention=webmention,
            queue=queue,
            history=_send_history(config, self.history),
            header_all_views=config.header_all_views,
            hosts=app_hosts(app, config.hosts),
            targets=config.targets,
        )
        app.register_blueprint(blueprint)
        app.after_request(_advertise)
        app.add_template_global(pingback_url)
        app.add_template_global(pingback_link)
        app.add_template_global(webmention_url)
        if hasattr(self.store, "approved_mentions"):
            register_mentions(app, self.store)  # {{ mentions(url) }} reads the same rows

    def ping_links(
        self,
        source_url: str,
        html: str | bytes,
        root_url: str | None = None,
        *,
        protocol: str | None = None,
        history: SendHistory | bool | None = None,
        force: bool = False,
    ) -> Any:
        """Ping every link of a published post outside ``root_url``, off the request.

        Call it inside the app's context (a view is), and again when the post
        is updated. ``root_url`` defaults to the root of the post's site.
        ``history`` is the app's send history by default (``history=`` of the
        extension, or ``PINGBACK_SEND_HISTORY``), ``False`` for none, ``True``
        to require it, or a ``SendHistory`` of its own. With a history an update
        sends only what changed (``force=True`` pings Pingback targets again).

        With a queue (``PINGBACK_QUEUE``) the job goes to it and its return value
        comes back (a Celery ``AsyncResult``, an RQ ``Job``); without one the
        job runs on a thread of its own, in the app's context, and a ``Future``
        of its ``PingResult`` list comes back. Results are logged on the
        ``flask_pingback`` logger either way.
        """
        state = state_of(current_app)
        job = PingJob(
            source_url,
            html,
            root_url or site_root(source_url),
            policy=state.policy,
            protocol=protocol,
            history=_history_for(state, history),
            force=force,
        )
        return _hand_off(state, job)

    def ping_deleted(self, source_url: str) -> Any:
        """Tell every target a deleted post mentioned that it is gone, off the request.

        Call it once ``source_url`` answers 410 Gone. It needs the app's send
        history (only it knows what the post mentioned); returns what
        ``ping_links`` returns.
        """
        state = state_of(current_app)
        history = _history_for(state, True)
        assert history is not None  # required: _history_for raises without one
        job = DeletedPostJob(source_url, history, policy=state.policy)
        return _hand_off(state, job)


def _history_for(state: PingbackState, history: SendHistory | bool | None) -> SendHistory | None:
    if history is None or history is True:
        if history is True and state.history is None:
            raise RuntimeError(
                "This needs a send history: pass Pingback(history=SQLAlchemySendHistory(db)) "
                "or set PINGBACK_SEND_HISTORY = 'sqlite:///path/to/file.db'."
            )
        return state.history
    if history is False:
        return None
    return history


def _hand_off(state: PingbackState, job: Callable[[], list[PingResult]]) -> Any:
    if state.queue is not None:
        return state.queue(job)
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]

    def in_app_context() -> list[PingResult]:
        # A history on Flask-SQLAlchemy's db reads its engine from the app context.
        with app.app_context():
            return job()

    future: Future[list[PingResult]] = run_in_thread(in_app_context)
    return future
