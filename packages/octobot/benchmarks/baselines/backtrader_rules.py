"""backtrader running the rules of each benchmark case on the same candles (backtrader 1.9.78).

Common to every case: the candles come from a numpy array through a minimal feed (no CSV parsing in the
timing), the broker charges the fee rate in cash on each fill, and runs with cheat-on-close so that a
market order sent from ``next`` fills at that bar's close, as our simulator fills a market order at the
price known when the decision is taken (the close of the candle that triggered it). Trades are counted
as completed orders.

Why results differ slightly from ours, whatever the case:
- fees: ours are charged in the received asset (a buy of X receives X minus the fee, as spot exchanges
  do), backtrader's in cash: the amounts sold later, hence the final equities, differ a little;
- warm-up: backtrader calls ``next`` once every indicator has its minimum period; before that, the
  default-profile rules run from ``prenext`` with the indicators that are ready, as our strategy averages
  the evaluators that have an opinion.
Case-specific approximations are in each strategy's docstring.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from typing import Any

import numpy as np
from engine_run import EngineRun


def backtrader_version() -> str | None:
    try:
        import backtrader
    except ImportError:
        return None
    return backtrader.__version__


def _missing() -> None:
    print("backtrader baseline skipped: backtrader is not installed (pip install 'octobot[bench]')")


def _feed(bt: Any, candles: np.ndarray) -> Any:
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

    return ArrayFeed()


def _run(
    bt: Any, name: str, candles: np.ndarray, strategy: Any, fee: float, cash: float, **params: Any
) -> EngineRun:
    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(_feed(bt, candles))
    cerebro.addstrategy(strategy, **params)
    cerebro.broker.setcash(cash)
    cerebro.broker.setcommission(commission=fee)
    cerebro.broker.set_coc(True)
    began = time.perf_counter()
    strategies = cerebro.run()
    elapsed = time.perf_counter() - began
    return EngineRun(name, elapsed, len(candles), strategies[0].filled, cerebro.broker.getvalue())


# ------------------------------------------------------------------ RSI zones (bench_backtest.py)
def run_rsi_rules(candles: np.ndarray, fee: float, cash: float) -> EngineRun | None:
    """RSI(14) enters <= 30: buy with 99 % of the cash at market; enters >= 70: sell everything held."""
    try:
        import backtrader as bt
    except ImportError:
        _missing()
        return None

    class RsiZones(bt.Strategy):
        def __init__(self) -> None:
            self.rsi = bt.indicators.RSI(self.data.close, period=14, safediv=True)
            self.zone = 0
            self.filled = 0

        def notify_order(self, order: Any) -> None:
            if order.status == order.Completed:
                self.filled += 1

        def next(self) -> None:
            rsi = self.rsi[0]
            zone = 1 if rsi <= 30 else (-1 if rsi >= 70 else 0)
            if zone == self.zone:
                return
            self.zone = zone
            if zone == 1:
                size = 0.99 * self.broker.getcash() / self.data.close[0]
                if size > 0:
                    self.buy(size=size)
            elif zone == -1 and self.position.size > 0:
                self.sell(size=self.position.size)

    return _run(bt, "backtrader", candles, RsiZones, fee, cash)


# ------------------------------------------------------------------ MACD histogram cross
def run_macd_rules(
    candles: np.ndarray, fee: float, cash: float, fast: int, slow: int, signal: int
) -> EngineRun | None:
    """MACD(fast, slow, signal) histogram turns positive: buy with 99 % of the cash at market; turns
    negative: sell everything held.

    backtrader's EMAs are seeded with the mean of their first ``period`` values each from the first bar
    (TA-Lib's fast EMA starts with the slow one): the histograms differ in the first few hundred candles
    only, so a cross near zero may happen one candle apart there.
    """
    try:
        import backtrader as bt
    except ImportError:
        _missing()
        return None

    class MacdCross(bt.Strategy):
        params = (("fast", 12), ("slow", 26), ("signal", 9))

        def __init__(self) -> None:
            p = self.params
            self.macd = bt.indicators.MACDHisto(
                self.data.close, period_me1=p.fast, period_me2=p.slow, period_signal=p.signal
            )
            self.side = 0
            self.filled = 0

        def notify_order(self, order: Any) -> None:
            if order.status == order.Completed:
                self.filled += 1

        def next(self) -> None:
            histogram = self.macd.histo[0]
            side = 1 if histogram > 0 else (-1 if histogram < 0 else 0)
            if side == self.side:
                return
            self.side = side
            if side == 1:
                size = 0.99 * self.broker.getcash() / self.data.close[0]
                if size > 0:
                    self.buy(size=size)
            elif side == -1 and self.position.size > 0:
                self.sell(size=self.position.size)

    return _run(bt, "backtrader", candles, MacdCross, fee, cash, fast=fast, slow=slow, signal=signal)


# ------------------------------------------------------------------ the default profile
def rsi_evaluation(rsi: float, oversold: float, overbought: float) -> float:
    """RSIMomentumEvaluator's documented scale: +-0.5 at the thresholds, +-1 at RSI 0 / 100, linear."""
    if rsi <= oversold:
        return min(1.0, 0.5 + 0.5 * (oversold - rsi) / oversold)
    if rsi >= overbought:
        return max(-1.0, -0.5 - 0.5 * (rsi - overbought) / (100.0 - overbought))
    return ((oversold + overbought) / 2.0 - rsi) / (overbought - oversold)


def trend_evaluation(fast: float, slow: float, sensitivity: float) -> float:
    """DoubleMovingAverageTrendEvaluator's documented scale: tanh of the relative gap / sensitivity."""
    return 0.0 if slow == 0.0 else math.tanh((fast - slow) / abs(slow) / sensitivity)


def run_default_profile_rules(
    candles: np.ndarray, fee: float, cash: float, tentacles: dict[str, dict[str, Any]]
) -> EngineRun | None:
    """The default profile's rules, from its tentacle configs (``tentacles``: name -> config).

    Per candle: the RSI evaluation and the moving-average trend evaluation (each once its indicator is
    ready), averaged; the average puts the pair in a state (DailyTradingMode's thresholds); on each change
    of state the open order is cancelled and, for a buying state, a buy of ``buy_amount`` % of the cash,
    for a selling state a sell of ``sell_amount`` % of the holding: at market beyond the strong
    thresholds, else a limit ``limit_offset_percent`` below (buy) or above (sell) the close.

    Approximations: a limit order whose price the next candle opens through fills at that open in
    backtrader (a better price), at its own price in ours; backtrader does not lock cash for an open
    order, so its "available" cash is its cash (the same here: every decision cancels the one open
    order first, and a neutral state leaves it without placing another).
    """
    try:
        import backtrader as bt
    except ImportError:
        _missing()
        return None
    rsi_config = tentacles["RSIMomentumEvaluator"]
    trend_config = tentacles["DoubleMovingAverageTrendEvaluator"]
    mode = tentacles["DailyTradingMode"]
    if trend_config["ma_type"] != "SMA" or mode["order_type"] != "limit":
        raise ValueError("the backtrader default-profile rules model SMA trends and limit orders only")
    buy_share = _percent_available(mode["buy_amount"])
    sell_share = _percent_available(mode["sell_amount"])
    offset = mode["limit_offset_percent"] / 100.0

    class DefaultProfileRules(bt.Strategy):
        def __init__(self) -> None:
            close = self.data.close
            self.rsi = bt.indicators.RSI(close, period=rsi_config["period"], safediv=True)
            self.fast = bt.indicators.SMA(close, period=trend_config["fast_period"])
            self.slow = bt.indicators.SMA(close, period=trend_config["slow_period"])
            self.state: str | None = None
            self.order: Any = None
            self.filled = 0

        def notify_order(self, order: Any) -> None:
            if order.status == order.Completed:
                self.filled += 1

        def prenext(self) -> None:
            self.next()

        def next(self) -> None:
            opinions = []
            if len(self) > rsi_config["period"]:
                opinions.append(rsi_evaluation(self.rsi[0], rsi_config["oversold"], rsi_config["overbought"]))
            if len(self) >= trend_config["slow_period"]:
                opinions.append(trend_evaluation(self.fast[0], self.slow[0], trend_config["sensitivity"]))
            if not opinions:
                return
            evaluation = sum(opinions) / len(opinions)
            state = _state(evaluation, mode)
            if state == self.state:
                return
            self.state = state
            if state == "neutral":
                return
            if self.order is not None and self.order.alive():
                self.cancel(self.order)
            self.order = None
            close = self.data.close[0]
            market = state.startswith("very")
            buying = state.endswith("long")
            if buying:
                price = close * (1 - offset)
                size = buy_share * self.broker.getcash() / (close if market else price)
                if size > 0:
                    self.order = self._place(self.buy, size, None if market else price)
            elif self.position.size > 0:
                size = sell_share * self.position.size
                self.order = self._place(self.sell, size, None if market else close * (1 + offset))

        def _place(self, send: Any, size: float, price: float | None) -> Any:
            if price is None:
                return send(size=size)
            return send(size=size, price=price, exectype=bt.Order.Limit)

    return _run(bt, "backtrader", candles, DefaultProfileRules, fee, cash)


def _percent_available(amount: str) -> float:
    text = amount.strip()
    if not text.endswith("a%"):
        raise ValueError(f"the backtrader rules model 'N a%' amounts only, got {amount!r}")
    return float(text[:-2]) / 100.0


def _state(evaluation: float, mode: dict[str, Any]) -> str:
    """DailyTradingMode.decide_state's thresholds."""
    if evaluation >= mode["buy_threshold"]:
        return "very_long" if evaluation >= mode["strong_buy_threshold"] else "long"
    if evaluation <= mode["sell_threshold"]:
        return "very_short" if evaluation <= mode["strong_sell_threshold"] else "short"
    return "neutral"
