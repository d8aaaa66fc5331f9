"""Real-time evaluators: run on every new candle and every market price change of their symbol."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

import octobot_channel as oc
from octobot_evaluators.evaluation import UNCHANGED, _Unchanged
from octobot_evaluators.evaluator import AbstractEvaluator
from octobot_evaluators.evaluator_type import EvaluatorType
from octobot_evaluators.time_frames import candle_close_time
from octobot_trading import Candle

#: Exchange data channels (octobot_trading) a real-time evaluator listens to, in the exchange's scope.
OHLCV_CHANNEL = "OHLCVChannel"  # closed candles
KLINE_CHANNEL = "KlineChannel"  # the candle still forming
TICKER_CHANNEL = "TickerChannel"
MARK_PRICE_CHANNEL = "MarkPriceChannel"


class RealTimeEvaluator(AbstractEvaluator):
    """Reacts to market moves without waiting for candles to close.

    Override `on_candle` and/or `on_price` and return the evaluation (`UNCHANGED`, the default, publishes
    nothing). Its evaluations carry no time frame and wake strategies at once.
    ``time_frames`` are the candle time frames it watches (all configured ones by default).
    """

    EVALUATOR_TYPE: ClassVar[EvaluatorType | None] = EvaluatorType.REAL_TIME
    WILDCARD_TIME_FRAME: ClassVar[bool] = True
    TRIGGER_METHODS: ClassVar[tuple[str, ...]] = ("on_candle", "on_price")
    ABSTRACT: ClassVar[bool] = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._last_prices: dict[str, Decimal | float] = {}

    def on_candle(self, candle: Candle, *, closed: bool) -> float | _Unchanged | None:
        """A candle of ``self.symbol``/``self.time_frame`` closed (``closed``) or moved while forming."""
        return UNCHANGED

    def on_price(self, price: Decimal | float) -> float | _Unchanged | None:
        """The market price of ``self.symbol`` changed (ticker last price or mark price)."""
        return UNCHANGED

    async def new_candle(
        self, symbol: str, time_frame: str, candle: Candle, *, closed: bool, time: int
    ) -> None:
        """Trigger entry for candles: sets the context, calls `on_candle` and publishes its answer."""
        self._set_context(symbol, time_frame, time)
        delivered = self._publish(self.on_candle(candle, closed=closed), symbol, None, time)
        if delivered is not None:
            await delivered

    async def new_price(self, symbol: str, price: Decimal | float, time: int) -> None:
        """Trigger entry for prices: calls `on_price` only when the price really changed."""
        if self._last_prices.get(symbol) == price:
            return
        self._last_prices[symbol] = price
        self._set_context(symbol, None, time)
        delivered = self._publish(self.on_price(price), symbol, None, time)
        if delivered is not None:
            await delivered

    async def reset(self) -> None:
        await super().reset()
        self._last_prices.clear()

    # ----------------------------------------------------------------- wiring
    async def start(self) -> None:
        await super().start()
        symbol_filter = oc.WILDCARD if self.WILDCARD_SYMBOL else self.symbols[0]
        callbacks = (
            (OHLCV_CHANNEL, self._on_ohlcv, True),
            (KLINE_CHANNEL, self._on_kline, True),
            (TICKER_CHANNEL, self._on_ticker, False),
            (MARK_PRICE_CHANNEL, self._on_mark_price, False),
        )
        for name, callback, per_time_frame in callbacks:
            try:
                channel = oc.get_channel(name, scope=self.context.data_scope)
            except oc.ChannelNotFoundError:
                self.logger.debug("%s: no %s in scope %r", self.name, name, self.context.data_scope)
                continue
            filters: dict[str, Any] = {"symbol": symbol_filter}
            if per_time_frame:
                filters["time_frame"] = oc.WILDCARD if self.WILDCARD_TIME_FRAME else self.time_frames[0]
            await self._subscribe(channel, callback, filters, oc.Priority.MEDIUM)
        await self._subscribe_commands()

    def _watches(self, message: dict[str, Any]) -> bool:
        return message["symbol"] in self.symbols and (
            not self.time_frames or str(message["time_frame"]) in self.time_frames
        )

    async def _on_ohlcv(self, message: dict[str, Any]) -> None:
        if self._watches(message):
            candle = _as_candle(message["candle"])
            time_frame = str(message["time_frame"])
            close_time = candle_close_time(candle[0], time_frame)
            await self.new_candle(message["symbol"], time_frame, candle, closed=True, time=close_time)

    async def _on_kline(self, message: dict[str, Any]) -> None:
        if self._watches(message):
            candle = _as_candle(message["candle"])
            time = message.get("time") or int(candle[0])  # the Kline channel may not stamp its messages
            await self.new_candle(
                message["symbol"], str(message["time_frame"]), candle, closed=False, time=time
            )

    async def _on_ticker(self, message: dict[str, Any]) -> None:
        if message["symbol"] in self.symbols:
            price = message["ticker"].get("last")
            if price is not None:
                await self.new_price(message["symbol"], price, int(message["time"]))

    async def _on_mark_price(self, message: dict[str, Any]) -> None:
        if message["symbol"] in self.symbols:
            await self.new_price(message["symbol"], message["price"], int(message["time"]))


def _as_candle(values: Any) -> Candle:
    """Exchange channels send candles as [t, o, h, l, c, v] lists; evaluators get a `Candle`."""
    return Candle(
        int(values[0]),
        float(values[1]),
        float(values[2]),
        float(values[3]),
        float(values[4]),
        float(values[5]),
    )
