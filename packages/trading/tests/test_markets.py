"""Market rules built from ccxt's own market parsing of realistic raw exchange answers (no network)."""

import dataclasses
import logging
from decimal import Decimal

import ccxt
import pytest

import octobot_trading as ot

# A Binance spot GET /api/v3/exchangeInfo "symbols" entry, in the exchange's public format.
BINANCE_BTCUSDT = {
    "symbol": "BTCUSDT",
    "status": "TRADING",
    "baseAsset": "BTC",
    "baseAssetPrecision": 8,
    "quoteAsset": "USDT",
    "quotePrecision": 8,
    "quoteAssetPrecision": 8,
    "baseCommissionPrecision": 8,
    "quoteCommissionPrecision": 8,
    "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
    "icebergAllowed": True,
    "ocoAllowed": True,
    "isSpotTradingAllowed": True,
    "isMarginTradingAllowed": True,
    "filters": [
        {
            "filterType": "PRICE_FILTER",
            "minPrice": "0.01000000",
            "maxPrice": "1000000.00000000",
            "tickSize": "0.01000000",
        },
        {
            "filterType": "LOT_SIZE",
            "minQty": "0.00001000",
            "maxQty": "9000.00000000",
            "stepSize": "0.00001000",
        },
        {"filterType": "ICEBERG_PARTS", "limit": 10},
        {
            "filterType": "MARKET_LOT_SIZE",
            "minQty": "0.00000000",
            "maxQty": "83.50000000",
            "stepSize": "0.00000000",
        },
        {
            "filterType": "NOTIONAL",
            "minNotional": "5.00000000",
            "applyMinToMarket": True,
            "maxNotional": "9000000.00000000",
            "applyMaxToMarket": False,
            "avgPriceMins": 5,
        },
    ],
    "permissions": [],
    "permissionSets": [["SPOT", "MARGIN"]],
    "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
}

# A Binance USD-M futures GET /fapi/v1/exchangeInfo "symbols" entry.
BINANCE_BTCUSDT_PERP = {
    "symbol": "BTCUSDT",
    "pair": "BTCUSDT",
    "contractType": "PERPETUAL",
    "deliveryDate": 4133404800000,
    "onboardDate": 1569398400000,
    "status": "TRADING",
    "baseAsset": "BTC",
    "quoteAsset": "USDT",
    "marginAsset": "USDT",
    "pricePrecision": 2,
    "quantityPrecision": 3,
    "baseAssetPrecision": 8,
    "quotePrecision": 8,
    "underlyingType": "COIN",
    "filters": [
        {"filterType": "PRICE_FILTER", "minPrice": "556.80", "maxPrice": "4529764", "tickSize": "0.10"},
        {"filterType": "LOT_SIZE", "minQty": "0.001", "maxQty": "1000", "stepSize": "0.001"},
        {"filterType": "MARKET_LOT_SIZE", "minQty": "0.001", "maxQty": "120", "stepSize": "0.001"},
        {"filterType": "MIN_NOTIONAL", "notional": "100"},
    ],
    "orderTypes": ["LIMIT", "MARKET", "STOP"],
    "timeInForce": ["GTC", "IOC", "FOK", "GTX"],
}

# A Binance COIN-M futures GET /dapi/v1/exchangeInfo "symbols" entry (inverse: 100 USD per contract).
BINANCE_BTCUSD_INVERSE = {
    "symbol": "BTCUSD_PERP",
    "pair": "BTCUSD",
    "contractType": "PERPETUAL",
    "deliveryDate": 4133404800000,
    "onboardDate": 1597042800000,
    "contractStatus": "TRADING",
    "contractSize": 100,
    "marginAsset": "BTC",
    "baseAsset": "BTC",
    "quoteAsset": "USD",
    "pricePrecision": 1,
    "quantityPrecision": 0,
    "baseAssetPrecision": 8,
    "quotePrecision": 8,
    "filters": [
        {"filterType": "PRICE_FILTER", "minPrice": "1000", "maxPrice": "4520958", "tickSize": "0.1"},
        {"filterType": "LOT_SIZE", "minQty": "1", "maxQty": "1000000", "stepSize": "1"},
        {"filterType": "MARKET_LOT_SIZE", "minQty": "1", "maxQty": "60000", "stepSize": "1"},
    ],
    "orderTypes": ["LIMIT", "MARKET"],
    "timeInForce": ["GTC"],
}

# Bitfinex GET /v2/conf/pub:info:pair,pub:info:pair:futures,pub:list:pair:securities,pub:list:pair:margin
BITFINEX_CONF = [
    [
        ["BTCUST", [None, None, None, "0.00006", "2000.0", None, None, None, None, None, None, None]],
        ["ETHBTC", [None, None, None, "0.0008", "5000.0", None, None, None, None, None, None, None]],
    ],
    [["BTCF0:USTF0", [None, None, None, "0.0002", "100.0", None, None, None, 0.01, 0.005]]],
    [],
    ["BTCUST", "ETHBTC"],
]


def binance() -> ccxt.binance:
    exchange = ccxt.binance()
    # load_markets() fills these from the margin endpoints; parse_market reads them
    exchange.options["crossMarginPairsData"] = []
    exchange.options["isolatedMarginPairsData"] = []
    return exchange


def binance_spot_rules() -> ot.MarketRules:
    exchange = binance()
    return ot.MarketRules.from_ccxt_market(exchange.parse_market(BINANCE_BTCUSDT), exchange.precisionMode)


def bitfinex() -> ccxt.bitfinex:
    exchange = ccxt.bitfinex()
    exchange.publicGetConfConfig = lambda params=None: BITFINEX_CONF  # the raw answer, no network
    exchange.set_markets(exchange.fetch_markets())
    return exchange


def test_binance_spot_rules_come_from_the_market_structure():
    rules = binance_spot_rules()
    assert rules.symbol == "BTC/USDT" and not rules.is_default
    assert rules.amount_precision_mode == rules.price_precision_mode == ot.TICK_SIZE
    assert rules.amount_precision == Decimal("0.00001")
    assert rules.price_precision == Decimal("0.01")
    assert (rules.min_amount, rules.max_amount) == (Decimal("0.00001"), Decimal("9000"))
    assert (rules.min_cost, rules.max_cost) == (Decimal("5"), Decimal("9000000"))
    assert (rules.min_price, rules.max_price) == (Decimal("0.01"), Decimal("1000000"))
    assert rules.maker_fee == rules.taker_fee == Decimal("0.001")
    assert all(
        isinstance(value, Decimal) for value in (rules.min_amount, rules.maker_fee, rules.price_precision)
    )


def test_tick_size_truncates_amounts_and_rounds_prices():
    rules = binance_spot_rules()
    assert rules.adjust_amount(Decimal("0.123456789")) == Decimal("0.12345")
    assert rules.adjust_amount("0.000019999") == Decimal("0.00001")
    assert rules.adjust_amount(0.1) == Decimal("0.1")  # floats go through str: no 0.1000000000000000055
    assert rules.adjust_price(Decimal("43210.125")) == Decimal("43210.13")
    assert rules.adjust_price(Decimal("43210.124")) == Decimal("43210.12")
    assert rules.adjust_price(Decimal("43210.129"), rounding=ot.TRUNCATE) == Decimal("43210.12")
    assert rules.adjust_amount(Decimal("0.123456789"), rounding=ot.ROUND) == Decimal("0.12346")


def test_adjustments_match_ccxt_own_helpers():
    exchange = binance()
    market = exchange.parse_market(BINANCE_BTCUSDT)
    exchange.set_markets([market])
    rules = ot.Markets.from_ccxt_exchange(exchange).rules("BTC/USDT")
    for amount in ("0.123456789", "1.00000999", "8999.999999", "0.00001"):
        assert rules.adjust_amount(amount) == Decimal(exchange.amount_to_precision("BTC/USDT", amount))
    for price in ("43210.125", "0.015", "99999.994999"):
        assert rules.adjust_price(price) == Decimal(exchange.price_to_precision("BTC/USDT", price))


def test_binance_linear_perpetual():
    exchange = binance()
    rules = ot.MarketRules.from_ccxt_market(
        exchange.parse_market(BINANCE_BTCUSDT_PERP), exchange.precisionMode
    )
    assert rules.symbol == "BTC/USDT:USDT"
    assert rules.amount_precision == Decimal("0.001") and rules.price_precision == Decimal("0.1")
    assert rules.adjust_amount("1.23456") == Decimal("1.234")
    assert rules.adjust_price("65432.17") == Decimal("65432.2")
    assert rules.min_cost == Decimal("100")
    assert rules.contract_size == Decimal("1")
    assert rules.taker_fee == Decimal("0.0005")  # ccxt's linear futures fee schedule


def test_bitfinex_significant_digit_prices_and_decimal_place_amounts():
    exchange = bitfinex()
    markets = ot.Markets.from_ccxt_exchange(exchange)
    rules = markets.rules("BTC/USDT")
    assert rules.price_precision_mode == ot.SIGNIFICANT_DIGITS
    assert rules.amount_precision_mode == ot.DECIMAL_PLACES
    assert rules.price_precision == Decimal(5) and rules.amount_precision == Decimal(8)
    assert rules.adjust_price("12345.678") == Decimal("12346")
    assert rules.adjust_price("0.000123456") == Decimal("0.00012346")
    assert rules.adjust_price("12345.678", rounding=ot.TRUNCATE) == Decimal("12345")
    assert rules.adjust_amount("1.234567891") == Decimal("1.23456789")
    assert rules.adjust_amount("1234.567891239") == Decimal("1234.56789123")
    for amount in ("1.234567891", "0.000000019"):
        if Decimal(amount) >= Decimal("0.00000001"):
            assert rules.adjust_amount(amount) == Decimal(exchange.amount_to_precision("BTC/USDT", amount))
    assert rules.adjust_price("12345.678") == Decimal(exchange.price_to_precision("BTC/USDT", "12345.678"))
    assert rules.min_amount == Decimal("0.00006") and rules.max_amount == Decimal("2000")
    assert rules.min_cost is None  # bitfinex gives no cost limit: no rule
    assert markets.rules("BTC/USDT:USDT").min_amount == Decimal("0.0002")
    assert set(markets) == {"BTC/USDT", "ETH/BTC", "BTC/USDT:USDT"}


def test_order_below_minimum_cost_names_the_shortfall_and_the_minimum():
    rules = binance_spot_rules()
    with pytest.raises(ot.OrderBelowMinimumError) as info:
        rules.check_order(Decimal("0.0001"), Decimal("43000"))
    error = info.value
    assert error.limit == "cost"
    assert (
        error.value == Decimal("4.3") and error.minimum == Decimal("5") and error.shortfall == Decimal("0.7")
    )
    message = str(error)
    assert "BTC/USDT" in message and "4.3" in message and "minimum cost 5" in message and "by 0.7" in message
    assert "adjust_to_minimum" in message
    assert message.startswith(
        "BTC/USDT: order cost 4.3 USDT (0.0001 BTC at 43000 USDT) is below the minimum cost 5"
    )
    assert isinstance(error, ot.MarketError) and isinstance(error, ot.OctobotTradingError)


def test_order_below_minimum_amount_names_the_shortfall_and_the_minimum():
    rules = binance_spot_rules()
    with pytest.raises(ot.OrderBelowMinimumError) as info:
        rules.check_order(Decimal("0.000004"), Decimal("600000"))
    assert info.value.limit == "amount"
    assert info.value.shortfall == Decimal("0.000006")
    assert "0.000004 BTC" in str(info.value) and "minimum amount 0.00001" in str(info.value)


def test_maximum_and_price_range_errors():
    rules = binance_spot_rules()
    with pytest.raises(ot.OrderAboveMaximumError) as info:
        rules.check_order(Decimal("9001"), Decimal("1"))
    assert info.value.limit == "amount" and info.value.excess == Decimal("1")
    with pytest.raises(ot.OrderAboveMaximumError, match="maximum cost"):
        rules.check_order(Decimal("1000"), Decimal("10000"))
    with pytest.raises(ot.PriceOutOfRangeError, match="below the minimum price"):
        rules.check_order(Decimal("8000"), Decimal("0.001"))
    assert rules.is_valid_order(Decimal("0.001"), Decimal("43000"))
    assert not rules.is_valid_order(Decimal("0.0001"), Decimal("43000"))


def test_adjust_to_minimum_rounds_up_on_the_precision_grid():
    rules = binance_spot_rules()
    adjusted = rules.adjust_to_minimum(Decimal("0.0001"), Decimal("43000"))
    # 5 / 43000 = 0.000116279... -> next step of 0.00001
    assert adjusted == Decimal("0.00012")
    rules.check_order(adjusted, Decimal("43000"))
    assert not rules.is_valid_order(adjusted - rules.amount_step(), Decimal("43000"))
    assert rules.adjust_to_minimum(Decimal("0.5"), Decimal("43000")) == Decimal("0.5")  # already valid
    assert rules.adjust_to_minimum(Decimal("0.000001"), Decimal("600000")) == Decimal("0.00001")
    with pytest.raises(ot.OrderAboveMaximumError):
        rules.adjust_to_minimum(Decimal("0.0001"), Decimal("0.0000001"))


def test_adjust_to_minimum_with_significant_digits():
    exchange = bitfinex()
    rules = ot.Markets.from_ccxt_exchange(exchange).rules("ETH/BTC")
    adjusted = rules.adjust_to_minimum(Decimal("0.0001"), Decimal("0.05"))
    assert adjusted == Decimal("0.0008")


def test_unknown_market_falls_back_to_permissive_defaults_with_a_warning(caplog):
    markets = ot.Markets.from_ccxt_exchange(bitfinex())
    with caplog.at_level(logging.WARNING, logger="octobot_trading.markets"):
        rules = markets.rules("DOGE/USDT")
        again = markets.rules("DOGE/USDT")
    assert rules == again and rules.is_default
    assert rules.adjust_amount("1.123456789123") == Decimal("1.123456789123")  # no rounding
    rules.check_order(Decimal("0.0000001"), Decimal("0.0001"))  # no limits
    assert rules.taker_fee == rules.maker_fee == ot.DEFAULT_FEE
    warnings = [record for record in caplog.records if "DOGE/USDT" in record.getMessage()]
    assert len(warnings) == 1 and "permissive defaults" in warnings[0].getMessage()
    with pytest.raises(KeyError):
        markets["DOGE/USDT"]
    with pytest.raises(ot.InvalidSymbolError):
        markets.rules("DOGEUSDT")


def test_bad_market_structures_are_refused():
    with pytest.raises(ot.InvalidMarketError, match="ccxt market dict"):
        ot.MarketRules.from_ccxt_market({"precision": {}})
    with pytest.raises(ot.InvalidMarketError, match="must be a number"):
        ot.MarketRules.from_ccxt_market({"symbol": "BTC/USDT", "precision": {"amount": "abc"}})
    with pytest.raises(ot.InvalidMarketError, match="TICK_SIZE"):
        ot.MarketRules("BTC/USDT", amount_precision_mode=99)
    with pytest.raises(ot.InvalidMarketError, match="load_markets"):
        ot.Markets.from_ccxt_exchange(ccxt.binance())


def test_missing_fee_falls_back_to_default_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="octobot_trading.markets"):
        rules = ot.MarketRules.from_ccxt_market({"symbol": "ETH/USDT", "taker": 0.002})
    assert rules.taker_fee == Decimal("0.002") and rules.maker_fee == ot.DEFAULT_FEE
    assert any("maker fee" in record.getMessage() for record in caplog.records)


def test_binance_inverse_perpetual_counts_contracts_and_costs_in_base():
    exchange = binance()
    rules = ot.MarketRules.from_ccxt_market(
        exchange.parse_market(BINANCE_BTCUSD_INVERSE), exchange.precisionMode
    )
    assert rules.symbol == "BTC/USD:BTC" and rules.parsed_symbol.is_inverse
    assert rules.contract_size == Decimal("100")
    assert rules.amount_unit == "contracts" and rules.cost_currency == "BTC"
    assert rules.adjust_amount("2.7") == Decimal("2")  # whole contracts
    # 3 contracts of 100 USD at 50000 USD/BTC are worth 0.006 BTC
    assert rules.cost(Decimal("3"), Decimal("50000")) == Decimal("0.006")
    with pytest.raises(ot.OrderBelowMinimumError, match=r"0\.5 contracts .* minimum amount 1 contracts"):
        rules.check_order(Decimal("0.5"), Decimal("50000"))
    inverse_with_min_cost = dataclasses.replace(rules, min_cost=Decimal("0.01"))
    # 0.01 BTC at 50000 USD/BTC is 500 USD: 5 contracts
    assert inverse_with_min_cost.adjust_to_minimum(Decimal("1"), Decimal("50000")) == Decimal("5")
    with pytest.raises(ot.OrderBelowMinimumError, match=r"order cost 0\.008 BTC"):
        inverse_with_min_cost.check_order(Decimal("4"), Decimal("50000"))


def test_linear_contract_size_scales_the_cost():
    rules = ot.MarketRules(
        "ETH/USDT:USDT", amount_precision=Decimal("1"), contract_size=Decimal("0.1"), min_cost=Decimal("5")
    )
    assert rules.amount_unit == "contracts" and rules.cost_currency == "USDT"
    assert rules.cost(Decimal("10"), Decimal("3000")) == Decimal("3000")
    assert rules.adjust_to_minimum(Decimal("0"), Decimal("3000")) == Decimal("1")  # 1 contract = 300 USDT
