"""A MACD evaluator written from the TA template, 1 pair, against backtrader with the same MACD rule.

The evaluator is generated in the run (user_macd.py: `octobot tentacles new --kind ta` into a temporary
user tentacles folder, the MACD histogram-cross rule filled in with `oe.MACD`) and loaded by the user
tentacle loader, as `octobot backtest` loads a user's tentacles. The rule: MACD(12, 26, 9) of the closes;
when the histogram turns positive buy with 99 % of the free quote, when it turns negative sell everything
held; market orders, 0.1 % fees (the RSI benchmark's trading-mode settings, with this evaluator instead of
the RSI one). backtrader: baselines/backtrader_rules.py `run_macd_rules`.
Check, outside the timing: ours and backtrader agree on the trade counts within 2 % (their EMAs are
seeded differently: see `run_macd_rules`).

Each engine runs --repeat times (3), rounds interleaved, and keeps its fastest run (engine_run.best_of).

Run: python benchmarks/bench_user_macd.py [--candles N] [--repeat N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path

from baselines import backtrader_rules
from bench_backtest import FEE, PROFILE, STARTING_QUOTE, TENTACLES
from engine_run import DEFAULT_REPEAT, best_of, check_trade_counts, json_row, print_runs
from long_series import chained_series
from our_backtest import build_label, run_profile, write_data_file, write_profile
from user_macd import NAME, create_macd_tentacle

MACD = {"fast": 12, "slow": 26, "signal": 9}
TOLERANCE = 0.02
TARGETS = {"compiled": 5}  # issue 12, against backtrader


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candles", type=int, default=50_000, help="length of the compared series")
    parser.add_argument("--json", help="write the figures for tools/bench.py")
    parser.add_argument(
        "--repeat", type=int, default=DEFAULT_REPEAT, help="rounds per engine (interleaved; the fastest kept)"
    )
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the trading mode logs each decision: time the chain, not the log

    candles = chained_series(args.candles)
    with tempfile.TemporaryDirectory(prefix="octobot-bench-") as scratch:
        folder = Path(scratch)
        user_tentacles = create_macd_tentacle(folder / "home")
        profile = {**PROFILE, "name": "bench-user-macd", "evaluators": [NAME]}
        tentacles = {**TENTACLES, NAME: MACD}
        tentacles.pop("RSIMomentumEvaluator")
        profile_folder = write_profile(folder / "bench-user-macd", profile, tentacles)
        data = write_data_file(folder / "bench.data", {"BTC/USDT": candles})
        runs = best_of(
            args.repeat,
            {
                "octobot": lambda: run_profile(profile_folder, data, user_tentacles=user_tentacles),
                "backtrader": lambda: backtrader_rules.run_macd_rules(candles, FEE, STARTING_QUOTE, **MACD),
            },
        )
    ours, theirs = runs["octobot"], runs["backtrader"]
    assert ours is not None
    baselines = [theirs] if theirs else []
    print(f"octobot ({build_label()} build), backtrader {backtrader_rules.backtrader_version()}")
    print_runs(
        f"MACD evaluator from the template, 1 pair, {args.candles:,} chained real 1m candles",
        [ours, *baselines],
    )
    failures = [problem for other in baselines if (problem := check_trade_counts(ours, other, TOLERANCE))]
    rows = [
        json_row(f"MACD from the template, 1 pair, {args.candles:,} 1m", ours, baselines, targets=TARGETS)
    ]
    if args.json:
        Path(args.json).write_text(
            json.dumps({"package": "octobot", "compiled": build_label() == "compiled", "rows": rows})
        )
    for problem in failures:
        print(f"CHECK FAILED: {problem}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
