"""The adapters' public callables type as what they are, under mypy --strict with django-stubs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One cache for the module: the second run reads the stubs the first one parsed.
    return tmp_path_factory.mktemp("mypy-cache")


def mypy_output(tmp_path: Path, cache_dir: Path, code: str) -> str:
    module = tmp_path / "uses_pingcore.py"
    module.write_text(textwrap.dedent(code))
    # The project's own configuration: strict, the django-stubs plugin and its settings.
    stdout, _stderr, _status = mypy_api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(cache_dir), str(module)]
    )
    return stdout


def test_the_django_views_type_as_views_not_any(tmp_path: Path, cache_dir: Path) -> None:
    output = mypy_output(
        tmp_path,
        cache_dir,
        """
        from django_pingback import server_view, webmention_view

        reveal_type(server_view)
        reveal_type(webmention_view)
        """,
    )
    view = '"def (request: django.http.request.HttpRequest) -> django.http.response.HttpResponse"'
    assert output.count(f"Revealed type is {view}") == 2, output


def test_a_view_used_where_it_does_not_fit_is_a_type_error(tmp_path: Path, cache_dir: Path) -> None:
    # An Any would fit anywhere; a typed view does not fit a Flask view's signature.
    output = mypy_output(
        tmp_path,
        cache_dir,
        """
        from collections.abc import Callable

        from django_pingback import server_view

        flask_view: Callable[[], str] = server_view
        """,
    )
    assert "Incompatible types in assignment" in output, output


def test_a_misspelt_keyword_is_a_type_error(tmp_path: Path, cache_dir: Path) -> None:
    output = mypy_output(
        tmp_path,
        cache_dir,
        """
        from pingcore import FetchPolicy, PingbackServer

        PingbackServer(lambda url: url, polcy=FetchPolicy())
        """,
    )
    assert 'Unexpected keyword argument "polcy"' in output, output
