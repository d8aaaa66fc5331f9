"""MarketMakingTradingMode on real ETH/BTC prices: the book to the unit (prices from the spreads, volumes
from the funds), refreshed past the threshold or after a fill, another exchange as the reference."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

import jsonschema
import pytest

import octobot_channel as oc
import octobot_trading as ot

from .sim_helpers import T0, D, ManualClock, candle, manager, read_csv_candles, shared_csv

PAIR = "ETH/BTC"
TICK, STEP = D("0.00001"), D("0.0001")  # the test market's price tick and amount step
CONFIG = {"bids_count": 3, "asks_count": 3, "min_spread": 1, "max_spread": 3, "refresh_threshold": 0.5}


def _price(value: Decimal) -> Decimal:
    return value.quantize(TICK, rounding=ROUND_HALF_EVEN)


def _amount(value: Decimal) -> Decimal:
    return value.quantize(STEP, rounding=ROUND_DOWN)


@pytest.fixture(scope="module")
def closes() -> list[Decimal]:
    path = shared_csv("ETH_BTC-5m.csv")
    if path is None:
        pytest.skip("real market data not found: set OCTOBOT_SHARED_DATA")
    return [Decimal(repr(row[4])) for row in read_csv_candles(path)[:500]]


async def _maker(config=None, balances=None, *, name="binance", peers=None):
    sync = oc.Synchronizer()
    em = await manager(
        balances or {"BTC": "3", "ETH": "30"}, clock=ManualClock(T0), synchronizer=sync, name=name
    )
    mode = ot.MarketMakingTradingMode(em, [PAIR], {**CONFIG, **(config or {})})
    mode.set_peer_exchanges(peers or {})
    await mode.start()
    return em, mode, sync


async def _book_at(em, sync, mid: Decimal, half: Decimal = D("0.00002")) -> None:
    await em.push_order_book(PAIR, [[mid - half, D(5)]], [[mid + half, D(5)]], T0)
    await sync.drain()


def _orders(em) -> list[tuple[str, Decimal, Decimal]]:
    return sorted((o.side.value, o.price, o.amount) for o in em.trader.open_orders(PAIR))


def test_market_making_mode_is_a_tentacle_with_a_valid_default_config():
    cls = ot.MarketMakingTradingMode
    assert cls.TENTACLE_KIND == "trading_mode" and cls.REQUIRED_STRATEGIES == ()
    assert cls.REQUIRED_MARKET_DATA == ("order_books",)
    jsonschema.Draft202012Validator.check_schema(cls.CONFIG_SCHEMA)
    jsonschema.validate(cls.DEFAULT_CONFIG, cls.CONFIG_SCHEMA)
    assert all(p.get("description") for p in cls.CONFIG_SCHEMA["properties"].values())
    problems = cls.config_problems({**cls.DEFAULT_CONFIG, "min_spread": 4, "max_spread": 2})
    assert [p.key for p in problems] == ["max_spread"]


async def test_bids_and_asks_are_spaced_from_min_to_max_spread_and_sized_by_the_funds(closes):
    em, _, sync = await _maker()
    mid = closes[0]
    await _book_at(em, sync, mid)
    # spreads 1, 2, 3 % (best bid to best ask): each order half of it from the mid; the same BTC per bid
    # (3 BTC / 3), the same ETH per ask (30 ETH / 3)
    expected = []
    for spread in (D(1), D(2), D(3)):
        bid = _price(mid * (1 - spread / 200))
        expected.append(("buy", bid, _amount(D(1) / bid)))
        expected.append(("sell", _price(mid * (1 + spread / 200)), D("10.0000")))
    assert _orders(em) == sorted(expected)
    assert {o.tag for o in em.trader.open_orders(PAIR)} == {"MarketMakingTradingMode"}
    await em.stop()


async def test_the_book_follows_the_reference_past_the_threshold_only(closes):
    em, _, sync = await _maker({"funds_percent": 50})
    await _book_at(em, sync, closes[0])
    first = _orders(em)
    assert sum(amount for side, _, amount in first if side == "sell") == D(15)  # half of the 30 ETH
    await _book_at(em, sync, closes[0] * D("1.004"))  # 0.4 %: under the 0.5 % threshold
    assert _orders(em) == first
    moved = closes[0] * D("1.006")
    await _book_at(em, sync, moved)
    assert _orders(em) != first
    assert min(price for side, price, _ in _orders(em) if side == "sell") == _price(moved * D("1.005"))
    assert len(em.trader.open_orders(PAIR)) == 6  # replaced, not added
    await em.stop()


async def test_a_filled_order_makes_the_book_laid_again(closes):
    em, _, sync = await _maker()
    mid = closes[0]
    await _book_at(em, sync, mid)
    best_bid = max(price for side, price, _ in _orders(em) if side == "buy")
    low = float(best_bid - TICK)
    await em.push_candle(PAIR, "5m", candle(T0, str(mid), str(mid), str(low), str(mid)))
    await sync.drain()
    assert len(em.trader.open_orders(PAIR)) == 5  # the best bid filled
    await _book_at(em, sync, mid)  # same reference: laid again for the missing order
    orders = _orders(em)
    assert len(orders) == 6 and max(price for side, price, _ in orders if side == "buy") == best_bid
    # the ETH the fill brought is now offered too: 30 + the bought ETH (minus its fee) over 3 asks
    assert sum(amount for side, _, amount in orders if side == "sell") > D(30)
    await em.stop()


async def test_another_exchange_can_be_the_reference(closes):
    sync = oc.Synchronizer()
    reference = await manager({"BTC": "1"}, clock=ManualClock(T0), synchronizer=sync, name="kraken")
    em, _, _ = await _maker({"reference_exchange": "kraken"}, peers={"kraken": reference})
    await _book_at(em, sync, closes[0])  # the local book: not the reference
    assert _orders(em) == []
    await reference.push_order_book(PAIR, [[closes[10], D(1)]], [[closes[10] + TICK * 2, D(1)]], T0)
    await sync.drain()
    await em.synchronizer.drain()
    mid = closes[10] + TICK
    assert min(price for side, price, _ in _orders(em) if side == "sell") == _price(mid * D("1.005"))
    await em.stop()
    await reference.stop()
    with pytest.raises(
        ot.TradingModeError, match="reference_exchange 'bitfinex' is not an exchange of this bot"
    ):
        await _maker({"reference_exchange": "bitfinex"})


async def test_each_side_is_capped_at_a_share_of_the_ticker_daily_volume(closes):
    em, mode, sync = await _maker({"max_daily_volume_percent": 10})
    mid = closes[0]
    await em.push_ticker(PAIR, {"timestamp": T0, "last": mid, "baseVolume": D(60)})
    assert mode.daily_volume(PAIR) == D(60)
    await _book_at(em, sync, mid)
    # 10 % of 60 ETH a day: at most 6 ETH per side, 2 per order (the funds alone would allow 10 per ask)
    orders = _orders(em)
    assert [amount for side, _, amount in orders if side == "sell"] == [D(2)] * 3
    bids = [(price, amount) for side, price, amount in orders if side == "buy"]
    assert len(bids) == 3 and all(amount == D(2) for _, amount in bids)  # 1 BTC / bid would buy ~ 10 ETH
    await em.stop()


async def test_the_daily_volume_comes_from_a_day_of_candles_without_a_ticker_volume(closes):
    em, mode, sync = await _maker({"max_daily_volume_percent": 50})
    await _book_at(em, sync, closes[0])
    assert _orders(em) == []  # no volume known yet: no book (said once in the log)
    path = shared_csv("ETH_BTC-5m.csv")
    rows = read_csv_candles(path)[:300]  # 300 five-minute candles: more than a day
    for row in rows:
        await em.push_candle(PAIR, "5m", row)
    last_day = rows[-288:]
    assert float(mode.daily_volume(PAIR)) == pytest.approx(sum(row[5] for row in last_day), rel=1e-12)
    await _book_at(em, sync, Decimal(repr(rows[-1][4])))
    assert len(em.trader.open_orders(PAIR)) == 6
    await em.stop()


async def test_less_than_a_day_of_candles_is_extrapolated_from_an_hour_on(closes):
    em, mode, _ = await _maker({"max_daily_volume_percent": 50})
    rows = read_csv_candles(shared_csv("ETH_BTC-5m.csv"))[:24]  # two hours
    for row in rows[:11]:  # 55 minutes: not enough
        await em.push_candle(PAIR, "5m", row)
    assert mode.daily_volume(PAIR) is None
    for row in rows[11:]:
        await em.push_candle(PAIR, "5m", row)
    assert float(mode.daily_volume(PAIR)) == pytest.approx(sum(row[5] for row in rows) * 12, rel=1e-12)
    await em.stop()
