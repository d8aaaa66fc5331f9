import asyncio
from decimal import Decimal

import pytest

import octobot_trading as ot

D = Decimal


def make() -> ot.Portfolio:
    return ot.Portfolio({"BTC": D("1.5"), "USDT": D("1000"), "ETH": D(0)})


def test_starting_balances_are_all_available():
    portfolio = make()
    assert portfolio.total("BTC") == D("1.5") and portfolio.available("BTC") == D("1.5")
    assert portfolio.locked("BTC") == D(0)
    assert portfolio.total("DOGE") == D(0) and portfolio.available("DOGE") == D(0)
    assert portfolio.assets() == ["BTC", "USDT"]  # zero balances are not listed
    assert "BTC" in portfolio and "ETH" not in portfolio
    assert portfolio.balance("USDT") == ot.Balance(D("1000"), D("1000"))


def test_lock_unlock_round_trip_is_exact():
    portfolio = make()
    for _ in range(3):
        portfolio.lock("USDT", D("0.1"))
    assert portfolio.available("USDT") == D("999.7")
    assert portfolio.locked("USDT") == D("0.3")
    assert portfolio.total("USDT") == D("1000")
    for _ in range(3):
        portfolio.unlock("USDT", D("0.1"))
    assert portfolio.available("USDT") == D("1000")
    assert portfolio.locked("USDT") == D(0)
    portfolio.lock("BTC", D("1.5"))  # everything
    assert portfolio.available("BTC") == D(0)
    portfolio.unlock("BTC", D("1.5"))
    assert portfolio.balance("BTC") == ot.Balance(D("1.5"), D("1.5"))


def test_locking_more_than_available_is_refused_and_changes_nothing():
    portfolio = make()
    portfolio.lock("USDT", D("600"))
    with pytest.raises(ot.NegativeBalanceError) as info:
        portfolio.lock("USDT", D("400.01"))
    error = info.value
    assert (error.asset, error.field, error.current, error.requested) == (
        "USDT",
        "available",
        D("400"),
        D("-400.01"),
    )
    assert "400.01 USDT" in str(error) and "400 USDT available" in str(error)
    assert portfolio.available("USDT") == D("400") and portfolio.total("USDT") == D("1000")
    with pytest.raises(ot.NegativeBalanceError, match="only 0 DOGE available"):
        portfolio.lock("DOGE", D("1"))


def test_unlocking_more_than_locked_is_refused():
    portfolio = make()
    portfolio.lock("BTC", D("0.5"))
    with pytest.raises(ot.NegativeBalanceError, match=r"only 0\.5 BTC is locked") as info:
        portfolio.unlock("BTC", D("0.6"))
    assert info.value.field == "locked"
    assert portfolio.available("BTC") == D("1.0")


def test_apply_moves_several_assets_at_once():
    portfolio = make()
    # a buy of 0.01 BTC at 20000 USDT with a 0.2 USDT fee
    portfolio.apply({"USDT": D("-200.2"), "BTC": D("0.01")})
    assert portfolio.total("USDT") == D("799.8") and portfolio.available("USDT") == D("799.8")
    assert portfolio.total("BTC") == D("1.51")
    # pairs form, repeated assets add up
    portfolio.apply([("ETH", D("2")), ("ETH", D("-0.5")), ("USDT", D("1"))])
    assert portfolio.total("ETH") == D("1.5") and portfolio.total("USDT") == D("800.8")


def test_a_fill_spending_locked_funds_changes_the_total_only():
    portfolio = make()
    portfolio.lock("USDT", D("500"))
    portfolio.apply({"USDT": ot.BalanceDelta(total=D("-500")), "BTC": D("0.025")})
    assert portfolio.balance("USDT") == ot.Balance(D("500"), D("500"))
    assert portfolio.locked("USDT") == D(0)
    assert portfolio.balance("BTC") == ot.Balance(D("1.525"), D("1.525"))


def test_negative_balance_is_refused_and_nothing_changes():
    portfolio = make()
    portfolio.lock("BTC", D("1"))
    before = portfolio.snapshot()
    with pytest.raises(ot.NegativeBalanceError) as info:
        portfolio.apply({"USDT": D("50"), "ETH": D("3"), "BTC": D("-2")})
    error = info.value
    assert (error.asset, error.field, error.current, error.requested) == ("BTC", "total", D("1.5"), D("-2"))
    assert (
        "BTC" in str(error)
        and "1.5" in str(error)
        and "-2" in str(error)
        and "nothing was changed" in str(error)
    )
    assert portfolio.snapshot() == before  # USDT and ETH (validated first) were not touched either
    # total would stay positive but available (0.5 BTC, the rest is locked) would not
    with pytest.raises(ot.NegativeBalanceError) as info:
        portfolio.apply({"USDT": D("50"), "BTC": D("-1")})
    assert info.value.field == "available" and info.value.current == D("0.5")
    # available above total (a negative locked part)
    with pytest.raises(ot.NegativeBalanceError) as info:
        portfolio.apply({"BTC": ot.BalanceDelta(total=D("0"), available=D("1.1"))})
    assert info.value.field == "locked"
    assert portfolio.snapshot() == before
    assert isinstance(info.value, ot.PortfolioError) and isinstance(info.value, ot.OctobotTradingError)


def test_floats_and_negative_amounts_are_refused():
    portfolio = make()
    with pytest.raises(ot.InvalidAmountError, match="Decimal"):
        portfolio.lock("BTC", 0.1)  # type: ignore[arg-type]
    with pytest.raises(ot.InvalidAmountError, match="Decimal"):
        portfolio.apply({"BTC": 0.1})  # type: ignore[dict-item]
    with pytest.raises(ot.InvalidAmountError, match="positive"):
        portfolio.lock("BTC", D("-1"))
    with pytest.raises(ot.InvalidAmountError, match="finite"):
        portfolio.apply({"BTC": D("NaN")})
    with pytest.raises(ot.InvalidAmountError):
        ot.Portfolio({"BTC": D("-1")})
    assert portfolio.balance("BTC") == ot.Balance(D("1.5"), D("1.5"))


def test_deposit_and_withdraw():
    portfolio = make()
    portfolio.deposit("ETH", D("2"))
    portfolio.withdraw("USDT", D("100"))
    assert portfolio.total("ETH") == D("2") and portfolio.total("USDT") == D("900")
    with pytest.raises(ot.NegativeBalanceError):
        portfolio.withdraw("ETH", D("3"))


def test_snapshots_are_frozen_copies_and_restore_resets():
    portfolio = make()
    portfolio.lock("USDT", D("10"))
    snapshot = portfolio.snapshot(1_000)
    portfolio.apply({"USDT": D("-500")})
    assert snapshot.timestamp == 1_000
    assert snapshot.balances["USDT"] == ot.Balance(D("1000"), D("990"))
    assert snapshot.total("USDT") == D("1000") and snapshot.total("DOGE") == D(0)
    assert snapshot.totals() == {"BTC": D("1.5"), "USDT": D("1000")}
    portfolio.restore(snapshot)
    assert portfolio.balance("USDT") == ot.Balance(D("1000"), D("990"))


async def test_async_lock_serialises_check_then_act_sequences():
    portfolio = ot.Portfolio({"USDT": D("100")})
    spent: list[str] = []

    async def spend_all(name: str) -> None:
        async with portfolio.async_lock:
            amount = portfolio.available("USDT")
            await asyncio.sleep(0)  # another task runs here; without the lock it would see the same amount
            if amount > 0:
                portfolio.lock("USDT", amount)
                spent.append(name)

    await asyncio.gather(spend_all("a"), spend_all("b"))
    assert spent == ["a"]
    assert portfolio.available("USDT") == D(0)
    assert portfolio.async_lock is portfolio.async_lock


def test_snapshot_round_trips_through_json_exactly():
    import json

    portfolio = ot.Portfolio({"BTC": D("0.123456789012345678"), "USDT": D("1000")})
    portfolio.lock("USDT", D("0.1"))
    snapshot = portfolio.snapshot(1_700_000_000_000)
    data = json.loads(json.dumps(snapshot.to_dict()))
    assert data["balances"]["USDT"] == {"total": "1000", "available": "999.9"}
    assert ot.PortfolioSnapshot.from_dict(data) == snapshot
    data["balances"]["USDT"]["available"] = "1001"
    with pytest.raises(ot.InvalidAmountError, match="available <= total"):
        ot.PortfolioSnapshot.from_dict(data)
    with pytest.raises(ot.InvalidAmountError, match="expected"):
        ot.PortfolioSnapshot.from_dict({"balances": {"BTC": {"total": "1"}}})
