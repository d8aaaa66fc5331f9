# cython: annotation_typing=False
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

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import octobot_channel as oc
from octobot_trading.errors import OrderBelowMinimumError
from octobot_trading.exchanges.errors import ExchangeManagerError
from octobot_trading.modes.amounts import AmountUnit, InvalidAmountSyntaxError, parse_amount
from octobot_trading.modes.config_problem import ConfigProblem
from octobot_trading.modes.errors import TradingModeError
from octobot_trading.modes.order_plan import OrderPlan, OrderRequest
from octobot_trading.orders.enums import OrderSide, OrderStatus
from octobot_trading.orders.errors import NoPriceError
from octobot_trading.orders.groups import OneCancelsTheOther

if TYPE_CHECKING:
    from octobot_trading.exchanges.exchange_manager import ExchangeManager
    from octobot_trading.orders.order import Order

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
#: the risk at which every mode trades its amounts and thresholds as configured (a profile's default)
RISK_NEUTRAL = Decimal("0.5")


class TradingModeState(str, Enum):
    VERY_LONG = "very_long"
    LONG = "long"
    NEUTRAL = "neutral"
    SHORT = "short"
    VERY_SHORT = "very_short"


#: order statuses after which an order of a mode gets no other update
_DONE_STATUSES = frozenset({"filled", "expired", "rejected"})
#: cancelled orders of a mode kept aside for a fill the exchange may still report (live), the newest ones
_CANCELLED_KEPT = 256


def _checked_risk(risk: float | Decimal, mode: str) -> Decimal:
    value = Decimal(str(risk))
    if not ZERO <= value <= 1:
        raise TradingModeError(f"{mode}: risk must be between 0 and 1 (0.5: as configured), got {risk}")
    return value


class TradingModeCore:
    """The per-evaluation half of a trading mode: the state an evaluation puts a symbol in, and the
    decision published on the Mode channel when that state changed.

    Why a class of its own: it runs on every strategy evaluation of a backtest, and most evaluations
    change nothing. In the compiled build it is a cdef class (trading_mode.pxd): the symbols, states and
    evaluations are C fields and ``_decide`` is a C call. Tentacles subclass `AbstractTradingMode` (where
    the ClassVars, the config and the order execution are), never this class.
    """

    def __init__(
        self, exchange_manager: ExchangeManager, symbols: list[str], name: str, state_changes_only: bool
    ) -> None:
        self.exchange_manager = exchange_manager
        self.symbols = list(symbols)
        self.states: dict[str, TradingModeState] = {}
        self.evaluations: dict[str, float] = {}
        #: the mode's name, as its decisions and errors give it
        self._mode_name = name
        self._state_changes_only = state_changes_only
        #: a completed future: what ``set_evaluation`` returns when nothing is to be sent
        self._completed: asyncio.Future | None = None

    def set_evaluation(
        self, symbol: str, evaluation: float | None, time: int | None = None
    ) -> Awaitable[None]:
        """A strategy's evaluation of ``symbol`` in [-1, 1] (None: no opinion, ignored); await it.

        Not a coroutine: it runs for every evaluation of a backtest and most change no state, so the
        decision is taken at the call and what is returned is the decision's delivery on the Mode
        channel, or a completed future when there is none (no coroutine made for nothing).
        """
        if evaluation is not None and symbol in self.symbols:
            if not -1.0 <= evaluation <= 1.0:
                raise TradingModeError(
                    f"{self._mode_name}: evaluation must be in [-1, 1] (+1 = strongest buy), got {evaluation}"
                )
            self.evaluations[symbol] = evaluation
            # _decide without force, inline: one call fewer per evaluation in the pure build
            state = self.decide_state(symbol, evaluation)
            states = self.states
            previous = states.get(symbol)
            states[symbol] = state
            if state is not previous or not self._state_changes_only:
                return self._publish(symbol, state, evaluation, time)
        done = self._completed
        if done is None:
            done = self._completed = self._nothing_to_send()
        return done

    def _nothing_to_send(self) -> asyncio.Future:
        """What ``set_evaluation`` returns when it sends nothing, made once: the Mode channel's
        synchronizer's completed future when it has one (a backtest's drain recognises it by identity,
        without a call), else a completed future of its own."""
        try:
            synchronizer = self.exchange_manager.get_channel("ModeChannel").synchronizer
        except ExchangeManagerError:  # not started (a mode called directly): no drain to share with
            synchronizer = None
        if synchronizer is not None:
            return synchronizer.delivered()
        done = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    def _decide(
        self, symbol: str, evaluation: float, time: int | None, force: bool
    ) -> Awaitable[None] | None:
        """Take the state; the decision's delivery on the Mode channel to await, or None when the state
        did not change (no coroutine made per evaluation that changes nothing)."""
        state = self.decide_state(symbol, evaluation)
        previous = self.states.get(symbol)
        self.states[symbol] = state
        if state is previous and not force and self._state_changes_only:
            return None
        return self._publish(symbol, state, evaluation, time)

    def _publish(
        self, symbol: str, state: TradingModeState, evaluation: float, time: int | None
    ) -> Awaitable[None]:
        """The decision's delivery on the Mode channel (the orders half acts on it)."""
        return self.exchange_manager.get_channel("ModeChannel").send(
            {
                "exchange": self.exchange_manager.exchange_id,
                "symbol": symbol,
                "trading_mode": self._mode_name,
                "state": state.value,
                "evaluation": evaluation,
                "time": self.exchange_manager.clock.now_ms() if time is None else time,
            }
        )

    def decide_state(self, symbol: str, evaluation: float) -> TradingModeState:
        """The state an evaluation puts ``symbol`` in; must not change anything."""
        raise NotImplementedError


class AbstractTradingMode(TradingModeCore):
    """Base of trading modes (tentacle kind ``trading_mode``).

    Subclasses implement two pure methods: :meth:`decide_state` (the state an evaluation puts a symbol
    in) and :meth:`plan_orders` (what to cancel and create for a decision, as an `OrderPlan`, read from
    the account without changing it). The base executes the plan while holding the portfolio's lock.
    """

    TENTACLE_KIND: ClassVar[str] = "trading_mode"
    TENTACLE_VERSION: ClassVar[str] = "0.1.0"
    ABSTRACT: ClassVar[bool] = True
    NAME: ClassVar[str | None] = None
    REQUIRED_STRATEGIES: ClassVar[tuple[str, ...]] = ("*",)
    DEFAULT_CONFIG: ClassVar[dict] = {"trigger": "evaluations"}
    CONFIG_SCHEMA: ClassVar[dict] = {"type": "object"}
    #: recorded market data a backtest must replay besides candles (of "tickers", "order_books", "trades");
    #: `octobot backtest` refuses a data file without it, naming the table
    REQUIRED_MARKET_DATA: ClassVar[tuple[str, ...]] = ()
    #: config keys holding an amount text (``0.1``, ``25q``, ``2%``, ``12a%``), checked by config_problems
    AMOUNT_KEYS: ClassVar[tuple[str, ...]] = ()
    #: why the mode cannot run on recorded candles, completing "<mode name> ..." (e.g. "takes its
    #: orders from alerts received live"), said by `octobot backtest`; None: it can be backtested
    BACKTEST_REFUSAL: ClassVar[str | None] = None
    #: how much the risk moves amounts given as a share of the funds: ``1 + (risk - 0.5) x weight``
    #: (risk 0 halves them, 1 makes them 1.5 times, never beyond what is available); 0: not at all
    RISK_SIZE_WEIGHT: ClassVar[Decimal] = Decimal(1)

    def __init__(
        self,
        exchange_manager: ExchangeManager,
        symbols: list[str],
        config: dict | None = None,
        time_frame: str | None = None,
        risk: float | Decimal | None = None,
    ) -> None:
        #: the profile's risk, 0 to 1 (None: the neutral RISK_NEUTRAL, amounts as configured)
        self.risk = RISK_NEUTRAL if risk is None else _checked_risk(risk, self.get_name())
        self.config: dict[str, Any] = {**self.DEFAULT_CONFIG, **(config or {})}
        self.check_config(self.config)
        state_changes_only = bool(self.config.get("act_on_state_change_only", True))
        super().__init__(exchange_manager, symbols, self.get_name(), state_changes_only)
        self.time_frame = time_frame
        #: the last error met while creating orders, per symbol (the mode keeps running)
        self.last_errors: dict[str, Exception] = {}
        self.created_orders: list[Order] = []
        self._consumers: list[tuple[oc.Channel, oc.Consumer]] = []
        self._orders_consumer: oc.SupervisedConsumer | None = None
        #: this mode's orders by id (created here, or open on the account with its tag at start)
        self._own_orders: dict[str, Order] = {}
        #: this mode's cancelled orders, kept aside: the exchange may still report their fill
        self._cancelled_own: dict[str, Order] = {}
        #: True when the mode overrides plan_on_fill: its orders are then marked ``fill_watched``
        self._watches_fills = self._overrides("plan_on_fill")
        #: symbols whose plan_on_start has not run yet (they had no price when the mode started)
        self._unstarted: set[str] = set()
        self._first_candle_consumer: tuple[oc.Channel, oc.Consumer] | None = None
        #: while True, executed plans drop their entry requests (see `is_entry`); cancels and exits go on
        self.entries_paused = False
        #: the bot's other exchanges by name (their prices, books), set by the orchestrator before start
        self.peer_exchanges: dict[str, ExchangeManager] = {}
        for symbol in self.symbols:
            exchange_manager.symbol_data(symbol)  # fails early on an unknown symbol

    def set_peer_exchanges(self, peers: Mapping[str, ExchangeManager]) -> None:
        """The bot's other exchanges by name, read-only for this mode: modes trading on price differences
        (arbitrage) or following another exchange's price (market making) read their prices and books."""
        self.peer_exchanges = {
            name: manager for name, manager in peers.items() if manager is not self.exchange_manager
        }

    @classmethod
    def get_name(cls) -> str:
        return cls.NAME or cls.__name__

    @classmethod
    def config_problems(cls, config: dict[str, Any]) -> list[ConfigProblem]:
        """What makes ``config`` (DEFAULT_CONFIG already merged in) unusable beyond its JSON Schema:
        amount texts of AMOUNT_KEYS, and what a subclass adds (relations between keys).

        The one place for these checks: `octobot profiles validate` and the mode's start both call it,
        so a config that validates never fails at start. Subclasses extend the list from ``super()``.
        """
        problems = []
        for key in cls.AMOUNT_KEYS:
            if config.get(key) is None:
                continue
            try:
                parse_amount(config[key])
            except InvalidAmountSyntaxError as error:
                problems.append(ConfigProblem(key, str(error)))
        return problems

    @classmethod
    def check_config(cls, config: dict[str, Any]) -> None:
        """Raise TradingModeError naming the mode, the key and the fix of the first config problem."""
        problems = cls.config_problems({**cls.DEFAULT_CONFIG, **config})
        if problems:
            raise TradingModeError(f"{cls.get_name()}: {problems[0]}")

    # --- lifecycle -------------------------------------------------------------------------------
    async def start(self) -> None:
        mode_channel = self.exchange_manager.get_channel("ModeChannel")
        decisions = oc.SupervisedConsumer(
            self._on_decision,
            priority=oc.Priority.OPTIONAL,  # trading modes act last in a synchronized step
            filters={"exchange": self.exchange_manager.exchange_id, "trading_mode": self.get_name()},
            name=f"{self.get_name()}-orders",
        )
        await mode_channel.add_consumer(decisions)
        self._orders_consumer = decisions
        self._consumers.append((mode_channel, decisions))
        if self.acts_on_candles():
            await self._listen(
                "OHLCVChannel", self._on_candle, "candles", time_frame=self.time_frame or oc.WILDCARD
            )
        for order in self.exchange_manager.trader.open_orders():
            if order.symbol in self.symbols and order.tag == self.get_name():
                self._own(order)  # a restart: fills of these still count
        if self._watches_fills:
            await self._listen("OrdersChannel", self._on_order, "fills")
        if self._overrides("plan_on_start"):
            await self._start_symbols()

    async def _listen(
        self, channel_name: str, callback: Any, purpose: str, **filters: Any
    ) -> tuple[oc.Channel, oc.Consumer]:
        """Consume this exchange's ``channel_name`` last in a synchronized step (modes act after
        everything else), unsubscribed by stop()."""
        channel = self.exchange_manager.get_channel(channel_name)
        consumer = await channel.new_consumer(
            callback,
            priority=oc.Priority.OPTIONAL,
            filters={"exchange": self.exchange_manager.exchange_id, **filters},
            name=f"{self.get_name()}-{purpose}",
        )
        self._consumers.append((channel, consumer))
        return channel, consumer

    def _overrides(self, method: str) -> bool:
        return getattr(type(self), method) is not getattr(AbstractTradingMode, method)

    async def _start_symbols(self) -> None:
        """Run plan_on_start for each symbol with a price now; the others at their first closed candle."""
        for symbol in self.symbols:
            if self.exchange_manager.last_price(symbol) is None:
                self._unstarted.add(symbol)
            else:
                await self._act(symbol, "its start", functools.partial(self.plan_on_start, symbol))
        if self._unstarted:
            self._first_candle_consumer = await self._listen(
                "OHLCVChannel", self._on_first_candle, "first-candles"
            )

    async def _on_first_candle(self, message: dict) -> None:
        symbol = message["symbol"]
        if symbol not in self._unstarted or self.exchange_manager.last_price(symbol) is None:
            return
        self._unstarted.discard(symbol)
        await self._act(symbol, "its start", functools.partial(self.plan_on_start, symbol))
        if not self._unstarted and self._first_candle_consumer is not None:
            channel, consumer = self._first_candle_consumer
            self._first_candle_consumer = None
            self._consumers.remove((channel, consumer))
            await channel.remove_consumer(consumer)  # every symbol started: no cost per candle any more

    async def _on_order(self, message: dict) -> None:
        update = message["order"]
        status = update.get("status")
        if status not in _DONE_STATUSES:
            return
        # a filled, expired or rejected order gets no further update: forget it (the index stays small
        # however long the mode runs); a cancelled one stays, the exchange may still report its fill
        order = self._own_orders.pop(update["id"], None) or self._cancelled_own.pop(update["id"], None)
        if order is None or status != "filled" or order.symbol not in self.symbols:
            return
        planner = functools.partial(self.plan_on_fill, order)
        await self._act(order.symbol, f"the fill of {order.order_id}", planner)

    async def _act(self, symbol: str, occasion: str, planner: Callable[[], OrderPlan | None]) -> None:
        """Plan and execute under the portfolio's lock, so two plans never size orders from the same
        funds; an error is logged and kept per symbol (one bad order never stops the mode)."""
        async with self.exchange_manager.portfolio.async_lock:
            try:
                plan = planner()
                orders = await self.execute_plan(plan) if plan else []
            except Exception as error:
                previous = self.last_errors.get(symbol)
                self.last_errors[symbol] = error
                # once per symbol and kind of error until an action succeeds: a mode retrying on every
                # candle (funds short for hours) must not flood the log, nor spend its time writing it
                logger.log(
                    logging.DEBUG if type(previous) is type(error) else logging.ERROR,
                    "%s on %s %s: cannot create orders for %s: %s",
                    self.get_name(),
                    self.exchange_manager.exchange_id,
                    symbol,
                    occasion,
                    error,
                )
                return
        if self.last_errors.pop(symbol, None) is not None:
            logger.info(
                "%s on %s %s: orders created again",
                self.get_name(),
                self.exchange_manager.exchange_id,
                symbol,
            )
        self.created_orders.extend(orders)

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

    # --- producer: decisions (set_evaluation, _decide, decide_state: see TradingModeCore) ----------
    async def _on_candle(self, message: dict) -> None:
        symbol = message["symbol"]
        if symbol not in self.symbols:
            return
        evaluation = self.evaluation_from_candle(symbol, message["time_frame"], message["candle"])
        if evaluation is None:
            return
        decided = self._decide(symbol, evaluation, None, force=True)
        if decided is not None:
            await decided

    def acts_on_candles(self) -> bool:
        """True when the mode decides on every closed candle of its symbols (``"trigger": "candles"``)."""
        return self.config.get("trigger") == "candles"

    def evaluation_from_candle(self, symbol: str, time_frame: str, candle: list) -> float | None:
        """Evaluation to act on when a candle closes (candle trigger); default: the latest received."""
        return self.evaluations.get(symbol)

    def subscriptions(self) -> list[tuple[oc.Channel, oc.Consumer]]:
        """The (channel, consumer) pairs this mode subscribed (to tell them from other consumers)."""
        return list(self._consumers)

    # --- consumer: orders ------------------------------------------------------------------------
    async def _on_decision(self, message: dict) -> None:
        symbol = message["symbol"]
        state = TradingModeState(message["state"])
        evaluation = message["evaluation"]
        await self._act(symbol, state.value, lambda: self.plan_orders(symbol, state, evaluation))

    def plan_orders(self, symbol: str, state: TradingModeState, evaluation: float) -> OrderPlan:
        """What to cancel and create for a decision (an empty plan: do nothing). Must not change
        anything: read the account, prices and open orders, return the plan."""
        raise NotImplementedError

    def plan_on_start(self, symbol: str) -> OrderPlan | None:
        """Orders to place when the mode starts on ``symbol`` (once its price is known), such as a grid's
        initial layout; None or an empty plan: nothing. Must not change anything. Orders this mode left
        open before a restart are in :meth:`own_open_orders` already: plan around them."""
        return None

    def plan_on_fill(self, order: Order) -> OrderPlan | None:
        """What to do when ``order``, one of this mode's orders, filled completely (a grid's mirror
        order); None or an empty plan: nothing. Must not change anything."""
        return None

    def own_open_orders(self, symbol: str) -> list[Order]:
        """This mode's open orders on ``symbol`` (created by it, or open with its tag when it started).
        Scans the orders the mode tracks and forgets the closed ones, so that a mode calling it on every
        candle (however many orders it made) pays for its open orders only."""
        found: list[Order] = []
        closed: list[Order] = []
        for order in self._own_orders.values():
            if order.is_closed:
                closed.append(order)
            elif order.symbol == symbol and order.is_active:
                found.append(order)
        for order in closed:
            del self._own_orders[order.order_id]
            if order.status is OrderStatus.CANCELLED:
                self._cancelled_own[order.order_id] = order
                if len(self._cancelled_own) > _CANCELLED_KEPT:
                    del self._cancelled_own[next(iter(self._cancelled_own))]
        return found

    async def execute_plan(self, plan: OrderPlan) -> list[Order]:
        """Cancel, then create (amount texts sized on the funds the cancels freed); returns the orders
        created, each followed by its chained orders."""
        trader = self.exchange_manager.trader
        for order in plan.cancel:
            if order.is_active:
                await trader.cancel_order(order)
        requests = plan.create
        if self.entries_paused and any(self.is_entry(request) for request in requests):
            requests = tuple(request for request in requests if not self.is_entry(request))
            logger.info("%s: entries paused: new entry orders on %s dropped", self.get_name(), plan.symbol)
        created: list[Order] = []
        for request in requests:
            new = await self._create(plan.symbol, request)
            if new is not None:
                created.extend([new, *new.chained])
                for made in (new, *new.chained):
                    self._own(made)
        return created

    def _own(self, order: Order) -> None:
        """Track ``order`` as this mode's; a mode acting on fills marks it watched, so that a backtest
        lets the mode react to its fill inside the candle (as live) before walking the rest of it."""
        self._own_orders[order.order_id] = order
        if self._watches_fills:
            order.fill_watched = True

    def is_entry(self, request: OrderRequest) -> bool:
        """Whether ``request`` opens or grows a position (dropped while entries are paused): a buy, on
        spot markets; its chained exits go with it."""
        return request.side is OrderSide.BUY

    async def _create(self, symbol: str, request: OrderRequest) -> Order | None:
        reference = request.price or request.trigger_price or self.current_price(symbol)
        amount = request.amount
        if amount is None:
            raise TradingModeError(
                f"{self.get_name()}: only a chained order may leave its amount to its parent; give the "
                f"{request.side.value} {request.kind.value} order of {symbol} an amount"
            )
        if isinstance(amount, str):
            amount = self.size(symbol, request.side, amount, reference)
        if amount <= ZERO:
            logger.info("%s: nothing to %s on %s", self.get_name(), request.side.value, symbol)
            return None
        if request.side is OrderSide.SELL and not self._sellable(symbol, amount, reference):
            return None
        trader = self.exchange_manager.trader
        chained = [self._new_chained(symbol, child, amount) for child in request.chained]
        if request.one_cancels_the_other and len(chained) > 1:
            group = OneCancelsTheOther()
            for child in chained:
                group.add(child)
        return await trader.create_order(
            symbol,
            request.side,
            request.kind,
            amount,
            request.price,
            request.trigger_price,
            request.trailing_percent,
            chained=chained,
            tag=request.tag or self.get_name(),
            expires_at=request.expires_at,
        )

    def _sellable(self, symbol: str, amount: Decimal, price: Decimal) -> bool:
        """A sell below the market's minimum (the dust a position leaves) is nothing to sell: the
        exchange would refuse it, so it is neither an error nor a trade."""
        try:
            self.exchange_manager.markets.rules(symbol).check_order(amount, price)
        except OrderBelowMinimumError as error:
            logger.info(
                "%s: nothing to sell on %s: %s is below the minimum (%s)",
                self.get_name(),
                symbol,
                amount,
                error,
            )
            return False
        return True

    def _new_chained(self, symbol: str, request: OrderRequest, parent_amount: Decimal) -> Order:
        if request.chained:
            raise TradingModeError(f"{self.get_name()}: a chained order cannot carry chained orders itself")
        requested = request.amount
        sized_by_parent = requested is None
        if requested is None:  # a forecast: the account sizes it again from the parent's real fill
            rules = self.exchange_manager.markets.rules(symbol)
            amount = rules.adjust_amount(
                parent_amount * (1 - rules.fee_rate(True)) * (request.parent_share or 1)
            )
        elif isinstance(requested, str):
            raise TradingModeError(
                f"{self.get_name()}: a chained order is sized when its parent fills: give it an amount in "
                "base units or None (what the parent brings), not an amount text"
            )
        else:
            amount = requested
        order = self.exchange_manager.trader.new_order(
            symbol,
            request.side,
            request.kind,
            amount,
            request.price,
            request.trigger_price,
            request.trailing_percent,
            request.tag or self.get_name(),
        )
        order.sized_by_parent = sized_by_parent
        order.parent_share = request.parent_share if sized_by_parent else None
        return order

    # --- helpers for subclasses ------------------------------------------------------------------
    def current_price(self, symbol: str) -> Decimal:
        price = self.exchange_manager.last_price(symbol)
        if price is None:
            raise NoPriceError(f"{self.get_name()}: no price for {symbol} yet; cannot size an order")
        return price

    @property
    def risk_factor(self) -> Decimal:
        """What the risk multiplies amounts given as a share of the funds by (1 at risk 0.5)."""
        return 1 + (self.risk - RISK_NEUTRAL) * self.RISK_SIZE_WEIGHT

    def size(self, symbol: str, side: OrderSide, amount_text: str, price: Decimal) -> Decimal:
        """Amount in base units for ``amount_text`` (see :mod:`octobot_trading.modes.amounts`); a share
        of the funds (``2%``, ``12a%``) is scaled by :attr:`risk_factor`, never beyond what is available."""
        rules = self.exchange_manager.markets.rules(symbol)
        spent = rules.quote if side is OrderSide.BUY else rules.base
        portfolio = self.exchange_manager.portfolio
        spec = parse_amount(amount_text)
        available = portfolio.available(spent)
        amount = spec.resolve(side is OrderSide.BUY, price, portfolio.total(spent), available)
        if (
            spec.unit in (AmountUnit.PERCENT_TOTAL, AmountUnit.PERCENT_AVAILABLE)
            and self.risk != RISK_NEUTRAL
        ):
            amount *= self.risk_factor
            if side is OrderSide.BUY:
                amount = min(amount, available / price)
        if side is OrderSide.SELL:
            amount = min(amount, available)  # never sell more than available
        return rules.adjust_amount(amount)

    def risk_scaled(self, funds: Decimal) -> Decimal:
        """``funds`` (a mode's whole available funds) scaled by the risk, at most all of them."""
        return funds * min(self.risk_factor, Decimal(1))
