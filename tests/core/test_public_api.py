"""pingcore's public API is pinned, and the adapters use nothing else.

As httpx's tests/test_exported_members.py does: a name leaves ``__all__`` or
joins it only by changing this file, and the adapters, which are the core's
first users, import only what any user could.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import types
from pathlib import Path

import pytest

import pingcore
import pingcore.fetch

ADAPTERS = Path(__file__).resolve().parents[2] / "adapters"

PUBLIC_NAMES = [
    "AccessDenied",
    "AsyncFetcher",
    "AsyncPingbackServer",
    "AsyncWebmentionReceiver",
    "BadStatus",
    "BlockedAddress",
    "BlockedURL",
    "ConnectionFailed",
    "DuplicatePing",
    "Endpoint",
    "FetchError",
    "FetchPolicy",
    "FetchResponse",
    "FetchTimeout",
    "Fetcher",
    "HostPattern",
    "IncomingRequest",
    "MISSING",
    "MemoryMentionStore",
    "MemorySendHistory",
    "MemoryStore",
    "Mention",
    "MentionStore",
    "NoEndpoint",
    "Outcome",
    "PageMatch",
    "PingRequest",
    "PingResult",
    "PingbackError",
    "PingbackServer",
    "PingbackSettings",
    "Probe",
    "RateLimitStore",
    "RateLimitUnavailable",
    "RateLimited",
    "RateLimiter",
    "ReceivedPing",
    "RedisStore",
    "Response",
    "ResponseTooLarge",
    "RetryPolicy",
    "SQLiteMentionStore",
    "SQLiteSendHistory",
    "SQLiteStore",
    "SendHistory",
    "SentPing",
    "SettingError",
    "Site",
    "SiteHosts",
    "SitePages",
    "SourceHasNoLink",
    "SourceInfo",
    "SourceNotFound",
    "StoredMention",
    "Target",
    "TargetNotFound",
    "TooManyRedirects",
    "UnpingableTarget",
    "UpstreamError",
    "WebmentionReceiver",
    "__version__",
    "adiscover_endpoint",
    "aping",
    "aping_deleted",
    "aping_external_urls",
    "aretry_deferred",
    "discover_endpoint",
    "external_links",
    "external_urls",
    "find_endpoint",
    "forget_ping",
    "is_stored",
    "normalize_url",
    "parse_source",
    "ping",
    "ping_deleted",
    "ping_external_urls",
    "pingable",
    "read_mention",
    "read_settings",
    "retry_deferred",
    "setting_problems",
    "store_from_url",
    "store_ping",
]

FETCH_NAMES = [
    "AsyncFetcher",
    "FetchPolicy",
    "FetchResponse",
    "Fetcher",
    "Resolver",
    "StopWhen",
    "system_resolver",
]


def test_all_is_exactly_the_pinned_sorted_list() -> None:
    assert pingcore.__all__ == PUBLIC_NAMES
    assert PUBLIC_NAMES == sorted(PUBLIC_NAMES)


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_every_public_name_imports_from_the_package(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from pingcore import {name}", namespace)
    assert namespace[name] is getattr(pingcore, name)


def test_the_package_offers_nothing_public_beyond_all_but_its_modules() -> None:
    extra = {
        name
        for name, value in vars(pingcore).items()
        if not name.startswith("_") and name not in pingcore.__all__
    }
    assert all(isinstance(vars(pingcore)[name], types.ModuleType) for name in extra), extra


def test_each_public_class_and_function_is_defined_in_the_module_of_its_job() -> None:
    for name in PUBLIC_NAMES:
        value = getattr(pingcore, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__module__ not in ("pingcore", "pingcore.fetch"), name


def test_the_fetch_package_re_exports_the_same_names_as_the_old_module() -> None:
    assert pingcore.fetch.__all__ == FETCH_NAMES
    for name in FETCH_NAMES:
        namespace: dict[str, object] = {}
        exec(f"from pingcore.fetch import {name}", namespace)
        assert namespace[name] is getattr(pingcore.fetch, name)
    # The top-level names and the fetch package's are the same objects.
    for name in ("AsyncFetcher", "FetchPolicy", "FetchResponse", "Fetcher"):
        assert getattr(pingcore, name) is getattr(pingcore.fetch, name)


PUBLIC_MODULES = sorted(
    f"pingcore.{path.stem}"
    for path in Path(pingcore.__file__).parent.glob("*.py")
    if not path.stem.startswith("_")
) + ["pingcore.fetch"]


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_every_name_in_a_public_modules_all_exists_once(module: str) -> None:
    imported = importlib.import_module(module)
    names = imported.__all__
    assert len(set(names)) == len(names)
    assert [name for name in names if not hasattr(imported, name)] == []


# -- the adapters import only public names --------------------------------------------


def _is_public_module(module: str) -> bool:
    return module.split(".")[0] == "pingcore" and not any(
        part.startswith("_") for part in module.split(".")
    )


def _public_names_of(module: str) -> set[str]:
    """What ``from module import ...`` may take: its ``__all__``, and its public submodules."""
    imported = importlib.import_module(module)
    names = set(getattr(imported, "__all__", ()))
    for name, value in vars(imported).items():
        if isinstance(value, types.ModuleType) and value.__name__ == f"{module}.{name}":
            if _is_public_module(value.__name__):
                names.add(name)
    return names


def pingcore_imports(path: Path) -> list[tuple[str, str | None]]:
    """Each (module, name) ``path`` imports from pingcore; name is None for ``import module``."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "pingcore":
                found.extend((node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend(
                (alias.name, None) for alias in node.names if alias.name.split(".")[0] == "pingcore"
            )
    return found


def non_public_imports(path: Path) -> list[str]:
    refused = []
    for module, name in pingcore_imports(path):
        if not _is_public_module(module):
            refused.append(f"{module} (a private module)")
        elif name is not None and name not in _public_names_of(module):
            refused.append(f"{name} from {module} (not in its __all__)")
    return refused


ADAPTER_FILES = sorted(ADAPTERS.rglob("*.py"))


def test_the_adapters_are_where_this_test_looks() -> None:
    packages = {path.relative_to(ADAPTERS).parts[0] for path in ADAPTER_FILES}
    assert {"django_pingback", "flask_pingback"} <= packages
    # The rule is not passed vacuously: the adapters do use the core.
    assert sum(len(pingcore_imports(path)) for path in ADAPTER_FILES) > 20


@pytest.mark.parametrize(
    "path", ADAPTER_FILES, ids=[str(p.relative_to(ADAPTERS)) for p in ADAPTER_FILES]
)
def test_an_adapter_module_imports_only_public_names_of_pingcore(path: Path) -> None:
    assert non_public_imports(path) == []


def test_the_rule_catches_a_private_name_and_a_private_module(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from pingcore import FetchPolicy, client\n"
        "from pingcore.server import _ServerBase\n"
        "from pingcore.fetch._policy import checked_url\n"
        "import pingcore.fetch._bodies\n",
        "utf-8",
    )
    assert non_public_imports(sample) == [
        "_ServerBase from pingcore.server (not in its __all__)",
        "pingcore.fetch._policy (a private module)",
        "pingcore.fetch._bodies (a private module)",
    ]
