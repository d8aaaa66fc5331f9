"""Rehearse a live run: ``octobot-exchange-emulator --data FILE --symbol BTC/USDT --port 8765``.

Starts the exchange emulator on 127.0.0.1, prints its URL, the API key and secret to use and the ccxt
constructor arguments (one JSON line), then replays the data at ``--speed`` times real time until the
data ends or Ctrl-C. Data: any candle file the bot reads (its .sqlite/.data files, OctoBot .data files,
freqtrade-style .csv/.json). Faults: drawn at random for each REST request from ``--seed``.

Exit codes: 0 stopped by Ctrl-C, 2 a usage or data error (one ``error:`` line naming the flag or file).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
from decimal import Decimal, InvalidOperation
from typing import NoReturn

from octobot_exchange_emulator.candle_sources import read_price_series
from octobot_exchange_emulator.errors import EmulatorDataError, EmulatorError
from octobot_exchange_emulator.exchange_emulator import ExchangeEmulator
from octobot_exchange_emulator.random_faults import RandomFaults
from octobot_trading import InvalidSymbolError, TimeFrame, UnknownTimeFrameError, normalize_symbol
from octobot_trading import parse_time_frame as _parse_time_frame

logger = logging.getLogger(__name__)

PROG = "octobot-exchange-emulator"
USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse with one error line (``PROG: error: ...``) and no usage dump above it."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see --help)\n")


def _symbol(text: str) -> str:
    try:
        return normalize_symbol(text)
    except InvalidSymbolError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a symbol: write it BASE/QUOTE as ccxt does, e.g. ETH/BTC"
        ) from None


def _time_frame(text: str) -> TimeFrame:
    try:
        return _parse_time_frame(text)
    except (UnknownTimeFrameError, ValueError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a time frame: use e.g. 1m, 5m, 1h, 1d") from None


def _balance(text: str) -> tuple[str, Decimal]:
    asset, _, amount = text.partition("=")
    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r}: use ASSET=AMOUNT, e.g. USDT=10000") from None
    if not asset or not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: use ASSET=AMOUNT with AMOUNT >= 0, e.g. USDT=10000")
    return asset.upper(), value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a probability: use a number in [0, 1], e.g. 0.02")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: use a whole number >= 0")
    return value


def _port(text: str) -> int:
    value = _non_negative_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{text!r}: use a TCP port in [0, 65535] (0: any free port)")
    return value


def _fraction(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r}: use a fraction in (0, 1], e.g. 0.25")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r}: use a number > 0, e.g. 60")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    data = parser.add_argument_group("market")
    data.add_argument(
        "--data",
        required=True,
        action="append",
        metavar="FILE",
        help="candle file: a .sqlite/.data data file, an OctoBot .data file or a freqtrade .csv/.json "
        "(repeat: one per --symbol, in the same order)",
    )
    data.add_argument(
        "--symbol",
        required=True,
        action="append",
        type=_symbol,
        help="ccxt symbol to serve, e.g. ETH/BTC (repeat for several markets)",
    )
    data.add_argument(
        "--time-frame", type=_time_frame, default=None, help="time frame to replay (default: the file's)"
    )
    data.add_argument(
        "--timestamp-unit", choices=("ms", "s"), default="ms", help="unit of CSV/JSON timestamps (default ms)"
    )
    data.add_argument(
        "--history", type=_non_negative_int, default=None, help="candles already closed at start"
    )
    data.add_argument(
        "--speed", type=_positive_float, default=1.0, help="replay speed factor (60: a minute per second)"
    )
    account = parser.add_argument_group("account and server")
    account.add_argument(
        "--balance", type=_balance, action="append", default=[], help="starting balance ASSET=AMOUNT (repeat)"
    )
    account.add_argument("--port", type=_port, default=8765, help="TCP port on 127.0.0.1 (0: any free port)")
    account.add_argument(
        "--clock",
        choices=("market", "wall"),
        default="market",
        help="what /api/v3/time answers: the replayed market's clock (default) or the machine's",
    )
    account.add_argument("--api-key", default=None, help="API key to accept (default: random)")
    account.add_argument("--secret", default=None, help="API secret to accept (default: random)")
    faults = parser.add_argument_group("faults (drawn at random for each REST request)")
    faults.add_argument(
        "--seed", type=int, default=0, help="seed of the fault draws (same seed, same faults)"
    )
    faults.add_argument("--latency-ms", type=_non_negative_int, default=0, help="delay of every answer")
    faults.add_argument("--jitter-ms", type=_non_negative_int, default=0, help="plus a random [0, N) ms")
    faults.add_argument("--error-rate", type=_rate, default=0.0, help="share of requests answered 503")
    faults.add_argument(
        "--rate-limit-rate", type=_rate, default=0.0, help="share of requests answered 429 + Retry-After"
    )
    faults.add_argument("--retry-after", type=_non_negative_int, default=1, help="Retry-After of a 429 (s)")
    faults.add_argument(
        "--disconnect-rate",
        type=_rate,
        default=0.0,
        help="share of requests whose connection is closed unanswered",
    )
    faults.add_argument(
        "--lost-answer-rate",
        type=_rate,
        default=0.0,
        help="share of POST/PUT/DELETE requests processed, then closed unanswered (an order exists)",
    )
    faults.add_argument(
        "--partial-fill", type=_fraction, default=None, help="resting orders fill at most this share a candle"
    )
    return parser


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if len(args.data) not in (1, len(args.symbol)):
        parser.error(
            f"argument --data: {len(args.data)} files for {len(args.symbol)} --symbol: give one file for "
            "every --symbol (same order), or one file holding them all"
        )
    rates = args.error_rate + args.rate_limit_rate + args.disconnect_rate + args.lost_answer_rate
    if rates > 1:
        parser.error(
            f"the fault rates add up to {rates:g}: --error-rate, --rate-limit-rate, --disconnect-rate and "
            "--lost-answer-rate must add up to at most 1"
        )
    return args


def random_faults(args: argparse.Namespace) -> RandomFaults:
    return RandomFaults(
        seed=args.seed,
        latency_ms=args.latency_ms,
        jitter_ms=args.jitter_ms,
        error_rate=args.error_rate,
        rate_limit_rate=args.rate_limit_rate,
        disconnect_rate=args.disconnect_rate,
        lost_answer_rate=args.lost_answer_rate,
        retry_after=args.retry_after,
    )


def build_emulator(args: argparse.Namespace) -> ExchangeEmulator:
    """The emulator the arguments describe; every data file is read before anything listens."""
    files = args.data * len(args.symbol) if len(args.data) == 1 else args.data
    series = [
        read_price_series(path, symbol, args.time_frame, args.timestamp_unit)
        for path, symbol in zip(files, args.symbol, strict=True)
    ]
    frames = {one.time_frame for one in series}
    if len(frames) > 1:
        told = ", ".join(f"{one.symbol} {one.time_frame}" for one in series)
        raise EmulatorDataError(
            f"--data gives {told}: every symbol replays on one time frame; choose it with --time-frame"
        )
    emulator = ExchangeEmulator(
        {one.symbol: one.candles for one in series},
        balances=dict(args.balance),
        time_frame=args.time_frame or series[0].time_frame,
        history=args.history,
        api_key=args.api_key,
        secret=args.secret,
        port=args.port,
        server_clock=args.clock,
    )
    emulator.faults.randomize(random_faults(args))
    if args.partial_fill is not None:
        emulator.faults.partial_fill(args.partial_fill)
    return emulator


async def serve(emulator: ExchangeEmulator, speed: float) -> None:
    async with emulator:
        print(f"exchange emulator: {emulator.url} (websockets {emulator.ws_url})", flush=True)
        print(f"api key: {emulator.api_key}", flush=True)
        print(f"secret: {emulator.secret}", flush=True)
        print(f"ccxt config: {json.dumps(emulator.ccxt_config())}", flush=True)
        if emulator.faults.random is not None:
            print(f"random faults: {emulator.faults.random.faults.describe()}", flush=True)
        await emulator.run(speed)
        print("replay finished; serving the last state until Ctrl-C", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        emulator = build_emulator(args)
    except EmulatorError as error:
        return _fail(str(error))
    except OSError as error:  # a data file that cannot be read
        return _fail(f"--data: cannot read {error.filename or 'the file'} ({error.strerror or error})")
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(emulator, args.speed))
    except EmulatorError as error:
        return _fail(str(error))
    except OSError as error:  # the port is taken, or not ours to use
        return _fail(
            f"--port: cannot listen on 127.0.0.1:{args.port} ({error.strerror or error}); choose another"
        )
    return 0


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return USAGE_ERROR


if __name__ == "__main__":
    sys.exit(main())
