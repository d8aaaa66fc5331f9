"""Live trading against the exchange emulator through ccxt's real binance client: client order ids,
lost answers, fills while disconnected, partial fills, restart reconciliation with protective orders."""

from __future__ import annotations

import os
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

import numpy as np
import pytest

import octobot_trading as ot
from octobot_trading.ccxt_connector import CcxtLiveConnector, Credentials
from octobot_trading.emulator import ExchangeEmulator, load_candles

REPO_ROOT = Path(__file__).resolve().parents[3]
DATA = Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
ETH_BTC_FILE = DATA / "freqtrade" / "ETH_BTC-5m.csv"
PAIR = "ETH/BTC"
HISTORY = 200

pytestmark = pytest.mark.skipif(not ETH_BTC_FILE.is_file(), reason=f"shared market data not found at {DATA}")


@pytest.fixture(scope="module")
def candles() -> np.ndarray:
    return load_candles(ETH_BTC_FILE)


@pytest.fixture
async def emulator(candles: np.ndarray):
    async with ExchangeEmulator(
        {PAIR: candles}, balances={"BTC": Decimal("2"), "ETH": Decimal("10")}, history=HISTORY
    ) as emu:
        yield emu


class Live:
    """A live bot's exchange side: connector + manager on one state file (restartable)."""

    def __init__(self, emulator: ExchangeEmulator, state_path: Path) -> None:
        self.emulator = emulator
        self.state_path = state_path
        self.connector: CcxtLiveConnector | None = None
        self.manager: ot.LiveExchangeManager | None = None

    async def start(self) -> ot.LiveExchangeManager:
        config = self.emulator.ccxt_config()
        config.pop("apiKey")
        config.pop("secret")
        self.connector = CcxtLiveConnector(
            "binance", credentials=Credentials(self.emulator.api_key, self.emulator.secret), config=config
        )
        await self.connector.start()
        markets = await self.connector.markets()
        self.manager = ot.LiveExchangeManager(self.connector, markets, state_path=self.state_path)
        await self.manager.start()
        return self.manager

    async def kill(self) -> None:
        """Like kill -9: nothing more is written, nothing is cancelled; only sockets are closed."""
        assert self.manager is not None and self.connector is not None
        self.manager.store._executor.shutdown(wait=True)  # type: ignore[union-attr]
        self.manager.store = None
        self.manager.recorder = None
        await self.connector.stop()

    async def stop(self) -> None:
        if self.manager is not None:
            await self.manager.stop()
        if self.connector is not None:
            await self.connector.stop()


@pytest.fixture
async def live(emulator: ExchangeEmulator, tmp_path: Path):
    bot = Live(emulator, tmp_path / "live.sqlite")
    yield bot
    await bot.stop()


def tick(emulator: ExchangeEmulator) -> Decimal:
    return emulator.markets[PAIR].tick_size


def floor_tick(price: Decimal, step: Decimal) -> Decimal:
    return (price / step).to_integral_value(rounding=ROUND_DOWN) * step


def below_next_lows(emulator: ExchangeEmulator, candles: np.ndarray, count: int) -> Decimal:
    """A price that the next ``count`` candles never reach (they stay above it)."""
    future = candles[HISTORY : HISTORY + count]
    lowest = min(emulator.last_price(PAIR), Decimal(repr(float(future[:, 3].min()))))
    return floor_tick(lowest, tick(emulator)) - tick(emulator)


def first_low_below(emulator: ExchangeEmulator, candles: np.ndarray, margin: int = 3) -> tuple[Decimal, int]:
    """A price the market falls to within a few candles, and the number of candles to advance."""
    price = emulator.last_price(PAIR)
    for index in range(HISTORY, len(candles)):
        low = Decimal(repr(float(candles[index, 3])))
        if low < price - margin * tick(emulator):
            return floor_tick(low, tick(emulator)) + tick(emulator), index - HISTORY + 1
    raise AssertionError("no fall in the data")


def emulator_orders(emulator: ExchangeEmulator, status: str | None = "NEW") -> list:
    return [o for o in emulator.account.orders.values() if status is None or o.status == status]


def emulator_totals(emulator: ExchangeEmulator) -> dict[str, Decimal]:
    totals = {}
    for asset in ("BTC", "ETH"):
        free, locked = emulator.balance(asset)
        totals[asset] = free + locked
    return totals


async def test_a_lost_create_answer_is_resolved_by_client_id_with_exactly_one_order(live, emulator):
    manager = await live.start()
    price = below_next_lows(emulator, emulator.replay.symbols[PAIR].candles, 5)
    emulator.faults.lose_answer("/api/v3/order")
    order = await manager.trader.create_order(PAIR, "buy", "limit", "0.5", price=price)
    await manager.order_connector.join()
    placed = emulator_orders(emulator)
    assert len(placed) == 1
    assert len(emulator.requests_to("/api/v3/order", "POST")) == 1  # never sent twice
    client_id = manager.order_connector.links.client_ids[order.order_id]
    assert placed[0].client_order_id == client_id and client_id.startswith("octobot-")
    assert manager.order_connector.links.exchange_ids[order.order_id] == str(placed[0].order_id)
    assert order.status is ot.OrderStatus.OPEN
    await manager.save()
    state = await manager.store.load()
    assert state.orders[order.order_id]["client_order_id"] == client_id
    assert state.orders[order.order_id]["exchange_order_id"] == str(placed[0].order_id)
