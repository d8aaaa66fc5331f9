"""The equivalence check: a tentacle (or a whole profile) must behave the same in a backtest as live.

There is one event path, so what can still differ is the tentacle itself: state kept across runs, the wall
clock, the order of messages, data it should not read. The check runs the same bot on the same recorded
candles three times:

1. a backtest (synchronized channels, ``octobot_backtesting.Replay``), twice: the two runs must be
   identical to the millisecond (no hidden global state, nothing read from the wall clock);
2. a live-like run: normal-mode channels with a task per consumer, fed as a live feed feeds a bot (tickers
   and the candle in construction before each close, history loaded like a live start; see
   `octobot.live_like_feed`), compared with the backtest: the evaluation per closed candle of every
   evaluator and strategy, the orders, the trades (a live fill, and an order created on a fill, happen
   inside the candle, a backtest's at its close: both are counted at the candle's close) and the end
   portfolio. What counts against a
   tentacle is what it decides (`focus_of`): an evaluator's or a strategy's evaluation per closed
   candle, a trading mode's orders, trades and portfolio, everything for a profile; other differences
   are listed apart;

plus the contract (`octobot.tentacle_contract`): kind declared, DEFAULT_CONFIG valid against CONFIG_SCHEMA,
plain trigger methods, and a trading mode's ``plan_orders`` probed at the end of the backtest: it must
return a plan and change nothing.

A tentacle is checked inside a profile built around it from a base profile (the built-in default unless
given): an evaluator joins the base strategy and trading mode, a strategy gets the base evaluators (or
those it requires), a trading mode the base strategies (or those it requires), an interface or a notifier
is added to the base profile.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import octobot_backtesting as ob
import octobot_channel as oc
import octobot_evaluators as oe
import octobot_trading as ot
from octobot.backtest import check_market_data, match_data_files
from octobot.bot import OctoBot
from octobot.chain_record import ChainRecord, ChainRecorder
from octobot.data_discovery import as_data_file, find_backtest_data
from octobot.errors import DataError
from octobot.home import UserHome
from octobot.live_like_feed import LiveLikeFeed, ManualClock
from octobot.profile import Profile, load_profile
from octobot.profile_store import DEFAULT_PROFILE
from octobot.record_comparison import Difference, compare_records
from octobot.tentacle_contract import class_problems, plan_orders_problems
from octobot.tentacle_info import WILDCARD, TentacleInfo
from octobot.tentacle_kind import TentacleKind
from octobot.tentacle_registry import TentacleRegistry
from octobot.validation import validate

#: kinds the check runs in a bot; the others get the contract checks only
RUN_KINDS = frozenset(
    {
        TentacleKind.TA,
        TentacleKind.REAL_TIME,
        TentacleKind.SOCIAL,
        TentacleKind.STRATEGY,
        TentacleKind.TRADING_MODE,
        TentacleKind.INTERFACE,
        TentacleKind.NOTIFIER,
    }
)
#: the source of the signals the check gives social evaluators
SIGNAL_SOURCE = "tentacle-check"
_runs = itertools.count(1)


@dataclass
class TentacleCheckReport:
    """What the check found. ``ok``: no difference and no contract problem."""

    subject: str  # the tentacle name, or "profile <name>"
    kind: str
    data_file: Path | None
    pairs: list[str]
    time_frames: list[str]
    start_ms: int | None = None
    end_ms: int | None = None
    candles: int = 0  # closed candles pushed by each run
    evaluations: int = 0  # (key, candle) evaluations compared
    orders: int = 0
    trades: int = 0
    #: backtest vs live-like run, in what the checked tentacle decides (see `focus_of`)
    differences: list[Difference] = field(default_factory=list)
    #: backtest vs live-like run elsewhere in the chain (told, not counted: see the module doc)
    other_differences: list[Difference] = field(default_factory=list)
    #: first backtest vs second backtest
    determinism: list[Difference] = field(default_factory=list)
    contract: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.differences or self.determinism or self.contract)

    def lines(self, limit: int = 20) -> list[str]:
        """The report as text lines; at most ``limit`` differences of each list (and how many more)."""
        window = ""
        if self.start_ms is not None and self.end_ms is not None:
            window = f" from {ot.ms_to_iso(self.start_ms)} to {ot.ms_to_iso(self.end_ms)}"
        lines = [
            f"{self.subject} ({self.kind}) on {self.data_file or 'no data'}: "
            f"{', '.join(self.pairs)} {', '.join(self.time_frames)}, {self.candles} candles{window}",
            f"compared {self.evaluations} evaluations, {self.orders} orders, {self.trades} trades",
        ]
        lines.extend(f"note: {note}" for note in self.notes)
        lines.extend(f"contract: {problem}" for problem in self.contract)
        for title, differences in (
            ("two backtests differ (hidden state or wall clock?)", self.determinism),
            ("backtest and live differ", self.differences),
            ("elsewhere in the chain, backtest and live differ (not counted)", self.other_differences),
        ):
            if differences:
                lines.append(f"{title}: {len(differences)} difference(s)")
                lines.extend(f"  {difference}" for difference in differences[:limit])
                if len(differences) > limit:
                    lines.append(f"  ... and {len(differences) - limit} more")
        lines.append("EQUIVALENT" if self.ok else "NOT EQUIVALENT")
        return lines


# ----------------------------------------------------------------------------- profiles
def profile_for_tentacle(
    info: TentacleInfo,
    base: Profile,
    registry: TentacleRegistry,
    *,
    pairs: Sequence[str] | None = None,
    time_frames: Sequence[str] | None = None,
    config: dict[str, Any] | None = None,
) -> Profile:
    """``base`` with ``info`` active in its place (see the module doc); ``config`` overrides its defaults."""
    evaluators, strategies = list(base.evaluators), list(base.strategies)
    mode, interfaces = base.trading_mode, list(base.interfaces)
    frames = list(time_frames or base.time_frames)
    if info.kind.is_evaluator:
        evaluators = [info.name, *_required(strategies, "required_evaluators", registry, base, info.name)]
    elif info.kind is TentacleKind.STRATEGY:
        strategies = [info.name]
        needed = [name for name in info.required_evaluators if name != WILDCARD]
        evaluators = needed or evaluators
        if time_frames is None and info.required_time_frames:
            frames = list(info.required_time_frames)
    elif info.kind is TentacleKind.TRADING_MODE:
        mode = info.name
        needed = [name for name in info.required_strategies if name != WILDCARD]
        if needed:
            strategies = needed
            evaluators = _required(strategies, "required_evaluators", registry, base) or evaluators
            if time_frames is None:  # the time frames its strategies read (the dip analyser's 4h)
                frames = _required(strategies, "required_time_frames", registry, base) or frames
    elif info.kind in (TentacleKind.INTERFACE, TentacleKind.NOTIFIER):
        interfaces = [*[name for name in interfaces if name != info.name], info.name]
    names = [mode, *strategies, *evaluators, *interfaces]
    tentacles = {name: base.tentacles.get(name) or registry.get(name) for name in names}
    tentacles[info.name] = info  # the class checked, even when the base profile has one of that name
    configs = {name: base.tentacle_config(name) if name in base.tentacles else {} for name in names}
    for name, each in tentacles.items():
        if name not in base.tentacles:
            configs[name] = copy.deepcopy(each.default_config)
    if config:
        configs[info.name] = {**configs[info.name], **config}
        validate(configs[info.name], info.config_schema, Path(f"<config of {info.name}>"))
    return dataclasses.replace(
        base,
        name=f"check-{info.name}",
        pairs=list(pairs or base.pairs),
        time_frames=frames,
        trading_mode=mode,
        strategies=strategies,
        evaluators=evaluators,
        interfaces=interfaces,
        tentacles=tentacles,
        tentacle_configs=configs,
    )


def _required(
    names: Sequence[str], attribute: str, registry: TentacleRegistry, base: Profile, exclude: str = ""
) -> list[str]:
    found: list[str] = []
    for name in names:
        info = base.tentacles.get(name) or registry.get(name)
        found.extend(n for n in getattr(info, attribute) if n not in (WILDCARD, exclude, *found))
    return found


# ----------------------------------------------------------------------------- runs
@dataclass
class _Window:
    start_ms: int
    end_ms: int
    warmup: int


async def _start(bot: OctoBot) -> None:
    await bot.start()
    await _attach_signals(bot)


async def _attach_signals(bot: OctoBot) -> None:
    """Social evaluators get one signal per closed candle of the smallest time frame: its direction
    (payload ``side`` "buy"/"sell", ``change_percent``, ``close``, and ``text``, a call saying it
    for evaluators reading text), from a consumer of the candles, so that
    both runs derive them from the same message."""
    feeds = sorted(
        {
            evaluator.feed
            for chain in bot.chains.values()
            for evaluator in chain.evaluators
            if isinstance(evaluator, oe.SocialEvaluator)
        }
    )
    if not feeds or bot.matrix is None:
        return
    channel = oc.get_channel(oe.SocialFeedChannel, scope=bot.matrix.matrix_id)
    smallest = ot.smallest_time_frame(bot.profile.time_frames).value

    async def on_candle(message: dict[str, Any]) -> None:
        if str(message["time_frame"]) != smallest:
            return
        open_time, open_, _, _, close, _ = message["candle"]
        rising = close >= open_
        change = (close - open_) / open_ * 100 if open_ else 0.0
        signal = oe.Signal(
            source=SIGNAL_SOURCE,
            payload={
                "side": "buy" if rising else "sell",
                "change_percent": change,
                "close": close,
                # for evaluators reading text (sentiment): the candle told as a headline
                "text": f"{message['symbol']} {'up' if rising else 'down'} {abs(change):.2f}%: "
                f"{'buy' if rising else 'sell'}, {'good' if rising else 'bad'} news",
            },
            time=ot.candle_close_time(int(open_time), smallest),
            symbol=message["symbol"],
        )
        for feed in feeds:
            await channel.send(
                {
                    "feed": feed,
                    "source": signal.source,
                    "payload": signal.payload,
                    "time": signal.time,
                    "symbol": signal.symbol,
                    "signal": signal,
                }
            )

    for manager in bot.exchange_managers.values():
        await manager.get_channel("OHLCVChannel").new_consumer(
            on_candle, priority=oc.Priority.HIGH, max_queue_size=0, name="tentacle-check-signals"
        )


def _window(profile: Profile, data_file: Path, warmup: int, candles: int | None) -> tuple[int, int]:
    """The run window: after ``warmup`` candles of the smallest time frame (kept as history), at most
    ``candles`` of them."""
    smallest = ot.smallest_time_frame(profile.time_frames)
    with ob.DataFileReader(data_file) as reader:
        opens = reader.read_ohlcv(profile.pairs[0], smallest.value)[:, 0].astype(np.int64)
    if len(opens) < 2:
        raise DataError(f"{data_file} has fewer than 2 candles of {profile.pairs[0]} {smallest.value}")
    first = min(warmup, len(opens) - 2)
    last = len(opens) - 1 if candles is None else min(len(opens) - 1, first + max(candles, 1) - 1)
    return int(opens[first]), ot.candle_close_time(int(opens[last]), smallest)


async def _backtest(
    profile: Profile,
    files: dict[str, Path],
    market_data: tuple[str, ...],
    candles: int | None,
    window: _Window | None,
    probe: bool,
) -> tuple[ChainRecord, _Window, list[str]]:
    clock = ob.SimulatedClock(0 if window is None else window.start_ms)
    synchronizer = oc.Synchronizer()
    bot = OctoBot(profile, clock=clock, synchronizer=synchronizer, bot_id=f"check-bt-{next(_runs)}")
    problems: list[str] = []
    await _start(bot)
    try:
        if window is None:
            warmup = max(
                (chain.required_history(tf) for chain in bot.chains.values() for tf in profile.time_frames),
                default=0,
            )
            start_ms, end_ms = _window(profile, files[profile.exchanges[0]], warmup, candles)
            window = _Window(start_ms, end_ms, warmup)
            clock.advance_to(start_ms)
        recorder = await ChainRecorder(bot, clock.now_ms).attach()
        feeds = [
            ob.ReplayFeed(
                bot.exchange_managers[exchange], path, profile.pairs, profile.time_frames, market_data
            )
            for exchange, path in files.items()
        ]
        replay = ob.Replay(
            feeds,
            clock=clock,
            synchronizer=synchronizer,
            start_ms=window.start_ms,
            end_ms=window.end_ms,
            warmup_candles=window.warmup,
        )
        try:
            await replay.run()
        except ob.BacktestingError as error:
            raise DataError(str(error)) from error
        record = await recorder.finish()
        if probe:
            for mode in bot.trading_modes.values():
                problems.extend(plan_orders_problems(mode))
    finally:
        await bot.stop()
    return record, window, problems


async def _live_like(
    profile: Profile,
    files: dict[str, Path],
    market_data: tuple[str, ...],
    backtest: ChainRecord,
    window: _Window,
) -> ChainRecord:
    clock = ManualClock(window.start_ms)

    async def load_history(manager: ot.ExchangeManager, symbol: str, time_frame: str, count: int) -> int:
        """As a live start loads it: the ``count`` candles closed by the start."""
        if count <= 0:
            return 0
        tf = ot.parse_time_frame(time_frame)
        calendar = tf is ot.TimeFrame.ONE_MONTH  # candles of different lengths: read from the start
        since = None if calendar else window.start_ms - (count + 1) * tf.ms
        with ob.DataFileReader(files[manager.exchange_name]) as reader:
            rows = reader.read_ohlcv(symbol, time_frame, since, window.start_ms)
            if since is not None and len(rows) <= count:  # gaps: the history goes further back
                rows = reader.read_ohlcv(symbol, time_frame, None, window.start_ms)
        if calendar:
            closes = np.array([ot.candle_close_time(int(t), tf) for t in rows[:, 0]], dtype=np.int64)
        else:
            closes = rows[:, 0].astype(np.int64) + tf.ms
        history = rows[closes <= window.start_ms][-count:]
        if len(history):
            manager.symbol_data(symbol).candle_buffer(time_frame).load(history)
        return len(history)

    bot = OctoBot(profile, clock=clock, history_loader=load_history, bot_id=f"check-live-{next(_runs)}")
    await _start(bot)
    try:
        assert bot.matrix is not None
        scopes = [manager.exchange_id for manager in bot.exchange_managers.values()] + [bot.matrix.matrix_id]
        feed = LiveLikeFeed(bot.exchange_managers, clock, profile.time_frames, scopes)
        recorder = await ChainRecorder(bot, lambda: feed.instant).attach()
        feed.know(backtest.pushes)
        events = _market_events(bot, files, market_data, profile.pairs, window)
        for instant, group in itertools.groupby(backtest.pushes, key=lambda push: push[0]):
            await feed.market_events(events, before=instant)
            await feed.feed(instant, [push[1:] for push in group])
            await feed.market_events(events, before=instant + 1)  # those of the instant: after its candles
        await feed.market_events(events, before=window.end_ms + 1)
        return await recorder.finish()
    finally:
        await bot.stop()


def _market_events(
    bot: OctoBot,
    files: dict[str, Path],
    market_data: tuple[str, ...],
    pairs: Sequence[str],
    window: _Window,
) -> list[ob.MarketEvents]:
    """The recorded tickers, order books and trades the backtest replayed, per exchange (the same rows: the
    replay's run window)."""
    if not market_data:
        return []
    events = []
    for exchange, path in files.items():
        with ob.DataFileReader(path) as reader:
            events.append(
                ob.MarketEvents.read(
                    bot.exchange_managers[exchange],
                    reader,
                    market_data,
                    sorted(pairs),
                    window.start_ms,
                    window.end_ms,
                )
            )
    return events


def _close_instant(time_frame: str) -> Callable[[int], int]:
    """Maps a fill or order time to the close of the candle (of the smallest time frame) it happened in."""
    length = ot.parse_time_frame(time_frame).ms

    def to_close(time_ms: int) -> int:
        return -(-time_ms // length) * length  # a backtest fill is stamped at a close: kept as it is

    return to_close


def focus_of(kind: str, name: str | None) -> Callable[[Difference], bool]:
    """Which backtest/live differences count against a tentacle of ``kind``: an evaluator or a strategy
    answers for its evaluation per closed candle, a trading mode for its orders, trades and portfolio;
    a profile, an interface or a notifier for everything. (A real-time evaluator acts inside candles
    live, where a backtest, fed closed candles only, cannot follow: what the chain does with those
    intra-candle evaluations is told, not counted.) Differing candles always count: the runs did not
    see the same market."""
    if kind in _EVALUATION_KINDS:
        return lambda d: d.aspect == "candles" or (d.aspect == "evaluation" and d.tentacle == name)
    if kind == TentacleKind.TRADING_MODE.value:
        return lambda d: d.aspect in ("candles", "order", "trade", "portfolio")
    return lambda d: True


_EVALUATION_KINDS = frozenset(
    kind.value
    for kind in (TentacleKind.TA, TentacleKind.REAL_TIME, TentacleKind.SOCIAL, TentacleKind.STRATEGY)
)


def _usable_data_file(path: Path, home: UserHome, exchange: str) -> Path:
    if not path.is_file():
        raise DataError(f"no data file at {path}: pass --data FILE (see `octobot data list`)")
    return as_data_file(path, home, exchange)


async def check_profile_async(
    profile: Profile,
    data: Path | str | Sequence[Path | str],
    *,
    candles: int | None = None,
    tolerance: float = 0.0,
    subject: str | None = None,
    kind: str = "profile",
    focus: type | None = None,
    home: UserHome | None = None,
) -> TentacleCheckReport:
    """Run ``profile`` (loaded with a registry) both ways on ``data`` and compare (see the module doc).

    ``data``: a data file, or one per exchange of the profile (matched by the exchange each records); the
    tickers, order books and trades its tentacles need (``REQUIRED_MARKET_DATA``) are replayed too, in the
    backtest as `octobot backtest` replays them and in the live-like run at the same instants, after the
    candles closing then.
    """
    paths = [Path(data)] if isinstance(data, (str, Path)) else [Path(each) for each in data]
    if not paths:
        raise DataError("no data file given: pass --data FILE (see `octobot data list`)")
    resolved = home or UserHome.resolve(None)
    exchanges = list(profile.exchanges)
    data_files = [
        await asyncio.to_thread(_usable_data_file, path, resolved, exchanges[min(index, len(exchanges) - 1)])
        for index, path in enumerate(paths)
    ]
    data_file = data_files[0]
    report = TentacleCheckReport(
        subject=subject or f"profile {profile.name}",
        kind=kind,
        data_file=data_file,
        pairs=list(profile.pairs),
        time_frames=list(profile.time_frames),
    )
    for info in profile.tentacles.values():
        if focus is None or info.cls is focus:
            report.contract.extend(class_problems(info.cls))
    files = await asyncio.to_thread(match_data_files, profile, data_files)
    try:
        market_data = await asyncio.to_thread(check_market_data, profile, files)
    except DataError as error:  # a tentacle checked on candles only: what it needs beyond them is absent
        market_data = ()
        report.notes.append(f"run on candles only: {error}")
    # the check gives social evaluators its own signals: no service feed reaches the outside world
    profile = dataclasses.replace(profile, feeds=[])
    first, window, problems = await _backtest(profile, files, market_data, candles, None, probe=True)
    report.contract.extend(problems)
    second, _, _ = await _backtest(profile, files, market_data, candles, window, probe=False)
    live = await _live_like(profile, files, market_data, first, window)
    report.start_ms, report.end_ms = window.start_ms, window.end_ms
    report.candles = len(first.pushes)
    report.evaluations = sum(len(values) for values in first.evaluations.values())
    report.orders, report.trades = len(first.orders), len(first.trades)
    report.determinism = compare_records(first, second, names=("run 1", "run 2"), tolerance=0.0)
    smallest = ot.smallest_time_frame(profile.time_frames).value
    differences = compare_records(first, live, tolerance=tolerance, event_time=_close_instant(smallest))
    counted = focus_of(kind, subject)
    report.differences = [difference for difference in differences if counted(difference)]
    report.other_differences = [difference for difference in differences if not counted(difference)]
    report.determinism.sort(key=lambda difference: difference.tentacle != subject)  # its own first
    if not first.pushes:
        report.notes.append("no candle was replayed: widen the window (--candles) or pick another file")
    return report


async def check_tentacle_async(
    tentacle: str | type,
    data: Path | str | None = None,
    *,
    data_dirs: Sequence[Path] = (),
    registry: TentacleRegistry | None = None,
    profile: Profile | str | Path | None = None,
    pairs: Sequence[str] | None = None,
    time_frames: Sequence[str] | None = None,
    config: dict[str, Any] | None = None,
    candles: int | None = None,
    tolerance: float = 0.0,
    home: UserHome | None = None,
) -> TentacleCheckReport:
    """Check one tentacle, by name (from ``registry``, default: installed and user tentacles) or class.

    ``data``: a candle file (ours, or OctoBot/CSV/JSON: imported once into the user's data folder); None:
    the first file of the user's data folder, then of ``data_dirs``, holding every pair and time frame of
    the checked profile (as `octobot backtest` finds it). ``candles``: at most that many candles of the
    smallest time frame after the warm-up (None: the whole file).
    """
    home = home or UserHome.resolve(None)
    registry = registry or TentacleRegistry.discover(home.tentacles)
    if isinstance(tentacle, type):
        problems = class_problems(tentacle)
        try:
            info = registry.add(tentacle, source="checked class")
        except Exception as error:  # declared so wrongly that the registry refuses it
            report = TentacleCheckReport(tentacle.__qualname__, "?", None, [], [])
            report.contract = problems or [str(error)]
            return report
    else:
        info = registry.get(tentacle)
    if not isinstance(profile, Profile):
        profile = load_profile(profile or DEFAULT_PROFILE, registry, home, check_exchanges=False)
    if info.kind not in RUN_KINDS:
        report = TentacleCheckReport(info.name, info.kind.value, None, [], [])
        report.contract = class_problems(info.cls)
        report.notes.append(
            f"a {info.kind.value} tentacle is not run by the check (it does not take part in the "
            "evaluation and trading chain): contract checks only"
        )
        return report
    checked = profile_for_tentacle(
        info, profile, registry, pairs=pairs, time_frames=time_frames, config=config
    )
    if data is None:
        data = await asyncio.to_thread(find_backtest_data, checked, [home.data, *data_dirs], home)
    return await check_profile_async(
        checked,
        data,
        candles=candles,
        tolerance=tolerance,
        subject=info.name,
        kind=info.kind.value,
        focus=info.cls,
        home=home,
    )


def check_tentacle(
    tentacle: str | type, data: Path | str | None = None, **options: Any
) -> TentacleCheckReport:
    """`check_tentacle_async` from synchronous code (a CLI, a plain test)."""
    return asyncio.run(check_tentacle_async(tentacle, data, **options))


def check_profile(profile: Profile, data: Path | str, **options: Any) -> TentacleCheckReport:
    """`check_profile_async` from synchronous code."""
    return asyncio.run(check_profile_async(profile, data, **options))
