"""Balances never drift: amounts of very different magnitudes lock and unlock to the last digit.

Decimal's default 28 significant digits would round 1 - 0.08912091355535731009957360462, and unlocking
exactly what was locked would then be refused (seen in a backtest of the default profile).
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import octobot_trading as ot

AMOUNTS = [
    Decimal("0.08912091355535731009957360462"),
    Decimal("0.0000000123456789012345678901234"),
    Decimal("123.456789012345678901234567"),
    Decimal("0.3333333333333333333333333333"),
]


def test_locks_of_mixed_magnitudes_unlock_exactly_in_any_order():
    start = Decimal("1000.000000001")
    portfolio = ot.Portfolio({"BTC": start})
    for amount in AMOUNTS:
        portfolio.lock("BTC", amount)
    with localcontext(prec=100):
        exact_sum = sum(AMOUNTS, Decimal(0))
    assert portfolio.locked("BTC") == exact_sum
    for amount in reversed(AMOUNTS):
        portfolio.unlock("BTC", amount)  # refused before: "only ...6046 BTC is locked"
    assert portfolio.locked("BTC") == 0
    assert portfolio.available("BTC") == start == portfolio.total("BTC")


def test_fills_applied_in_pieces_add_up_to_the_whole():
    portfolio = ot.Portfolio({"BTC": Decimal("1"), "ETH": Decimal("0")})
    pieces = [Decimal(1) / Decimal(7)] * 6
    for piece in pieces:
        portfolio.apply({"BTC": -piece * Decimal("0.05"), "ETH": piece})
    with localcontext(prec=100):
        assert portfolio.total("ETH") == sum(pieces[1:], pieces[0])
        assert portfolio.total("BTC") == 1 - sum(p * Decimal("0.05") for p in pieces)


def test_an_order_for_a_whole_long_digit_holding_is_neither_rounded_up_nor_refused():
    """Selling 100 % of a balance with more than 28 significant digits (a backtest on a cheap asset):
    the order's remaining amount used to round up at the 28th digit and the lock was refused."""
    holding = Decimal("4400957.17873549455328541423499385532375")
    order = ot.Order("1", "sim", "BTC/USDT", ot.OrderSide.SELL, ot.OrderKind.MARKET, holding, created_at=0)
    assert order.remaining == holding
    order.record_fill(Decimal("0.000000000000000000000000000001"), Decimal(3), "USDT", Decimal(0), 1)
    with localcontext(prec=100):
        assert order.remaining + order.filled == holding
    portfolio = ot.Portfolio({"BTC": holding})
    portfolio.lock("BTC", order.remaining)
    portfolio.lock("BTC", order.filled)  # refused before: the rounded remaining exceeded the holding
    assert portfolio.available("BTC") == 0


async def test_selling_a_whole_long_digit_holding_on_a_market_without_precision_fills():
    """A backtest's default market has no precision: a buy leaves a holding of 30+ digits; a market
    sell of all of it must fill (a unary minus rounded the fill's balance change up at 28 digits, the
    fill was refused and the order could not even be rejected)."""
    from .sim_helpers import ManualClock, candle

    markets = ot.Markets({"BTC/USDT": ot.MarketRules.default("BTC/USDT")}, exchange_id="sim")
    holding = Decimal("5671225.24046029303142639053883")
    em = ot.ExchangeManager(
        "sim",
        markets,
        portfolio={"USDT": Decimal(0), "BTC": holding},
        clock=ManualClock(0),
        connector=ot.ExchangeSimulator(markets),
    )
    await em.start()
    await em.push_candle("BTC/USDT", "1m", candle(0, "0.0017", "0.0018", "0.0016", "0.00173"))
    sell = await em.trader.create_order("BTC/USDT", "sell", "market", holding)
    assert sell.status is ot.OrderStatus.FILLED and sell.filled == holding
    assert em.portfolio.total("BTC") == 0 and em.portfolio.total("USDT") > 0
    await em.stop()


def test_a_percentage_of_a_long_digit_holding_is_exact_and_a_buy_never_costs_more_than_its_funds():
    holding = Decimal("5709121.820781546385489776876486")
    assert ot.parse_amount("100a%").resolve(False, Decimal(3), holding, holding) == holding
    half = ot.parse_amount("50%").resolve(False, Decimal(3), holding, holding)
    with localcontext(prec=100):
        assert half * 2 == holding
    quote = Decimal("10000.000000000000000000000000007")
    price = Decimal("0.0017305")
    bought = ot.parse_amount("100a%").resolve(True, price, quote, quote)
    with localcontext(prec=100):
        assert bought * price <= quote
