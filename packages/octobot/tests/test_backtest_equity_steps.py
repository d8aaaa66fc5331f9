"""The equity curve's steps (each distinct close time of the replayed pairs once) are the same whether the
pairs share their close times (the shortcut: no concatenation and sort of every pair's times) or not."""

from __future__ import annotations

import numpy as np

from octobot.backtest import _steps


def _reference(close_times: list[np.ndarray]) -> np.ndarray:
    return np.unique(np.concatenate(close_times)).astype(np.int64) if close_times else np.empty(0, np.int64)


def test_pairs_sharing_their_close_times_give_those_times_once():
    times = np.arange(60_000, 60_000 * 50, 60_000, dtype=np.int64)
    steps = _steps([times, times.copy(), times.copy()])
    assert steps.dtype == np.int64
    assert np.array_equal(steps, _reference([times, times, times]))
    assert len(steps) == len(times)


def test_pairs_with_different_windows_give_the_union_of_their_close_times():
    first = np.arange(60_000, 60_000 * 50, 60_000, dtype=np.int64)
    later = first[10:] + 30_000  # another grid, partly overlapping
    for close_times in ([first, later], [later, first], [first, first[:20]]):
        assert np.array_equal(_steps(close_times), _reference(close_times))


def test_no_pair_gives_no_step():
    steps = _steps([])
    assert steps.dtype == np.int64 and len(steps) == 0
