"""OrderSignalsNotifier: a bot's orders written as order signals, replayed by a follower's mode."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import octobot
import octobot_channel as oc
import octobot_trading as ot
from octobot.notifiers.order_signals_notifier import OrderSignalsNotifier

BTC = "BTC/USDT"


async def _manager(balances: dict[str, int]) -> tuple[ot.ExchangeManager, oc.Synchronizer]:
    synchronizer = oc.Synchronizer()
    markets = ot.Markets({BTC: ot.MarketRules.default(BTC)})
    manager = ot.ExchangeManager(
        "binance",
        markets,
        portfolio={asset: Decimal(amount) for asset, amount in balances.items()},
        synchronizer=synchronizer,
    )
    await manager.start()
    await manager.push_price(BTC, Decimal(100))
    return manager, synchronizer


def test_the_notifier_is_a_shipped_tentacle():
    registry = octobot.TentacleRegistry.discover(entry_points=True)
    info = registry.get("OrderSignalsNotifier")
    assert info.kind is octobot.TentacleKind.NOTIFIER and info.cls is OrderSignalsNotifier


async def test_the_orders_of_a_bot_are_written_as_signals_a_follower_replays(tmp_path: Path):
    path = tmp_path / "signals.jsonl"
    leader, leader_sync = await _manager({"USDT": 1000})
    notifier = OrderSignalsNotifier(
        SimpleNamespace(bot_id="leader", exchange_managers={"binance": leader}), {"path": str(path)}
    )
    await notifier.start()
    order = await leader.trader.create_order(BTC, "buy", "limit", Decimal(2), price=Decimal(95))
    await leader_sync.drain()
    await leader.trader.cancel_order(order)
    await leader_sync.drain()
    await notifier.stop()
    lines = path.read_text().splitlines()
    create, cancel = (ot.read_signal(line) for line in lines)
    assert (create.emitter, create.action, create.id) == ("leader", "create", order.order_id)
    assert create.amount_share == Decimal("0.19")  # 2 x 95 of 1000 USDT
    assert create.price_offset_percent == Decimal(-5)
    assert (cancel.action, cancel.id) == ("cancel", order.order_id)

    follower, follower_sync = await _manager({"USDT": 500})
    mode = ot.RemoteSignalsTradingMode(follower, [BTC], {"emitter": "leader"})
    await mode.start()
    assert await mode.on_signal(lines[0])
    (copy,) = follower.trader.open_orders(BTC)
    assert (copy.side, copy.price, copy.amount) == (ot.OrderSide.BUY, Decimal(95), Decimal(1))
    assert await mode.on_signal(lines[1])
    await follower_sync.drain()
    assert follower.trader.open_orders(BTC) == []
    await leader.stop()
    await follower.stop()
