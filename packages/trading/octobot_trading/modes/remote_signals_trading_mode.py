"""RemoteSignalsTradingMode: replays the order signals another bot emits (`order_signal`).

Each ``create`` signal becomes the same order here: same side and type, its price and trigger price at the
same offsets from this account's last price, and its amount the same share of this account's total
holding of the asset it spends (times ``volume_percent`` / 100; capped by what is available when sold).
A ``cancel`` signal cancels the copy of the emitter's order, if still open. Signals of another emitter
than ``emitter`` (when set) and of pairs this mode does not trade are ignored.

The transport is not the mode's business: `on_signal(document)` takes an `OrderSignal`, its JSON text or
its parsed document, from the `OrderSignalEmitter` of a bot in the same process or from a service feed:
between two processes, the emitter's `OrderSignalsNotifier` POSTs each signal to this bot's
``RemoteSignalsFeed`` (declared in ``REQUIRED_FEEDS``: the bot starts it and routes its signals here).
Evaluations are not used. Planning is pure (`plan_for_signal`), executed under the portfolio's lock.
Copies are remembered for the session only: a cancel of an order copied before a restart is ignored.
"""

from __future__ import annotations

import functools
import logging
from decimal import ROUND_DOWN, Decimal
from typing import Any, ClassVar

from octobot_trading.modes.order_plan import OrderPlan, OrderRequest
from octobot_trading.modes.order_signal import OrderSignal, read_signal
from octobot_trading.modes.trading_mode import AbstractTradingMode, TradingModeState
from octobot_trading.orders.order import Order

logger = logging.getLogger(__name__)

ONE = Decimal(1)
HUNDRED = Decimal(100)
_PERCENT_STEP = Decimal("1e-10")


class RemoteSignalsTradingMode(AbstractTradingMode):
    """Copies another bot's orders, scaled to this account."""

    ABSTRACT: ClassVar[bool] = False
    NAME: ClassVar[str | None] = "RemoteSignalsTradingMode"
    #: a copy engages the emitter's share (times volume_percent): the risk does not change it
    RISK_SIZE_WEIGHT: ClassVar[Decimal] = Decimal(0)
    REQUIRED_STRATEGIES: ClassVar[tuple[str, ...]] = ()
    #: the service feed carrying another bot's signals here (octobot's RemoteSignalsFeed)
    REQUIRED_FEEDS: ClassVar[tuple[str, ...]] = ("RemoteSignalsFeed",)
    BACKTEST_REFUSAL: ClassVar[str | None] = (
        "takes its orders from another bot's order signals received live, and recorded candles hold no "
        "signal: run it in paper trading (`octobot paper`) or live beside the emitting bot"
    )
    DEFAULT_CONFIG: ClassVar[dict] = {"trigger": "evaluations", "emitter": "", "volume_percent": 100}
    CONFIG_SCHEMA: ClassVar[dict] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "RemoteSignalsTradingMode",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "trigger": {"enum": ["evaluations"], "description": "unused: order signals drive this mode"},
            "emitter": {
                "type": "string",
                "description": "the emitter whose signals are followed (its `emitter` field); empty: any",
            },
            "volume_percent": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 100,
                "description": "percent of the emitter's share engaged here: 100 copies the same share of "
                "the portfolio, 50 half of it",
            },
        },
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: this account's copies of the emitter's orders, by the emitter's order id (this session)
        self.copies: dict[str, list[Order]] = {}

    def decide_state(self, symbol: str, evaluation: float) -> TradingModeState:
        return TradingModeState.NEUTRAL

    def plan_orders(self, symbol: str, state: TradingModeState, evaluation: float) -> OrderPlan:
        return OrderPlan(symbol)

    def plan_for_signal(self, signal: OrderSignal) -> OrderPlan:
        """The copy of a signal, as a plan (pure)."""
        symbol = signal.symbol
        if signal.action == "cancel":
            return OrderPlan(symbol, cancel=tuple(o for o in self.copies.get(signal.id, ()) if o.is_active))
        assert signal.side is not None and signal.kind is not None and signal.amount_share is not None
        rules = self.exchange_manager.markets.rules(symbol)
        last = self.current_price(symbol)
        price = _at(last, signal.price_offset_percent, rules.adjust_price)
        trigger = _at(last, signal.trigger_offset_percent, rules.adjust_price)
        volume = Decimal(str(self.config["volume_percent"])) / HUNDRED
        percent = min(signal.amount_share * volume * HUNDRED, HUNDRED).quantize(_PERCENT_STEP, ROUND_DOWN)
        if percent <= 0:
            return OrderPlan(symbol)
        request = OrderRequest(
            signal.side, signal.kind, f"{format(percent, 'f')}%", price, trigger, tag=self.get_name()
        )
        return OrderPlan(symbol, create=(request,))

    async def on_signal(self, document: OrderSignal | str | bytes | dict) -> bool:
        """Replay one signal; False when it is ignored (another emitter, a pair not traded here).
        Raises OrderSignalError for a document that cannot be read."""
        signal = document if isinstance(document, OrderSignal) else read_signal(document)
        followed = self.config["emitter"]
        if followed and signal.emitter != followed:
            return False
        if signal.symbol not in self.symbols:
            logger.info(
                "%s: signal %s on %s ignored: not a pair of this mode",
                self.get_name(),
                signal.id,
                signal.symbol,
            )
            return False
        before = len(self.created_orders)
        planner = functools.partial(self.plan_for_signal, signal)
        await self._act(signal.symbol, f"the signal {signal.action} {signal.id}", planner)
        if signal.action == "create":
            self.copies[signal.id] = self.created_orders[before:]
        else:
            self.copies.pop(signal.id, None)
        return True


def _at(last: Decimal, offset_percent: Decimal | None, adjust: Any) -> Decimal | None:
    if offset_percent is None:
        return None
    return adjust(last * (ONE + offset_percent / HUNDRED))
