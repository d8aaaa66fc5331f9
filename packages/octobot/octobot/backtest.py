"""A backtest of a profile: the bot wired in synchronized mode on a simulated clock, fed by
octobot_backtesting's replay of recorded data files, then reported.

Why the same OctoBot class as live: a backtest is only worth something if it runs the very chain that
trades live; only the clock, the channel mode and the exchange connector (the simulator) differ.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

import octobot_backtesting as ob
import octobot_channel as oc
import octobot_trading as ot
from octobot.bot import OctoBot
from octobot.data_errors import data_error
from octobot.errors import DataError, NotBacktestableError
from octobot.profile import Profile

logger = logging.getLogger(__name__)
iso = ot.ms_to_iso


@dataclass
class BacktestOutcome:
    """What a backtest produced: the report (figures, text, HTML) and what the replay pushed."""

    report: ob.RunReport
    replay: ob.ReplayResult
    data_files: dict[str, Path]
    #: the user interrupted the run (Ctrl+C): the report covers the replay up to then
    interrupted: bool = False


def _describe(path: Path) -> ob.DataFileDescription:
    try:
        with ob.DataFileReader(path) as reader:
            return reader.description
    except ob.BacktestingError as error:
        raise data_error(error) from error


def match_data_files(profile: Profile, data_files: Sequence[Path]) -> dict[str, Path]:
    """The data file of each exchange of the profile (by the exchange recorded in the file).

    With one exchange and one file, the file is used whatever exchange it records (with a warning).
    """
    if not data_files:
        raise DataError("no data file given: pass --data FILE (see `octobot data list`)")
    described = {path: _describe(path) for path in data_files}
    chosen: dict[str, Path] = {}
    for exchange in profile.exchanges:
        matching = [path for path, description in described.items() if description.exchange == exchange]
        if len(matching) > 1:
            raise DataError(
                f"several data files record {exchange}: {', '.join(map(str, matching))}; give one"
            )
        if matching:
            chosen[exchange] = matching[0]
    if not chosen and len(profile.exchanges) == 1 and len(data_files) == 1:
        path = data_files[0]
        logger.warning("%s records %s, replayed as %s", path, described[path].exchange, profile.exchanges[0])
        chosen[profile.exchanges[0]] = path
    missing = [exchange for exchange in profile.exchanges if exchange not in chosen]
    if missing:
        recorded = ", ".join(f"{path.name}: {d.exchange}" for path, d in described.items())
        raise DataError(
            f"no data file for exchange(s) {', '.join(missing)} of the profile (files: {recorded})"
        )
    for exchange, path in chosen.items():
        description = described[path]
        absent = [pair for pair in profile.pairs if pair not in description.symbols]
        if absent:
            raise DataError(
                f"{path} has no candles of {', '.join(absent)} (it holds {', '.join(description.symbols)}); "
                f"collect them with `octobot data collect --exchange {exchange} --symbol ...`"
            )
    return chosen


def required_market_data(profile: Profile) -> dict[str, tuple[str, ...]]:
    """The recorded market data (``tickers``, ``order_books``, ``trades``) the profile's tentacles need
    beyond candles, by tentacle name (their ``REQUIRED_MARKET_DATA``)."""
    names = [profile.trading_mode, *profile.strategies, *profile.evaluators]
    needed = {}
    for name in names:
        tables = tuple(getattr(profile.tentacles[name].cls, "REQUIRED_MARKET_DATA", ()))
        if tables:
            needed[name] = tables
    return needed


def check_market_data(profile: Profile, files: dict[str, Path]) -> tuple[str, ...]:
    """The tables to replay besides candles; a DataError (one line: the profile, the tentacle, the file,
    the missing table and how to record it) when a data file lacks one for a pair of the profile."""
    needed = required_market_data(profile)
    tables = tuple(table for table in ob.MARKET_TABLES if any(table in t for t in needed.values()))
    for exchange, path in files.items():
        try:
            with ob.DataFileReader(path) as reader:
                recorded = {table: set(reader.market_symbols(table)) for table in tables}
        except ob.BacktestingError as error:
            raise data_error(error) from error
        for tentacle, wanted in needed.items():
            for table in wanted:
                absent = [pair for pair in profile.pairs if pair not in recorded[table]]
                if absent:
                    raise DataError(
                        f"profile '{profile.name}' needs {table} ({tentacle} reads them) but {path} has none "
                        f"for {', '.join(absent)}; record them with `octobot data collect --live --exchange "
                        f"{exchange} --symbol {absent[0]} --record {table} --duration 1d --to NAME`"
                    )
    return tables


def check_backtestable(profile: Profile) -> None:
    """Raise NotBacktestableError, saying why, when the profile's trading mode cannot run on recorded
    candles (its ``BACKTEST_REFUSAL``)."""
    info = profile.tentacles.get(profile.trading_mode)
    reason = getattr(info.cls, "BACKTEST_REFUSAL", None) if info is not None else None
    if reason:
        raise NotBacktestableError(
            f"profile {profile.name!r} cannot be backtested: {profile.trading_mode} {reason}"
        )


async def run_backtest(
    profile: Profile,
    data_files: Sequence[Path],
    *,
    start_ms: int | None = None,
    end_ms: int | None = None,
    progress: Callable[[float], None] | None = None,
    window: str = ob.COMMON,
) -> BacktestOutcome:
    """Replay ``data_files`` through a bot running ``profile``; the bot is stopped whatever happens.

    Every candle goes through the channels, as live: there is no second path to keep equal to it.
    """
    check_backtestable(profile)
    files = await asyncio.to_thread(match_data_files, profile, list(data_files))
    market_data = await asyncio.to_thread(check_market_data, profile, files)
    first = min(_describe(path).first_timestamp_ms or 0 for path in files.values())
    clock = ob.SimulatedClock(first if start_ms is None else min(first, start_ms))
    synchronizer = oc.Synchronizer()
    bot = OctoBot(profile, clock=clock, synchronizer=synchronizer)
    smallest = ot.smallest_time_frame(profile.time_frames).value
    began = time.perf_counter()
    await bot.start()
    try:
        managers = dict(bot.exchange_managers)
        holdings = {exchange: await _record_holdings(manager) for exchange, manager in managers.items()}
        feeds = [
            ob.ReplayFeed(managers[exchange], path, profile.pairs, profile.time_frames, market_data)
            for exchange, path in files.items()
        ]
        warmup = max(
            (chain.required_history(tf) for chain in bot.chains.values() for tf in profile.time_frames),
            default=0,
        )
        replay = ob.Replay(
            feeds,
            clock=clock,
            synchronizer=synchronizer,
            start_ms=start_ms,
            end_ms=end_ms,
            warmup_candles=warmup,
            progress=progress,
            window=window,
        )
        interrupted_at: int | None = None
        try:
            replayed = await replay.run()
        except ob.BacktestingError as error:
            raise data_error(error) from error
        except asyncio.CancelledError:
            partial = _interrupted(replay, clock)
            if partial is None:
                raise
            replayed, interrupted_at = partial
        open_orders = [order for manager in managers.values() for order in manager.trader.open_orders()]
    finally:
        await bot.stop()
    duration = time.perf_counter() - began
    result = _run_result(
        profile, managers, files, smallest, replayed, open_orders, duration, replay, holdings
    )
    if interrupted_at is not None:
        result = dataclasses.replace(result, interrupted_at_ms=interrupted_at)
        logger.warning(
            "backtest interrupted at %s: the report covers the run up to then", ot.ms_to_iso(interrupted_at)
        )
    report = ob.build_report(result)
    return BacktestOutcome(
        report=report, replay=replayed, data_files=files, interrupted=interrupted_at is not None
    )


def _interrupted(replay: ob.Replay, clock: ob.SimulatedClock) -> tuple[ob.ReplayResult, int] | None:
    """The partial result of a replay the user interrupted (Ctrl+C cancels the run's task), and the
    instant it stopped at; None when there is nothing to report (interrupted before the first instant)
    or when the cancel came from elsewhere too (then it goes on)."""
    task = asyncio.current_task()
    if task is None or replay.result is None or not replay.result.steps or task.uncancel() > 0:
        return None
    stopped = clock.now_ms()
    partial = dataclasses.replace(replay.result, end_ms=max(replay.result.start_ms, stopped - 1))
    return partial, stopped


async def _record_holdings(manager: ot.ExchangeManager) -> list[tuple[int, dict[str, Decimal]]]:
    """The account's holdings at the start and after each balance change (the equity curve is valued
    from them and the replayed prices after the run: see `octobot_trading.equity_curve`)."""
    holdings = [(manager.clock.now_ms(), dict(manager.portfolio.totals()))]

    async def record(message: dict[str, Any]) -> None:
        now = manager.clock.now_ms()
        if holdings[-1][0] == now:
            holdings.pop()  # several changes within one instant: the last one holds at its end
        holdings.append((now, dict(manager.portfolio.totals())))

    channel = manager.get_channel("BalanceChannel")
    await channel.new_consumer(
        record,
        priority=oc.Priority.OPTIONAL,
        filters={"exchange": manager.exchange_id},
        name="holdings-recorder",
    )
    return holdings


def _equity(
    manager: ot.ExchangeManager,
    holdings: list[tuple[int, dict[str, Decimal]]],
    candles: dict[str, Any],
    time_frame: str,
    reference: str,
) -> tuple[np.ndarray, np.ndarray]:
    """The portfolio value at each step (each close of the smallest time frame), from the holdings and
    the replayed closes."""
    prices: dict[str, ot.PriceSeries] = {}
    for pair, replayed in candles.items():
        opens = np.asarray(replayed[:, 0], dtype=np.int64)
        prices[pair] = (_close_times(opens, time_frame), np.asarray(replayed[:, 4], dtype=np.float64))
    return ot.equity_curve(
        _steps([closes_at for closes_at, _ in prices.values()]), holdings, prices, reference
    )


def _steps(close_times: list[np.ndarray]) -> np.ndarray:
    """Each distinct close time of the pairs once, increasing.

    Pairs replayed over the same window share their close times: then the first pair's (increasing,
    distinct) are the answer, without concatenating and sorting every pair's (a year of 1m on 10 pairs:
    5 million times, about 80 MB at the report's peak)."""
    if not close_times:
        return np.empty(0, dtype=np.int64)
    first = close_times[0]
    if all(np.array_equal(first, other) for other in close_times[1:]) and bool(
        np.all(first[1:] > first[:-1])
    ):
        return first.astype(np.int64)
    steps = np.sort(np.concatenate(close_times))
    # each distinct close once (np.unique would do it, but imports numpy.ma: 0.2 s of CPU per process)
    steps = steps[np.concatenate(([True], steps[1:] != steps[:-1]))] if len(steps) else steps
    return steps.astype(np.int64)


def _close_times(opens: np.ndarray, time_frame: str) -> np.ndarray:
    if time_frame in _CALENDAR_TIME_FRAMES:
        return np.array([ot.candle_close_time(int(t), time_frame) for t in opens.tolist()], dtype=np.int64)
    return opens + ot.parse_time_frame(time_frame).ms


def _gap_warnings(candles: dict[str, Any], time_frame: str) -> list[str]:
    """A warning per gap in the replayed candles of the run window (logged too): the bot saw no price
    there, so orders could not fill and the figures step over it."""
    warnings = []
    for pair, replayed in candles.items():
        if len(replayed) < 2:
            continue
        for gap in ob.find_gaps(pair, time_frame, np.asarray(replayed[:, 0], dtype=np.int64)):
            warning = (
                f"{pair} {time_frame}: {gap.missing} candle(s) missing from {ot.ms_to_iso(gap.start_ms)} "
                f"up to {ot.ms_to_iso(gap.end_ms)} in the run window (no price then: no fill, no signal)"
            )
            logger.warning("%s", warning)
            warnings.append(warning)
    return warnings


#: time frames whose candles do not all last the same (months) or are not on the epoch grid (weeks)
_CALENDAR_TIME_FRAMES = frozenset({"1w", "1M"})


def _run_result(
    profile: Profile,
    managers: dict[str, ot.ExchangeManager],
    files: dict[str, Path],
    time_frame: str,
    replayed: ob.ReplayResult,
    open_orders: list[Any],
    duration: float,
    replay: ob.Replay,
    holdings: dict[str, list[tuple[int, dict[str, Decimal]]]],
) -> ob.RunResult:
    # one report per run: several exchanges are summed (their portfolios and trades side by side)
    exchange, manager = next(iter(managers.items()))
    candles = {}
    for pair in profile.pairs:
        replayed_candles = replay.candles(manager, pair, time_frame)  # read once, by the replay
        if replayed_candles is None:
            with ob.DataFileReader(files[exchange]) as reader:
                replayed_candles = reader.read_ohlcv(pair, time_frame, replayed.start_ms, replayed.end_ms)
        candles[pair] = replayed_candles
    end_portfolio: dict[str, Decimal] = {}
    trades: list[ob.TradeRecord] = []
    several = len(managers) > 1
    for name, each in managers.items():
        for asset, amount in each.portfolio.totals().items():
            end_portfolio[asset] = end_portfolio.get(asset, Decimal(0)) + amount
        trades.extend(
            ob.TradeRecord.from_trade(trade, name if several else None) for trade in each.trader.trades()
        )
    equity_times, equity_values = _equity(
        manager, holdings[exchange], candles, time_frame, profile.reference_market
    )
    data_warnings = _gap_warnings(candles, time_frame)
    orders_by_kind: dict[str, int] = {}
    for trade in trades:
        orders_by_kind[trade.kind] = orders_by_kind.get(trade.kind, 0) + 1
    return ob.RunResult(
        start_ms=replayed.start_ms,
        end_ms=replayed.end_ms,
        reference_market=profile.reference_market,
        start_portfolio=dict(profile.starting_portfolio),
        end_portfolio=end_portfolio,
        candles=candles,
        equity_times_ms=equity_times,
        equity_values=equity_values,
        trades=sorted(trades, key=lambda trade: trade.time_ms),
        orders_by_kind=orders_by_kind,
        open_orders=[
            ob.OpenOrderRecord(
                symbol=order.symbol,
                side=str(order.side.value),
                kind=str(order.kind.value),
                price=order.price or order.trigger_price or Decimal(0),
                amount=order.amount - order.filled,
                created_ms=order.created_at,
            )
            for order in open_orders
        ],
        run_duration_s=duration,
        data_warnings=data_warnings,
        candles_processed=replayed.candles_pushed,
        metadata={
            "profile": profile.name,
            "exchanges": profile.exchanges,
            "pairs": profile.pairs,
            "time_frames": profile.time_frames,
            "trading_mode": profile.trading_mode,
            "strategies": profile.strategies,
            "evaluators": profile.evaluators,
            "data_files": {name: str(path) for name, path in files.items()},
        },
    )
