"""Trading-mode base: decide a state from evaluations, then size and create orders.

Why two halves joined by the Mode channel (as in OctoBot): deciding is cheap and happens on every
evaluation; acting touches the portfolio and the exchange. The producer half publishes each decision on
the exchange's ModeChannel (so interfaces and notifiers see it too); the consumer half, subscribed to its
own decisions, creates the orders while holding the portfolio's lock, so two decisions never size
orders from the same funds.

Triggers: the orchestrator calls :meth:`AbstractTradingMode.set_evaluation` after a strategy evaluation
(+1 = strongest buy, -1 = strongest sell); with ``"trigger": "candles"`` in the config the mode also acts
on every closed candle of its symbols (with :meth:`evaluation_from_candle`, by default the latest
evaluation it received).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

import octobot_channel as oc
from octobot_trading.modes._zones import OUTSIDE, next_change, zone_of
from octobot_trading.modes.amounts import parse_amount
from octobot_trading.orders.enums import OrderSide
from octobot_trading.orders.errors import InvalidOrderError, NoPriceError

if TYPE_CHECKING:
    from octobot_trading.exchanges.exchange_manager import ExchangeManager
    from octobot_trading.orders.order import Order

logger = logging.getLogger(__name__)

ZERO = Decimal(0)


class TradingModeState(str, Enum):
    VERY_LONG = "very_long"
    LONG = "long"
    NEUTRAL = "neutral"
    SHORT = "short"
    VERY_SHORT = "very_short"


#: The states in code order (candle runs judge evaluations as arrays of these codes).
_STATES: tuple[TradingModeState, ...] = tuple(TradingModeState)
_CODES: dict[TradingModeState, int] = {state: code for code, state in enumerate(_STATES)}


class TradingModeError(InvalidOrderError):
    """A trading mode's config is invalid."""


@dataclass(frozen=True)
class StateZones:
    """A mode's states as zones of the evaluation (see :meth:`AbstractTradingMode.state_zones`).

    ``states[i]`` holds between ``edges[i - 1]`` and ``edges[i]`` (edges sorted, possibly equal: an empty
    zone); an evaluation equal to an edge is in the zone above it when that edge's ``upward`` flag is set,
    else in the zone below.
    """

    edges: tuple[float, ...]
    upward: tuple[bool, ...]
    states: tuple[TradingModeState, ...]
    # the same as arrays, for the compiled walk (next_change) and the vectorised codes
    _edges: np.ndarray = field(init=False, repr=False, compare=False)
    _upward: np.ndarray = field(init=False, repr=False, compare=False)
    _codes: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.upward) != len(self.edges) or len(self.states) != len(self.edges) + 1:
            raise TradingModeError(
                f"state zones need one upward flag per edge and one state more than edges, got "
                f"{len(self.edges)} edges, {len(self.upward)} flags, {len(self.states)} states"
            )
        if any(low > high for low, high in zip(self.edges, self.edges[1:], strict=False)):
            raise TradingModeError(f"state zone edges must be sorted, got {list(self.edges)}")
        object.__setattr__(self, "_edges", np.array(self.edges, dtype=np.float64))
        object.__setattr__(self, "_upward", np.array(self.upward, dtype=np.uint8))
        object.__setattr__(self, "_codes", np.array([_CODES[s] for s in self.states], dtype=np.int64))

    def state_of(self, evaluation: float) -> TradingModeState:
        if evaluation != evaluation:
            raise TradingModeError("a NaN evaluation (no opinion) puts a symbol in no state; skip it")
        return self.states[zone_of(evaluation, self._edges, self._upward)]

    def codes(self, evaluations: np.ndarray) -> np.ndarray:
        """The state code of each evaluation (all numbers), at once."""
        zone = np.zeros(len(evaluations), dtype=np.int64)
        for edge, up in zip(self.edges, self.upward, strict=True):
            zone += (evaluations >= edge) if up else (evaluations > edge)
        return self._codes[zone]

    def next_change(self, evaluations: np.ndarray, start: int, code: int) -> tuple[int, int]:
        """See :func:`octobot_trading.modes._zones.next_change`."""
        return next_change(evaluations, start, code, self._edges, self._upward, self._codes)


class AbstractTradingMode:
    """Base of trading modes (tentacle kind ``trading_mode``); subclasses implement
    :meth:`decide_state` and :meth:`create_orders`."""

    TENTACLE_KIND: ClassVar[str] = "trading_mode"
    TENTACLE_VERSION: ClassVar[str] = "0.1.0"
    ABSTRACT: ClassVar[bool] = True
    NAME: ClassVar[str | None] = None
    REQUIRED_STRATEGIES: ClassVar[tuple[str, ...]] = ("*",)
    DEFAULT_CONFIG: ClassVar[dict] = {"trigger": "evaluations"}
    CONFIG_SCHEMA: ClassVar[dict] = {"type": "object"}

    def __init__(
        self,
        exchange_manager: ExchangeManager,
        symbols: list[str],
        config: dict | None = None,
        time_frame: str | None = None,
    ) -> None:
        self.exchange_manager = exchange_manager
        self.symbols = list(symbols)
        self.config: dict[str, Any] = {**self.DEFAULT_CONFIG, **(config or {})}
        self.time_frame = time_frame
        self.states: dict[str, TradingModeState] = {}
        self.evaluations: dict[str, float] = {}
        #: the last error met while creating orders, per symbol (the mode keeps running)
        self.last_errors: dict[str, Exception] = {}
        self.created_orders: list[Order] = []
        self._consumers: list[tuple[oc.Channel, oc.Consumer]] = []
        self._orders_consumer: oc.Consumer | None = None
        for symbol in self.symbols:
            exchange_manager.symbol_data(symbol)  # fails early on an unknown symbol

    @classmethod
    def get_name(cls) -> str:
        return cls.NAME or cls.__name__

    # --- lifecycle -------------------------------------------------------------------------------
    async def start(self) -> None:
        mode_channel = self.exchange_manager.get_channel("ModeChannel")
        consumer = await mode_channel.new_consumer(
            self._on_decision,
            priority=oc.Priority.OPTIONAL,  # trading modes act last in a synchronized step
            filters={"exchange": self.exchange_manager.exchange_id, "trading_mode": self.get_name()},
            name=f"{self.get_name()}-orders",
            supervised=True,
        )
        self._orders_consumer = consumer
        self._consumers.append((mode_channel, consumer))
        if self.config.get("trigger") == "candles":
            ohlcv = self.exchange_manager.get_channel("OHLCVChannel")
            filters: dict[str, Any] = {
                "exchange": self.exchange_manager.exchange_id,
                "time_frame": self.time_frame or oc.WILDCARD,
            }
            consumer = await ohlcv.new_consumer(
                self._on_candle,
                priority=oc.Priority.OPTIONAL,
                filters=filters,
                name=f"{self.get_name()}-candles",
            )
            self._consumers.append((ohlcv, consumer))

    async def join(self) -> None:
        """Return once every decision sent so far has been acted on (normal mode; in synchronized
        mode the synchronizer's drain does the work)."""
        if self._orders_consumer is not None:
            await self._orders_consumer.join()

    async def stop(self) -> None:
        for channel, consumer in self._consumers:
            if not channel.is_closed:
                await channel.remove_consumer(consumer)
        self._consumers = []

    # --- producer: decisions ---------------------------------------------------------------------
    async def set_evaluation(self, symbol: str, evaluation: float | None, time: int | None = None) -> None:
        """A strategy's evaluation of ``symbol`` in [-1, 1] (None: no opinion, ignored)."""
        if evaluation is None or symbol not in self.symbols:
            return
        if not -1.0 <= evaluation <= 1.0:
            raise ValueError(
                f"{self.get_name()}: evaluation must be in [-1, 1] (+1 = strongest buy), got {evaluation}"
            )
        self.evaluations[symbol] = evaluation
        await self._decide(symbol, evaluation, time, force=False)

    async def _on_candle(self, message: dict) -> None:
        symbol = message["symbol"]
        if symbol not in self.symbols:
            return
        evaluation = self.evaluation_from_candle(symbol, message["time_frame"], message["candle"])
        if evaluation is None:
            return
        await self._decide(symbol, evaluation, None, force=True)

    def evaluation_from_candle(self, symbol: str, time_frame: str, candle: list) -> float | None:
        """Evaluation to act on when a candle closes (candle trigger); default: the latest received."""
        return self.evaluations.get(symbol)

    async def _decide(self, symbol: str, evaluation: float, time: int | None, force: bool) -> None:
        state = self.decide_state(symbol, evaluation)
        previous = self.states.get(symbol)
        self.states[symbol] = state
        if state is previous and not force and self.config.get("act_on_state_change_only", True):
            return
        await self.exchange_manager.get_channel("ModeChannel").send(
            {
                "exchange": self.exchange_manager.exchange_id,
                "symbol": symbol,
                "trading_mode": self.get_name(),
                "state": state.value,
                "evaluation": evaluation,
                "time": self.exchange_manager.clock.now_ms() if time is None else time,
            }
        )

    def decide_state(self, symbol: str, evaluation: float) -> TradingModeState:
        """The state an evaluation puts ``symbol`` in; must not change anything (candle runs call it
        ahead of time)."""
        raise NotImplementedError

    # --- candle runs (backtesting) ---------------------------------------------------------------
    @property
    def supports_candle_runs(self) -> bool:
        """Whether evaluations can be judged ahead of time: only when the mode acts on state changes
        (acting on every evaluation or candle means acting at every step)."""
        return self.config.get("trigger") != "candles" and bool(
            self.config.get("act_on_state_change_only", True)
        )

    def first_action(self, symbol: str, evaluations: Sequence[float] | np.ndarray) -> int:
        """Index of the first of a run of strategy evaluations (NaN: no opinion) this mode would act on;
        ``len(evaluations)`` when it would act on none. Changes nothing.

        Why: a backtest can then hand the evaluations before that index over in one call
        (:meth:`commit_run`) and deliver the one it acts on through the channels, as live.
        """
        if not self.supports_candle_runs:
            return 0
        values = np.ascontiguousarray(evaluations, dtype=np.float64)
        acting: dict[int, bool] = {}
        for index, code in self._state_changes(symbol, values):
            if code == OUTSIDE:  # outside [-1, 1]: delivered, so that set_evaluation reports it
                return index
            if code not in acting:
                acting[code] = self.acts_on(symbol, _STATES[code])
            if acting[code]:
                return index
        return len(values)

    def _state_changes(self, symbol: str, values: np.ndarray) -> Iterator[tuple[int, int]]:
        """(index, state code) of each change of state along a run of evaluations, in order, up to the
        first evaluation outside [-1, 1], given as (its index, OUTSIDE)."""
        zones = self.state_zones(symbol)
        if zones is not None:  # walk from change to change: most runs end at their first change
            index, code = 0, self._current_code(symbol)
            while True:
                index, code = zones.next_change(values, index, code)
                if index >= len(values):
                    return
                yield index, code
                if code == OUTSIDE:
                    return
                index += 1
        known, codes, positions = self._transitions(symbol, values)
        outside = (values < -1.0) | (values > 1.0)
        first_outside = int(np.argmax(outside)) if outside.any() else len(values)
        for position in positions:
            index = position if known is None else int(known[position])
            if index >= first_outside:
                break
            yield index, int(codes[position])
        if first_outside < len(values):
            yield first_outside, OUTSIDE

    def _current_code(self, symbol: str) -> int:
        """The code of ``symbol``'s state, -1 before its first decision."""
        return _CODES.get(self.states.get(symbol), -1)  # type: ignore[arg-type]

    def commit_run(self, symbol: str, evaluations: Sequence[float] | np.ndarray) -> None:
        """Take the state the evaluations of a run (before :meth:`first_action`'s index) leave: the
        same as :meth:`set_evaluation` on each, none of which acts."""
        values = np.ascontiguousarray(evaluations, dtype=np.float64)
        if not len(values):
            return
        if symbol in self.last_errors and self._changes_state(symbol, values):
            self.last_errors.pop(symbol, None)  # a decision taken (and doing nothing) clears the last error
        last = float(values[-1])
        if last != last:  # NaN: the last number, if any
            numbers = values[values == values]
            if not len(numbers):
                return
            last = float(numbers[-1])
        self.evaluations[symbol] = last
        self.states[symbol] = self.decide_state(symbol, min(1.0, max(-1.0, last)))

    def state_zones(self, symbol: str) -> StateZones | None:
        """The states of ``symbol`` as zones of the evaluation, when :meth:`decide_state` is such a map
        (the same for every evaluation in a zone): candle runs then find the first change of state in a
        compiled walk. None (the default): they call :meth:`state_codes` or :meth:`decide_state`."""
        return None

    def state_codes(self, symbol: str, evaluations: np.ndarray) -> np.ndarray | None:
        """The index in ``TradingModeState`` of `decide_state` of each evaluation (all numbers), computed
        at once; None makes the base call `decide_state` on each. By default from :meth:`state_zones`."""
        zones = self.state_zones(symbol)
        return None if zones is None else zones.codes(evaluations)

    def _changes_state(self, symbol: str, values: np.ndarray) -> bool:
        """Whether a run of evaluations takes ``symbol`` out of its current state."""
        zones = self.state_zones(symbol)
        if zones is None:
            return bool(self._transitions(symbol, values)[2])
        return zones.next_change(values, 0, self._current_code(symbol))[0] < len(values)

    def _codes(self, symbol: str, numbers: np.ndarray) -> np.ndarray:
        codes = self.state_codes(symbol, numbers)
        if codes is None:
            decide = self.decide_state
            return np.array([_CODES[decide(symbol, value)] for value in numbers.tolist()], dtype=np.int64)
        return np.asarray(codes, dtype=np.int64)

    def _transitions(
        self, symbol: str, values: np.ndarray
    ) -> tuple[np.ndarray | None, np.ndarray, list[int]]:
        """(positions of the numbers in ``values``, None when all are numbers; their state codes; the
        indexes among them where the state changes, the first one included when it is not the current
        state). A run changes state a few times at most."""
        missing = np.isnan(values)
        if missing.any():
            known = np.flatnonzero(~missing)
            numbers = values[known]
        else:
            known, numbers = None, values
        if not len(numbers):
            return known, np.empty(0, dtype=np.int64), []
        if numbers.min() < -1.0 or numbers.max() > 1.0:
            numbers = np.clip(numbers, -1.0, 1.0)
        codes = self._codes(symbol, numbers)
        positions = (np.flatnonzero(codes[1:] != codes[:-1]) + 1).tolist()
        if codes[0] != self._current_code(symbol):
            positions.insert(0, 0)
        return known, codes, positions

    def acts_on(self, symbol: str, state: TradingModeState) -> bool:
        """False when a decision for ``state`` would create and cancel nothing with the account as it is
        now (a candle run, during which no order is open and nothing fills, then takes it without
        delivering it); True by default."""
        return True

    def subscriptions(self) -> list[tuple[oc.Channel, oc.Consumer]]:
        """The (channel, consumer) pairs this mode subscribed (to tell them from other consumers)."""
        return list(self._consumers)

    # --- consumer: orders ------------------------------------------------------------------------
    async def _on_decision(self, message: dict) -> None:
        symbol = message["symbol"]
        state = TradingModeState(message["state"])
        async with self.exchange_manager.portfolio.async_lock:
            try:
                orders = await self.create_orders(symbol, state, message["evaluation"])
            except Exception as error:  # logged per symbol: one bad order never stops the mode
                self.last_errors[symbol] = error
                logger.error(
                    "%s on %s %s: cannot create orders for %s: %s",
                    self.get_name(),
                    self.exchange_manager.exchange_id,
                    symbol,
                    state.value,
                    error,
                )
                return
        self.last_errors.pop(symbol, None)
        self.created_orders.extend(orders)

    async def create_orders(self, symbol: str, state: TradingModeState, evaluation: float) -> list[Order]:
        raise NotImplementedError

    # --- helpers for subclasses ------------------------------------------------------------------
    def current_price(self, symbol: str) -> Decimal:
        price = self.exchange_manager.last_price(symbol)
        if price is None:
            raise NoPriceError(f"{self.get_name()}: no price for {symbol} yet; cannot size an order")
        return price

    def size(self, symbol: str, side: OrderSide, amount_text: str, price: Decimal) -> Decimal:
        """Amount in base units for ``amount_text`` (see :mod:`octobot_trading.modes.amounts`)."""
        rules = self.exchange_manager.markets.rules(symbol)
        spent = rules.quote if side is OrderSide.BUY else rules.base
        portfolio = self.exchange_manager.portfolio
        amount = parse_amount(amount_text).resolve(
            side is OrderSide.BUY, price, portfolio.total(spent), portfolio.available(spent)
        )
        if side is OrderSide.SELL:
            amount = min(amount, portfolio.available(spent))  # never sell more than available
        return rules.adjust_amount(amount)
