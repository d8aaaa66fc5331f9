"""Orders per second through the live connector against the exchange emulator (loopback Binance spot), versus
raw ccxt calls on the same emulator without our layer (baseline measured in the same run); and positions
protected per second by ONE native order list (stop-loss + take-profit, ``create_oco`` / ``cancel_oco``)
versus the same list through raw ccxt and versus two separate orders through the connector.

Our layer adds, per order: the client order id, Decimal conversions both ways, the shared request budget
(set far above the loop's pace so it never waits: this measures its overhead, not a limit), error
translation and retries. Both sides use ccxt's own binance client with ccxt's limiter off (ours replaces
it), so the ratio is what the connector costs on top of ccxt.

Run: ``python benchmarks/bench_live_connector.py [--orders N] [--json PATH]``.
Real prices: ``$OCTOBOT_SHARED_DATA/freqtrade/ETH_BTC-5m.csv`` replayed by the emulator.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import os
import time
from decimal import Decimal
from pathlib import Path

import ccxt.async_support as ccxt_async

import octobot_trading as ot
from octobot_exchange_emulator import ExchangeEmulator, load_candles
from octobot_trading.ccxt_connector import CcxtLiveConnector, Credentials, RequestBudget

REPO_ROOT = Path(__file__).resolve().parents[3]
DATA = Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
SYMBOL = "ETH/BTC"
AMOUNT = Decimal("0.02")
ROUNDS = 2


async def run(orders: int) -> list[dict]:
    path = DATA / "freqtrade" / "ETH_BTC-5m.csv"
    if not path.is_file():
        raise SystemExit(f"benchmark data not found at {path}; set OCTOBOT_SHARED_DATA")
    balances = {"BTC": Decimal("1000"), "ETH": Decimal("1000")}
    async with ExchangeEmulator({SYMBOL: load_candles(path)}, balances=balances, history=200) as emulator:
        price = (emulator.last_price(SYMBOL) * Decimal("0.7")).quantize(Decimal("0.00001"))
        price_text = format(price, "f")

        config = emulator.ccxt_config()
        credentials = Credentials(config.pop("apiKey"), config.pop("secret"))
        ours = CcxtLiveConnector(
            "binance", credentials=credentials, config=config, budget=RequestBudget(1e6, 1e6)
        )
        raw = ccxt_async.binance({**emulator.ccxt_config(), "enableRateLimit": False})
        try:
            await ours.start()
            await raw.load_markets()

            async def ours_create() -> list[str]:
                created = []
                for _ in range(orders):
                    order = await ours.create_order(SYMBOL, "buy", "limit", AMOUNT, price)
                    created.append(order.exchange_order_id)
                return created

            raw_ids = itertools.count()

            async def raw_create() -> list[str]:
                created = []
                for _ in range(orders):
                    order = await raw.create_order(
                        SYMBOL,
                        "limit",
                        "buy",
                        float(AMOUNT),
                        float(price_text),
                        {"newClientOrderId": f"raw-{next(raw_ids)}"},
                    )
                    created.append(order["id"])
                return created

            async def ours_cancel(ids: list[str]) -> None:
                for order_id in ids:
                    await ours.cancel_order(SYMBOL, order_id)

            async def raw_cancel(ids: list[str]) -> None:
                for order_id in ids:
                    await raw.cancel_order(order_id, SYMBOL)

            # warm-up: connections, ccxt's lazy structures
            await ours_cancel(
                [(await ours.create_order(SYMBOL, "buy", "limit", AMOUNT, price)).exchange_order_id]
            )
            await raw.cancel_order(
                (await raw.create_order(SYMBOL, "limit", "buy", 0.02, float(price_text)))["id"], SYMBOL
            )

            # interleaved, best of ROUNDS: the emulator's growing order history weighs on both alike
            timings: dict[str, float] = {}
            for _ in range(ROUNDS):
                for name, call in (("raw create", raw_create), ("ours create", ours_create)):
                    start = time.perf_counter()
                    ids = await call()
                    elapsed = time.perf_counter() - start
                    timings[name] = min(timings.get(name, elapsed), elapsed)
                    start = time.perf_counter()
                    await (ours_cancel if name.startswith("ours") else raw_cancel)(ids)
                    elapsed = time.perf_counter() - start
                    cancel = name.replace("create", "cancel")
                    timings[cancel] = min(timings.get(cancel, elapsed), elapsed)
            assert not emulator.account.open_orders(None), "every benchmark order must be cancelled"

            stop = (price * Decimal("0.9")).quantize(Decimal("0.00001"))
            take = (emulator.last_price(SYMBOL) * Decimal("1.3")).quantize(Decimal("0.00001"))
            legs = [("take_profit_limit", take, take, None), ("stop_limit", stop, stop, None)]
            market_id = raw.market(SYMBOL)["id"]

            async def ours_list() -> None:
                for _ in range(orders):
                    placed = await ours.create_oco(SYMBOL, "sell", AMOUNT, legs)
                    await ours.cancel_oco(SYMBOL, placed.list_id)

            async def raw_list() -> None:
                for _ in range(orders):
                    placed = await raw.private_post_orderlist_oco(
                        {
                            "symbol": market_id,
                            "side": "SELL",
                            "quantity": format(AMOUNT, "f"),
                            "aboveType": "TAKE_PROFIT_LIMIT",
                            "abovePrice": format(take, "f"),
                            "aboveStopPrice": format(take, "f"),
                            "aboveTimeInForce": "GTC",
                            "belowType": "STOP_LOSS_LIMIT",
                            "belowPrice": format(stop, "f"),
                            "belowStopPrice": format(stop, "f"),
                            "belowTimeInForce": "GTC",
                        }
                    )
                    await raw.private_delete_orderlist(
                        {"symbol": market_id, "orderListId": placed["orderListId"]}
                    )

            async def ours_two_orders() -> None:
                for _ in range(orders):
                    ids = [
                        (
                            await ours.create_order(SYMBOL, "sell", kind, AMOUNT, level, level)
                        ).exchange_order_id
                        for kind, level, _trigger, _id in legs
                    ]
                    for order_id in ids:
                        await ours.cancel_order(SYMBOL, order_id)

            for _ in range(ROUNDS):
                for name, call in (
                    ("raw list", raw_list),
                    ("ours list", ours_list),
                    ("ours two orders", ours_two_orders),
                ):
                    start = time.perf_counter()
                    await call()
                    elapsed = time.perf_counter() - start
                    timings[name] = min(timings.get(name, elapsed), elapsed)
            assert not emulator.account.open_orders(None), "every benchmark list must be cancelled"
        finally:
            await ours.close()
            await raw.close()
    rows = [
        {
            "case": f"{kind} limit order (emulator, {orders} orders)",
            "unit": "orders/s",
            "ours": orders / timings[f"ours {kind}"],
            "baselines": {"raw ccxt": orders / timings[f"raw {kind}"]},
        }
        for kind in ("create", "cancel")
    ]
    rows.append(
        {
            "case": f"protect: one OCO list, create + cancel ({orders})",
            "unit": "protections/s",
            "ours": orders / timings["ours list"],
            "baselines": {
                "raw ccxt": orders / timings["raw list"],
                "two orders": orders / timings["ours two orders"],
            },
        }
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--json", type=Path, default=None, help="also write the results to this JSON file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    rows = asyncio.run(run(args.orders))
    print(f"octobot_trading.COMPILED = {ot.COMPILED}; {args.orders} orders per case, one at a time, ", end="")
    print(f"best of {ROUNDS} interleaved rounds")
    print(f"{'case':<50}{'ours (/s)':>11}{'baseline':>14}{'(/s)':>10}{'ratio':>8}")
    for row in rows:
        for name, base in row["baselines"].items():
            print(f"{row['case']:<50}{row['ours']:>11.1f}{name:>14}{base:>10.1f}{row['ours'] / base:>7.2f}x")
    if args.json is not None:
        args.json.write_text(
            json.dumps({"package": "octobot-trading", "compiled": ot.COMPILED, "rows": rows}, indent=2) + "\n"
        )


if __name__ == "__main__":
    main()
