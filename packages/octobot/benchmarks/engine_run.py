"""What one engine did on one benchmark case, and how two engines are compared.

Why one shape for every engine: each case prints the same columns for ours and the baselines, writes
the same JSON row for tools/bench.py, and checks the same agreement (trade counts within a stated
tolerance) before anything is reported.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: rounds of each engine per case: the machine's speed drifts from minute to minute (shared cores), so
#: each engine keeps its fastest round, the rounds interleaved so that a slow minute hits every engine
DEFAULT_REPEAT = 3


@dataclass
class EngineRun:
    """Figures of one run. ``seconds`` covers the engine's run only (data preparation is outside)."""

    engine: str
    seconds: float
    candles: int
    trades: int
    final_equity: float
    #: a digest of every trade and the end portfolio (ours only): equal digests mean identical results
    digest: str | None = None
    peak_memory_mb: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def candles_per_s(self) -> float:
        return self.candles / self.seconds if self.seconds > 0 else float("inf")


def best_of(repeat: int, runners: dict[str, Callable[[], EngineRun | None]]) -> dict[str, EngineRun | None]:
    """Each runner ``repeat`` times, rounds interleaved (ours, then each baseline, then ours again...); the
    fastest run of each. A runner returning None (its engine is not installed) is not asked again.

    Raises RuntimeError when two rounds of one engine disagree on the results (trades, final equity,
    digest): a backtest is deterministic, and a figure of a run that is not must not be reported.
    """
    best: dict[str, EngineRun | None] = {}
    for _ in range(max(1, repeat)):
        for name, runner in runners.items():
            if name in best and best[name] is None:
                continue
            run = runner()
            kept = best.get(name)
            if run is None or kept is None:
                best[name] = run
                continue
            if (run.trades, run.final_equity, run.digest) != (kept.trades, kept.final_equity, kept.digest):
                raise RuntimeError(
                    f"{name}: two rounds gave different results ({kept.trades} trades, digest {kept.digest}; "
                    f"then {run.trades}, {run.digest}): the run is not deterministic"
                )
            if run.seconds < kept.seconds:
                best[name] = run
    return best


def results_digest(trades: list[dict[str, Any]], end_portfolio: dict[str, Any]) -> str:
    """sha256 of the trades (every field) and the end portfolio, Decimals as their exact text. A trade's
    ``exchange`` is left out when it is None (one exchange): digests stay those recorded before the
    report's trades named their exchange."""
    rows = [{k: v for k, v in trade.items() if not (k == "exchange" and v is None)} for trade in trades]
    payload = json.dumps({"trades": rows, "end": end_portfolio}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def print_runs(title: str, runs: list[EngineRun]) -> None:
    print(f"\n{title}")
    print(f"  {'engine':<12}{'candles':>10}{'candles/s':>12}{'seconds':>9}{'final equity':>16}{'trades':>8}")
    for run in runs:
        print(
            f"  {run.engine:<12}{run.candles:>10,}{run.candles_per_s:>12,.0f}{run.seconds:>9.2f}"
            f"{run.final_equity:>16,.2f}{run.trades:>8}"
        )
    ours = runs[0]
    for other in runs[1:]:
        gap = abs(ours.final_equity - other.final_equity) / abs(other.final_equity or 1.0)
        print(
            f"  ours / {other.engine}: {ours.candles_per_s / other.candles_per_s:.2f}x the candles/s; "
            f"final equities {gap:.3%} apart; trades {ours.trades} / {other.trades}"
        )


def check_trade_counts(ours: EngineRun, other: EngineRun, tolerance: float) -> str | None:
    """None when the trade counts agree within ``tolerance`` (a share of the baseline's count, at least
    one trade), else what differs."""
    allowed = max(1, round(tolerance * other.trades))
    if abs(ours.trades - other.trades) <= allowed:
        return None
    return (
        f"trade counts disagree: ours {ours.trades}, {other.engine} {other.trades} "
        f"(allowed difference {allowed}, {tolerance:.0%})"
    )


def json_row(case: str, ours: EngineRun, baselines: list[EngineRun], **extra: Any) -> dict[str, Any]:
    """A row for tools/bench.py; ``check`` is compared between the pure and the compiled build."""
    return {
        "case": case,
        "unit": "candles/s",
        "ours": ours.candles_per_s,
        "baselines": {run.engine: run.candles_per_s for run in baselines},
        "check": {"trades": ours.trades, "final_equity": round(ours.final_equity, 8), "digest": ours.digest},
        **extra,
    }
