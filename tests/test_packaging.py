"""What a user installs: the licence and classifiers, the sdist's files, and the extras' errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import trove_classifiers

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]


def test_the_licence_file_is_the_bsd_3_clause_licence_the_metadata_declares() -> None:
    assert PROJECT["license"] == "BSD-3-Clause"
    text = (ROOT / "LICENSE").read_text("utf-8")
    assert text.startswith("BSD 3-Clause License")
    assert "Copyright (c) 2026, The pingcore team" in text
    assert "Neither the name of the copyright holder" in text


def test_every_classifier_is_a_real_one() -> None:
    unknown = [c for c in PROJECT["classifiers"] if c not in trove_classifiers.classifiers]
    assert unknown == []


def test_the_supported_pythons_and_frameworks_are_classified() -> None:
    classifiers = set(PROJECT["classifiers"])
    for version in ("3.10", "3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    for version in ("4.2", "5.2", "6.0"):
        assert f"Framework :: Django :: {version}" in classifiers
    assert "Framework :: Flask" in classifiers  # trove has no Flask version classifiers
    assert PROJECT["requires-python"] == ">=3.10"


def import_without(package: str, hidden: str) -> subprocess.CompletedProcess[str]:
    """Import ``package`` in a child where the module ``hidden`` cannot be imported."""
    script = f"import sys; sys.modules[{hidden!r}] = None; import {package}"
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60
    )


@pytest.mark.parametrize(
    ("package", "hidden", "extra"),
    [
        ("django_pingback", "django", "django"),
        ("django_pingback", "asgiref", "django"),
        ("flask_pingback", "flask", "flask"),
        ("flask_pingback", "blinker", "flask"),
    ],
)
def test_an_adapter_without_its_extra_names_the_install_line(
    package: str, hidden: str, extra: str
) -> None:
    done = import_without(package, hidden)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: ")
    assert f"{package} needs" in last
    assert f"({hidden} is not installed)" in last
    assert last.endswith(f'pip install "pingcore[{extra}]"')


def test_the_core_imports_without_either_framework() -> None:
    script = (
        "import sys; sys.modules['django'] = sys.modules['flask'] = None; "
        "import pingcore, pingcore.cli; print(pingcore.__version__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


def test_the_sdist_manifest_names_the_guides_changelog_and_licence() -> None:
    manifest = (ROOT / "MANIFEST.in").read_text("utf-8")
    for name in (
        "LICENSE",
        "CHANGELOG.md",
        "adapters/django_pingback/README.md",
        "adapters/flask_pingback/README.md",
    ):
        assert name in manifest
        assert (ROOT / name).is_file()
