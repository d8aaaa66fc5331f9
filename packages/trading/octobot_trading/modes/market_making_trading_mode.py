"""MarketMakingTradingMode: a book of bids and asks kept around a reference price.

OctoBot's market making, written as plans. Around the reference price ``R`` (the mid of the order book of
``reference_exchange``: ``"local"`` for this exchange, or the name of another exchange of the bot; its
last price when it has no book), ``bids_count`` buys and ``asks_count`` sells are laid, their spreads
evenly spaced from ``min_spread`` to ``max_spread`` (percent, best bid to best ask, as on an exchange's
book): order ``i`` of ``n`` is ``s_i = min_spread + (max_spread - min_spread) * i / (n - 1)`` wide, so
the bid sits at ``R * (1 - s_i / 200)`` and the ask at ``R * (1 + s_i / 200)``.

Volume is capped by funds: ``funds_percent`` of the quote (bids) and of the base (asks) the mode can
use (available, plus what its own open orders hold, since a refresh cancels them first) is split equally
between the orders of each side (the same quote per bid; the same base per ask), rounded to the market's
precision; an order below the exchange's minimum is not laid. With ``max_daily_volume_percent`` above 0,
each side's total is also capped (in base) at that share of the market's volume of the last 24 hours, as
OctoBot bounds its book: the ticker's 24-hour base volume when the exchange reports one, else the closed
candles of the last day (extrapolated to a day from at least an hour of candles); until one is known,
no book is laid (said once in the log).

The book is laid again, all its orders replaced in one plan (cancels first, then creates), when the
reference moved ``refresh_threshold`` percent or more from the price it was laid around, or when one of
its orders is gone (filled or cancelled). It reacts to order books (of this exchange, and of the
reference exchange), never to evaluations: no strategy is needed. A backtest needs recorded order books.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from octobot_trading.exchanges.exchange_manager import ExchangeManager
from octobot_trading.modes.config_problem import ConfigProblem
from octobot_trading.modes.errors import TradingModeError
from octobot_trading.modes.order_plan import OrderPlan, OrderRequest
from octobot_trading.modes.trading_mode import AbstractTradingMode, TradingModeState
from octobot_trading.orders.enums import OrderKind, OrderSide

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
HUNDRED = Decimal(100)
TWO_HUNDRED = Decimal(200)
LOCAL = "local"
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


@dataclass(frozen=True)
class BookLayout:
    """The orders of one side: their prices and amounts, best first."""

    side: OrderSide
    orders: tuple[tuple[Decimal, Decimal], ...]


class MarketMakingTradingMode(AbstractTradingMode):
    """Bids and asks spaced between a minimum and a maximum spread around a reference price."""

    ABSTRACT: ClassVar[bool] = False
    NAME: ClassVar[str | None] = "MarketMakingTradingMode"
    REQUIRED_STRATEGIES: ClassVar[tuple[str, ...]] = ()
    REQUIRED_MARKET_DATA: ClassVar[tuple[str, ...]] = ("order_books",)
    DEFAULT_CONFIG: ClassVar[dict] = {
        "trigger": "evaluations",
        "bids_count": 5,
        "asks_count": 5,
        "min_spread": 2.0,
        "max_spread": 6.0,
        "reference_exchange": LOCAL,
        "refresh_threshold": 0.5,
        "funds_percent": 100.0,
        "max_daily_volume_percent": 0.0,
    }
    CONFIG_SCHEMA: ClassVar[dict] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "MarketMakingTradingMode",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "trigger": {"enum": ["evaluations"], "description": "unused: the mode reacts to order books"},
            "bids_count": {
                "type": "integer",
                "minimum": 0,
                "maximum": 50,
                "description": "buy orders kept below the reference price (0 to 50)",
            },
            "asks_count": {
                "type": "integer",
                "minimum": 0,
                "maximum": 50,
                "description": "sell orders kept above the reference price (0 to 50)",
            },
            "min_spread": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 100,
                "description": "spread of the closest bid and ask, in percent of the reference price (best "
                "ask minus best bid); each is half of it away from the reference; above 0, up to max_spread",
            },
            "max_spread": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 100,
                "description": "spread of the farthest bid and ask, in percent of the reference price; at "
                "least min_spread; the orders between are evenly spaced",
            },
            "reference_exchange": {
                "type": "string",
                "minLength": 1,
                "description": 'where the reference price comes from: "local" (this exchange\'s order book '
                "mid) or the name of another exchange of the bot (its book mid, else its last price)",
            },
            "refresh_threshold": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "description": "percent the reference must move from the price the book was laid around "
                "before it is laid again (0: at every order book)",
            },
            "funds_percent": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 100,
                "description": "percent of the usable funds the book holds: of the quote for the bids, of "
                "the base for the asks (above 0, up to 100)",
            },
            "max_daily_volume_percent": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "description": "cap of each side of the book (its total amount in base) in percent of the "
                "market's base volume of the last 24 hours (0: no cap; up to 100)",
            },
        },
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: per symbol, the reference price the book was laid around, and how many orders it got
        self._laid_at: dict[str, Decimal] = {}
        self._laid_count: dict[str, int] = {}
        self._volume_unknown_said: set[str] = set()

    @classmethod
    def config_problems(cls, config: dict[str, Any]) -> list[ConfigProblem]:
        problems = super().config_problems(config)
        low, high = Decimal(str(config["min_spread"])), Decimal(str(config["max_spread"]))
        if low > high:
            problems.append(
                ConfigProblem(
                    "max_spread",
                    f"max_spread ({high}) must be at least min_spread ({low}), e.g. min_spread 2 and "
                    "max_spread 6",
                )
            )
        return problems

    # --- evaluations are not used --------------------------------------------------------------
    def decide_state(self, symbol: str, evaluation: float) -> TradingModeState:
        return TradingModeState.NEUTRAL

    def plan_orders(self, symbol: str, state: TradingModeState, evaluation: float) -> OrderPlan:
        return OrderPlan(symbol)

    # --- the book ------------------------------------------------------------------------------
    async def start(self) -> None:
        await super().start()
        reference = self.reference_manager()
        await self._listen("OrderBookChannel", self._on_book, "books")
        if reference is not self.exchange_manager:
            channel = reference.get_channel("OrderBookChannel")
            consumer = await channel.new_consumer(
                self._on_book,
                filters={"exchange": reference.exchange_id},
                name=f"{self.get_name()}-reference",
            )
            self._consumers.append((channel, consumer))

    def reference_manager(self) -> ExchangeManager:
        """The exchange whose price the book is laid around."""
        name = self.config["reference_exchange"]
        if name == LOCAL or name == self.exchange_manager.exchange_name:
            return self.exchange_manager
        peer = self.peer_exchanges.get(name)
        if peer is None:
            known = ", ".join(sorted(self.peer_exchanges)) or "none"
            raise TradingModeError(
                f"{self.get_name()}: reference_exchange {name!r} is not an exchange of this bot (others: "
                f'{known}); use "local" or add it to the profile\'s exchanges'
            )
        return peer

    def reference_price(self, symbol: str) -> Decimal | None:
        """The mid of the reference exchange's book of ``symbol``, else its last price (None: unknown)."""
        data = self.reference_manager().symbol_data(symbol)
        if data.bids and data.asks:
            return (Decimal(data.bids[0][0]) + Decimal(data.asks[0][0])) / 2
        return data.last_price

    async def _on_book(self, message: dict) -> None:
        symbol = message["symbol"]
        if symbol not in self.symbols:
            return
        reference = self.reference_price(symbol)
        if reference is None or reference <= ZERO or not self._outdated(symbol, reference):
            return
        volume = self.daily_volume(symbol) if self.config.get("max_daily_volume_percent") else None
        if self.config.get("max_daily_volume_percent") and volume is None:
            if symbol not in self._volume_unknown_said:
                self._volume_unknown_said.add(symbol)
                logger.warning(
                    "%s on %s: no book laid yet: max_daily_volume_percent needs the market's 24-hour "
                    "volume, not known yet (no ticker volume, less than an hour of candles)",
                    self.get_name(),
                    symbol,
                )
            return
        await self._act(
            symbol, f"the reference at {reference}", lambda: self.plan_book(symbol, reference, volume)
        )
        self._laid_at[symbol] = reference
        self._laid_count[symbol] = len(self.own_open_orders(symbol))

    def _outdated(self, symbol: str, reference: Decimal) -> bool:
        laid = self._laid_at.get(symbol)
        if laid is None:
            return True
        moved = abs(reference - laid) / laid * HUNDRED
        if moved >= Decimal(str(self.config["refresh_threshold"])):
            return True
        return len(self.own_open_orders(symbol)) < self._laid_count.get(symbol, 0)  # one filled or cancelled

    def daily_volume(self, symbol: str) -> Decimal | None:
        """The base volume of ``symbol`` over the last 24 hours on this exchange (see the module doc);
        None: not known yet."""
        data = self.exchange_manager.symbol_data(symbol)
        reported = (data.ticker or {}).get("baseVolume")
        if reported is not None:
            return Decimal(str(reported))
        best: Decimal | None = None
        for time_frame, buffer in data.candles.items():
            if not len(buffer):
                continue
            opens = buffer.timestamps()
            end = int(opens[-1]) + time_frame.ms
            covered = min(DAY_MS, end - int(opens[0]))
            if covered < HOUR_MS:
                continue
            volume = Decimal(str(float(buffer.volumes()[opens >= end - DAY_MS].sum())))
            estimate = volume * DAY_MS / covered
            if best is None or covered == DAY_MS:
                best = estimate
        return best

    def layout(
        self,
        symbol: str,
        reference: Decimal,
        quote_funds: Decimal,
        base_funds: Decimal,
        daily_volume: Decimal | None = None,
    ) -> list[BookLayout]:
        """The bids and asks around ``reference`` for these funds, each side's total amount at most
        ``max_daily_volume_percent`` of ``daily_volume`` when given (pure: see the module doc)."""
        rules = self.exchange_manager.markets.rules(symbol)
        share = Decimal(str(self.config["funds_percent"])) / HUNDRED
        cap = None
        if daily_volume is not None and self.config.get("max_daily_volume_percent"):
            cap = daily_volume * Decimal(str(self.config["max_daily_volume_percent"])) / HUNDRED
        sides = []
        for side, count, funds in (
            (OrderSide.BUY, int(self.config["bids_count"]), quote_funds * share),
            (OrderSide.SELL, int(self.config["asks_count"]), base_funds * share),
        ):
            orders = []
            for spread in self.spreads(count):
                offset = reference * spread / TWO_HUNDRED
                price = rules.adjust_price(
                    reference - offset if side is OrderSide.BUY else reference + offset
                )
                if price <= ZERO:
                    continue
                per_order = funds / count
                wanted = per_order / price if side is OrderSide.BUY else per_order
                if cap is not None:
                    wanted = min(wanted, cap / count)
                amount = rules.adjust_amount(wanted)
                if amount > ZERO and rules.is_valid_order(amount, price):
                    orders.append((price, amount))
            sides.append(BookLayout(side, tuple(orders)))
        return sides

    def spreads(self, count: int) -> list[Decimal]:
        """The spreads (percent) of ``count`` orders, from min_spread to max_spread, evenly spaced."""
        low, high = Decimal(str(self.config["min_spread"])), Decimal(str(self.config["max_spread"]))
        if count <= 1:
            return [low] * count
        return [low + (high - low) * index / (count - 1) for index in range(count)]

    def plan_book(self, symbol: str, reference: Decimal, daily_volume: Decimal | None = None) -> OrderPlan:
        """Cancel this mode's orders of ``symbol`` and lay the book around ``reference`` with the funds
        they free plus what is available, capped by ``daily_volume`` (read when not given) if the config
        caps the book. Changes nothing."""
        rules = self.exchange_manager.markets.rules(symbol)
        portfolio = self.exchange_manager.portfolio
        current = self.own_open_orders(symbol)
        quote = portfolio.available(rules.quote) + sum(
            (o.amount - o.filled) * (o.price or ZERO) for o in current if o.side is OrderSide.BUY
        )
        base = portfolio.available(rules.base) + sum(
            o.amount - o.filled for o in current if o.side is OrderSide.SELL
        )
        volume = None
        if self.config.get("max_daily_volume_percent"):
            volume = self.daily_volume(symbol) if daily_volume is None else daily_volume
            if volume is None:
                return OrderPlan(symbol)  # capped by a volume not known yet: no book (see _on_book)
        requests = [
            OrderRequest(layout.side, OrderKind.LIMIT, amount, price, tag=self.get_name())
            for layout in self.layout(symbol, reference, quote, base, volume)
            for price, amount in layout.orders
        ]
        return OrderPlan(symbol, cancel=tuple(current), create=tuple(requests))
