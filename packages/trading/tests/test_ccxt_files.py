"""octobot-trading without importing ccxt: rounding and the exchange ids come from ccxt's installed files
(importing ccxt costs seconds of CPU per process), and agree with ccxt's own objects."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_rounding_and_exchange_ids_need_no_ccxt_import_and_equal_ccxts():
    out = _run(
        """
        import sys
        from decimal import Decimal

        import octobot_trading as ot

        rules = ot.MarketRules.from_ccxt_market(
            {"symbol": "BTC/USDT", "precision": {"amount": 0.001, "price": 0.01}},
            precision_mode=ot.TICK_SIZE,
        )
        rounded = (rules.adjust_amount(Decimal("1.23456")), rules.adjust_price(Decimal("100.005")))
        ids = ot.ccxt_exchange_ids()
        print("ccxt imported:", "ccxt" in sys.modules)

        import ccxt

        assert ids == tuple(ccxt.exchanges) and "binance" in ids, ids
        print("rounded:", *rounded)
        """
    )
    assert "ccxt imported: False" in out
    assert "rounded: 1.234 100.01" in out  # amounts truncated, prices rounded half up (ccxt ROUND)


def test_every_public_name_of_the_ccxt_connector_resolves():
    # its names are imported on first use (a table beside __all__): each listed name must be found
    from octobot_trading import ccxt_connector

    missing = [name for name in ccxt_connector.__all__ if getattr(ccxt_connector, name, None) is None]
    assert missing == []
    assert ccxt_connector.LiveFeed.__module__ == "octobot_trading.ccxt_connector.feeds"
