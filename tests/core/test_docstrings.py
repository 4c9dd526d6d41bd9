"""Every public class and function of pingcore says what it is for, in a docstring."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import pingcore


def public_modules() -> list[ModuleType]:
    modules = [pingcore]
    for info in pkgutil.walk_packages(pingcore.__path__, "pingcore."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            modules.append(importlib.import_module(info.name))
    return modules


def public_objects() -> dict[str, object]:
    """Each module's ``__all__`` (or its unprefixed names), and the methods of its interfaces.

    An interface (a ``Protocol``: the stores, the send history) is what a site
    implements, so each of its methods says what it must do; a class that
    implements one documents itself in its own docstring.
    """
    found: dict[str, object] = {}
    for module in public_modules():
        names = getattr(module, "__all__", None) or [
            name for name in vars(module) if not name.startswith("_")
        ]
        for name in names:
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            if getattr(obj, "__module__", "").split(".")[0] != "pingcore":
                continue  # re-exported from elsewhere (typing, the standard library)
            found[f"{obj.__module__}.{obj.__qualname__}"] = obj
            if inspect.isclass(obj) and getattr(obj, "_is_protocol", False):
                for attr, member in vars(obj).items():
                    if attr.startswith("_") or not inspect.isfunction(member):
                        continue
                    found[f"{obj.__module__}.{obj.__qualname__}.{attr}"] = member
    return found


def test_every_public_class_and_function_has_a_docstring() -> None:
    objects = public_objects()
    assert len(objects) > 100
    missing = sorted(name for name, obj in objects.items() if inspect.getdoc(obj) is None)
    assert missing == []


def test_every_public_module_has_a_docstring() -> None:
    assert [m.__name__ for m in public_modules() if not (m.__doc__ or "").strip()] == []
