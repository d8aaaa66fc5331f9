"""Every public exception of octobot derives from ``OctoBotError``: one except catches all."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import octobot as octobot


def _public_exceptions() -> dict[str, type]:
    """Exceptions exported at the top level or defined under a public name in any module of the package."""
    found = {name: value for name, value in vars(octobot).items() if inspect.isclass(value)}
    for module_info in pkgutil.walk_packages(octobot.__path__, "octobot."):
        if module_info.name.endswith("__main__"):  # running it would start the command
            continue
        if module_info.name.startswith("octobot.tentacle_templates."):
            continue  # files `tentacles new` copies into a user's folder, importable only from there
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == module.__name__ and not name.startswith("_"):
                found[f"{module.__name__}.{name}"] = value
    return {name: value for name, value in found.items() if issubclass(value, BaseException)}


def test_every_public_exception_derives_from_the_package_root() -> None:
    exceptions = _public_exceptions()
    assert octobot.OctoBotError in exceptions.values()
    root = octobot.OctoBotError
    strays = sorted(name for name, value in exceptions.items() if not issubclass(value, root))
    assert strays == [], f"derive these from octobot.OctoBotError: {strays}"
