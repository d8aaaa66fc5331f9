"""Every public exception of octobot_evaluators derives from ``EvaluatorsError``: one except catches all."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import octobot_evaluators as oe


def _public_exceptions() -> dict[str, type]:
    """Exceptions exported at the top level or defined under a public name in any module of the package."""
    found = {name: value for name, value in vars(oe).items() if inspect.isclass(value)}
    for module_info in pkgutil.walk_packages(oe.__path__, "octobot_evaluators."):
        if module_info.name.endswith("__main__"):  # running it would start the command
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == module.__name__ and not name.startswith("_"):
                found[f"{module.__name__}.{name}"] = value
    return {name: value for name, value in found.items() if issubclass(value, BaseException)}


def test_every_public_exception_derives_from_the_package_root() -> None:
    exceptions = _public_exceptions()
    assert oe.EvaluatorsError in exceptions.values()
    root = oe.EvaluatorsError
    strays = sorted(name for name, value in exceptions.items() if not issubclass(value, root))
    assert strays == [], f"derive these from oe.EvaluatorsError: {strays}"


def test_a_bad_time_frame_is_the_trading_error_too() -> None:
    import octobot_trading as ot

    assert issubclass(oe.UnknownTimeFrameError, ot.UnknownTimeFrameError)
    matrix = oe.EvaluationMatrix("errors")
    key = oe.MatrixKey("binance", oe.EvaluatorType.TA, "RSI", "BTC", "BTC/USDT", "2x")
    try:
        matrix.register(key)
    except ot.UnknownTimeFrameError as error:  # caught by the trading root and by this package's root
        assert isinstance(error, oe.EvaluatorsError)
        assert "2x" in str(error)
    else:
        raise AssertionError("an unknown time frame was accepted")
