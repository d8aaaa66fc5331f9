"""Remote signals: the order signal format, the emitter, the receiving mode, and one bot's signals driving
another on real candles."""

from __future__ import annotations

import json
from decimal import ROUND_DOWN, Decimal

import jsonschema
import pytest

import octobot_channel as oc
import octobot_trading as ot

from .sim_helpers import H1, T0, D, ManualClock, candle, manager, read_csv_candles, shared_csv

BTC = "BTC/USDT"
BUY, SELL, MARKET, LIMIT = ot.OrderSide.BUY, ot.OrderSide.SELL, ot.OrderKind.MARKET, ot.OrderKind.LIMIT


def _truncate(amount: Decimal, step: str = "0.00001") -> Decimal:
    return amount.quantize(D(step), rounding=ROUND_DOWN)


def test_a_signal_round_trips_through_its_json_document():
    signal = ot.OrderSignal(
        "binance-1-7",
        "bot-a",
        "create",
        BTC,
        T0,
        ot.OrderSide.BUY,
        ot.OrderKind.LIMIT,
        D("0.198"),
        D("-1"),
        None,
        "x",
    )
    document = json.loads(signal.to_json())
    assert document["format"] == "octobot-order-signal/1"
    assert document["amount_share"] == "0.198" and document["price_offset_percent"] == "-1"
    assert ot.read_signal(signal.to_json()) == signal
    cancel = ot.OrderSignal("binance-1-7", "bot-a", "cancel", BTC, T0 + 1)
    assert ot.read_signal(cancel.to_document()) == cancel


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"format": "v0"}, "format"),
        ({"action": "modify"}, "action"),
        ({"side": "long"}, "side/type"),
        ({"amount_share": "1.5"}, "amount_share"),
        ({"amount_share": "abc"}, "amount_share"),
        ({"time": -1}, "time"),
        ({"symbol": ""}, "symbol"),
    ],
)
def test_a_broken_signal_is_refused_naming_its_key(change, key):
    document = {
        **ot.OrderSignal(
            "i", "e", "create", BTC, T0, ot.OrderSide.BUY, ot.OrderKind.MARKET, D("0.1")
        ).to_document(),
        **change,
    }
    with pytest.raises(ot.OrderSignalError, match=f"^{key}"):
        ot.read_signal(document)
    with pytest.raises(ot.OrderSignalError, match="JSON"):
        ot.read_signal("{not json")


def test_remote_signals_mode_is_a_tentacle_that_needs_no_strategy():
    cls = ot.RemoteSignalsTradingMode
    assert cls.TENTACLE_KIND == "trading_mode" and not cls.ABSTRACT and cls.REQUIRED_STRATEGIES == ()
    jsonschema.Draft202012Validator.check_schema(cls.CONFIG_SCHEMA)
    jsonschema.validate(cls.DEFAULT_CONFIG, cls.CONFIG_SCHEMA)
    for key, spec in cls.CONFIG_SCHEMA["properties"].items():
        assert spec.get("description"), f"{key} is not documented"


async def _pair(emitter_balances, follower_balances, config=None, price="100"):
    """An emitting account and a following one, the follower's mode fed by the emitter's signals."""
    accounts = []
    for balances in (emitter_balances, follower_balances):
        sync = oc.Synchronizer()
        em = await manager(balances, clock=ManualClock(T0 + H1), synchronizer=sync)
        await em.push_candle(BTC, "1h", candle(T0, price, price, price, price))
        await sync.drain()
        accounts.append((em, sync))
    (source, source_sync), (follower, follower_sync) = accounts
    mode = ot.RemoteSignalsTradingMode(follower, [BTC], config)
    await mode.start()
    emitter = ot.OrderSignalEmitter(source, mode.on_signal, emitter="bot-a")
    await emitter.start()
    return source, source_sync, follower, follower_sync, mode, emitter


async def test_the_emitter_tells_each_order_as_a_share_of_its_holding_and_an_offset_from_its_price():
    source, sync, follower, _, _, emitter = await _pair(
        {"USDT": "1000", "BTC": "1"}, {"USDT": "500", "BTC": "2"}
    )
    limit = await source.trader.create_order(BTC, "buy", "limit", "2", price="99")
    await sync.drain()
    await source.trader.create_order(BTC, "sell", "market", "0.5", tag="manual")
    await sync.drain()
    await source.trader.cancel_order(limit)
    await sync.drain()
    create, market, cancel = emitter.emitted
    assert (create.action, create.side, create.kind) == ("create", ot.OrderSide.BUY, ot.OrderKind.LIMIT)
    assert create.amount_share == D("0.198")  # 2 x 99 of the 1000 USDT held
    assert create.price_offset_percent == D("-1") and create.trigger_offset_percent is None
    assert (market.side, market.kind, market.tag) == (ot.OrderSide.SELL, ot.OrderKind.MARKET, "manual")
    assert market.amount_share == D("0.5")  # 0.5 of the 1 BTC held before the sell filled
    assert (cancel.action, cancel.id) == ("cancel", create.id)
    await source.stop()
    await follower.stop()


async def test_the_follower_copies_each_order_at_its_own_size_and_cancels_the_copy():
    source, sync, follower, follower_sync, mode, _ = await _pair(
        {"USDT": "1000", "BTC": "1"}, {"USDT": "500", "BTC": "2"}
    )
    limit = await source.trader.create_order(BTC, "buy", "limit", "2", price="99")
    await sync.drain()
    await follower_sync.drain()
    (copy,) = follower.trader.open_orders(BTC)
    assert (copy.side, copy.kind, copy.price) == (ot.OrderSide.BUY, ot.OrderKind.LIMIT, D("99.00"))
    assert copy.amount == D(1)  # 0.198 of 500 USDT at 99
    await source.trader.create_order(BTC, "sell", "market", "0.25")
    await sync.drain()
    await follower_sync.drain()
    (sold,) = [o for o in follower.trader.closed_orders(BTC) if o.side is ot.OrderSide.SELL]
    assert sold.amount == D("0.5")  # a quarter of 2 BTC
    await source.trader.cancel_order(limit)
    await sync.drain()
    await follower_sync.drain()
    assert copy.status is ot.OrderStatus.CANCELLED and follower.trader.open_orders(BTC) == []
    assert mode.last_errors == {}
    await source.stop()
    await follower.stop()


async def test_signals_of_another_emitter_or_pair_are_ignored_and_volume_percent_scales_the_share():
    source, sync, follower, follower_sync, mode, _ = await _pair(
        {"USDT": "1000"}, {"USDT": "500"}, {"emitter": "bot-a", "volume_percent": 50}
    )
    other = ot.OrderSignal("x", "bot-b", "create", BTC, T0, BUY, MARKET, D("0.5"))
    assert await mode.on_signal(other.to_json()) is False
    eth = ot.OrderSignal(
        "y", "bot-a", "create", "ETH/USDT", T0, ot.OrderSide.BUY, ot.OrderKind.MARKET, D("0.5")
    )
    assert await mode.on_signal(eth) is False
    assert follower.trader.open_orders(BTC) == [] and list(follower.trader.closed_orders()) == []
    await source.trader.create_order(BTC, "buy", "limit", "2", price="99")
    await sync.drain()
    await follower_sync.drain()
    (copy,) = follower.trader.open_orders(BTC)
    assert copy.amount == D("0.5")  # half of 0.198 of 500 USDT at 99
    await source.stop()
    await follower.stop()


async def test_one_bots_grid_drives_another_bot_on_real_candles():
    path = shared_csv("ETH_BTC-5m.csv")
    if path is None:
        pytest.skip("shared market data not found")
    pair, five_minutes = "ETH/BTC", 300_000
    rows = read_csv_candles(path)[:1500]
    spread = (Decimal(str(rows[0][4])) * D("0.01")).quantize(D("0.00001"))
    accounts = []
    for balances in ({"BTC": "10", "ETH": "50"}, {"BTC": "3", "ETH": "20"}):
        sync = oc.Synchronizer()
        clock = ManualClock(rows[0][0] + five_minutes)
        em = await manager(balances, clock=clock, synchronizer=sync)
        await em.push_candle(pair, "5m", rows[0])
        await sync.drain()
        accounts.append((em, sync, clock))
    (source, source_sync, source_clock), (follower, follower_sync, follower_clock) = accounts
    # this harness gives each bot whole candles, the follower's first: the grid must react at candle
    # closes (not inside the candle's walk, at a price the follower is past), so that both bots see the
    # same price when a signal leaves and the copy's price can be compared with the original's
    source.connector.pauses_on_watched_fills = False
    mode = ot.RemoteSignalsTradingMode(follower, [pair])
    await mode.start()
    held_at_signal: dict[str, tuple[Decimal, Decimal]] = {}

    async def deliver(signal: ot.OrderSignal) -> None:
        """The transport: a JSON document, as a feed would carry it; notes what the follower held."""
        if signal.action == "create":
            asset = "BTC" if signal.side is ot.OrderSide.BUY else "ETH"
            portfolio = follower.portfolio
            held_at_signal[signal.id] = (portfolio.total(asset), portfolio.available(asset))
        await mode.on_signal(signal.to_json())

    emitter = ot.OrderSignalEmitter(source, deliver, emitter="grid-bot", tags=["GridTradingMode"])
    await emitter.start()
    grid = ot.GridTradingMode(
        source,
        [pair],
        {
            "flat_spread": float(spread),
            "flat_increment": float(spread / 2),
            "buy_orders_count": 4,
            "sell_orders_count": 4,
            "buy_funds": 4,
            "sell_funds": 20,
        },
    )
    await grid.start()
    await source_sync.drain()
    await follower_sync.drain()
    for row in rows[1:]:
        follower_clock.now = source_clock.now = row[0] + five_minutes
        await follower.push_candle(pair, "5m", row)
        await follower_sync.drain()
        await source.push_candle(pair, "5m", row)
        await source_sync.drain()
        await follower_sync.drain()
    creates = [s for s in emitter.emitted if s.action == "create"]
    assert len(creates) >= 15, "the grid should lay and mirror orders on 1,500 real 5m candles"
    rules = follower.markets.rules(pair)
    by_id = {o.order_id: o for o in [*source.trader.open_orders(pair), *source.trader.closed_orders(pair)]}
    for signal in creates:
        original = by_id[signal.id]
        (copy,) = mode.copies[signal.id]
        assert (copy.side, copy.kind, copy.price) == (original.side, original.kind, original.price)
        held, available = held_at_signal[signal.id]
        spent = held * signal.amount_share  # the emitter's share of what the follower holds
        # a sell never sells more than is available (the grid's other sells lock some)
        expected = spent / copy.price if copy.side is ot.OrderSide.BUY else min(spent, available)
        assert copy.amount == rules.adjust_amount(expected), signal
    assert mode.last_errors == {}
    filled_copies = [o for o in follower.trader.closed_orders(pair) if o.status is ot.OrderStatus.FILLED]
    assert filled_copies, "the follower's copies trade too"
    await source.stop()
    await follower.stop()
