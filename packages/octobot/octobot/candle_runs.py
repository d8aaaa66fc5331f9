"""Candle runs: a backtest takes the candles on which nothing happens in one call, and pushes only the
candles that make the bot act through the channels.

Why: most closed candles of a backtest change nothing but indicator states; sending each through the
channels (candle -> evaluators -> matrix -> strategy -> trading mode) costs tens of coroutine steps. When
a single series closes at consecutive instants, the replay offers those candles here, and:

1. each stage evaluates them ahead WITHOUT changing anything: the TA evaluators of the series
   (``evaluate_run``), the strategy (``evaluate_run``), then the trading mode finds the first evaluation it
   would act on (``first_action``);
2. the candles before that one are committed in one call per stage (buffers and prices, evaluator and
   strategy states with their last matrix cells, the trading mode's state, the equity curve);
3. the candle the mode acts on goes through the channels as usual, as does every candle when anything
   else could happen (an open order, an unknown consumer of the channels, a tentacle without run
   support, a portfolio whose value does not follow that one price).

Results are the same as pushing every candle (tests compare both); runs are looked at in growing
windows, so a cut costs at most a few times the candles before it.
"""

from __future__ import annotations

import logging
from decimal import Decimal

import numpy as np

import octobot_channel as oc
import octobot_evaluators as oe
import octobot_trading as ot

logger = logging.getLogger(__name__)

#: Windows evaluated ahead: the first, the smallest and the largest (a window grows 4x while nothing
#: happens; the next run's first window is twice the last run).
FIRST_WINDOW = 256
MIN_WINDOW = 128
LARGEST_WINDOW = 16_384


class CandleRunCoordinator:
    """The replay's run handler for one bot (see the module doc); ``None`` from :meth:`for_bot` when the
    bot's chain cannot take runs at all."""

    def __init__(
        self,
        manager: ot.ExchangeManager,
        evaluators: list[oe.TechnicalEvaluator],
        strategy: oe.Strategy,
        mode: ot.AbstractTradingMode,
        known_consumers: dict[oc.Channel, set[oc.Consumer]],
        equity: tuple[str, str] | None,
    ) -> None:
        self.manager = manager
        self.evaluators = evaluators
        self.strategy = strategy
        self.mode = mode
        self.known_consumers = known_consumers
        #: (symbol, time frame) whose candles record the equity curve
        self.equity = equity
        self.runs = 0
        self.candles_taken = 0
        self._window = FIRST_WINDOW
        #: the manager's portfolio manager (its property also syncs prices: not needed to read balances)
        self._portfolio_manager = manager.portfolio_manager
        self._pairs: dict[str, tuple[str, str]] = {}  # (base, quote) by symbol
        self._checked_routes: dict[oc.Channel, tuple] = {}  # consumers found known, by channel
        #: what the last call evaluated beyond the candle that acted (see _reusable)
        self._ahead: tuple | None = None

    @classmethod
    def for_bot(
        cls, bot: object, equity_consumers: dict[str, oc.Consumer], equity: tuple[str, str] | None
    ) -> CandleRunCoordinator | None:
        """The coordinator of a started bot with one exchange, or None (with the reason, logged)."""
        managers = bot.exchange_managers  # type: ignore[attr-defined]
        if len(managers) != 1:
            return _off("several exchanges")
        ((exchange, manager),) = managers.items()
        chain = bot.chains.get(exchange)  # type: ignore[attr-defined]
        mode = bot.trading_modes.get(exchange)  # type: ignore[attr-defined]
        if chain is None or mode is None:
            return _off("no evaluation chain or trading mode")
        evaluators = chain.evaluators
        strategies = [e for e in evaluators if isinstance(e, oe.Strategy)]
        technical = [e for e in evaluators if isinstance(e, oe.TechnicalEvaluator)]
        if len(strategies) != 1 or len(technical) + 1 != len(evaluators):
            return _off("not exactly one strategy and technical evaluators only")
        unsupported = [
            e.name for e in [*technical, *strategies] if not getattr(e, "SUPPORTS_CANDLE_RUNS", False)
        ]
        if unsupported:
            return _off(f"{', '.join(sorted(set(unsupported)))} cannot evaluate candle runs")
        if not mode.supports_candle_runs:
            return _off(f"{mode.get_name()} acts on every evaluation or candle")
        known: dict[oc.Channel, set[oc.Consumer]] = {}
        for evaluator in evaluators:
            for channel, consumer in evaluator.subscriptions():
                known.setdefault(channel, set()).add(consumer)
        for channel, consumer in mode.subscriptions():  # its own decisions (ModeChannel)
            known.setdefault(channel, set()).add(consumer)
        matrix_channel = bot.matrix.matrix_channel  # type: ignore[attr-defined]
        for consumer in bot.strategy_links.get(exchange, ()):  # type: ignore[attr-defined]
            known.setdefault(matrix_channel, set()).add(consumer)
        ohlcv = manager.get_channel("OHLCVChannel")
        if exchange in equity_consumers:
            known.setdefault(ohlcv, set()).add(equity_consumers[exchange])
        known.setdefault(ohlcv, set())
        known.setdefault(matrix_channel, set())
        return cls(manager, technical, strategies[0], mode, known, equity)

    # ------------------------------------------------------------------------------------------------
    def __call__(
        self,
        manager: ot.ExchangeManager,
        symbol: str,
        time_frame: str,
        candles: np.ndarray,
        closes: np.ndarray,
    ) -> int:
        ahead, self._ahead = self._ahead, None
        if manager is not self.manager or not self._quiet(symbol, time_frame):
            return 0
        evaluators = [e for e in self.evaluators if symbol in e.symbols and time_frame in e.time_frames]
        strategy = self.strategy
        runs_strategy = symbol in strategy.symbols and time_frame in strategy.time_frames
        if runs_strategy and not self._other_cells_cover(symbol, time_frame, int(closes[0]), int(closes[-1])):
            return 0
        trades_symbol = symbol in self.mode.symbols
        valuation = self._valuation(symbol) if self.equity == (symbol, time_frame) else None
        if self.equity == (symbol, time_frame) and valuation is None:
            return 0
        buffer = manager.symbol_data(symbol).candle_buffer(time_frame)
        taken, window, total = 0, self._window, len(candles)
        reused = self._reusable(ahead, symbol, time_frame, evaluators, closes)
        while taken < total:
            if reused is not None:  # evaluated last time, beyond the candle that acted
                _, _, _, per_evaluator, strategy_values = reused
                size = min(len(per_evaluator[0][1]) if per_evaluator else len(strategy_values), total)
                per_evaluator = [(evaluator, values[:size]) for evaluator, values in per_evaluator]
                strategy_values = None if strategy_values is None else strategy_values[:size]
                block, times = candles[:size], closes[:size]
                reused = None
                cut = len(block)
            else:
                block = candles[taken : taken + window]
                times = closes[taken : taken + window]
                cut = len(block)
                per_evaluator = []
                ta_runs: dict[oe.MatrixKey, np.ndarray] = {}
                for evaluator in evaluators:
                    values = np.asarray(
                        evaluator.evaluate_run(symbol, time_frame, buffer, block), dtype=np.float64
                    )
                    ta_runs[evaluator.matrix_key(symbol, time_frame)] = values
                    per_evaluator.append((evaluator, values))
                strategy_values = None
                if runs_strategy:
                    strategy_values = np.asarray(
                        strategy.evaluate_run(symbol, times, ta_runs), dtype=np.float64
                    )
            for _, values in per_evaluator:
                cut = min(cut, _first_invalid(values))
            if strategy_values is not None:
                cut = min(cut, _first_invalid(strategy_values))
                if trades_symbol:
                    cut = min(cut, self.mode.first_action(symbol, strategy_values[:cut]))
            if cut:
                self._commit(
                    symbol,
                    time_frame,
                    block[:cut],
                    times[:cut],
                    per_evaluator,
                    strategy_values,
                    valuation,
                    trades_symbol,
                )
                taken += cut
            if cut < len(block):
                # the candle at `cut` goes through the channels; what follows it stays evaluated
                self._ahead = (
                    symbol,
                    time_frame,
                    times[cut:],
                    [(evaluator, values[cut:]) for evaluator, values in per_evaluator],
                    None if strategy_values is None else strategy_values[cut:],
                )
                break
            window = min(window * 4, LARGEST_WINDOW)
        if taken:
            self.runs += 1
            self.candles_taken += taken
        # the next run is likely about as long: look that far ahead first
        self._window = max(MIN_WINDOW, min(LARGEST_WINDOW, 4 * taken))
        return taken

    def _reusable(
        self,
        ahead: tuple | None,
        symbol: str,
        time_frame: str,
        evaluators: list[oe.TechnicalEvaluator],
        closes: np.ndarray,
    ) -> tuple | None:
        """The evaluations of the last call beyond the candle that acted, minus that candle, when this
        call continues right after it and that candle was evaluated as foreseen (the matrix holds the
        foreseen evaluations at its close): evaluators and strategies do not depend on orders."""
        if ahead is None or ahead[0] != symbol or ahead[1] != time_frame:
            return None
        _, _, times, per_evaluator, strategy_values = ahead
        if not per_evaluator and strategy_values is None:
            return None
        size = min(len(times) - 1, len(closes))
        # both are runs of consecutive close times of this series (unique, sorted): the same first and
        # last close over the same length are the same run
        if size < 1 or times[1] != closes[0] or times[size] != closes[size - 1]:
            return None
        if [evaluator for evaluator, _ in per_evaluator] != evaluators:
            return None
        acted = int(times[0])
        matrix = self.strategy.matrix
        cells = [(evaluator.matrix_key(symbol, time_frame), values[0]) for evaluator, values in per_evaluator]
        if strategy_values is not None:
            cells.append((self.strategy.matrix_key(symbol), strategy_values[0]))
        for key, foreseen in cells:
            entry = matrix.get(key)
            if entry is None or entry.time != acted or not _same_evaluation(entry.value, float(foreseen)):
                return None
        return (
            symbol,
            time_frame,
            times[1:],
            [(evaluator, values[1:]) for evaluator, values in per_evaluator],
            None if strategy_values is None else strategy_values[1:],
        )

    def _commit(
        self,
        symbol: str,
        time_frame: str,
        block: np.ndarray,
        times: np.ndarray,
        per_evaluator: list[tuple[oe.TechnicalEvaluator, np.ndarray]],
        strategy_values: np.ndarray | None,
        valuation: tuple[Decimal, Decimal] | None,
        trades_symbol: bool,
    ) -> None:
        count = len(block)
        self.manager.push_candle_run(symbol, time_frame, block)
        for evaluator, values in per_evaluator:
            evaluator.commit_run(symbol, time_frame, block, values[:count], times)
        if strategy_values is not None:
            self.strategy.commit_run(symbol, times, strategy_values[:count])
            if trades_symbol:
                self.mode.commit_run(symbol, strategy_values[:count])
        if valuation is not None:
            constant, holding = valuation
            self._portfolio_manager.history.record_run(times, constant, holding, block[:, 4])

    # --- checks ------------------------------------------------------------------------------------
    def _quiet(self, symbol: str, time_frame: str) -> bool:
        """Nothing but the known consumers listens, and the exchange has nothing the candles could fill."""
        for channel, known in self.known_consumers.items():
            if channel.is_closed:
                return False
            routes = channel.consumers  # a tuple the channel replaces when its consumers change
            if routes is not self._checked_routes.get(channel):
                if not known.issuperset(routes):
                    return False
                self._checked_routes[channel] = routes
        return self.manager.accepts_candle_run(symbol, time_frame)

    def _other_cells_cover(self, symbol: str, time_frame: str, first: int, last: int) -> bool:
        """Every TA evaluation of the strategy's other time frames stays current over the run (else the
        strategy would not run at some of its instants)."""
        for key, entry in self.strategy.ta_evaluations(symbol).items():
            if key.time_frame == time_frame:
                continue
            if entry is None or not entry.covers(first) or not entry.covers(last):
                return False
        return True

    def _valuation(self, symbol: str) -> tuple[Decimal, Decimal] | None:
        """(value of everything but the symbol's base, base holding) when the portfolio's value is that
        plus holding x the symbol's price in the reference market; None otherwise."""
        pm = self._portfolio_manager  # prices unsynced: only read below, after last_price synced them
        pair = self._pairs.get(symbol)
        if pair is None:
            rules = self.manager.markets.rules(symbol)
            pair = self._pairs[symbol] = (rules.base, rules.quote)
        base, quote = pair
        if quote != pm.reference_market:
            return None
        totals = pm.portfolio.totals()
        if all(asset in pair or not amount for asset, amount in totals.items()):
            return totals.get(quote, Decimal(0)), totals.get(base, Decimal(0))
        pm = self.manager.portfolio_manager  # synced with the last prices
        price = self.manager.last_price(symbol)
        if price is None or price <= 0:
            return None
        try:
            now = pm.prices.values(totals, pm.reference_market)
            moved = pm.prices.copy()
            moved.set_price(symbol, price * 2)
            then = moved.values(totals, pm.reference_market)
        except ot.ValuationError:
            return None
        holding = totals.get(base, Decimal(0))
        for asset, value in now.items():
            if asset != base and then.get(asset) != value:
                return None  # valued through this symbol: not a straight line in its price
        constant = sum((value for asset, value in now.items() if asset != base), Decimal(0))
        return constant, holding


def _same_evaluation(published: float | None, foreseen: float) -> bool:
    if published is None:
        return foreseen != foreseen  # NaN: no opinion
    return published == foreseen


def _first_invalid(values: np.ndarray) -> int:
    """Index of the first value that is neither NaN (no opinion) nor within [-1, 1]; len when none: the
    channels then deliver it, and the usual checks report it."""
    bad = (values < -1.0) | (values > 1.0)  # False for NaN
    return int(np.argmax(bad)) if bad.any() else len(values)


def _off(reason: str) -> None:
    logger.debug("candle runs off: %s", reason)
    return None
