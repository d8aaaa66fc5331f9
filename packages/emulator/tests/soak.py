"""A soak of the live account on the exchange emulator (loopback only): seeded random faults, and after
each round the invariants a live bot must keep whatever happened.

Faults drawn each round: a 429, a 5xx, a held answer (a timeout, the request processed or not), a lost
answer, a dropped connection, partial fills; actions: a protected entry (stop-loss and take-profit
chained, one order list), a cancel racing a fill, a plain cancel; now and then a kill -9 and a restart
on the same state file. After each round, once the faults are cleared and the account reconciled:

- every exchange trade is recorded exactly once by the bot (per exchange order, the bot's trades add up
  to what the exchange executed; the state file holds the same trades);
- no client order id is used for two exchange orders;
- the balances equal the exchange's;
- every filled entry whose position is still held has its protective orders open, on the bot and on the
  exchange.

``run_soak(seed, rounds)`` is used by the short test in ``make test`` and by ``make soak``.
"""

from __future__ import annotations

import collections
import random
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

import numpy as np

import octobot_trading as ot
from octobot_exchange_emulator import ExchangeEmulator
from octobot_trading.ccxt_connector import CcxtLiveConnector, Credentials, RequestBudget, RetryPolicy

PAIR = "ETH/BTC"
ORDER = "/api/v3/order"
#: closed candles the emulator serves as history before the replay starts
HISTORY = 200
#: ccxt's request timeout (ms): a held answer becomes a timeout quickly
TIMEOUT_MS = 400
PREFIX = "octobot"


@dataclass
class SoakReport:
    """What a soak did, for its caller's messages."""

    seed: int
    rounds: int = 0
    faults: collections.Counter = field(default_factory=collections.Counter)
    actions: collections.Counter = field(default_factory=collections.Counter)
    restarts: int = 0
    exchange_trades: int = 0


class _Bot:
    """A live bot's exchange side (connector + manager on one state file), restartable and killable."""

    def __init__(self, emulator: ExchangeEmulator, state_path: Path) -> None:
        self.emulator = emulator
        self.state_path = state_path
        self.connector: CcxtLiveConnector | None = None
        self.manager: ot.LiveExchangeManager | None = None

    async def start(self) -> ot.LiveExchangeManager:
        config = self.emulator.ccxt_config()
        credentials = Credentials(config.pop("apiKey"), config.pop("secret"))
        config["timeout"] = TIMEOUT_MS
        self.connector = CcxtLiveConnector(
            "binance",
            credentials=credentials,
            config=config,
            budget=RequestBudget(1000, 50),
            retry_policy=RetryPolicy(max_attempts=4, base_delay_s=0.001, max_delay_s=0.01),
        )
        await self.connector.start()
        markets = await self.connector.markets()
        self.manager = ot.LiveExchangeManager(
            self.connector, ot.Markets({PAIR: markets[PAIR]}), state_path=self.state_path, prefix=PREFIX
        )
        await self.manager.start()
        return self.manager

    async def kill(self) -> None:
        """Like kill -9: nothing more is written or cancelled; only the sockets close."""
        assert self.manager is not None and self.connector is not None
        store = self.manager.store
        self.manager.store = None
        self.manager.recorder = None
        if store is not None:
            await store.close()
        await self.connector.stop()
        self.manager = self.connector = None

    async def stop(self) -> None:
        if self.manager is not None:
            await self.manager.stop()
        if self.connector is not None:
            await self.connector.stop()
        self.manager = self.connector = None


def _tick(emulator: ExchangeEmulator) -> Decimal:
    return emulator.markets[PAIR].tick_size


def _floor(price: Decimal, step: Decimal) -> Decimal:
    return (price / step).to_integral_value(rounding=ROUND_DOWN) * step


def _reachable_buy(emulator: ExchangeEmulator, candles: np.ndarray, within: int) -> tuple[Decimal, int]:
    """A buy price the market falls to within ``within`` candles (and the candles to get there), else a
    price just under the last one with ``within`` candles."""
    last = emulator.last_price(PAIR)
    index = _next_index(emulator, candles)
    for step in range(within):
        if index + step >= len(candles):
            break
        low = Decimal(repr(float(candles[index + step, 3])))
        if low < last - 2 * _tick(emulator):
            return _floor(low, _tick(emulator)) + _tick(emulator), step + 1
    return _floor(last, _tick(emulator)) - _tick(emulator), within


def _next_index(emulator: ExchangeEmulator, candles: np.ndarray) -> int:
    """The index in ``candles`` of the candle the emulator replays next."""
    opens = candles[:, 0].astype(np.int64)
    return int(np.searchsorted(opens, emulator.now_ms))


def _arm_faults(emulator: ExchangeEmulator, rng: random.Random, report: SoakReport) -> bool:
    """Arm one or two random faults; True when a held answer must be released later."""
    held = False
    for _ in range(rng.randint(1, 2)):
        kind = rng.choice(["429", "5xx", "timeout", "lost", "drop", "partial"])
        report.faults[kind] += 1
        faults = emulator.faults
        if kind == "429":
            faults.rate_limit(rng.choice([ORDER, "/api/v3/openOrders", None]), retry_after=0)
        elif kind == "5xx":
            faults.http_error(rng.choice([500, 502, 503, 504]), rng.choice([ORDER, "/api/v3/account"]))
        elif kind == "timeout":
            faults.timeout(ORDER, method=rng.choice(["POST", "DELETE"]), process=rng.random() < 0.5)
            held = True
        elif kind == "lost":
            faults.lose_answer(ORDER, method=rng.choice(["POST", "DELETE"]))
        elif kind == "drop":
            faults.drop_connection(ORDER, method=rng.choice(["POST", "DELETE"]))
        else:
            faults.partial_fill(Decimal(rng.choice(["0.3", "0.5", "0.7"])), PAIR)
    return held


async def _protected_entry(manager: ot.LiveExchangeManager, price: Decimal, amount: Decimal) -> ot.Order:
    trader = manager.trader
    stop = _floor(price * Decimal("0.97"), _tick_of(manager))
    take = _floor(price * Decimal("1.03"), _tick_of(manager))
    stop_leg = trader.new_order(PAIR, "sell", "stop_limit", amount, price=stop, trigger_price=stop)
    take_leg = trader.new_order(PAIR, "sell", "take_profit_limit", amount, price=take, trigger_price=take)
    group = ot.OneCancelsTheOther()
    for leg in (stop_leg, take_leg):
        leg.sized_by_parent = True  # what the entry brought, after its fee
        group.add(leg)
    return await trader.create_order(PAIR, "buy", "limit", amount, price=price, chained=[stop_leg, take_leg])


def _tick_of(manager: ot.LiveExchangeManager) -> Decimal:
    step = manager.markets[PAIR].price_step()
    assert step is not None
    return step


async def _settle(bot: _Bot) -> None:
    """Faults cleared: every request answered, the account reconciled until nothing changes."""
    manager = bot.manager
    assert manager is not None
    await manager.order_connector.join()
    for _ in range(3):
        await manager.reconcile()
        await manager.order_connector.join()
    await manager.save()


def _exchange_totals(emulator: ExchangeEmulator) -> dict[str, Decimal]:
    return {
        entry["asset"]: Decimal(entry["free"]) + Decimal(entry["locked"])
        for entry in emulator.account.balance_entries(["BTC", "ETH"])
    }


async def check_invariants(bot: _Bot, emulator: ExchangeEmulator, entries: list[ot.Order]) -> int:
    """Assert the soak's invariants (module docstring); the number of exchange trades checked."""
    manager = bot.manager
    assert manager is not None
    ours = {
        o.order_id: o
        for o in emulator.account.orders.values()
        if (o.client_order_id or "").startswith(PREFIX)
    }
    # no client order id used for two exchange orders
    used = collections.Counter(o.client_order_id for o in ours.values())
    assert all(count == 1 for count in used.values()), [c for c, n in used.items() if n > 1]
    # every exchange trade recorded once: per exchange order, the bot's trades add up to what it executed
    executed: dict[str, Decimal] = collections.defaultdict(Decimal)
    trades = [t for t in emulator.account.trades if t.order_id in ours]
    for trade in trades:
        executed[str(trade.order_id)] += trade.quantity
    links = manager.order_connector.links
    recorded: dict[str, Decimal] = collections.defaultdict(Decimal)
    for trade in manager.trader.trades():
        exchange_id = links.exchange_ids.get(trade.order_id)
        assert exchange_id is not None, f"trade {trade} of an order the exchange does not know"
        recorded[exchange_id] += trade.amount
    assert dict(recorded) == dict(executed), (dict(recorded), dict(executed))
    state = await manager.store.load()  # type: ignore[union-attr]
    assert sorted(t["id"] for t in state.trades) == sorted(t.trade_id for t in manager.trader.trades())
    # the balances equal the exchange's
    totals = _exchange_totals(emulator)
    assert {asset: manager.portfolio.total(asset) for asset in totals} == totals
    # every filled entry whose position is held has its protections open, here and on the exchange
    open_on_exchange = {o.client_order_id for o in ours.values() if o.status in ("NEW", "PARTIALLY_FILLED")}
    by_id = {o.order_id: o for o in manager.trader.open_orders(PAIR)}
    # market exits sent in place of a stop the market had already passed (the trader's closed orders do
    # not survive a restart: the trades do), each explaining one entry without protections
    known = {o.order_id for entry in entries for o in (entry, *entry.chained)}
    exits = [
        t for t in manager.trader.trades(PAIR) if t.kind is ot.OrderKind.MARKET and t.order_id not in known
    ]
    for entry in entries:
        if entry.status is not ot.OrderStatus.FILLED or not entry.chained:
            continue
        legs = [by_id.get(leg.order_id, leg) for leg in entry.chained]
        if any(leg.filled for leg in legs):
            continue  # the position was closed by one of them
        exit_trade = next(
            (t for t in exits if t.amount == legs[0].amount and t.time >= entry.updated_at), None
        )
        if exit_trade is not None:
            exits.remove(exit_trade)
            continue  # the market had passed the stop when it reached the exchange: exited at market
        for leg in legs:
            assert leg.is_active, f"{entry} holds a position without its {leg}"
            assert links.client_ids.get(leg.order_id) in open_on_exchange, f"{leg} is not on the exchange"
    return len(trades)


async def run_soak(candles: np.ndarray, folder: Path, *, seed: int, rounds: int) -> SoakReport:
    """Soak a live account for ``rounds`` rounds drawn from ``seed`` (see module docstring)."""
    rng = random.Random(seed)
    report = SoakReport(seed)
    balances = {"BTC": Decimal("3"), "ETH": Decimal("0")}
    async with ExchangeEmulator({PAIR: candles}, balances=balances, history=HISTORY) as emulator:
        bot = _Bot(emulator, folder / f"soak-{seed}.sqlite")
        manager = await bot.start()
        entries: list[ot.Order] = []
        try:
            for _ in range(rounds):
                held = _arm_faults(emulator, rng, report)
                action = rng.choice(["entry", "entry", "race", "cancel"])
                report.actions[action] += 1
                amount = Decimal(rng.choice(["0.1", "0.2", "0.3"]))
                price, steps = _reachable_buy(emulator, candles, 6)
                try:
                    if action == "entry":
                        entries.append(await _protected_entry(manager, price, amount))
                    else:
                        order = await manager.trader.create_order(PAIR, "buy", "limit", amount, price=price)
                        if action == "race":  # the exchange fills it before the cancel arrives
                            await emulator.advance(steps)
                        await manager.trader.cancel_order(order)
                except ot.OctobotTradingError:
                    pass  # a refusal the faults caused: the invariants still hold
                await emulator.advance(rng.randint(1, 4))
                if held:
                    emulator.faults.release()
                await manager.order_connector.join()
                if rng.random() < 0.3:  # kill -9, then a restart on the same state file
                    await bot.kill()
                    emulator.faults.clear()
                    manager = await bot.start()
                    report.restarts += 1
                    entries = _rebind(manager, entries)
                emulator.faults.clear()
                await _settle(bot)
                report.exchange_trades = await check_invariants(bot, emulator, entries)
                report.rounds += 1
        finally:
            emulator.faults.clear()
            await bot.stop()
    return report


def _rebind(manager: ot.LiveExchangeManager, entries: list[ot.Order]) -> list[ot.Order]:
    """After a restart the account holds new order objects (those open at the kill, as restored, open or
    closed since by the reconciliation): the entries and their protections as the account knows them."""
    account = manager.account
    restored = {o.order_id: o for o in [*account.closed_orders, *account.open_orders.values()]}
    for entry in entries:
        entry.chained = [restored.get(leg.order_id, leg) for leg in entry.chained]
    return [restored.get(entry.order_id, entry) for entry in entries]
