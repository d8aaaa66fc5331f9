"""The built-in profiles of the ladder and dip modes, backtested on real data with `octobot backtest`, and
checked against their mode's specification; every built-in profile is listed with a description."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import octobot

from .helpers import run_cli, shared_data


def _data(*parts: str) -> Path:
    path = shared_data().joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"real market data not found at {path}: set OCTOBOT_SHARED_DATA")
    return path


def _backtest(profile: str, data: Path, tmp_path: Path, *window: str) -> dict:
    figures = tmp_path / f"{profile}.json"
    code, out, err = run_cli(
        "backtest", "--profile", profile, "--data", str(data), "--json", str(figures), *window
    )
    assert code == 0, out + err
    return json.loads(figures.read_text())


def test_every_builtin_profile_is_listed_with_a_description(home):
    code, out, _ = run_cli("profiles", "list")
    assert code == 0
    for folder in octobot.builtin_profiles_dir().iterdir():
        description = json.loads((folder / "profile.json").read_text())["description"]
        assert len(description) > 40, folder.name
        assert any(line.startswith(folder.name) and "built-in" in line for line in out.splitlines())
    assert {"staggered", "dip_analyser", "tradingview", "remote_signals"} <= {
        p.name for p in octobot.builtin_profiles_dir().iterdir()
    }


def test_the_staggered_profile_keeps_every_order_on_its_ladder(home, tmp_path):
    report = _backtest(
        "staggered", _data("freqtrade", "ETH_BTC-5m.csv"), tmp_path, "--end", "2018-01-13T00:00:00"
    )
    trades, orders = report["trades"], report["open_orders"]
    assert {t["side"] for t in trades} == {"buy", "sell"} and len(trades) >= 20
    assert len(orders) == 20  # the operational depth: each fill became its mirror
    # the ladder: P +/- S/2 +/- k x I with I = 0.5 % of P and S = 2 I, so every price is P + n x I;
    # a mirror goes S - I = I away from its fill's order price, onto the ladder too (the open orders at the
    # end are mostly mirrors; a trade's own price can be better than its order's, at a gap)
    start = Decimal("0.0994766")  # the first candle's close
    increment = start * Decimal("0.005")
    for price in [Decimal(o["price"]) for o in orders]:
        steps = (price - start) / increment
        assert abs(steps - steps.to_integral_value()) < Decimal("1e-6"), price


def test_the_dip_analyser_profile_buys_a_weighted_share_and_sells_in_three_stages(home, tmp_path):
    report = _backtest(
        "dip_analyser", _data("octobot", "AbstractExchangeHistoryCollector_1581774962.1269426.data"), tmp_path
    )
    trades = report["trades"]
    buys = [t for t in trades if t["side"] == "buy"]
    sells = [t for t in trades if t["side"] == "sell"]
    assert buys, "the dip analyser strategy confirms at least one dip on these 500 real 4h candles"
    first = buys[0]
    price, amount = Decimal(first["price"]), Decimal(first["amount"])
    # one coin: half the 1000 USDT times the volume weight's multiplier (0.5, 0.7 or 1), at risk 0.5
    share = price * amount / 1000
    assert any(
        abs(share - expected) < Decimal("0.0001")
        for expected in (Decimal("0.25"), Decimal("0.35"), Decimal("0.5"))
    )
    staged = [t for t in sells if t["time_ms"] >= first["time_ms"]][:3]
    assert len(staged) == 3
    brought = amount - Decimal(first["fee"])
    assert sum(Decimal(t["amount"]) for t in staged) <= brought
    # the sells are spread evenly up to +4, +7 or +10 % of the buy price (the dip's price weight)
    targets = {Decimal("1.04"), Decimal("1.07"), Decimal("1.1")}
    assert any(
        all(
            Decimal(t["price"]) >= price * (1 + (target - 1) * step / 3) * Decimal("0.999999")
            for step, t in zip((1, 2, 3), sorted(staged, key=lambda t: Decimal(t["price"])), strict=True)
        )
        for target in targets
    )
