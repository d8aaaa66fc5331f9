from decimal import Decimal

import pytest

import octobot_trading as ot

D = Decimal


def test_direct_and_inverse_rates():
    prices = ot.PriceGraph({"BTC/USDT": D("20000")})
    assert prices.rate("BTC", "USDT") == D("20000")
    assert prices.rate("USDT", "BTC") == D(1) / D("20000")
    assert prices.convert(D("0.5"), "BTC", "USDT") == D("10000")
    assert prices.rate("BTC", "BTC") == D(1)


def test_valuation_through_intermediate_pairs():
    prices = ot.PriceGraph({"ETH/BTC": D("0.05"), "BTC/USDT": D("20000"), "XRP/ETH": D("0.0002")})
    assert prices.path("ETH", "USDT") == ("ETH", "BTC", "USDT")
    assert prices.rate("ETH", "USDT") == D("1000")
    assert prices.rate("XRP", "USDT") == D("0.2")  # XRP -> ETH -> BTC -> USDT
    assert prices.convert(D("3"), "USDT", "ETH") == D("0.003")
    totals = {"ETH": D("10"), "BTC": D("1"), "USDT": D("500"), "XRP": D("1000")}
    assert prices.values(totals, "USDT") == {
        "ETH": D("10000"),
        "BTC": D("20000"),
        "USDT": D("500"),
        "XRP": D("200"),
    }
    assert prices.value(totals, "USDT") == D("30700")
    assert prices.value(totals, "BTC") == D("1.535")


def test_shortest_chain_wins_and_paths_follow_new_pairs():
    prices = ot.PriceGraph({"ETH/BTC": D("0.05"), "BTC/USDT": D("20000")})
    assert prices.rate("ETH", "USDT") == D("1000")
    prices.set_price("ETH/USDT", D("1010"))  # a direct pair appears: one hop instead of two
    assert prices.path("ETH", "USDT") == ("ETH", "USDT")
    assert prices.rate("ETH", "USDT") == D("1010")
    prices.set_price("ETH/USDT", D("990"))  # a new price of a known pair is used at once
    assert prices.rate("ETH", "USDT") == D("990")


def test_contract_symbols_count_as_their_pair():
    prices = ot.PriceGraph({"BTC/USDT:USDT": D("30000")})
    assert prices.rate("BTC", "USDT") == D("30000")
    assert prices.price("BTC/USDT") == D("30000")


def test_unreachable_asset_raises_naming_it_or_is_left_out_when_not_strict(caplog):
    prices = ot.PriceGraph({"ETH/BTC": D("0.05"), "BTC/USDT": D("20000")})
    with pytest.raises(ot.ValuationError) as info:
        prices.rate("DOGE", "USDT")
    assert "DOGE" in str(info.value) and "BTC/USDT, ETH/BTC" in str(info.value)
    totals = {"BTC": D("1"), "DOGE": D("100")}
    with pytest.raises(ot.ValuationError):
        prices.value(totals, "USDT")
    assert prices.value(totals, "USDT", strict=False) == D("20000")
    assert any("DOGE" in record.getMessage() for record in caplog.records)


def test_bad_prices_are_refused():
    prices = ot.PriceGraph()
    with pytest.raises(ot.InvalidAmountError, match="positive Decimal"):
        prices.set_price("BTC/USDT", D(0))
    with pytest.raises(ot.InvalidAmountError):
        prices.set_price("BTC/USDT", 20000.0)  # type: ignore[arg-type]
    with pytest.raises(ot.InvalidSymbolError):
        prices.set_price("BTCUSDT", D(1))
    assert len(prices) == 0
