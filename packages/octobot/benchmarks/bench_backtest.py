"""The full chain (candle -> RSI evaluator -> strategy -> trading mode -> orders) against backtrader.

Both run the same rules on the same real candles with the same 0.1 % fees, in one run:
- RSI(14) of the closes; when it enters the oversold zone (<= 30) buy with 99 % of the free quote, sized at
  the close; when it enters the overbought zone (>= 70) sell everything held; market orders.
- ours: RSIMomentumEvaluator -> SimpleStrategyEvaluator -> DailyTradingMode (market orders, thresholds at the
  RSI zones, act on state changes), replayed by octobot_backtesting in synchronized mode;
- backtrader: an RSI strategy with the same state-change rule. Our simulator fills a market order at the
  last price known when the decision is taken (the close of the candle that triggered it, at that
  candle's close time), so backtrader's broker runs with cheat-on-close, which does the same.
Final equities should agree closely; they differ by how the fee is charged (ours: in the received asset,
as spot exchanges do; backtrader: in cash).

The series: real 1m candles chained end to end (see long_series.py). Also times a year of 1m candles.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import math
import tempfile
import time
from pathlib import Path

import numpy as np
from long_series import YEAR_OF_MINUTES, chained_series

import octobot
import octobot_backtesting as ob
import octobot_channel as oc
import octobot_evaluators as oe
import octobot_trading as ot
from octobot.backtest import run_backtest

FEE = 0.001


def chain_compiled() -> bool:
    return all(package.COMPILED for package in (oc, ot, oe, ob))


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
    "risk": 1,
    "reference_market": "USDT",
    "simulator": {
        "enabled": True,
        "starting_portfolio": {"USDT": 10000},
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


def _write_inputs(folder: Path, candles: np.ndarray) -> tuple[Path, Path]:
    data = folder / "bench.data"
    with ob.DataFileWriter(data, exchange="binance", origin="benchmark: chained real 1m candles") as writer:
        writer.write_ohlcv("BTC/USDT", "1m", candles)
    profile = folder / "bench-rsi"
    profile.mkdir()
    (profile / "profile.json").write_text(json.dumps(PROFILE))
    for name, config in TENTACLES.items():
        (profile / f"{name}.json").write_text(json.dumps(config))
    return data, profile


def run_ours(candles: np.ndarray) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        data, profile_folder = _write_inputs(Path(scratch), candles)
        registry = octobot.TentacleRegistry.discover()
        profile = octobot.load_profile(profile_folder, registry=registry)
        began = time.perf_counter()
        outcome = asyncio.run(run_backtest(profile, [data]))
        elapsed = time.perf_counter() - began
    report = outcome.report.to_dict()
    return {
        "seconds": elapsed,
        "candles": outcome.replay.candles_pushed,
        "candles_per_s": outcome.replay.candles_pushed / elapsed,
        "final_equity": float(report["profitability"]["end_value"]),
        "trades": len(report["trades"]),
    }


def run_backtrader(candles: np.ndarray) -> dict | None:
    try:
        import backtrader as bt
    except ImportError:
        print("backtrader is not installed: pip install backtrader (benchmark-only dependency)")
        return None

    class ArrayFeed(bt.feed.DataBase):
        def start(self) -> None:
            super().start()
            self._row = 0

        def _load(self) -> bool:
            if self._row >= len(candles):
                return False
            ts, o, h, low, c, v = candles[self._row]
            self._row += 1
            moment = dt.datetime.fromtimestamp(ts / 1000, tz=dt.timezone.utc).replace(tzinfo=None)
            self.lines.datetime[0] = bt.date2num(moment)
            self.lines.open[0], self.lines.high[0], self.lines.low[0] = o, h, low
            self.lines.close[0], self.lines.volume[0] = c, v
            self.lines.openinterest[0] = 0.0
            return True

    class RsiZones(bt.Strategy):
        def __init__(self) -> None:
            self.rsi = bt.indicators.RSI(self.data.close, period=14, safediv=True)
            self.state = 0
            self.filled = 0

        def notify_order(self, order) -> None:
            if order.status == order.Completed:
                self.filled += 1

        def next(self) -> None:
            rsi = self.rsi[0]
            state = 1 if rsi <= 30 else (-1 if rsi >= 70 else 0)
            if state == self.state:
                return
            self.state = state
            if state == 1:
                size = 0.99 * self.broker.getcash() / self.data.close[0]
                if size > 0:
                    self.buy(size=size)
            elif state == -1 and self.position.size > 0:
                self.sell(size=self.position.size)

    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(ArrayFeed())
    cerebro.addstrategy(RsiZones)
    cerebro.broker.setcash(10000.0)
    cerebro.broker.setcommission(commission=FEE)
    cerebro.broker.set_coc(True)
    began = time.perf_counter()
    strategies = cerebro.run()
    elapsed = time.perf_counter() - began
    return {
        "seconds": elapsed,
        "candles": len(candles),
        "candles_per_s": len(candles) / elapsed,
        "final_equity": cerebro.broker.getvalue(),
        "trades": strategies[0].filled,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candles", type=int, default=100_000, help="length of the compared series")
    parser.add_argument("--no-year", action="store_true", help="skip the year of 1m candles")
    parser.add_argument("--json", help="write the figures for tools/bench.py")
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the trading mode logs each decision: time the chain, not the log

    candles = chained_series(args.candles)
    ours = run_ours(candles)
    theirs = run_backtrader(candles)
    print(f"octobot {octobot.__version__} (compiled chain: {chain_compiled()})")
    print(f"{'':<12}{'candles/s':>12}{'seconds':>10}{'final equity':>16}{'orders':>8}")
    for name, figures in (("octobot", ours), ("backtrader", theirs)):
        if figures:
            print(
                f"{name:<12}{figures['candles_per_s']:>12,.0f}{figures['seconds']:>10.2f}"
                f"{figures['final_equity']:>16,.2f}{figures['trades']:>8}"
            )
    rows = []
    if theirs:
        ratio = ours["candles_per_s"] / theirs["candles_per_s"]
        gap = abs(ours["final_equity"] - theirs["final_equity"]) / theirs["final_equity"]
        print(f"speed ratio octobot/backtrader: {ratio:.1f}x; final equities differ by {gap:.3%}")
    rows.append(
        {
            "case": f"full chain, {len(candles):,} 1m candles",
            "unit": "candles/s",
            "ours": ours["candles_per_s"],
            "baselines": {"backtrader": theirs["candles_per_s"]} if theirs else {},
        }
    )
    if not args.no_year:
        year = run_ours(chained_series(YEAR_OF_MINUTES))
        print(f"a year of 1m candles ({year['candles']:,}): {year['seconds']:.2f} s")
        rows.append(
            {
                "case": "full chain, a year of 1m candles",
                "unit": "candles/s",
                "ours": year["candles_per_s"],
                "baselines": {},
            }
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"package": "octobot", "compiled": chain_compiled(), "rows": rows})
        )
    return 0 if all(math.isfinite(row["ours"]) for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
