"""Every public exception of octobot_channel derives from ``ChannelError``: one except catches all."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import octobot_channel as oc


def _public_exceptions() -> dict[str, type]:
    """Exceptions exported at the top level or defined under a public name in any module of the package."""
    found = {name: value for name, value in vars(oc).items() if inspect.isclass(value)}
    for module_info in pkgutil.walk_packages(oc.__path__, "octobot_channel."):
        if module_info.name.endswith("__main__"):  # running it would start the command
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == module.__name__ and not name.startswith("_"):
                found[f"{module.__name__}.{name}"] = value
    return {name: value for name, value in found.items() if issubclass(value, BaseException)}


def test_every_public_exception_derives_from_the_package_root() -> None:
    exceptions = _public_exceptions()
    assert oc.ChannelError in exceptions.values()
    root = oc.ChannelError
    strays = sorted(name for name, value in exceptions.items() if not issubclass(value, root))
    assert strays == [], f"derive these from oc.ChannelError: {strays}"
