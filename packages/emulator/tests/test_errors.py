"""Every public exception of octobot_exchange_emulator derives from ``EmulatorError``: one except for all."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import octobot_exchange_emulator as emulator


def _public_exceptions() -> dict[str, type]:
    """Exceptions exported at the top level or defined under a public name in any module of the package."""
    found = {name: value for name, value in vars(emulator).items() if inspect.isclass(value)}
    for module_info in pkgutil.walk_packages(emulator.__path__, "octobot_exchange_emulator."):
        if module_info.name.endswith("__main__"):  # running it would start the command
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == module.__name__ and not name.startswith("_"):
                found[f"{module.__name__}.{name}"] = value
    return {name: value for name, value in found.items() if issubclass(value, BaseException)}


def test_every_public_exception_derives_from_the_package_root() -> None:
    exceptions = _public_exceptions()
    assert emulator.EmulatorError in exceptions.values()
    strays = sorted(
        name for name, value in exceptions.items() if not issubclass(value, emulator.EmulatorError)
    )
    assert strays == [], f"derive these from EmulatorError: {strays}"


def test_data_errors_are_also_value_errors_and_api_errors_carry_binance_codes() -> None:
    assert issubclass(emulator.EmulatorDataError, ValueError)
    error = emulator.ApiError(-2013, "Order does not exist.")
    assert (error.status, error.body()) == (400, {"code": -2013, "msg": "Order does not exist."})
