"""ArbitrageTradingMode on real ETH/BTC prices against a second exchange of the bot: the entry below (a
buy) or above (a sale of held coins) the others' average by the minimum delta, the exit at the average and
the stop, to the unit; the ``sides`` setting."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

import jsonschema
import pytest

import octobot_channel as oc
import octobot_trading as ot

from .sim_helpers import T0, D, ManualClock, manager, read_csv_candles, shared_csv

PAIR = "ETH/BTC"
M5 = 300_000
TICK, STEP = D("0.00001"), D("0.0001")


@pytest.fixture(scope="module")
def rows() -> list[list]:
    path = shared_csv("ETH_BTC-5m.csv")
    if path is None:
        pytest.skip("real market data not found: set OCTOBOT_SHARED_DATA")
    return read_csv_candles(path)[:300]


async def _pair_of_exchanges(config=None, balances=None):
    sync = oc.Synchronizer()
    clock = ManualClock(T0)
    local = await manager(balances or {"BTC": "2"}, clock=clock, synchronizer=sync, name="binance")
    other = await manager({"BTC": "2"}, clock=clock, synchronizer=sync, name="kraken")
    mode = ot.ArbitrageTradingMode(local, [PAIR], config or {})
    mode.set_peer_exchanges({"kraken": other, "binance": local})  # itself is never its own peer
    await mode.start()
    return local, other, mode, sync, clock


async def _prices(local, other, sync, clock, row: list, premium: str) -> None:
    """The real candle on the local exchange, the same candle ``premium`` higher on the other one."""
    factor = float(D(1) + D(premium))
    await other.push_candle(PAIR, "5m", [row[0], *(value * factor for value in row[1:5]), row[5]])
    await local.push_candle(PAIR, "5m", row)
    clock.now = int(row[0]) + M5
    await sync.drain()


def test_arbitrage_mode_is_a_tentacle_with_a_valid_default_config():
    cls = ot.ArbitrageTradingMode
    assert cls.TENTACLE_KIND == "trading_mode" and cls.REQUIRED_STRATEGIES == ()
    jsonschema.Draft202012Validator.check_schema(cls.CONFIG_SCHEMA)
    jsonschema.validate(cls.DEFAULT_CONFIG, cls.CONFIG_SCHEMA)
    assert all(p.get("description") for p in cls.CONFIG_SCHEMA["properties"].values())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**cls.DEFAULT_CONFIG, "minimal_price_delta_percent": 0}, cls.CONFIG_SCHEMA)


async def test_no_entry_while_the_gap_is_below_the_minimal_delta(rows):
    local, other, mode, sync, clock = await _pair_of_exchanges()
    for row in rows[:20]:
        await _prices(local, other, sync, clock, row, "0.002")  # 0.2 % cheaper here: under 0.25 %
    assert local.trader.open_orders(PAIR) == [] and mode.peer_exchanges == {"kraken": other}
    await local.stop()
    await other.stop()


async def test_entry_exit_at_the_average_and_stop_to_the_unit(rows):
    local, other, _, sync, clock = await _pair_of_exchanges()
    await _prices(local, other, sync, clock, rows[0], "0.01")  # the other exchange 1 % higher
    close = Decimal(str(rows[0][4]))  # the local price, as the exchange manager takes a candle's close
    p = close.quantize(TICK, rounding=ROUND_HALF_EVEN)
    average = Decimal(str(rows[0][4] * float(D("1.01"))))  # the other exchange's price
    # the entry: a limit buy at the local price (marketable: the simulator fills it at once)
    (entry,) = [o for o in local.trader.closed_orders() if o.parent_id is None]
    assert (entry.side, entry.kind, entry.price, entry.status) == (
        ot.OrderSide.BUY,
        ot.OrderKind.LIMIT,
        p,
        ot.OrderStatus.FILLED,
    )
    assert entry.amount == (D("0.5") / p).quantize(STEP, rounding=ROUND_DOWN)  # 25 % of 2 BTC
    # the exit at the average and the stop, for what the entry brought, one cancelling the other
    exits = {o.kind: o for o in local.trader.open_orders(PAIR)}
    bought = entry.filled - entry.fees.get("ETH", D(0))
    assert exits[ot.OrderKind.LIMIT].price == average.quantize(TICK, rounding=ROUND_HALF_EVEN)
    stop = (p * D("0.999")).quantize(TICK, rounding=ROUND_HALF_EVEN)
    assert exits[ot.OrderKind.STOP_LOSS].trigger_price == stop
    assert {o.amount for o in exits.values()} == {bought.quantize(STEP, rounding=ROUND_DOWN)}
    assert all(o.side is ot.OrderSide.SELL for o in exits.values())
    # no second entry while the exit is open, then the exit fills when the price reaches the average
    for row in rows[1:]:
        await _prices(local, other, sync, clock, row, "0.01")
        if not any(o.is_active for o in exits.values()):
            break
    done = [o for o in exits.values() if o.status is ot.OrderStatus.FILLED]
    assert len(done) == 1  # one leg filled, the other cancelled
    await local.stop()
    await other.stop()


async def test_an_unfilled_entry_is_cancelled_when_the_gap_closes(rows):
    sync = oc.Synchronizer()
    clock = ManualClock(T0)
    local = await manager({"BTC": "2"}, clock=clock, synchronizer=sync, name="binance")
    other = await manager({"BTC": "2"}, clock=clock, synchronizer=sync, name="kraken")
    await local.push_candle(PAIR, "5m", rows[0])
    # an entry the mode left open before a restart (its tag), below the market: not filled yet
    entry = await local.trader.create_order(
        PAIR, "buy", "limit", D("1"), D("0.05"), tag="ArbitrageTradingMode"
    )
    mode = ot.ArbitrageTradingMode(local, [PAIR], {})
    mode.set_peer_exchanges({"kraken": other})
    await mode.start()
    await _prices(local, other, sync, clock, rows[1], "0.01")  # still an opportunity: kept
    assert entry.status is ot.OrderStatus.OPEN
    await _prices(local, other, sync, clock, rows[2], "0")  # the gap closed: given up
    assert entry.status is ot.OrderStatus.CANCELLED and local.trader.open_orders(PAIR) == []
    assert local.portfolio.available("BTC") == D(2)
    await local.stop()
    await other.stop()


async def test_a_dearer_price_here_sells_held_coins_and_buys_them_back_at_the_average(rows):
    local, other, _, sync, clock = await _pair_of_exchanges(balances={"BTC": "2", "ETH": "10"})
    await _prices(local, other, sync, clock, rows[0], "-0.01")  # the other exchange 1 % lower
    p = Decimal(str(rows[0][4])).quantize(TICK, rounding=ROUND_HALF_EVEN)
    average = Decimal(str(rows[0][4] * float(D("0.99")))).quantize(TICK, rounding=ROUND_HALF_EVEN)
    # the entry: a limit sell at the local price of 25 % of the 10 ETH held
    (entry,) = local.trader.open_orders(PAIR)
    assert (entry.side, entry.kind, entry.price, entry.amount, entry.parent_id) == (
        ot.OrderSide.SELL,
        ot.OrderKind.LIMIT,
        p,
        D("2.5"),
        None,
    )
    index = 1
    while entry.is_active:  # the gap stays: the entry waits for the market to reach it
        await _prices(local, other, sync, clock, rows[index], "-0.01")
        index += 1
    assert entry.status is ot.OrderStatus.FILLED
    brought = entry.filled * entry.price - entry.fees.get("BTC", D(0))  # the quote the sale brought
    # its exits, found by parent: one may fill later in the candle of the sale already (the chained orders
    # of a fill meet the rest of that candle; on these candles the stop does, the market rising past it)
    orders = [*local.trader.open_orders(PAIR), *local.trader.closed_orders(PAIR)]
    exits = {o.kind: o for o in orders if o.parent_id == entry.order_id}
    assert all(o.side is ot.OrderSide.BUY for o in exits.values())
    back, stop = exits[ot.OrderKind.LIMIT], exits[ot.OrderKind.STOP_LOSS]
    # the buy-back at the average takes back every coin sold: it costs less than the sale brought
    assert back.price == average and back.amount == D("2.5")
    assert back.amount * back.price < brought
    # the stop above the sale, sized so that the sale's quote pays it
    assert stop.trigger_price == (p * D("1.001")).quantize(TICK, rounding=ROUND_HALF_EVEN)
    assert stop.amount < D("2.5") and stop.amount * stop.trigger_price <= brought
    for row in rows[index:]:
        await _prices(local, other, sync, clock, row, "-0.01")
        if not any(o.is_active for o in exits.values()):
            break
    assert len([o for o in exits.values() if o.status is ot.OrderStatus.FILLED]) == 1
    await local.stop()
    await other.stop()


@pytest.mark.parametrize(("sides", "premium"), [("buy", "-0.01"), ("sell", "0.01")])
async def test_sides_limits_the_gaps_traded(rows, sides, premium):
    local, other, _, sync, clock = await _pair_of_exchanges({"sides": sides}, {"BTC": "2", "ETH": "10"})
    for row in rows[:20]:
        await _prices(local, other, sync, clock, row, premium)
    assert local.trader.open_orders(PAIR) == [] and local.trader.closed_orders() == []
    assert local.portfolio.total("ETH") == D(10) and local.portfolio.total("BTC") == D(2)
    await local.stop()
    await other.stop()


async def test_a_paused_mode_enters_on_neither_side(rows):
    local, other, mode, sync, clock = await _pair_of_exchanges(balances={"BTC": "2", "ETH": "10"})
    mode.entries_paused = True  # as BotControl.pause sets it
    for index, row in enumerate(rows[:20]):  # dearer here, then cheaper here, in turn
        await _prices(local, other, sync, clock, row, "-0.01" if index % 2 else "0.01")
    assert local.trader.closed_orders() == [] and local.trader.open_orders(PAIR) == []
    await local.stop()
    await other.stop()
