import csv
import os
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

import octobot_trading as ot

D = Decimal
REPO_ROOT = Path(__file__).resolve().parents[3]
DATA = Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


class SimulatedClock:
    def __init__(self, now: int) -> None:
        self.now = now

    def now_ms(self) -> int:
        return self.now


def test_profitability_on_a_hand_computed_scenario():
    """Start: 1 BTC, 10 ETH, 1000 USDT; BTC/USDT 20000, ETH/BTC 0.05 (ETH = 1000 USDT) -> 31000 USDT.
    Sell 5 ETH for 0.25 BTC (fee 0.00025 BTC). Then BTC/USDT 22000 (+10 %), ETH/BTC 0.04 (-20 %).
    Now: 1.24975 BTC * 22000 + 5 ETH * 880 + 1000 = 27494.5 + 4400 + 1000 = 32894.5 USDT (+1894.5).
    Holding: 22000 + 8800 + 1000 = 31800 (+800). Market average: (10 - 20) / 2 = -5 %."""
    clock = SimulatedClock(1_000)
    portfolio = ot.Portfolio({"BTC": D("1"), "ETH": D("10"), "USDT": D("1000")})
    manager = ot.PortfolioManager(portfolio, "USDT", ["ETH/BTC", "BTC/USDT"], clock=clock)
    manager.update_price("BTC/USDT", D("20000"))
    manager.update_price("ETH/BTC", D("0.05"))
    assert manager.record_value() == D("31000")
    portfolio.apply({"ETH": D("-5"), "BTC": D("0.25") - D("0.00025")})
    clock.now = 2_000
    manager.update_price("BTC/USDT", D("22000"))
    manager.update_price("ETH/BTC", D("0.04"))
    assert manager.values() == {"BTC": D("27494.5"), "ETH": D("4400"), "USDT": D("1000")}
    assert manager.record_value() == D("32894.5")

    report = manager.profitability()
    assert report.reference == "USDT"
    assert report.start_value == D("31000")
    assert report.current_value == D("32894.5")
    assert report.profit == D("1894.5")
    assert report.profit_percent.quantize(D("1e-10")) == D("6.1112903226")  # 1894.5 / 31000
    assert report.holding_value == D("31800")
    assert report.holding_percent.quantize(D("1e-10")) == D("2.5806451613")  # 800 / 31000
    assert report.vs_holding_percent.quantize(D("1e-10")) == D("3.5306451613")
    assert report.market_average_percent == D("-5")
    assert report.vs_market_percent.quantize(D("1e-10")) == D("11.1112903226")
    assert report.to_dict()["profit"] == D("1894.5")
    assert manager.history.points() == [(1_000, D("31000")), (2_000, D("32894.5"))]


def test_start_prices_are_each_pairs_first_price_and_reset_start():
    portfolio = ot.Portfolio({"USDT": D("100")})
    manager = ot.PortfolioManager(portfolio, "USDT", ["BTC/USDT"])
    manager.update_price("BTC/USDT", D("100"))
    manager.update_price("BTC/USDT", D("150"))
    assert manager.start_prices.price("BTC/USDT") == D("100")
    assert manager.profitability().market_average_percent == D("50")
    assert manager.profitability().profit == D(0)
    portfolio.apply({"USDT": D("-75"), "BTC": D("0.5")})
    manager.reset_start()
    manager.update_price("BTC/USDT", D("300"))
    report = manager.profitability()
    assert report.start_value == D("100")  # 25 USDT + 0.5 BTC at 150
    assert report.current_value == D("175")
    assert report.market_average_percent == D("100")
    assert len(manager.history) == 0


def test_profitability_needs_prices_of_every_traded_pair():
    manager = ot.PortfolioManager(ot.Portfolio({"USDT": D("10")}), "USDT", ["ETH/USDT"])
    with pytest.raises(ot.ValuationError, match="ETH/USDT"):
        manager.profitability()
    with pytest.raises(ValueError, match="timestamp"):
        manager.record_value()


def test_percent_change_from_zero_is_an_error():
    with pytest.raises(ot.ValuationError, match="zero"):
        ot.percent_change(D(0), D(1))
    assert ot.percent_change(D("200"), D("150")) == D("-25")


def test_history_arrays_order_and_drawdown():
    history = ot.PortfolioHistory("USDT")
    for ts, value in [(1, "100"), (2, "120"), (3, "90"), (4, "130"), (5, "117")]:
        history.record(ts, D(value))
    history.record(5, D("104"))  # same instant: replaces
    assert len(history) == 5 and history.last == (5, D("104"))
    assert history.timestamps().tolist() == [1, 2, 3, 4, 5] and history.timestamps().dtype == np.int64
    assert history.values().tolist() == [100.0, 120.0, 90.0, 130.0, 104.0]
    assert history.max_drawdown_percent() == D("25")  # 120 -> 90
    with pytest.raises(ot.InvalidTimestampError, match="older"):
        history.record(3, D("1"))
    with pytest.raises(TypeError, match="Decimal"):
        history.record(6, 1.0)  # type: ignore[arg-type]


def _closes(name: str) -> tuple[Decimal, Decimal]:
    with (DATA / "freqtrade" / name).open() as handle:
        rows = list(csv.reader(handle))[1:]
    return D(rows[0][4]), D(rows[-1][4])


def test_equal_split_held_earns_the_market_average_on_real_prices():
    """An equal split across the traded pairs, held, is what the market average measures."""
    if not (DATA / "freqtrade" / "ETH_BTC-5m.csv").exists():
        pytest.skip(f"shared market data not found under {DATA}; set OCTOBOT_SHARED_DATA")
    pairs = {"ETH/BTC": "ETH_BTC-5m.csv", "LTC/BTC": "LTC_BTC-5m.csv", "XLM/BTC": "XLM_BTC-5m.csv"}
    closes = {symbol: _closes(name) for symbol, name in pairs.items()}
    portfolio = ot.Portfolio({symbol.split("/")[0]: D(1) / first for symbol, (first, _) in closes.items()})
    manager = ot.PortfolioManager(portfolio, "BTC", list(pairs))
    for symbol, (first, _) in closes.items():
        manager.update_price(symbol, first)
    assert abs(manager.value() - D(3)) < D("1e-20")
    for symbol, (_, last) in closes.items():
        manager.update_price(symbol, last)
    report = manager.profitability()
    assert report.market_average_percent != 0
    assert abs(report.profit_percent - report.market_average_percent) < D("1e-18")
    assert abs(report.vs_holding_percent) < D("1e-18")


def test_traded_symbols_default_to_every_priced_pair():
    manager = ot.PortfolioManager(ot.Portfolio({"USDT": D("100")}), "USDT")
    assert manager.traded_symbols == ()
    assert manager.profitability().market_average_percent == D(0)  # nothing traded yet
    manager.update_price("BTC/USDT", D("100"))
    manager.update_price("ETH/USDT:USDT", D("10"))
    manager.update_price("BTC/USDT", D("120"))
    manager.update_price("ETH/USDT:USDT", D("9"))
    assert manager.traded_symbols == ("BTC/USDT", "ETH/USDT")
    assert manager.profitability().market_average_percent == D("5")  # (+20 - 10) / 2


def test_equity_curve_values_each_step_as_record_value_does():
    """Holdings change twice, prices move every step, ETH is valued through ETH/BTC x BTC/USDT: the curve
    valued at once equals recording the value at each step (to float precision)."""
    rng = np.random.default_rng(7)
    times = np.arange(1, 41, dtype=np.int64) * 60_000
    btc = 20_000 + np.cumsum(rng.normal(0, 50, len(times)))
    eth_btc = 0.05 + np.cumsum(rng.normal(0, 0.0005, len(times)))
    holdings = [
        (0, {"USDT": D("1000"), "BTC": D("0.5"), "ETH": D("0")}),
        (int(times[9]), {"USDT": D("0"), "BTC": D("0.55"), "ETH": D("3.2")}),
        (int(times[30]), {"USDT": D("11000.25"), "BTC": D("0"), "ETH": D("3.2")}),
    ]
    # ETH/BTC gets its first price at the 3rd step: before it, ETH (not held yet) needs none
    prices = {"BTC/USDT": (times, btc), "ETH/BTC": (times[2:], eth_btc[2:])}
    kept, values = ot.equity_curve(times, holdings, prices, "USDT")
    clock = SimulatedClock(0)
    expected = []
    for step, time in enumerate(times.tolist()):
        clock.now = time
        current = [totals for at, totals in holdings if at <= time][-1]
        manager = ot.PortfolioManager(ot.Portfolio(dict(current)), "USDT", clock=clock)
        manager.update_price("BTC/USDT", D(repr(float(btc[step]))))
        if step >= 2:
            manager.update_price("ETH/BTC", D(repr(float(eth_btc[step]))))
        expected.append(float(manager.record_value()))
    assert kept.tolist() == times.tolist()
    np.testing.assert_allclose(values, expected, rtol=1e-12)


def test_equity_curve_leaves_out_steps_a_held_asset_cannot_be_valued():
    times = np.array([1_000, 2_000, 3_000], dtype=np.int64)
    holdings = [(0, {"USDT": D("10"), "XRP": D("5")})]
    prices = {"XRP/USDT": (np.array([2_000, 3_000]), np.array([0.5, 0.6]))}
    kept, values = ot.equity_curve(times, holdings, prices, "USDT")
    assert kept.tolist() == [2_000, 3_000]
    np.testing.assert_allclose(values, [12.5, 13.0])
    none, _ = ot.equity_curve(times, holdings, {}, "USDT")  # no price chain at all
    assert len(none) == 0
