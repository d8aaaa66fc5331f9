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

    The zone of an evaluation is how many ``edges`` (sorted, float64) lie below it: an edge lies below a
    value above it, and below a value equal to it when its ``upward`` flag (uint8) is set; ``codes``
    (int64, one more than the edges) gives each zone's code. ``values`` is a C-contiguous float64 array.
    """
    if cython.compiled:
        return _scan(values, start, code, edges, upward, codes)
    bounds = list(zip(edges.tolist(), upward.tolist(), strict=True))
    zone_codes = codes.tolist()
    index = start
    for value in values[start:].tolist():
        if value == value:  # not NaN
            if value < -1.0 or value > 1.0:
                return index, OUTSIDE
            zone = 0
            for edge, up in bounds:
                if value > edge or (up and value == edge):
                    zone += 1
            if zone_codes[zone] != code:
                return index, zone_codes[zone]
        index += 1
    return len(values), code


def _scan(values, start, code, edges, upward, codes):  # type: ignore[no-untyped-def]
    # the compiled loop (typed in the .pxd); never called by the pure build
    count = values.shape[0]
    for index in range(start, count):
        value = values[index]
        if value != value:
            continue
        if value < -1.0 or value > 1.0:
            return index, OUTSIDE
        zone = 0
        for edge in range(edges.shape[0]):
            if value > edges[edge] or (upward[edge] and value == edges[edge]):
                zone += 1
        found = codes[zone]
        if found != code:
            return index, found
    return count, code
