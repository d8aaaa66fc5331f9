"""The data channels of one exchange manager, built on octobot_channel.

Why one channel per kind of data: consumers subscribe only to what they need, with filters on the fields
below. Every message carries ``exchange`` (the exchange manager's id, also the channel scope) and, where
they apply, ``symbol`` and ``time_frame``. Message fields per channel:

===========================  =========================================================================
OHLCVChannel                 exchange, symbol, time_frame, candle (closed: [t, o, h, l, c, v] floats)
KlineChannel                 exchange, symbol, time_frame, candle (in construction)
TickerChannel                exchange, symbol, ticker (ccxt ticker dict), time
OrderBookChannel             exchange, symbol, bids, asks ([[price, amount], ...]), time
RecentTradesChannel          exchange, symbol, trades (ccxt trade dicts), time
MarkPriceChannel             exchange, symbol, price (Decimal), time
BalanceChannel               exchange, balance ({asset: {"total", "available"}}), time
BalanceProfitabilityChannel  exchange, profitability (dict from the portfolio), time
OrdersChannel                exchange, symbol, order (Order.to_dict()), time
TradesChannel                exchange, symbol, trade (Trade.to_dict()), time
ModeChannel                  exchange, symbol, trading_mode, state, evaluation, time
===========================  =========================================================================
"""

from __future__ import annotations

import octobot_channel as oc


class OHLCVChannel(oc.Channel):
    """Closed candles."""

    FILTER_FIELDS = ("exchange", "symbol", "time_frame")


class KlineChannel(oc.Channel):
    """The candle in construction."""

    FILTER_FIELDS = ("exchange", "symbol", "time_frame")


class TickerChannel(oc.Channel):
    FILTER_FIELDS = ("exchange", "symbol")


class OrderBookChannel(oc.Channel):
    FILTER_FIELDS = ("exchange", "symbol")


class RecentTradesChannel(oc.Channel):
    """Public trades of the market (not the account's fills: see TradesChannel)."""

    FILTER_FIELDS = ("exchange", "symbol")


class MarkPriceChannel(oc.Channel):
    FILTER_FIELDS = ("exchange", "symbol")


class BalanceChannel(oc.Channel):
    FILTER_FIELDS = ("exchange",)


class BalanceProfitabilityChannel(oc.Channel):
    FILTER_FIELDS = ("exchange",)


class OrdersChannel(oc.Channel):
    """Every status change of the account's orders."""

    FILTER_FIELDS = ("exchange", "symbol")


class TradesChannel(oc.Channel):
    """The account's own fills."""

    FILTER_FIELDS = ("exchange", "symbol")


class ModeChannel(oc.Channel):
    """Trading-mode decisions (state per symbol)."""

    FILTER_FIELDS = ("exchange", "symbol", "trading_mode")


#: every channel an exchange manager creates in its scope, in creation order
EXCHANGE_CHANNELS: tuple[type[oc.Channel], ...] = (
    OHLCVChannel,
    KlineChannel,
    TickerChannel,
    OrderBookChannel,
    RecentTradesChannel,
    MarkPriceChannel,
    BalanceChannel,
    BalanceProfitabilityChannel,
    OrdersChannel,
    TradesChannel,
    ModeChannel,
)


async def create_exchange_channels(
    scope: str, synchronizer: oc.Synchronizer | None = None
) -> dict[str, oc.Channel]:
    """Create every exchange channel in ``scope``; returns them by name (the class name)."""
    channels: dict[str, oc.Channel] = {}
    for channel_class in EXCHANGE_CHANNELS:
        if synchronizer is None:
            channel = await oc.create_channel(channel_class, scope=scope)
        else:
            channel = await oc.create_channel(channel_class, scope=scope, synchronizer=synchronizer)
        channels[channel_class.__name__] = channel
    return channels
