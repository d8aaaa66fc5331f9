"""BotControl: the one API through which interfaces (Telegram, web, scripts) read and command a running
bot: status, profit, daily figures, balance, trades, orders, pause, resume, stop, force exit, cancel
order, risk, manual entry.

Why one API: a command is implemented once, whatever interface calls it; each interface only renders
the typed results below (dataclasses of Decimals and millisecond timestamps) and turns a
`CommandError` into its own answer. Every command is logged once, naming the interface that asked.
BotControl keeps no state of its own: several interfaces may each hold one over the same bot.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, cast

import octobot_trading as ot
from octobot.errors import BotError

if TYPE_CHECKING:
    from octobot.bot import OctoBot

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
HUNDRED = Decimal(100)
DAY_MS = 86_400_000
#: the tag of the orders a force exit or a manual entry creates (told apart from a mode's orders)
FORCE_EXIT_TAG = "force_exit"
FORCE_ENTRY_TAG = "force_entry"
ALL = "all"


F = TypeVar("F", bound=Callable[..., Any])


class CommandError(BotError):
    """A command that cannot be carried out as asked (unknown order, bad value): its message says why
    and what to send instead; the bot is unchanged."""


# ----------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class OrderView:
    """An order as interfaces show it."""

    order_id: str
    exchange: str
    symbol: str
    side: str
    kind: str
    amount: Decimal
    filled: Decimal
    price: Decimal | None
    trigger_price: Decimal | None
    status: str
    created_at: int
    tag: str | None

    @classmethod
    def of(cls, exchange: str, order: ot.Order) -> OrderView:
        return cls(
            order.order_id,
            exchange,
            order.symbol,
            order.side.value,
            order.kind.value,
            order.amount,
            order.filled,
            order.price,
            order.trigger_price,
            order.status.value,
            order.created_at,
            order.tag,
        )


@dataclass(frozen=True)
class PositionView:
    """What the bot bought on a pair and still holds, with its PnL at the last price (None: no price
    yet). ``position_id`` (``exchange:symbol``) is what force_exit takes."""

    position_id: str
    exchange: str
    symbol: str
    amount: Decimal
    entry_price: Decimal
    current_price: Decimal | None
    unrealised_pnl: Decimal | None
    unrealised_pnl_percent: Decimal | None
    quote: str


@dataclass(frozen=True)
class BotStatus:
    bot_id: str
    running: bool
    paused: bool
    positions: tuple[PositionView, ...]
    open_orders: tuple[OrderView, ...]
    time: int


@dataclass(frozen=True)
class ProfitSummary:
    """Realised PnL of the trades in the window (all trades when ``days`` is None), in the reference
    market; with no window, the portfolio's change since the bot started too."""

    reference: str
    days: int | None
    since: int | None
    realised_pnl: Decimal
    trades: int
    winning_exits: int
    losing_exits: int
    start_value: Decimal | None = None
    current_value: Decimal | None = None
    profit_percent: Decimal | None = None
    vs_market_percent: Decimal | None = None


@dataclass(frozen=True)
class DailyFigure:
    """One UTC day: realised PnL (reference market) and number of trades."""

    day: str
    start: int
    realised_pnl: Decimal
    trades: int


@dataclass(frozen=True)
class BalanceLine:
    exchange: str
    asset: str
    total: Decimal
    available: Decimal
    value: Decimal | None


@dataclass(frozen=True)
class BalanceReport:
    reference: str
    lines: tuple[BalanceLine, ...]
    total_value: Decimal | None


@dataclass(frozen=True)
class TradeView:
    trade_id: str
    order_id: str
    exchange: str
    symbol: str
    side: str
    amount: Decimal
    price: Decimal
    fee: Decimal
    fee_asset: str
    realised_pnl: Decimal
    time: int


@dataclass(frozen=True)
class TradesPage:
    """Page ``page`` (from 1) of every trade, newest first; ``total`` trades in all."""

    trades: tuple[TradeView, ...]
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class CommandResult:
    """What a command did, in one sentence an interface can show as is; ``orders`` it created or
    cancelled."""

    command: str
    message: str
    orders: tuple[OrderView, ...] = field(default=())


def _outcome(result: object) -> str:
    return f": {result.message}" if isinstance(result, CommandResult) else ""


def command(name: str) -> Callable[[F], F]:
    """Log each call of a BotControl method once: the command, its arguments, the interface that
    asked, and what it did (or why it was refused)."""

    def decorate(method: F) -> F:
        if inspect.iscoroutinefunction(method):

            @functools.wraps(method)
            async def run_async(self: BotControl, *args: Any, **kwargs: Any) -> Any:
                try:
                    result = await method(self, *args, **kwargs)
                except CommandError as error:
                    self._log(name, args, kwargs, f": refused: {error}")
                    raise
                self._log(name, args, kwargs, _outcome(result))
                self._ran(name)
                return result

            return cast(F, run_async)

        @functools.wraps(method)
        def run(self: BotControl, *args: Any, **kwargs: Any) -> Any:
            try:
                result = method(self, *args, **kwargs)
            except CommandError as error:
                self._log(name, args, kwargs, f": refused: {error}")
                raise
            self._log(name, args, kwargs, _outcome(result))
            self._ran(name)
            return result

        return cast(F, run)

    return decorate


# ----------------------------------------------------------------------------------- the API
class BotControl:
    """Read and command ``bot`` (see module docstring). ``source`` names the interface in the log."""

    def __init__(self, bot: OctoBot, source: str = "api") -> None:
        self.bot = bot
        self.source = source

    # --- reading --------------------------------------------------------------------------
    def _managers(self) -> dict[str, ot.ExchangeManager]:
        if not self.bot.running:
            raise CommandError(f"{self.bot.bot_id} is not running")
        return self.bot.exchange_managers

    def _now(self) -> int:
        for manager in self._managers().values():
            return manager.clock.now_ms()
        return ot.WallClock().now_ms()

    @property
    def paused(self) -> bool:
        """True while new entries are paused (every trading mode drops its entry orders)."""
        modes = self.bot.trading_modes.values()
        return bool(modes) and all(mode.entries_paused for mode in modes)

    def positions(self) -> list[PositionView]:
        views: list[PositionView] = []
        for exchange, manager in self._managers().items():
            for symbol, (amount, entry) in sorted(manager.account.holdings().items()):
                price = manager.last_price(symbol) if symbol in manager.markets else None
                pnl = None if price is None else (price - entry) * amount
                percent = None if price is None or not entry else (price / entry - 1) * HUNDRED
                quote = manager.markets.rules(symbol).quote
                views.append(
                    PositionView(
                        f"{exchange}:{symbol}", exchange, symbol, amount, entry, price, pnl, percent, quote
                    )
                )
        return views

    def orders(self) -> list[OrderView]:
        """Every open order, oldest first."""
        views: list[OrderView] = []
        for exchange, manager in self._managers().items():
            views.extend(OrderView.of(exchange, order) for order in manager.trader.open_orders())
        return sorted(views, key=lambda view: (view.created_at, view.order_id))

    @command("status")
    def status(self) -> BotStatus:
        return BotStatus(
            self.bot.bot_id,
            self.bot.running,
            self.paused,
            tuple(self.positions()),
            tuple(self.orders()),
            self._now(),
        )

    def _reference(self) -> str:
        return self.bot.profile.reference_market

    def _in_reference(self, manager: ot.ExchangeManager, amount: Decimal, asset: str) -> Decimal | None:
        reference = self._reference()
        if asset == reference or not amount:
            return amount
        try:
            return manager.portfolio_manager.prices.convert(amount, asset, reference)
        except (ot.OctobotTradingError, ArithmeticError, KeyError):
            return None

    def _trade_pnl(self, manager: ot.ExchangeManager, trade: ot.Trade) -> Decimal:
        quote = manager.markets.rules(trade.symbol).quote
        value = self._in_reference(manager, trade.realised_pnl, quote)
        return ZERO if value is None else value

    def _trades_since(self, since: int | None) -> list[tuple[ot.ExchangeManager, str, ot.Trade]]:
        found: list[tuple[ot.ExchangeManager, str, ot.Trade]] = []
        for exchange, manager in self._managers().items():
            found.extend(
                (manager, exchange, trade)
                for trade in manager.trader.trades()
                if since is None or trade.time >= since
            )
        return found

    @command("profit")
    def profit(self, days: int | None = None) -> ProfitSummary:
        """Realised PnL over the last ``days`` days (all when None), with the portfolio's change since
        the start when no window is given."""
        if days is not None and days < 1:
            raise CommandError(f"profit: days must be a whole number of days >= 1, got {days}")
        since = None if days is None else self._now() - days * DAY_MS
        realised, wins, losses, count = ZERO, 0, 0, 0
        for manager, _exchange, trade in self._trades_since(since):
            count += 1
            pnl = self._trade_pnl(manager, trade)
            realised += pnl
            if trade.side is ot.OrderSide.SELL:
                wins += pnl > ZERO
                losses += pnl < ZERO
        summary = ProfitSummary(self._reference(), days, since, realised, count, wins, losses)
        if days is not None:
            return summary
        start = current = ZERO
        markets: list[Decimal] = []
        try:
            for manager in self._managers().values():
                figures = manager.portfolio_manager.profitability()
                start += figures.start_value
                current += figures.current_value
                markets.append(figures.market_average_percent)
        except (ot.OctobotTradingError, ArithmeticError):  # an asset without a price yet
            return summary
        percent = (current - start) / start * HUNDRED if start else None
        market = sum(markets, ZERO) / len(markets) if markets else None
        return ProfitSummary(
            self._reference(),
            None,
            None,
            realised,
            count,
            wins,
            losses,
            start,
            current,
            percent,
            None if percent is None or market is None else percent - market,
        )

    @command("daily")
    def daily(self, days: int = 7) -> list[DailyFigure]:
        """One figure per UTC day, the last ``days`` days (today included), oldest first."""
        if days < 1:
            raise CommandError(f"daily: days must be a whole number of days >= 1, got {days}")
        today = self._now() // DAY_MS * DAY_MS
        first = today - (days - 1) * DAY_MS
        pnl = {first + index * DAY_MS: ZERO for index in range(days)}
        counts = dict.fromkeys(pnl, 0)
        for manager, _exchange, trade in self._trades_since(first):
            day = trade.time // DAY_MS * DAY_MS
            if day in pnl:
                pnl[day] += self._trade_pnl(manager, trade)
                counts[day] += 1
        return [DailyFigure(ot.ms_to_iso(day)[:10], day, pnl[day], counts[day]) for day in sorted(pnl)]

    @command("balance")
    def balance(self) -> BalanceReport:
        lines = []
        total: Decimal | None = ZERO
        for exchange, manager in self._managers().items():
            for asset, figures in sorted(manager.balance().items()):
                if not figures["total"]:
                    continue
                value = self._in_reference(manager, figures["total"], asset)
                lines.append(BalanceLine(exchange, asset, figures["total"], figures["available"], value))
                total = None if value is None or total is None else total + value
        return BalanceReport(self._reference(), tuple(lines), total)

    @command("trades")
    def trades(self, page: int = 1, page_size: int = 20) -> TradesPage:
        """Every trade, newest first, ``page_size`` per page (pages from 1): no cap on history."""
        if page < 1 or page_size < 1:
            raise CommandError(f"trades: page and page size start at 1, got page {page}, size {page_size}")
        every = sorted(self._trades_since(None), key=lambda found: (found[2].time, found[2].trade_id))
        every.reverse()
        chosen = every[(page - 1) * page_size : page * page_size]
        views = tuple(
            TradeView(
                t.trade_id,
                t.order_id,
                exchange,
                t.symbol,
                t.side.value,
                t.amount,
                t.price,
                t.fee,
                t.fee_asset,
                t.realised_pnl,
                t.time,
            )
            for _manager, exchange, t in chosen
        )
        return TradesPage(views, page, page_size, len(every))

    # --- commands -------------------------------------------------------------------------
    @command("pause")
    def pause(self) -> CommandResult:
        """No new entries from the trading modes; exits (sells, stops, take-profits) go on."""
        self._managers()
        for mode in self.bot.trading_modes.values():
            mode.entries_paused = True
        return self._done("pause", "entries paused: no new entry orders; exits go on")

    @command("resume")
    def resume(self) -> CommandResult:
        self._managers()
        for mode in self.bot.trading_modes.values():
            mode.entries_paused = False
        return self._done("resume", "entries resumed")

    @command("stop")
    def stop(self) -> CommandResult:
        """Ask the runner to stop the bot (as Ctrl+C does); the answer comes before the bot stops."""
        self._managers()
        self.bot.request_stop()
        return self._done("stop", f"{self.bot.bot_id} stopping")

    @command("risk")
    def set_risk(self, value: Decimal | str | float) -> CommandResult:
        """The risk (0 to 1; 0.5 trades as configured) of every trading mode and of the profile, for the
        rest of the run: modes read it at each decision (thresholds, amounts)."""
        try:
            risk = Decimal(str(value))
        except ArithmeticError:
            risk = Decimal("NaN")
        if not risk.is_finite() or not ZERO <= risk <= 1:
            raise CommandError(f"risk: expected a number between 0 and 1 (e.g. 0.5), got {value!r}")
        previous, self.bot.profile.risk = self.bot.profile.risk, risk
        for mode in self.bot.trading_modes.values():
            mode.risk = risk
        return self._done("risk", f"risk set to {risk} (was {previous})")

    def _find_order(self, order_id: str) -> tuple[str, ot.ExchangeManager, ot.Order]:
        for exchange, manager in self._managers().items():
            for order in manager.trader.open_orders():
                if order.order_id == order_id:
                    return exchange, manager, order
        raise CommandError(f"no open order {order_id!r}: see the open orders for their ids")

    @command("cancel")
    async def cancel_order(self, order_id: str) -> CommandResult:
        exchange, manager, order = self._find_order(order_id)
        async with manager.portfolio.async_lock:
            await manager.trader.cancel_order(order)
        return self._done("cancel", f"order {order_id} cancelled", (OrderView.of(exchange, order),))

    def exit_targets(self, target: str) -> list[str]:
        """The position ids (``exchange:symbol``) `force_exit` would act on for ``target``; CommandError
        when it names nothing (for an interface to ask a confirmation about the right thing)."""
        found = self._position_targets(target.strip())
        return [f"{exchange}:{symbol}" for exchange, _manager, symbol in found]

    def _position_targets(self, target: str) -> list[tuple[str, ot.ExchangeManager, str]]:
        managers = self._managers()
        if target.lower() == ALL:
            found: list[tuple[str, ot.ExchangeManager, str]] = []
            for exchange, manager in managers.items():
                symbols = set(manager.account.holdings()) | {o.symbol for o in manager.trader.open_orders()}
                found.extend((exchange, manager, symbol) for symbol in sorted(symbols))
            return found
        exchange, separator, symbol = target.partition(":")
        if separator and exchange in managers and symbol in managers[exchange].markets:
            return [(exchange, managers[exchange], symbol)]
        listing = [(name, manager, target) for name, manager in managers.items() if target in manager.markets]
        if len(listing) > 1:
            names = ", ".join(f"{name}:{target}" for name, _manager, _symbol in listing)
            raise CommandError(f"force exit: {target} is traded on several exchanges: use one of {names}")
        if listing:
            return listing
        try:
            exchange, manager, order = self._find_order(target)
        except CommandError:
            raise CommandError(
                f"force exit: {target!r} is neither a position (exchange:symbol, or the symbol), an open "
                "order id nor 'all'"
            ) from None
        return [(exchange, manager, order.symbol)]

    @command("forceexit")
    async def force_exit(self, target: str) -> CommandResult:
        """Exit a position now: cancel its pair's open orders and sell what the bot holds of it at
        market. ``target``: a position id (``binance:BTC/USDT``, or the symbol), an open order id (its
        pair's position) or ``all``."""
        targets = self._position_targets(target.strip())
        touched: list[OrderView] = []
        sold: list[str] = []
        for exchange, manager, symbol in targets:
            async with manager.portfolio.async_lock:
                for order in await manager.trader.cancel_all_orders(symbol):
                    touched.append(OrderView.of(exchange, order))
                sale = await self._sell_holding(manager, symbol)
            if sale is not None:
                touched.append(OrderView.of(exchange, sale))
                sold.append(f"{sale.amount} {symbol} on {exchange}")
        cancelled = sum(view.status == "cancelled" for view in touched)
        message = f"force exit {target}: {cancelled} order(s) cancelled, " + (
            "sold " + ", ".join(sold) if sold else "nothing held to sell"
        )
        return self._done("forceexit", message, tuple(touched))

    @staticmethod
    async def _sell_holding(manager: ot.ExchangeManager, symbol: str) -> ot.Order | None:
        held = manager.account.holdings().get(symbol, (ZERO, ZERO))[0]
        rules = manager.markets.rules(symbol)
        amount = rules.adjust_amount(min(held, manager.portfolio.available(rules.base)))
        if amount <= ZERO:
            return None
        try:
            return await manager.trader.create_order(symbol, "sell", "market", amount, tag=FORCE_EXIT_TAG)
        except ot.OrderBelowMinimumError as error:
            logger.info(
                "%s: force exit of %s: %s left (below the minimum: %s)",
                manager.exchange_id,
                symbol,
                amount,
                error,
            )
            return None
        except ot.OctobotTradingError as error:
            raise CommandError(f"force exit of {symbol}: {error}") from error

    @command("forcebuy")
    async def force_entry(self, symbol: str, amount: str, exchange: str | None = None) -> CommandResult:
        """A manual market buy of ``amount`` (the amount syntax: ``0.01`` base, ``50q`` quote, ``10%``
        of the quote held) on ``symbol``; interfaces keep it disabled unless configured."""
        managers = self._managers()
        name = exchange or next(iter(managers), "")
        manager = managers.get(name)
        if manager is None:
            raise CommandError(f"force entry: unknown exchange {name!r} (known: {', '.join(managers)})")
        if symbol not in self.bot.profile.pairs:
            raise CommandError(
                f"force entry: {symbol} is not a pair of the profile ({', '.join(self.bot.profile.pairs)})"
            )
        price = manager.last_price(symbol)
        if price is None:
            raise CommandError(f"force entry: no price for {symbol} yet; try again after the next candle")
        rules = manager.markets.rules(symbol)
        try:
            spec = ot.parse_amount(amount)
            size = rules.adjust_amount(
                spec.resolve(
                    True,
                    price,
                    manager.portfolio.total(rules.quote),
                    manager.portfolio.available(rules.quote),
                )
            )
            async with manager.portfolio.async_lock:
                order = await manager.trader.create_order(symbol, "buy", "market", size, tag=FORCE_ENTRY_TAG)
        except (ot.InvalidAmountSyntaxError, ot.OctobotTradingError) as error:
            raise CommandError(f"force entry of {amount} {symbol}: {error}") from error
        return self._done(
            "forcebuy",
            f"bought {order.filled} {symbol} on {name} at {order.average_price}",
            (OrderView.of(name, order),),
        )

    # --- log ------------------------------------------------------------------------------
    def _log(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], outcome: str) -> None:
        given = [*map(str, (arg for arg in args if arg is not None))]
        arguments = " ".join([*given, *(f"{key}={value}" for key, value in kwargs.items())])
        logger.info(
            "%s: command %s%s from %s%s",
            self.bot.bot_id,
            name,
            f" {arguments}" if arguments else "",
            self.source,
            outcome,
        )

    def _ran(self, name: str) -> None:
        """Tell the bot's command listeners (an interface showing the paused state, for instance)."""
        for listener in list(self.bot.command_listeners):
            listener(name, self.source)

    @staticmethod
    def _done(name: str, message: str, orders: tuple[OrderView, ...] = ()) -> CommandResult:
        return CommandResult(name, message, orders)
