"""ExchangeManager: channels per scope, the push entry points, synchronized steps, side-by-side managers."""

from __future__ import annotations

from decimal import Decimal

import pytest

import octobot_channel as oc
import octobot_trading as ot

from .sim_helpers import H1, T0, D, ManualClock, candle, manager, read_csv_candles, shared_csv

BTC = "BTC/USDT"
ETH = "ETH/USDT"


async def test_every_exchange_channel_lives_in_the_manager_scope_and_goes_with_it():
    em = await manager()
    names = {channel.name for channel in oc.list_channels(em.exchange_id)}
    assert names == {c.__name__ for c in ot.EXCHANGE_CHANNELS}
    assert {
        "OHLCVChannel",
        "KlineChannel",
        "TickerChannel",
        "OrderBookChannel",
        "RecentTradesChannel",
        "MarkPriceChannel",
        "BalanceChannel",
        "BalanceProfitabilityChannel",
        "OrdersChannel",
        "TradesChannel",
        "ModeChannel",
    } == names
    await em.stop()
    assert oc.list_channels(em.exchange_id) == []
    with pytest.raises(ot.ExchangeManagerError, match="not started"):
        em.get_channel("OHLCVChannel")


async def test_candle_messages_carry_exchange_symbol_time_frame_and_consumers_filter_on_them():
    sync = oc.Synchronizer()
    em = await manager(synchronizer=sync)
    seen_all, seen_eth_1h = [], []
    ohlcv = em.get_channel("OHLCVChannel")
    await ohlcv.new_consumer(lambda_(seen_all), filters={"exchange": em.exchange_id})
    await ohlcv.new_consumer(lambda_(seen_eth_1h), filters={"symbol": ETH, "time_frame": "1h"})
    await em.push_candle(BTC, "1h", candle(T0, "100", "101", "99", "100"))
    await em.push_candle(ETH, "4h", candle(T0, "10", "11", "9", "10"))
    await em.push_candle(ETH, "1h", candle(T0, "10", "11", "9", "10"))
    await sync.drain()
    assert [(m["exchange"], m["symbol"], m["time_frame"]) for m in seen_all] == [
        (em.exchange_id, BTC, "1h"),
        (em.exchange_id, ETH, "4h"),
        (em.exchange_id, ETH, "1h"),
    ]
    assert [(m["symbol"], m["time_frame"]) for m in seen_eth_1h] == [(ETH, "1h")]
    assert seen_all[0]["candle"] == candle(T0, "100", "101", "99", "100")
    # the candles are in the buffers, and the smallest time frame gives the last price
    assert len(em.symbol_data(ETH).candle_buffer("4h")) == 1
    assert em.last_price(ETH) == D(10) and em.last_price(BTC) == D(100)
    await em.stop()


async def test_a_float_close_is_the_decimal_of_its_text_and_a_smaller_time_frame_takes_the_price_over():
    em = await manager()
    close = 0.1 + 0.2  # 0.30000000000000004: not the Decimal of the float's binary value
    await em.push_candle(ETH, ot.TimeFrame.ONE_HOUR, [T0, 0.3, 0.31, 0.29, close, 5.0])
    assert em.last_price(ETH) == Decimal("0.30000000000000004")
    assert em.symbol_data(ETH).last_price_time == T0 + H1  # the candle's close time
    await em.push_candle(ETH, "15m", [T0 + H1, 0.3, 0.31, 0.29, 0.305, 5.0])
    await em.push_candle(ETH, "1h", [T0 + H1, 0.3, 0.31, 0.29, 0.295, 5.0])  # no longer the price
    assert em.last_price(ETH) == Decimal("0.305")
    assert em.symbol_data(ETH).last_price_time == T0 + H1 + 15 * 60_000
    # the enum and its text reach the same buffer
    assert len(em.symbol_data(ETH).candle_buffer("1h")) == 2
    with pytest.raises(ot.UnknownTimeFrameError):
        await em.push_candle(ETH, "7x", [T0, 1.0, 1.0, 1.0, 1.0, 1.0])
    await em.stop()


def lambda_(sink: list):
    async def callback(message: dict) -> None:
        sink.append(message)

    return callback


async def test_a_synchronized_step_applies_fills_before_a_medium_consumer_sees_the_candle():
    sync = oc.Synchronizer()
    clock = ManualClock(T0)
    em = await manager(synchronizer=sync, clock=clock)
    await em.push_candle(BTC, "1h", candle(T0, "100", "101", "99", "100"))
    await sync.drain()
    clock.now = T0 + H1
    order = await em.trader.create_order(BTC, "buy", "limit", "1", price="95")
    events = []

    async def evaluator(message: dict) -> None:  # MEDIUM: what an evaluator sees
        events.append(("evaluator", message["candle"][0], order.status, em.portfolio.total("BTC")))

    async def on_trade(message: dict) -> None:
        events.append(("trade", message["trade"]["price"], message["symbol"], message["exchange"]))

    await em.get_channel("OHLCVChannel").new_consumer(evaluator, priority=oc.Priority.MEDIUM)
    await em.get_channel("TradesChannel").new_consumer(on_trade, priority=oc.Priority.HIGH)
    await em.push_candle(BTC, "1h", candle(T0 + H1, "100", "100", "94", "96"))
    assert events == []  # synchronized: nothing runs before the drain
    await sync.drain()
    assert events == [
        ("trade", D(95), BTC, em.exchange_id),
        ("evaluator", T0 + H1, ot.OrderStatus.FILLED, D(1) + D(1) - D("0.001")),
    ]
    await em.stop()


async def test_orders_trades_and_balance_messages_follow_a_fill():
    sync = oc.Synchronizer()
    clock = ManualClock(T0)
    em = await manager(synchronizer=sync, clock=clock)
    received: dict[str, list] = {
        "OrdersChannel": [],
        "TradesChannel": [],
        "BalanceChannel": [],
        "BalanceProfitabilityChannel": [],
    }
    for name, sink in received.items():
        await em.get_channel(name).new_consumer(lambda_(sink))
    await em.push_candle(BTC, "1h", candle(T0, "100", "101", "99", "100"))
    clock.now = T0 + H1
    order = await em.trader.create_order(BTC, "sell", "limit", "0.5", price="104")
    await em.push_candle(BTC, "1h", candle(T0 + H1, "100", "105", "99", "103"))
    await sync.drain()
    statuses = [m["order"]["status"] for m in received["OrdersChannel"] if m["order"]["id"] == order.order_id]
    assert statuses == ["open", "filled"]
    assert all(m["symbol"] == BTC and m["exchange"] == em.exchange_id for m in received["OrdersChannel"])
    (trade,) = received["TradesChannel"]
    assert trade["trade"]["amount"] == D("0.5") and trade["trade"]["price"] == D(104)
    last_balance = received["BalanceChannel"][-1]["balance"]
    assert last_balance["BTC"] == {"total": D("0.5"), "available": D("0.5")}
    assert last_balance["USDT"]["total"] == D(10000) + D(52) - D("0.052")
    profitability = received["BalanceProfitabilityChannel"][-1]["profitability"]
    assert profitability["reference"] == "USDT" and profitability["current_value"] > 0
    await em.stop()


async def test_tickers_and_mark_prices_move_the_market_then_are_published():
    sync = oc.Synchronizer()
    em = await manager(synchronizer=sync)
    tickers, marks = [], []
    await em.get_channel("TickerChannel").new_consumer(lambda_(tickers), filters={"symbol": BTC})
    await em.get_channel("MarkPriceChannel").new_consumer(lambda_(marks))
    await em.push_ticker(BTC, {"symbol": BTC, "last": 100.0, "timestamp": T0})
    order = await em.trader.create_order(BTC, "buy", "limit", "0.1", price="98")
    await em.push_mark_price(BTC, "97.5", T0 + 1)
    assert order.status is ot.OrderStatus.FILLED and order.average_price == D(98)
    await em.push_order_book(BTC, [[97.4, 1.0]], [[97.6, 2.0]], T0 + 2)
    await em.push_recent_trades(BTC, [{"price": 97.5, "amount": 0.1}])
    await sync.drain()
    assert tickers[0]["ticker"]["last"] == 100.0 and tickers[0]["exchange"] == em.exchange_id
    assert marks == [{"exchange": em.exchange_id, "symbol": BTC, "price": D("97.5"), "time": T0 + 1}]
    assert em.symbol_data(BTC).asks == [[97.6, 2.0]]
    await em.stop()


async def test_kline_updates_the_forming_candle_without_filling_orders():
    em = await manager()
    await em.push_candle(BTC, "1h", candle(T0, "100", "101", "99", "100"))
    order = await em.trader.create_order(BTC, "buy", "limit", "0.1", price="95")
    await em.push_kline(BTC, "1h", candle(T0 + H1, "100", "100", "90", "91"))
    buffer = em.symbol_data(BTC).candle_buffer("1h")
    assert buffer.current_candle.low == 90.0 and len(buffer) == 1
    assert order.filled == 0
    await em.stop()


async def test_unknown_symbols_are_refused_at_the_entry_point():
    em = await manager()
    with pytest.raises(ot.UnknownSymbolError, match="XRP/USDT"):
        await em.push_candle("XRP/USDT", "1h", candle(T0, "1", "1", "1", "1"))
    await em.stop()


async def test_several_exchange_managers_live_side_by_side():
    clock = ManualClock(T0)
    first = await manager(clock=clock)
    second = await manager({"USDT": "500", "BTC": "0"}, clock=clock)
    assert first.exchange_id != second.exchange_id
    first_trades, second_trades = [], []
    await first.get_channel("TradesChannel").new_consumer(lambda_(first_trades), supervised=True)
    await second.get_channel("TradesChannel").new_consumer(lambda_(second_trades), supervised=True)
    for em in (first, second):
        await em.push_candle(BTC, "1h", candle(T0, "100", "101", "99", "100"))
    clock.now = T0 + H1
    a = await first.trader.create_order(BTC, "buy", "limit", "1", price="95")
    b = await second.trader.create_order(BTC, "buy", "limit", "1", price="95")
    await first.push_candle(BTC, "1h", candle(T0 + H1, "100", "100", "94", "96"))  # only the first moves
    await second.push_candle(BTC, "1h", candle(T0 + H1, "100", "100", "96", "97"))
    for em in (first, second):
        for consumer in em.get_channel("TradesChannel").consumers:
            await consumer.join()
    assert a.status is ot.OrderStatus.FILLED and b.status is ot.OrderStatus.OPEN
    assert [m["exchange"] for m in first_trades] == [first.exchange_id] and second_trades == []
    assert first.portfolio.total("USDT") == D(9905) and second.portfolio.available("USDT") == D(405)
    await first.stop()
    assert oc.list_channels(second.exchange_id)  # stopping one leaves the other running
    await second.stop()


async def test_replay_of_real_candles_keeps_funds_exact():
    path = shared_csv("ETH_BTC-5m.csv")
    if path is None:
        pytest.skip("shared market data not found: set OCTOBOT_SHARED_DATA to the shared/data folder")
    candles = read_csv_candles(path)[:2000]
    clock = ManualClock(candles[0][0])
    em = await manager({"BTC": "10", "ETH": "100"}, clock=clock)
    symbol = "ETH/BTC"
    step = 5 * 60_000
    orders = []
    for index, row in enumerate(candles):
        clock.now = row[0] + step  # a candle is pushed when it closes
        await em.push_candle(symbol, "5m", row)
        if index % 50 == 0:  # a small grid around the price every 50 candles
            price = Decimal(str(row[4]))
            for offset in ("0.99", "0.995"):
                orders.append(
                    await em.trader.create_order(symbol, "buy", "limit", "1", price=price * D(offset))
                )
            for offset in ("1.005", "1.01"):
                orders.append(
                    await em.trader.create_order(symbol, "sell", "limit", "1", price=price * D(offset))
                )
    trades = em.trader.trades(symbol)
    assert len(trades) > 20
    by_time = {row[0]: row for row in candles}
    for trade in trades:
        order = next(o for o in orders if o.order_id == trade.order_id)
        row = by_time[trade.time - step]  # filled by the candle that closed at trade.time
        assert row[0] >= order.created_at  # never on prices before the order existed
        assert Decimal(str(row[3])) <= trade.price <= Decimal(str(row[2]))  # inside that candle's range
    btc_delta = sum((-t.cost if t.side is ot.OrderSide.BUY else t.cost - t.fee) for t in trades)
    eth_delta = sum((t.amount - t.fee if t.side is ot.OrderSide.BUY else -t.amount) for t in trades)
    assert em.portfolio.total("BTC") == D(10) + btc_delta
    assert em.portfolio.total("ETH") == D(100) + eth_delta
    locked_btc = sum(o.locked_amount for o in em.trader.open_orders() if o.is_buy)
    assert em.portfolio.locked("BTC") == locked_btc
    await em.trader.cancel_all_orders(symbol)
    assert em.portfolio.locked("BTC") == 0 and em.portfolio.locked("ETH") == 0
    await em.stop()
