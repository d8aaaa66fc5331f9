"""Public market data answers (klines, tickers, order book, trades) built from the replay state."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

import numpy as np

from octobot_exchange_emulator import binance_format
from octobot_exchange_emulator.errors import ApiError
from octobot_exchange_emulator.market_spec import MarketSpec, fmt
from octobot_exchange_emulator.price_replay import SymbolReplay, to_decimal
from octobot_trading.time_frames import TimeFrame, parse_time_frame
from octobot_trading.timestamps import candle_open_time

DAY_MS = 86_400_000
DEPTH_LIMITS = (5, 10, 20, 50, 100, 500, 1000, 5000)
#: levels per side of the emulated book (a deeper /depth request gets these; depth diffs cover them all)
BOOK_LEVELS = 100


def candles_for(replay: SymbolReplay, base: TimeFrame, interval: str, now_ms: int | None) -> np.ndarray:
    """Candles on ``interval`` up to now, the recorded ones or aggregated from them for a larger interval;
    with ``now_ms``, the candle forming at that time comes last, as Binance's REST klines serve it."""
    try:
        wanted = parse_time_frame(interval)
    except ValueError as error:
        raise ApiError(-1120, "Invalid interval.") from error
    closed = replay.closed_candles() if now_ms is None else replay.candles_with_forming(now_ms)
    if wanted == base:
        return closed
    if wanted.ms < base.ms or wanted.ms % base.ms:
        raise ApiError(-1120, "Invalid interval.")
    if len(closed) == 0:
        return closed
    times = closed[:, 0].astype(np.int64)
    if wanted in (TimeFrame("1w"), TimeFrame("1M")):
        keys = np.array([candle_open_time(int(t), wanted) for t in times], dtype=np.int64)
    else:
        keys = times - times % wanted.ms
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(closed)] - 1
    return np.column_stack(
        [
            keys[starts].astype(np.float64),
            closed[starts, 1],
            np.maximum.reduceat(closed[:, 2], starts),
            np.minimum.reduceat(closed[:, 3], starts),
            closed[ends, 4],
            np.add.reduceat(closed[:, 5], starts),
        ]
    )


def klines(replay: SymbolReplay, base: TimeFrame, query: dict[str, str], now_ms: int) -> list[list]:
    candles = candles_for(replay, base, query.get("interval", ""), now_ms)
    return binance_format.klines(candles, query, parse_time_frame(query["interval"]).ms)


def best_prices(spec: MarketSpec, last: Decimal) -> tuple[Decimal, Decimal]:
    """(best bid, best ask): the last price floored to the tick, and one tick above."""
    bid = (last / spec.tick_size).to_integral_value(rounding=ROUND_DOWN) * spec.tick_size
    return bid, bid + spec.tick_size


def _level_quantity(replay: SymbolReplay) -> Decimal:
    closed = replay.closed_candles()
    volume = float(np.mean(closed[-20:, 5])) if len(closed) else 1.0
    return to_decimal(max(volume, 1e-8) / 20).quantize(Decimal("0.00000001"))


def depth(spec: MarketSpec, replay: SymbolReplay, limit: int, update_id: int) -> dict:
    bid, ask = best_prices(spec, replay.last_price)
    spacing = max(
        spec.tick_size,
        (replay.last_price * Decimal("0.0001") / spec.tick_size).to_integral_value() * spec.tick_size,
    )
    quantity = _level_quantity(replay)
    levels = min(limit, BOOK_LEVELS)
    bids = [[fmt(bid - spacing * i), fmt(quantity)] for i in range(levels) if bid - spacing * i > 0]
    asks = [[fmt(ask + spacing * i), fmt(quantity)] for i in range(levels)]
    return {"lastUpdateId": update_id, "bids": bids, "asks": asks}


def ticker_24hr(spec: MarketSpec, replay: SymbolReplay, now_ms: int) -> dict:
    closed = replay.closed_candles()
    window = closed[closed[:, 0] >= now_ms - DAY_MS] if len(closed) else closed
    if len(window) == 0:
        window = closed[-1:]
    last = replay.last_price
    open_ = to_decimal(window[0, 1])
    high = max(to_decimal(window[:, 2].max()), last)
    low = min(to_decimal(window[:, 3].min()), last)
    volume = to_decimal(window[:, 5].sum())
    quote_volume = to_decimal(float((window[:, 5] * window[:, 4]).sum()))
    bid, ask = best_prices(spec, last)
    quantity = _level_quantity(replay)
    change = last - open_
    trades = list(replay.trades)
    return {
        "symbol": spec.market_id,
        "priceChange": fmt(change),
        "priceChangePercent": format((change / open_ * 100).quantize(Decimal("0.001")), "f"),
        "weightedAvgPrice": fmt(quote_volume / volume if volume else last),
        "prevClosePrice": fmt(to_decimal(window[0, 1])),
        "lastPrice": fmt(last),
        "lastQty": fmt(trades[-1].quantity if trades else Decimal(0)),
        "bidPrice": fmt(bid),
        "bidQty": fmt(quantity),
        "askPrice": fmt(ask),
        "askQty": fmt(quantity),
        "openPrice": fmt(open_),
        "highPrice": fmt(high),
        "lowPrice": fmt(low),
        "volume": fmt(volume),
        "quoteVolume": fmt(quote_volume),
        "openTime": int(window[0, 0]),
        "closeTime": now_ms - 1,
        "firstId": trades[0].trade_id if trades else -1,
        "lastId": trades[-1].trade_id if trades else -1,
        "count": len(trades),
    }


def book_ticker(spec: MarketSpec, replay: SymbolReplay) -> dict:
    bid, ask = best_prices(spec, replay.last_price)
    quantity = fmt(_level_quantity(replay))
    return {
        "symbol": spec.market_id,
        "bidPrice": fmt(bid),
        "bidQty": quantity,
        "askPrice": fmt(ask),
        "askQty": quantity,
    }


def recent_trades(replay: SymbolReplay, limit: int) -> list[dict]:
    return [
        {
            "id": trade.trade_id,
            "price": fmt(trade.price),
            "qty": fmt(trade.quantity),
            "quoteQty": fmt(trade.price * trade.quantity),
            "time": trade.time,
            "isBuyerMaker": trade.buyer_maker,
            "isBestMatch": True,
        }
        for trade in list(replay.trades)[-limit:]
    ]


def agg_trades(replay: SymbolReplay, query: dict[str, str]) -> list[dict]:
    limit = min(int(query.get("limit", 500)), 1000)
    trades = list(replay.trades)
    if "startTime" in query:
        trades = [t for t in trades if t.time >= int(query["startTime"])]
    if "endTime" in query:
        trades = [t for t in trades if t.time <= int(query["endTime"])]
    if "fromId" in query:
        trades = [t for t in trades if t.trade_id >= int(query["fromId"])]
    selected = trades[:limit] if ("startTime" in query or "fromId" in query) else trades[-limit:]
    return [
        {
            "a": t.trade_id,
            "p": fmt(t.price),
            "q": fmt(t.quantity),
            "f": t.trade_id,
            "l": t.trade_id,
            "T": t.time,
            "m": t.buyer_maker,
            "M": True,
        }
        for t in selected
    ]
