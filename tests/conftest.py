"""Fixtures shared by every test: where ../shared is, and skipping without it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# A user's clone has no ../shared; the team's and CI's have it beside the repo.
SHARED = Path(os.environ.get("PINGCORE_SHARED", ROOT.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test cleanly when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (../shared is only in the team's checkouts)")
    return path


@pytest.fixture(scope="session")
def corpus_pages() -> list[dict[str, str]]:
    """The real pages of ../shared/corpus: dicts with file, url, and maybe author."""
    index = shared_path("corpus", "index.json")
    pages: list[dict[str, str]] = json.loads(index.read_text("utf-8"))["pages"]
    return pages


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return shared_path("corpus", "pages")


@pytest.fixture(scope="session")
def discovery_cases() -> list[dict[str, object]]:
    """The 23 webmention.rocks discovery tests."""
    path = shared_path("conformance", "webmention-rocks-discovery.json")
    cases: list[dict[str, object]] = json.loads(path.read_text("utf-8"))["tests"]
    return cases
