import pytest

import octobot_trading as ot


@pytest.mark.parametrize(
    ("text", "base", "quote", "settle", "suffix"),
    [
        ("BTC/USDT", "BTC", "USDT", None, None),
        ("BTC/USDT:USDT", "BTC", "USDT", "USDT", None),
        ("BTC/USD:BTC", "BTC", "USD", "BTC", None),
        ("BTC/USDT:USDT-211225", "BTC", "USDT", "USDT", "211225"),
        ("BTC/USD:BTC-211225-60000-C", "BTC", "USD", "BTC", "211225-60000-C"),
        ("1000SHIB/USDT", "1000SHIB", "USDT", None, None),
    ],
)
def test_parse_and_format_round_trip(text, base, quote, settle, suffix):
    symbol = ot.parse_symbol(text)
    assert (symbol.base, symbol.quote, symbol.settle, symbol.suffix) == (base, quote, settle, suffix)
    assert str(symbol) == text
    assert ot.format_symbol(base, quote, settle, suffix) == text
    assert ot.normalize_symbol(text) == text


def test_kinds_of_markets():
    spot = ot.parse_symbol("ETH/BTC")
    linear = ot.parse_symbol("BTC/USDT:USDT")
    inverse = ot.parse_symbol("BTC/USD:BTC")
    dated = ot.parse_symbol("BTC/USDT:USDT-211225")
    assert spot.is_spot and not spot.is_contract and not spot.is_linear
    assert linear.is_contract and linear.is_linear and not linear.is_inverse and linear.is_perpetual
    assert inverse.is_inverse and not inverse.is_linear
    assert not dated.is_perpetual and dated.is_linear
    assert linear.spot == ot.Symbol("BTC", "USDT")
    assert spot.spot is spot


def test_symbol_is_frozen_hashable_value():
    a = ot.parse_symbol("BTC/USDT")
    b = ot.Symbol("BTC", "USDT")
    assert a == b and hash(a) == hash(b)
    assert {a: 1}[b] == 1
    with pytest.raises(AttributeError):
        a.base = "ETH"  # type: ignore[misc]
    assert ot.parse_symbol(a) is a


@pytest.mark.parametrize(
    "bad", ["BTCUSDT", "BTC/", "/USDT", "BTC/USDT/ETH", "BTC//USDT", "BTC/USDT:", "", "BTC / USDT"]
)
def test_malformed_symbols_are_refused_with_the_expected_form(bad):
    with pytest.raises(ot.InvalidSymbolError) as info:
        ot.parse_symbol(bad)
    assert repr(bad) in str(info.value)
    assert "BASE/QUOTE" in str(info.value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, ot.OctobotTradingError)


def test_malformed_symbol_hints():
    with pytest.raises(ot.InvalidSymbolError, match="did you mean 'BTC/USDT'"):
        ot.parse_symbol("BTC-USDT")
    with pytest.raises(ot.InvalidSymbolError, match="surrounding spaces"):
        ot.parse_symbol(" BTC/USDT")
    with pytest.raises(ot.InvalidSymbolError, match="must be a string"):
        ot.parse_symbol(42)  # type: ignore[arg-type]


def test_symbol_constructor_validates_codes():
    with pytest.raises(ot.InvalidSymbolError, match="base"):
        ot.Symbol("BT/C", "USDT")
    with pytest.raises(ot.InvalidSymbolError, match="settle currency"):
        ot.Symbol("BTC", "USDT", None, "211225")
