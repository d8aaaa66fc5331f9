"""Rehearse a live run: ``python -m octobot_exchange_emulator --data FILE --symbol BTC/USDT --port 8765``.

Starts the exchange emulator on 127.0.0.1, prints its URL, the API key and secret to use and the ccxt
constructor arguments (one JSON line), then replays the data at ``--speed`` times real time until the
data ends or Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
from decimal import Decimal, InvalidOperation

from octobot_exchange_emulator.errors import EmulatorError
from octobot_exchange_emulator.server import ExchangeEmulator

logger = logging.getLogger(__name__)


def _balance(text: str) -> tuple[str, Decimal]:
    asset, _, amount = text.partition("=")
    try:
        value = Decimal(amount)
    except InvalidOperation as error:
        raise argparse.ArgumentTypeError(f"balance {text!r}: use ASSET=AMOUNT, e.g. USDT=10000") from error
    if not asset or not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"balance {text!r}: use ASSET=AMOUNT with AMOUNT >= 0")
    return asset.upper(), value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m octobot_exchange_emulator", description=__doc__)
    parser.add_argument("--data", required=True, help="freqtrade candle file (.csv or .json)")
    parser.add_argument("--symbol", required=True, help="ccxt symbol the data is for, e.g. BTC/USDT")
    parser.add_argument("--time-frame", default=None, help="candle time frame (default: inferred)")
    parser.add_argument("--port", type=int, default=8765, help="TCP port on 127.0.0.1 (0: any free port)")
    parser.add_argument(
        "--speed", type=float, default=1.0, help="replay speed factor (60: a minute per second)"
    )
    parser.add_argument("--history", type=int, default=None, help="candles already closed at start")
    parser.add_argument(
        "--balance", type=_balance, action="append", default=[], help="starting balance ASSET=AMOUNT (repeat)"
    )
    parser.add_argument(
        "--clock",
        choices=("market", "wall"),
        default="market",
        help="what /api/v3/time answers: the replayed market's clock (default) or the machine's",
    )
    parser.add_argument("--api-key", default=None, help="API key to accept (default: random)")
    parser.add_argument("--secret", default=None, help="API secret to accept (default: random)")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    balances = dict(args.balance)
    emulator = ExchangeEmulator(
        {args.symbol: args.data},
        balances=balances,
        time_frame=args.time_frame,
        history=args.history,
        api_key=args.api_key,
        secret=args.secret,
        port=args.port,
        server_clock=args.clock,
    )
    async with emulator:
        print(f"exchange emulator: {emulator.url} (websockets {emulator.ws_url})", flush=True)
        print(f"api key: {emulator.api_key}", flush=True)
        print(f"secret: {emulator.secret}", flush=True)
        print(f"ccxt config: {json.dumps(emulator.ccxt_config())}", flush=True)
        await emulator.run(args.speed)
        print("replay finished; serving the last state until Ctrl-C", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(args))
    except (EmulatorError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
