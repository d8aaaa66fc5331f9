"""Every public exception of octobot_backtesting derives from ``BacktestingError``: one except catches all."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import octobot_backtesting as ob


def _public_exceptions() -> dict[str, type]:
    """Exceptions exported at the top level or defined under a public name in any module of the package."""
    found = {name: value for name, value in vars(ob).items() if inspect.isclass(value)}
    for module_info in pkgutil.walk_packages(ob.__path__, "octobot_backtesting."):
        if module_info.name.endswith("__main__"):  # running it would start the command
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == module.__name__ and not name.startswith("_"):
                found[f"{module.__name__}.{name}"] = value
    return {name: value for name, value in found.items() if issubclass(value, BaseException)}


def test_every_public_exception_derives_from_the_package_root() -> None:
    exceptions = _public_exceptions()
    assert ob.BacktestingError in exceptions.values()
    root = ob.BacktestingError
    strays = sorted(name for name, value in exceptions.items() if not issubclass(value, root))
    assert strays == [], f"derive these from ob.BacktestingError: {strays}"


def test_a_bad_time_frame_is_the_trading_error_too() -> None:
    import octobot_trading as ot

    assert issubclass(ob.TimeFrameError, ot.UnknownTimeFrameError)
