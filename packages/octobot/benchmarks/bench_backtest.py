"""RSI rules on 1 pair, every candle through the channels, against backtrader and nautilus_trader.

All three run the same rules on the same real candles with the same 0.1 % fees, in one run:
- RSI(14) of the closes; when it enters the oversold zone (<= 30) buy with 99 % of the free quote, sized at
  the close; when it enters the overbought zone (>= 70) sell everything held; market orders.
- ours: RSIMomentumEvaluator -> SimpleStrategyEvaluator -> DailyTradingMode (market orders, thresholds at the
  RSI zones, act on state changes), replayed by `octobot backtest`'s code in synchronized mode;
- backtrader (baselines/backtrader_rules.py) and nautilus_trader (baselines/nautilus_rsi.py): a strategy
  with the same state-change rule, each filling a market order at the close of the bar that decided it, as
  our simulator does. Their docstrings say why their results differ slightly from ours.
The series: real 1m candles chained end to end (long_series.py). Also times a year of 1m candles (ours).
Checks, outside the timing: ours and backtrader agree on the orders exactly (same indicator definition),
ours and nautilus within 5 % (dust re-buys it cannot express, and its RSI seeding: see its module).

Each engine runs --repeat times (3), rounds interleaved, and keeps its fastest run (engine_run.best_of).

Run: python benchmarks/bench_backtest.py [--candles N] [--no-year] [--repeat N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path

from baselines import backtrader_rules, nautilus_rsi
from engine_run import DEFAULT_REPEAT, EngineRun, best_of, check_trade_counts, json_row, print_runs
from long_series import YEAR_OF_MINUTES, chained_series
from our_backtest import build_label, run_profile, write_data_file, write_profile

import octobot

FEE = 0.001
STARTING_QUOTE = 10_000.0
#: allowed difference in trade counts, as a share of the baseline's
TOLERANCE = {"backtrader": 0.0, "nautilus": 0.05}
#: issue 12: every candle through the channels, against backtrader
TARGETS = {"compiled": 10, "pure": 2.5}

PROFILE = {
    "schema_version": 1,
    "name": "bench-rsi",
    "description": "RSI(14) zones, market orders, 0.1 % fees",
    "exchanges": ["binance"],
    "pairs": ["BTC/USDT"],
    "time_frames": ["1m"],
    "trading_mode": "DailyTradingMode",
    "strategies": ["SimpleStrategyEvaluator"],
    "evaluators": ["RSIMomentumEvaluator"],
    "risk": 0.5,  # the neutral risk: the trading mode trades its config as written (as backtrader does)
    "reference_market": "USDT",
    "simulator": {
        "enabled": True,
        "starting_portfolio": {"USDT": STARTING_QUOTE},
        "fees": {"maker_percent": FEE * 100, "taker_percent": FEE * 100},
    },
    "shutdown": {"open_orders": "cancel"},
}
TENTACLES = {
    "RSIMomentumEvaluator": {"period": 14, "oversold": 30.0, "overbought": 70.0},
    "SimpleStrategyEvaluator": {"include_real_time": True, "refresh_ta_on_real_time": False},
    # RSI <= 30 maps to an evaluation >= 0.5, RSI >= 70 to <= -0.5 (RSIMomentumEvaluator's scale)
    "DailyTradingMode": {
        "trigger": "evaluations",
        "strong_buy_threshold": 1.0,
        "buy_threshold": 0.5,
        "sell_threshold": -0.5,
        "strong_sell_threshold": -1.0,
        "order_type": "market",
        "limit_offset_percent": 0,
        "buy_amount": "99a%",
        "sell_amount": "100a%",
        "stop_loss_percent": None,
        "take_profit_percent": None,
        "cancel_open_orders": True,
        "act_on_state_change_only": True,
    },
}


def run_ours(count: int, scratch: Path) -> EngineRun:
    folder = scratch / f"rsi-{count}"
    data = folder / "bench.data"
    if not data.exists():  # written once per length: a repeated round reads the same file
        write_data_file(data, {"BTC/USDT": chained_series(count)})
    profile = write_profile(folder / "bench-rsi", PROFILE, TENTACLES)
    return run_profile(profile, data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candles", type=int, default=100_000, help="length of the compared series")
    parser.add_argument("--no-year", action="store_true", help="skip the year of 1m candles")
    parser.add_argument("--json", help="write the figures for tools/bench.py")
    parser.add_argument(
        "--repeat", type=int, default=DEFAULT_REPEAT, help="rounds per engine (interleaved; the fastest kept)"
    )
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the trading mode logs each decision: time the chain, not the log

    candles = chained_series(args.candles)
    with tempfile.TemporaryDirectory(prefix="octobot-bench-") as scratch:
        runs = best_of(
            args.repeat,
            {
                "octobot": lambda: run_ours(args.candles, Path(scratch)),
                "backtrader": lambda: backtrader_rules.run_rsi_rules(candles, FEE, STARTING_QUOTE),
                "nautilus": lambda: nautilus_rsi.run_rsi_rules(candles, FEE, STARTING_QUOTE),
            },
        )
        year = None if args.no_year else run_ours(YEAR_OF_MINUTES, Path(scratch))
    ours = runs.pop("octobot")
    assert ours is not None
    baselines = [run for run in runs.values() if run is not None]
    print(
        f"octobot {octobot.__version__} ({build_label()} build), "
        f"backtrader {backtrader_rules.backtrader_version()}, "
        f"nautilus_trader {nautilus_rsi.nautilus_version()}"
    )
    print_runs(f"RSI rules, 1 pair, {args.candles:,} chained real 1m candles", [ours, *baselines])
    failures = [
        problem
        for other in baselines
        if (problem := check_trade_counts(ours, other, TOLERANCE[other.engine])) is not None
    ]
    rows = [json_row(f"RSI rules, 1 pair, {args.candles:,} 1m candles", ours, baselines, targets=TARGETS)]
    if year is not None:
        print(f"\na year of 1m candles ({year.candles:,}), ours: {year.seconds:.2f} s, {year.trades} trades")
        rows.append(json_row("RSI rules, 1 pair, a year of 1m candles", year, []))
    if args.json:
        Path(args.json).write_text(
            json.dumps({"package": "octobot", "compiled": build_label() == "compiled", "rows": rows})
        )
    for problem in failures:
        print(f"CHECK FAILED: {problem}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
