"""The bot: one profile wired into one chain of channels, started in order and stopped in reverse.

Start-up order (DESIGN.md §4): exchange managers and their channels, the evaluation matrix and its
channels, the evaluators per (symbol, time frame) and the strategies (one EvaluationChain per exchange,
which registers every matrix key before anything runs), the trading modes, their link to the strategies'
evaluations, the service feeds the active tentacles listen to (once every listener is subscribed), then
the interfaces. Each step registers its own undo on an AsyncExitStack, so a failure
half-way and a normal shutdown unwind exactly what was started, in reverse, leaving no task behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import octobot_channel as oc
import octobot_evaluators as oe
import octobot_trading as ot
from octobot.errors import BotError
from octobot.exchange_factory import create_simulated_exchange
from octobot.feed_links import link_mode_to_feed
from octobot.profile import Profile
from octobot.services.service import Services
from octobot.services.service_feed import ServiceFeed
from octobot.tentacle_info import WILDCARD, TentacleInfo
from octobot.tentacle_kind import TentacleKind
from octobot.user_config import UserConfig

logger = logging.getLogger(__name__)

_bot_ids = itertools.count(1)
_EVALUATOR_ORDER = (TentacleKind.TA, TentacleKind.REAL_TIME, TentacleKind.SOCIAL, TentacleKind.STRATEGY)

#: Builds the ExchangeManager of one exchange of the profile: (profile, exchange, exchange_id) -> manager
#: (or an awaitable of it). Default: a simulated one with default market rules.
ExchangeFactory = Callable[[Profile, str, str], "ot.ExchangeManager | Awaitable[ot.ExchangeManager]"]
#: Loads closed candles into a manager's buffer before the evaluators start: (manager, symbol, tf, count).
HistoryLoader = Callable[[ot.ExchangeManager, str, str, int], Awaitable[int]]
#: The market data sources feeding one exchange (live streams); started last, stopped first.
SourcesFactory = Callable[[str, ot.ExchangeManager], Sequence[ot.MarketDataSource]]


class OctoBot:
    """One running profile. ``start()`` then ``stop()``; or ``async with OctoBot(...)``.

    ``synchronizer`` and ``clock`` put every channel in synchronized mode on a simulated clock
    (backtesting); ``exchange_factory`` chooses how each exchange is reached; ``user_config`` gives the
    services their secrets (tokens).
    """

    def __init__(
        self,
        profile: Profile,
        *,
        clock: ot.Clock | None = None,
        synchronizer: oc.Synchronizer | None = None,
        exchange_factory: ExchangeFactory | None = None,
        history_loader: HistoryLoader | None = None,
        market_data_sources: SourcesFactory | None = None,
        bot_id: str | None = None,
        user_config: UserConfig | None = None,
    ) -> None:
        if not profile.tentacles:
            raise BotError(
                f"profile '{profile.name}' was loaded without a tentacle registry: load it with one"
            )
        self.profile = profile
        #: the user's settings and secrets (services' tokens) for the tentacles that need them
        self.user_config = user_config
        self.bot_id = bot_id or f"bot-{next(_bot_ids)}"
        self.clock = clock
        self.synchronizer = synchronizer
        self._exchange_factory = exchange_factory or self._simulated_exchange
        self._history_loader = history_loader
        self._market_data_sources = market_data_sources
        self.exchange_managers: dict[str, ot.ExchangeManager] = {}
        self.matrix: oe.EvaluationMatrix | None = None
        self.chains: dict[str, oe.EvaluationChain] = {}
        self.trading_modes: dict[str, ot.AbstractTradingMode] = {}
        #: per exchange, the Matrix-channel consumers that hand strategy evaluations to the trading mode
        self.strategy_links: dict[str, list[oc.Consumer]] = {}
        self.interfaces: dict[str, Any] = {}
        #: called with (command, source) after each command any interface's BotControl ran (not refused)
        self.command_listeners: list[Callable[[str, str], None]] = []
        #: the services (URL, token) of this bot, each shared by every tentacle using it
        self.services = Services(profile.services, user_config, read_home=True)
        #: the running service feeds, by name
        self.feeds: dict[str, ServiceFeed] = {}
        self._stack: contextlib.AsyncExitStack | None = None
        #: set by `request_stop` (an interface's stop command): the runner then stops the bot
        self.stop_requested = asyncio.Event()

    @property
    def running(self) -> bool:
        return self._stack is not None

    def request_stop(self) -> None:
        """Ask whatever runs the bot to stop it (as a signal does). An interface calls this rather than
        `stop`: its own command handler would otherwise wait on the interface it is stopping."""
        self.stop_requested.set()

    # ----------------------------------------------------------------- lifecycle
    async def start(self) -> OctoBot:
        """Wire and start the whole chain; on any failure, undo what was started and raise BotError."""
        if self._stack is not None:
            raise BotError(f"{self.bot_id} is already running")
        stack = contextlib.AsyncExitStack()
        self._stack = stack
        stack.push_async_callback(self.services.close)  # last: whatever a tentacle left open
        try:
            for exchange in self.profile.exchanges:
                await self._start_exchange(stack, exchange)
            await self._start_matrix(stack)
            for exchange, manager in self.exchange_managers.items():
                await self._start_evaluation_chain(stack, exchange, manager)
            for exchange, manager in self.exchange_managers.items():
                await self._start_trading_mode(stack, exchange, manager)
            await self._start_feeds(stack)
            await self._start_interfaces(stack)
            for exchange, manager in self.exchange_managers.items():
                await self._start_market_data(stack, exchange, manager)
        except BaseException as error:
            await self.stop()
            if isinstance(error, BotError) or not isinstance(error, Exception):
                raise
            raise BotError(f"{self.bot_id} failed to start: {type(error).__name__}: {error}") from error
        logger.info(
            "%s started: profile %s, %s, %s on %s",
            self.bot_id,
            self.profile.name,
            ", ".join(self.profile.pairs),
            ", ".join(self.profile.time_frames),
            ", ".join(self.profile.exchanges),
        )
        return self

    async def stop(self) -> None:
        """Stop everything started, in reverse order. Safe to call twice."""
        stack, self._stack = self._stack, None
        if stack is None:
            return
        await stack.aclose()
        self.exchange_managers.clear()
        self.chains.clear()
        self.trading_modes.clear()
        self.strategy_links.clear()
        self.interfaces.clear()
        self.feeds.clear()
        self.matrix = None
        logger.info("%s stopped", self.bot_id)

    async def __aenter__(self) -> OctoBot:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ----------------------------------------------------------------- steps
    def _simulated_exchange(self, profile: Profile, exchange: str, exchange_id: str) -> ot.ExchangeManager:
        return create_simulated_exchange(
            profile, exchange, clock=self.clock, synchronizer=self.synchronizer, exchange_id=exchange_id
        )

    async def _start_exchange(self, stack: contextlib.AsyncExitStack, exchange: str) -> None:
        manager = self._exchange_factory(self.profile, exchange, f"{self.bot_id}-{exchange}")
        if inspect.isawaitable(manager):
            manager = await manager
        await manager.start()
        stack.push_async_callback(manager.stop)
        self.exchange_managers[exchange] = manager
        for pair in self.profile.pairs:
            manager.symbol_data(pair)  # fails early on a pair the exchange does not list

    async def _start_matrix(self, stack: contextlib.AsyncExitStack) -> None:
        matrix = oe.EvaluationMatrix(f"{self.bot_id}-matrix")
        await matrix.start(self.synchronizer)
        stack.push_async_callback(matrix.stop)
        self.matrix = matrix

    def _evaluator_infos(self) -> list[TentacleInfo]:
        infos = [
            self.profile.tentacles[name] for name in [*self.profile.evaluators, *self.profile.strategies]
        ]
        return sorted(infos, key=lambda info: _EVALUATOR_ORDER.index(info.kind))

    async def _start_evaluation_chain(
        self, stack: contextlib.AsyncExitStack, exchange: str, manager: ot.ExchangeManager
    ) -> None:
        assert self.matrix is not None
        context = oe.EvaluatorContext.from_exchange_manager(self.matrix, manager)
        chain = oe.EvaluationChain(context, self.profile.pairs, self.profile.time_frames)
        for info in self._evaluator_infos():
            chain.add(info.cls, self.profile.tentacle_config(info.name))
        self._check_buffer_sizes(chain, manager)
        if self._history_loader is not None:
            for symbol in self.profile.pairs:
                for time_frame in self.profile.time_frames:
                    count = min(chain.required_history(time_frame), manager.candle_buffer_size)
                    await self._history_loader(manager, symbol, time_frame, count)
        await chain.start()
        stack.push_async_callback(chain.stop)
        self.chains[exchange] = chain

    def _check_buffer_sizes(self, chain: oe.EvaluationChain, manager: ot.ExchangeManager) -> None:
        """Warn when a candle buffer cannot hold the history the evaluators need."""
        for time_frame in self.profile.time_frames:
            needed = chain.required_history(time_frame)
            if needed > manager.candle_buffer_size:
                logger.warning(
                    "%s: evaluators need %d candles of %s but buffers hold %d",
                    manager.exchange_id,
                    needed,
                    time_frame,
                    manager.candle_buffer_size,
                )

    async def _start_trading_mode(
        self, stack: contextlib.AsyncExitStack, exchange: str, manager: ot.ExchangeManager
    ) -> None:
        assert self.matrix is not None
        info = self.profile.tentacles[self.profile.trading_mode]
        mode: ot.AbstractTradingMode = info.cls(
            manager, list(self.profile.pairs), self.profile.tentacle_config(info.name), risk=self.profile.risk
        )
        # each exchange has its own scope and mode; a mode reads the others' prices through its peers
        mode.set_peer_exchanges(
            {name: other for name, other in self.exchange_managers.items() if name != exchange}
        )
        await mode.start()
        stack.push_async_callback(self._stop_trading_mode, mode, manager)
        self.trading_modes[exchange] = mode

        # the mode's set_evaluation behind a compiled link: no Python frame per evaluation
        on_strategy_evaluation = oe.StrategyLink(mode.set_evaluation)

        strategies = [name for name in info.required_strategies if name != WILDCARD] or [WILDCARD]
        for strategy in strategies:
            consumer = await oe.on_strategy_evaluation(
                self.matrix, on_strategy_evaluation, exchange=manager.exchange_name, strategy=strategy
            )
            stack.push_async_callback(self._remove_consumer, self.matrix.matrix_channel, consumer)
            self.strategy_links.setdefault(exchange, []).append(consumer)

    async def _stop_trading_mode(self, mode: ot.AbstractTradingMode, manager: ot.ExchangeManager) -> None:
        await mode.stop()
        if self.profile.open_orders_at_shutdown == "cancel":
            for symbol in self.profile.pairs:
                cancelled = await manager.trader.cancel_all_orders(symbol)
                if cancelled:
                    logger.info(
                        "%s: cancelled %d open order(s) on %s", manager.exchange_id, len(cancelled), symbol
                    )

    @staticmethod
    async def _remove_consumer(channel: oc.Channel, consumer: oc.Consumer) -> None:
        if not channel.is_closed:
            await channel.remove_consumer(consumer)

    async def _start_feeds(self, stack: contextlib.AsyncExitStack) -> None:
        """The feeds the profile's tentacles listen to; a trading mode needing one gets its signals."""
        assert self.matrix is not None
        if self.synchronizer is not None and self.profile.feeds:
            # a backtest replays recorded data: a live service would make it depend on today's news
            logger.info(
                "%s: backtest: service feeds not started (%s); social evaluators get no signal",
                self.bot_id,
                ", ".join(self.profile.feeds),
            )
            return
        mode_info = self.profile.tentacles[self.profile.trading_mode]
        for mode in self.trading_modes.values():  # listeners first: no signal is lost
            for feed_name in mode_info.required_feeds:
                channel, consumer = await link_mode_to_feed(self.matrix, mode, feed_name)
                stack.push_async_callback(self._remove_consumer, channel, consumer)
        for name in self.profile.feeds:
            info = self.profile.tentacles[name]
            service_name = getattr(info.cls, "SERVICE", None)
            service = self.services.get(service_name) if service_name else None
            feed = info.cls(self.matrix.matrix_id, self.profile.tentacle_config(name), service)
            await feed.start()
            stack.push_async_callback(_stop_feed, feed)
            self.feeds[name] = feed

    async def _start_interfaces(self, stack: contextlib.AsyncExitStack) -> None:
        """Interfaces and notifiers come after the chain: they observe a chain that is already wired."""
        for name in self.profile.interfaces:
            info = self.profile.tentacles[name]
            interface = info.cls(self, self.profile.tentacle_config(name))
            await interface.start()
            stack.push_async_callback(interface.stop)
            self.interfaces[name] = interface

    async def _start_market_data(
        self, stack: contextlib.AsyncExitStack, exchange: str, manager: ot.ExchangeManager
    ) -> None:
        """Market data flows last, once every consumer is subscribed, and stops first."""
        if self._market_data_sources is None:
            return
        for source in self._market_data_sources(exchange, manager):
            await source.start(manager)
            stack.push_async_callback(source.stop)


#: how long a feed may take to stop (close its connections) before the bot stops without it
FEED_STOP_SECONDS = 10.0


async def _stop_feed(feed: ServiceFeed) -> None:
    """Stop ``feed``, bounded: a feed never stops the bot, nor keeps it from stopping (a client library
    waiting on a connection that will not close)."""
    try:
        await asyncio.wait_for(feed.stop(), FEED_STOP_SECONDS)
    except TimeoutError:
        logger.error("%s did not stop within %.0f s: left behind", feed.name, FEED_STOP_SECONDS)
