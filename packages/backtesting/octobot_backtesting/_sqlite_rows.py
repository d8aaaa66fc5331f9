# distutils: libraries = sqlite3
# cython: boundscheck=False, wraparound=False
"""Copies SQLite candle rows straight into a numpy buffer, when this module is compiled.

Why: the stdlib sqlite3 module makes one Python float per value, which bounds reading to a few hundred
thousand candles per second; compiled, this module steps the statement in C and writes doubles into the
caller's float64 array. The pure build has no such loop (``AVAILABLE`` is False) and the reader keeps
using the sqlite3 module, with the same results.
"""

from __future__ import annotations

import numpy as np

try:
    import cython
except ImportError:  # pure build without Cython installed (see octobot_channel.cython_shim)
    from octobot_channel import cython_shim as cython

#: True when the C loop is there (compiled build).
AVAILABLE: bool = cython.compiled


def fill_rows(uri: str, sql: str, parameters: tuple, out: np.ndarray) -> int:
    """Runs ``sql`` (six numeric columns) on the read-only ``uri`` and writes up to ``len(out)`` rows into
    ``out``, a C-contiguous float64 (n, 6) array (NULL becomes NaN); returns the number of rows written."""
    if cython.compiled:
        # declared and defined in the .pxd: the name exists in the compiled build only
        return _c_fill_rows(uri.encode(), sql.encode(), parameters, out)  # type: ignore[name-defined]  # noqa: F821
    raise RuntimeError("fill_rows needs the compiled build; check AVAILABLE first")
