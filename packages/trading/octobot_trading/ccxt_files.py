"""What the installed ccxt package holds that a process may need without importing ccxt.

Why: ``import ccxt`` (and any ``ccxt.x.y``, which runs ``ccxt/__init__`` first) imports every exchange
class: 3 to 8 seconds of CPU per process. A backtest, an optimizer worker or a command checking a profile
needs ccxt's rounding (so that amounts are exactly what exchanges accept) and its list of exchange ids,
and none of the exchanges. Both are read from ccxt's installed files; once ccxt itself is imported (live
trading), ccxt's own objects are used.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def _package_folder() -> Path:
    package = importlib.util.find_spec("ccxt")  # finds the package without running its __init__
    if package is None or not package.submodule_search_locations:
        raise ImportError("ccxt is not installed: pip install ccxt (octobot-trading depends on it)")
    return Path(next(iter(package.submodule_search_locations)))


def decimal_to_precision_module() -> ModuleType:
    """ccxt's ``ccxt.base.decimal_to_precision`` (it imports only the standard library)."""
    name = "ccxt.base.decimal_to_precision"
    if "ccxt" in sys.modules:
        return importlib.import_module(name)
    path = _package_folder() / "base" / "decimal_to_precision.py"
    spec = importlib.util.spec_from_file_location("octobot_trading._ccxt_decimal_to_precision", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"ccxt's {name} not found at {path}: reinstall ccxt")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def ccxt_exchange_ids() -> tuple[str, ...]:
    """ccxt's exchange ids (``ccxt.exchanges``), read from the list in ccxt's ``__init__``."""
    if "ccxt" not in sys.modules:
        tree = ast.parse((_package_folder() / "__init__.py").read_text(encoding="utf-8"))
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and [getattr(target, "id", None) for target in node.targets] == ["exchanges"]
                and isinstance(node.value, ast.List)
            ):
                return tuple(ast.literal_eval(node.value))
    import ccxt  # its list is computed in a way this reading does not know: ask ccxt itself

    return tuple(ccxt.exchanges)
