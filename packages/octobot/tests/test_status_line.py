"""The status line of a running bot: its portfolio value on the reference asset's precision."""

from __future__ import annotations

import io
from decimal import Decimal

import octobot_trading as ot
from octobot.status_line import DEFAULT_PLACES, StatusLine, value_places


def _markets() -> ot.Markets:
    return ot.Markets(
        {
            "ETH/BTC": ot.MarketRules(
                "ETH/BTC", amount_precision=Decimal("0.0001"), price_precision=Decimal("1E-6")
            ),
            "BTC/USDT": ot.MarketRules(
                "BTC/USDT", amount_precision=Decimal("0.00001"), price_precision=Decimal("0.01")
            ),
        },
        exchange_id="binance",
    )


def test_a_value_has_the_places_the_markets_give_its_asset():
    markets = _markets()
    assert value_places(markets, "BTC") == 6  # the finest: ETH/BTC prices in 1E-6 BTC
    assert value_places(markets, "USDT") == 2
    assert value_places(markets, "XRP") == DEFAULT_PLACES  # no market tells


async def test_the_status_line_does_not_round_a_btc_value_to_two_decimals():
    manager = ot.ExchangeManager(
        "binance", _markets(), portfolio={"BTC": Decimal("0.99359553")}, reference_market="BTC"
    )
    await manager.start()
    try:
        line = StatusLine(manager, ["ETH/BTC"], "1m", io.StringIO()).status()
    finally:
        await manager.stop()
    assert "value 0.993596 BTC" in line, line
