"""The version matrix: the Django adapter's tests on each supported Django.

`make matrix` (or `python -m nox`) runs every leg; a leg whose Python is not
installed is skipped, not failed. Django 6 needs Python 3.12 or later, which is
looked for on PATH and in pyenv.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True

TESTS = ["tests/django_adapter"]
# (the session's label, the pin given to pip, the Pythons to look for, newest first)
DJANGO_LEGS = [
    ("4.2", "Django>=4.2,<5.0", ["3.11"]),
    ("5.2", "Django>=5.2,<6.0", ["3.11"]),
    ("6", "Django>=6.0,<7.0", ["3.14", "3.13", "3.12"]),
]


def pyenv_root() -> Path | None:
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    pyenv = shutil.which("pyenv")
    if pyenv:
        found = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
        if found.returncode == 0 and found.stdout.strip():
            return Path(found.stdout.strip())
    default = Path.home() / ".pyenv"
    return default if default.is_dir() else None


def _runs(python: str) -> bool:
    # A pyenv shim is on PATH even when its version is not the one selected.
    return subprocess.run([python, "-c", ""], capture_output=True, check=False).returncode == 0


def find_python(version: str) -> str | None:
    """An interpreter of ``version`` ("3.12"): from pyenv's versions, else from PATH."""
    root = pyenv_root()
    if root is not None:
        pattern = str(root / "versions" / f"{version}.*" / "bin" / f"python{version}")
        installed = sorted(
            glob.glob(pattern),
            key=lambda path: [
                int(part) for part in Path(path).parts[-3].split(".") if part.isdigit()
            ],
        )
        if installed:
            return installed[-1]
    on_path = shutil.which(f"python{version}")
    return on_path if on_path and _runs(on_path) else None


def first_python(versions: list[str]) -> str | None:
    return next((found for found in map(find_python, versions) if found), None)


def make_leg(label: str, requirement: str, versions: list[str]) -> None:
    python = first_python(versions)
    name = f"django-{label}"

    if python is None:

        @nox.session(name=name, python=False)
        def missing(session: nox.Session) -> None:
            session.skip(f"no Python {' or '.join(versions)} found for {requirement}")

        return

    @nox.session(name=name, python=python)
    def leg(session: nox.Session) -> None:
        # Not editable: the leg tests what a wheel ships (migrations, templates).
        session.install(".[dev,django]", requirement)
        session.run("python", "-m", "django", "--version")
        session.run("pytest", *(session.posargs or TESTS), "-p", "no:cacheprovider")


for leg_arguments in DJANGO_LEGS:
    make_leg(*leg_arguments)
