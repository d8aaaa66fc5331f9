# cython: boundscheck=False, wraparound=False
"""Where a run of evaluations first leaves a trading mode's state zone (compiled when built with Cython).

Why a module of its own: a backtest's candle runs ask a trading mode for the first evaluation of a run it
would act on (``AbstractTradingMode.first_action``). A mode whose states are zones of the evaluation
(``StateZones``) answers by walking the run from where it stands to the first change of zone: the work is
the length of the run up to that change, not the length of the window evaluated ahead, and compiled it
costs a few nanoseconds per evaluation.
"""

from __future__ import annotations

import cython
import numpy as np

#: the code ``next_change`` returns for an evaluation outside [-1, 1] (delivered, so that it is reported)
OUTSIDE = -1


def next_change(
    values: np.ndarray, start: int, code: int, edges: np.ndarray, upward: np.ndarray, codes: np.ndarray
) -> tuple[int, int]:
    """(index, its zone's code) of the first evaluation from ``start`` whose zone's code is not ``code``,
    or that is outside [-1, 1] (code ``OUTSIDE``); ``(len(values), code)`` when there is none. NaN (no
    opinion) never changes the zone.

    ``edges``, ``upward``: see :func:`zone_of`; ``codes`` (int64, one more than the edges) gives each
    zone's code. ``values`` is a C-contiguous float64 array.
    """
    if cython.compiled:
        return _scan(values, start, code, edges, upward, codes)
    return _scan(values.tolist(), start, code, edges.tolist(), upward.tolist(), codes.tolist())


def zone_of(value: float, edges: np.ndarray, upward: np.ndarray) -> int:
    """How many ``edges`` (sorted, float64) lie below ``value``: an edge lies below a value above it, and
    below a value equal to it when its ``upward`` flag (uint8) is set."""
    zone = 0
    for edge in range(len(edges)):
        if value > edges[edge] or (upward[edge] and value == edges[edge]):
            zone += 1
    return zone


def _scan(values, start, code, edges, upward, codes):  # type: ignore[no-untyped-def]
    # typed in the .pxd (memoryviews) for the compiled build; the pure build passes lists
    count = len(values)
    for index in range(start, count):
        value = values[index]
        if value != value:
            continue
        if value < -1.0 or value > 1.0:
            return index, OUTSIDE
        found = codes[zone_of(value, edges, upward)]
        if found != code:
            return index, found
    return count, code
