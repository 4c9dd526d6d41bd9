"""Fixtures of the attack suite: the guarded network, hostile servers, both live sites.

Hypothesis profiles are registered here: ``security`` (the default, a modest
number of examples so `make test` stays fast) and ``fuzz`` (`make fuzz`, many
more), chosen by the HYPOTHESIS_PROFILE environment variable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings

from flask_pingback import received as flask_received

from .network import (
    TRAPPED_ADDRESSES,
    TRAPPED_PORTS,
    LoopbackServer,
    TestNetwork,
    installed,
    not_found,
)
from .sites import Probe, Site, flask_blog, record_flask_signals, serving

settings.register_profile(
    "security",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The Django site's server threads use the test database, committed as they go.
    for item in items:
        callspec = getattr(item, "callspec", None)
        in_suite = HERE in Path(str(item.path)).parents
        if in_suite and callspec is not None and callspec.params.get("framework") == "django":
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(autouse=True)
def net(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestNetwork]:
    """This process's only network; fails the test if anything tried to leave loopback."""
    network = TestNetwork()
    with installed(network, monkeypatch):
        yield network
    assert network.refused == [], f"connections tried to leave loopback: {network.refused}"


@pytest.fixture
def servers() -> Iterator[Callable[..., LoopbackServer]]:
    """Start loopback servers: ``servers(routes={...}, default=...)``; all stopped after."""
    started: list[LoopbackServer] = []

    def start(**kwargs: Any) -> LoopbackServer:
        started.append(LoopbackServer(**kwargs))
        return started[-1]

    yield start
    for server in started:
        server.close()


@pytest.fixture
def public(net: TestNetwork) -> Callable[..., str]:
    """Put a loopback server at a public address: ``public(server, ip)`` is its root URL."""

    def place(server: LoopbackServer, ip: str, port: int = 80) -> str:
        net.route(ip, port, server.port)
        return f"http://{ip}" if port == 80 else f"http://{ip}:{port}"

    return place


@pytest.fixture
def trap(net: TestNetwork, servers: Callable[..., LoopbackServer]) -> LoopbackServer:
    """A server every blocked destination is routed to: if it sees anyone, a check failed."""
    server = servers(default=not_found)
    for address in TRAPPED_ADDRESSES:
        for port in TRAPPED_PORTS:
            net.route(address, port, server.port)
    return server


@pytest.fixture(params=["django", "flask"])
def framework(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def start_site(framework: str, request: pytest.FixtureRequest) -> Iterator[Callable[..., Site]]:
    """Start the framework's site with PINGBACK_* settings: ``start_site(FETCH_TIMEOUT=1)``.

    Settings are named without their prefix; unset ones keep the adapter's
    defaults (private addresses refused). ``rate_limit_store`` goes to Flask's
    extension; Django counts in its cache.
    """
    stack = ExitStack()

    def start(*, rate_limit_store: Any = None, **pingback: Any) -> Site:
        received_pings: list[dict[str, Any]] = []
        app: Any
        if framework == "django":
            probe = app = _django_app(request, stack, pingback, received_pings)
        else:
            config = {f"PINGBACK_{name}": value for name, value in pingback.items()}
            config.setdefault("PINGBACK_WEBMENTION", True)
            app = flask_blog(config, rate_limit_store)
            record = record_flask_signals(app, received_pings)
            stack.callback(flask_received.disconnect, record)
            probe = app.wsgi_app = Probe(app.wsgi_app)
        port = stack.enter_context(serving(app))
        client = stack.enter_context(
            httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=60)
        )
        return Site(framework, port, probe, received_pings, client)

    yield start
    stack.close()


def _django_app(
    request: pytest.FixtureRequest,
    stack: ExitStack,
    pingback: dict[str, Any],
    into: list[dict[str, Any]],
) -> Probe:
    django_settings = request.getfixturevalue("settings")
    from django.core.cache import cache
    from django.core.wsgi import get_wsgi_application
    from django_adapter.blog.models import Post

    from django_pingback import received as django_received

    for name, value in pingback.items():
        setattr(django_settings, f"PINGBACK_{name}", value)
    cache.clear()  # the rate limits count in the cache
    # The target must be a page that exists (the Flask blog shows every slug).
    Post.objects.get_or_create(slug="hello", defaults={"title": "Hello"})

    def record(sender: Any, signal: Any = None, **kwargs: Any) -> None:
        into.append(kwargs)

    django_received.connect(record, weak=False)
    stack.callback(django_received.disconnect, record)
    return Probe(get_wsgi_application())


@pytest.fixture
def site(start_site: Callable[..., Site]) -> Site:
    """The framework's site with the adapter's default settings."""
    return start_site()
