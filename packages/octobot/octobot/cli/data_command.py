"""`octobot data list|inspect|validate|import|delete|collect`: data files, through octobot_backtesting.

Why a thin layer: data files, importers and collectors belong to octobot_backtesting; the CLI only
resolves names inside ``$OCTOBOT_HOME/data``, prints, and turns its errors into exit codes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import octobot_backtesting as ob
from octobot.cli.context import CliContext
from octobot.cli.flags import checked_exchange, checked_symbols, checked_time_frames
from octobot.data_errors import data_error
from octobot.errors import BadSymbolError, BadTimeFrameError, DataError, ExitCode, NotFoundError, UsageError
from octobot_trading import ccxt_connector as ccxt_errors

DATA_SUFFIX = ".sqlite"
_NETWORK_FIX = (
    "check the network connection (or the exchange's urls in the user config, exchanges.EXCHANGE.ccxt.urls) "
    "and run the command again"
)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("data", help="market data files for backtesting")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="data files of the data folder")
    listing.add_argument("--folder", type=Path, help="another folder than $OCTOBOT_HOME/data")
    inspect = actions.add_parser("inspect", help="series, ranges, candle counts and gaps of a data file")
    inspect.add_argument("file", help="data file: a path or a name in the data folder")
    validate = actions.add_parser("validate", help="check every candle of a data file")
    validate.add_argument("file")
    validate.add_argument("--symbol", action="append", help="only this symbol (repeatable)")
    validate.add_argument("--time-frame", action="append", help="only this time frame (repeatable)")
    imported = actions.add_parser("import", help="OctoBot .data, CSV or JSON candles into a data file")
    imported.add_argument("sources", nargs="+", type=Path, help="files to import")
    imported.add_argument(
        "--to", required=True, help="data file to write: a path or a name in the data folder"
    )
    imported.add_argument("--exchange", help="exchange of the candles (when the files do not say)")
    imported.add_argument("--symbol", help="symbol of a CSV/JSON file not named like ETH_BTC-5m.csv")
    imported.add_argument("--time-frame", help="time frame of a CSV/JSON file not named like ETH_BTC-5m.csv")
    imported.add_argument("--resample", action="append", default=[], help="also build this longer time frame")
    imported.add_argument(
        "--timestamp-unit",
        choices=("ms", "s"),
        default="ms",
        help="unit of a CSV/JSON file's integer timestamps: ms (default) or s",
    )
    imported.add_argument("--overwrite", action="store_true", help="replace an existing data file")
    delete = actions.add_parser("delete", help="delete a data file")
    delete.add_argument("file")
    collect = actions.add_parser(
        "collect",
        help="download candles from an exchange into a data file, or record tickers, order books and "
        "trades live (--live)",
    )
    collect.add_argument("--exchange", required=True, help="ccxt exchange id, e.g. binance")
    collect.add_argument("--symbol", action="append", required=True, help="symbol to collect (repeatable)")
    collect.add_argument(
        "--time-frame",
        action="append",
        help="time frame (repeatable); required for candles, optional with --live (closed candles recorded)",
    )
    collect.add_argument("--start", help="first candle, ISO date (UTC) like 2024-01-01 (candles only)")
    collect.add_argument("--end", help="end (excluded), ISO date (UTC); default: now (candles)")
    collect.add_argument(
        "--live",
        action="store_true",
        help="record live market data from now until --end or for --duration (resumable: run it again)",
    )
    collect.add_argument("--duration", help="--live: how long to record, like 30m, 2h or 1d")
    collect.add_argument(
        "--record",
        action="append",
        choices=ob.MARKET_TABLES,
        help="--live: what to record (repeatable); default: tickers, order_books and trades",
    )
    collect.add_argument(
        "--book-depth",
        type=int,
        default=ob.DEFAULT_BOOK_DEPTH,
        help=f"--live: order book levels kept per side (default {ob.DEFAULT_BOOK_DEPTH})",
    )
    collect.add_argument(
        "--to", required=True, help="data file to write: a path or a name in the data folder"
    )
    collect.add_argument("--overwrite", action="store_true", help="replace an existing data file")
    collect.add_argument(
        "--restart",
        action="store_true",
        help="discard what an interrupted collection into the same file left, instead of resuming it",
    )
    parser.set_defaults(handler=run)


def _when(ms: int | None) -> str:
    if ms is None:
        return "-"
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M")


def iso_ms(text: str, option: str) -> int:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{option}: '{text}' is not an ISO date; write it like 2024-01-01 or 2024-01-01T12:00"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


def data_path(name: str, context: CliContext, must_exist: bool = True) -> Path:
    """A data file given as a path, or by name (with or without its suffix) in the data folder."""
    given = Path(name).expanduser()
    candidates = [given] if given.is_absolute() or given.parent != Path(".") else []
    candidates += [given, context.home.data / name, context.home.data / f"{name}{DATA_SUFFIX}"]
    if not must_exist:
        chosen = given if given.parent != Path(".") else context.home.data / name
        return chosen if chosen.suffix else chosen.with_name(chosen.name + DATA_SUFFIX)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise NotFoundError(
        f"data file '{name}' not found (looked in {context.home.data}; see `octobot data list`)"
    )


@contextlib.contextmanager
def _backtesting_errors() -> Iterator[None]:
    try:
        yield
    except ob.BacktestingError as error:
        raise data_error(error) from error
    except ccxt_errors.UnknownExchangeSymbolError as error:  # what the exchange lists, known once connected
        raise BadSymbolError(f"--symbol: {error}") from error
    except ccxt_errors.UnsupportedTimeFrameError as error:
        raise BadTimeFrameError(f"--time-frame: {error}") from error
    except ccxt_errors.UnsupportedExchangeError as error:
        raise UsageError(f"--exchange: {error}") from error
    except ccxt_errors.ExchangeNetworkError as error:  # the exchange is unreachable before recording starts
        raise DataError(f"{error}; {_NETWORK_FIX}") from error


def run(args: argparse.Namespace, context: CliContext) -> int:
    with _backtesting_errors():
        return _run(args, context)


def _run(args: argparse.Namespace, context: CliContext) -> int:
    if args.action == "list":
        folder = args.folder or context.home.ensure().data
        rows = [
            [
                summary.path.name,
                summary.description.exchange,
                ",".join(summary.description.symbols),
                ",".join(summary.description.time_frames),
                _when(summary.description.first_timestamp_ms),
                _when(summary.description.last_timestamp_ms),
                f"{summary.size_bytes / 1e6:.1f} MB",
            ]
            for summary in ob.list_data_files(folder)
        ]
        context.table(rows, ["FILE", "EXCHANGE", "SYMBOLS", "TIME FRAMES", "FROM", "TO", "SIZE"])
    elif args.action == "inspect":
        inspection = ob.inspect_data_file(data_path(args.file, context))
        description = inspection.description
        context.print(f"{inspection.path} ({inspection.size_bytes / 1e6:.1f} MB)")
        context.print(
            f"exchange {description.exchange}, format {description.format_version}, {description.origin}"
        )
        rows = [
            [
                series.info.symbol,
                series.info.time_frame,
                str(series.info.count),
                _when(series.info.first_timestamp_ms),
                _when(series.info.last_timestamp_ms),
                str(len(series.gaps)),
                str(series.missing_candles),
            ]
            for series in inspection.series
        ]
        context.table(rows, ["SYMBOL", "TIME FRAME", "CANDLES", "FROM", "TO", "GAPS", "MISSING"])
    elif args.action == "validate":
        path = data_path(args.file, context)
        report = ob.validate_data_file(path, symbols=args.symbol, time_frames=args.time_frame)
        for issue in report.issues:
            context.print(str(issue))
        context.print(f"{path}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
        if not report.ok:
            raise DataError(
                f"{path}: {len(report.errors)} error(s) in its candles (listed above); fix the source and "
                "import it again with `octobot data import SOURCE --to NAME --overwrite`"
            )
    elif args.action == "import":
        for source in args.sources:
            if not source.exists():
                raise NotFoundError(f"{source}: file not found")
        if args.exchange is not None:
            checked_exchange(args.exchange)
        if args.symbol is not None:
            checked_symbols([args.symbol])
        checked_time_frames([args.time_frame] if args.time_frame else [])
        checked_time_frames(args.resample, "--resample")
        destination = data_path(args.to, context, must_exist=False)
        destination.parent.mkdir(parents=True, exist_ok=True)
        imported = ob.import_files(
            args.sources,
            destination,
            exchange=args.exchange,
            symbol=args.symbol,
            time_frame=args.time_frame,
            resample_to=args.resample,
            timestamp_unit=args.timestamp_unit,
            overwrite=args.overwrite,
        )
        for (symbol, time_frame), count in sorted(imported.series.items()):
            built = imported.resampled.get((symbol, time_frame))
            context.print(
                f"{symbol} {time_frame}: {count} candles" + (f" (resampled from {built})" if built else "")
            )
        for issue in imported.issues:
            context.print(str(issue))
        context.print(f"wrote {imported.path}")
    elif args.action == "delete":
        path = data_path(args.file, context)
        ob.delete_data_file(path)
        context.print(f"deleted {path}")
    elif args.action == "collect":
        return _collect(args, context)
    return ExitCode.OK


def _collect(args: argparse.Namespace, context: CliContext) -> int:
    checked_exchange(args.exchange)
    checked_symbols(args.symbol)
    checked_time_frames(args.time_frame or [])
    if args.live:
        return _collect_live(args, context)
    for flag, value in (("--time-frame", args.time_frame), ("--start", args.start)):
        if not value:
            raise UsageError(f"{flag} is required to download candles (or add --live to record live data)")
    for flag, value in (("--duration", args.duration), ("--record", args.record)):
        if value:
            raise UsageError(f"{flag} only applies to --live recordings; add --live or remove it")
    start_ms = iso_ms(args.start, "--start")
    end_ms = None if args.end is None else iso_ms(args.end, "--end")
    destination = data_path(args.to, context, must_exist=False)
    destination.parent.mkdir(parents=True, exist_ok=True)
    result = asyncio.run(
        ob.collect_ohlcv(
            destination,
            exchange=args.exchange,
            symbols=args.symbol,
            time_frames=args.time_frame,
            start_ms=start_ms,
            end_ms=end_ms,
            exchange_config=context.user_config.ccxt_config(args.exchange),
            overwrite=args.overwrite,
            restart=args.restart,
        )
    )
    for series in result.series:
        context.print(
            f"{series.symbol} {series.time_frame}: {series.candles} candles, "
            f"{_when(series.first_timestamp_ms)} -> {_when(series.last_timestamp_ms)}, "
            f"{len(series.gaps)} gap(s)"
        )
    context.print(f"wrote {result.path} ({result.requests} requests, {result.retries} retries)")
    return ExitCode.OK


_DURATION_UNITS_MS = {"s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


def duration_ms(text: str, option: str = "--duration") -> int:
    """``30m``, ``2h``, ``1d`` in ms; a UsageError naming the flag otherwise."""
    number, unit = text[:-1], text[-1:]
    if unit not in _DURATION_UNITS_MS or not number.isdigit() or int(number) <= 0:
        raise UsageError(f"{option}: '{text}' is not a duration; write it like 30m, 2h or 1d")
    return int(number) * _DURATION_UNITS_MS[unit]


def _collect_live(args: argparse.Namespace, context: CliContext) -> int:
    """Records tickers, order books and trades (and closed candles of --time-frame) until the end."""
    if args.start is not None:
        raise UsageError("--start does not apply to --live (it records from now); remove it")
    if (args.end is None) == (args.duration is None):
        raise UsageError("--live needs one of --end (ISO date, UTC) or --duration (like 2h)")
    if not 1 <= args.book_depth <= 1000:
        raise UsageError(f"--book-depth: {args.book_depth} is out of range; give 1 to 1000 levels")
    end_given = None if args.end is None else iso_ms(args.end, "--end")
    duration = None if args.duration is None else duration_ms(args.duration)  # checked before connecting
    destination = data_path(args.to, context, must_exist=False)
    destination.parent.mkdir(parents=True, exist_ok=True)

    async def record() -> ob.LiveCollectionResult:
        from octobot_trading.ccxt_connector import CcxtLiveConnector  # imports ccxt: only when recording

        config = context.user_config.ccxt_config(args.exchange)
        async with CcxtLiveConnector(
            args.exchange, config={k: v for k, v in config.items() if k not in _CREDENTIAL_KEYS}
        ) as connector:
            await connector.start()
            # --duration counts from the exchange's clock now; a resumed run keeps its first end
            end_ms = (
                end_given or _resumed_end(destination, args) or connector.server_time_ms() + (duration or 0)
            )
            return await ob.collect_live(
                destination,
                exchange=args.exchange,
                symbols=args.symbol,
                end_ms=end_ms,
                tables=args.record or ob.MARKET_TABLES,
                book_depth=args.book_depth,
                time_frames=args.time_frame or (),
                connector=connector,
                overwrite=args.overwrite,
                restart=args.restart,
            )

    context.print(f"recording {', '.join(args.record or ob.MARKET_TABLES)} of {', '.join(args.symbol)} live")
    result = asyncio.run(record())
    for table, count in result.rows.items():
        context.print(f"{table}: {count} rows")
    resumed = " (resumed)" if result.resumed else ""
    context.print(f"wrote {result.path}{resumed}, {result.source_switches} stream/REST switch(es)")
    return ExitCode.OK


#: ccxt settings never passed to a public recording (the user config may hold them for trading)
_CREDENTIAL_KEYS = ("apiKey", "secret", "password", "uid")


def _resumed_end(destination: Path, args: argparse.Namespace) -> int | None:
    """The end of an interrupted --duration recording into ``destination`` (its staging file keeps it),
    so running the same command again goes on to the same end instead of a new one."""
    if args.restart:
        return None
    return ob.interrupted_live_end(destination)
