"""Run reports on a small hand-computed scenario: every figure is worked out by hand below."""

from __future__ import annotations

import base64
import json
import math
import re
from decimal import Decimal as D

import numpy as np
import pytest

import octobot_channel as oc
import octobot_trading as ot
from octobot_backtesting import SimulatedClock
from octobot_backtesting.reports import (
    OpenOrderRecord,
    ReportError,
    RunResult,
    TradeRecord,
    build_report,
)
from octobot_backtesting.reports.html import downsample

HOUR = 3_600_000
T0 = 1_704_067_200_000  # 2024-01-01 00:00 UTC

# BTC/USDT: first open 100, last close 105 (+5 %); ETH/USDT: first open 10, last close 12 (+20 %)
BTC = np.array(
    [
        [T0, 100, 112, 98, 110, 5],
        [T0 + HOUR, 110, 125, 108, 120, 6],
        [T0 + 2 * HOUR, 120, 121, 88, 90, 7],
        [T0 + 3 * HOUR, 90, 106, 89, 105, 8],
    ],
    dtype=np.float64,
)
ETH = np.array(
    [
        [T0 + i * HOUR, o, max(o, c) + 1, min(o, c) - 1, c, 100]
        for i, (o, c) in enumerate([(10, 11), (11, 9), (9, 10), (10, 12)])
    ],
    dtype=np.float64,
)
TRADES = [
    # buy 2 BTC at 100 at 01:00 (position opens), then two exits: +20 and -10
    TradeRecord(T0 + HOUR, "BTC/USDT", "buy", D("100"), D("2"), D("0.2"), "USDT", D("0"), "market"),
    TradeRecord(T0 + 2 * HOUR, "BTC/USDT", "sell", D("120"), D("1"), D("0.12"), "USDT", D("20"), "limit"),
    TradeRecord(T0 + 3 * HOUR, "BTC/USDT", "sell", D("90"), D("1"), D("0.09"), "USDT", D("-10"), "stop_loss"),
    # 03:30 buy 1 BTC paying the fee in BTC (0.999 received), 03:45 sell the 0.999: flat again, +9.99
    TradeRecord(
        T0 + 3 * HOUR + HOUR // 2, "BTC/USDT", "buy", D("95"), D("1"), D("0.001"), "BTC", D("0"), "limit"
    ),
    TradeRecord(
        T0 + 3 * HOUR + 3 * HOUR // 4,
        "BTC/USDT",
        "sell",
        D("105"),
        D("0.999"),
        D("0.1049"),
        "USDT",
        D("9.99"),
        "limit",
    ),
]
EQUITY_TIMES = [T0 + i * HOUR for i in range(5)]
EQUITY = [D("1100"), D("1210"), D("1089"), D("1306.8"), D("1110.78")]  # returns +10 %, -10 %, +20 %, -15 %
SECRETS = ("AKIA-KEY-123456", "s3cr3t-VALUE", "hunter2-pass")


def _result(**changes) -> RunResult:
    values = dict(
        start_ms=T0,
        end_ms=T0 + 4 * HOUR,
        reference_market="USDT",
        start_portfolio={"USDT": D("1000"), "ETH": D("10")},
        end_portfolio={"USDT": D("1050"), "ETH": D("10"), "BTC": D("0")},
        candles={"BTC/USDT": BTC, "ETH/USDT": ETH},
        equity_times_ms=EQUITY_TIMES,
        equity_values=EQUITY,
        trades=TRADES,
        orders_by_kind={"market": 1, "limit": 4, "stop_loss": 1},
        open_orders=[OpenOrderRecord("BTC/USDT", "buy", "limit", D("80"), D("1"), T0 + 3 * HOUR)],
        run_duration_s=0.5,
        candles_processed=8,
        metadata={
            "profile": "demo",
            "exchange": {"name": "binance", "api_key": SECRETS[0], "secret": SECRETS[1]},
            "accounts": [{"password": SECRETS[2]}],
        },
    )
    values.update(changes)
    return RunResult(**values)


def test_profitability_against_start_market_and_holding():
    report = build_report(_result())

    # start: 1000 USDT + 10 ETH at 10 = 1100; end: 1050 + 10 ETH at 12 = 1170; holding: 1000 + 120 = 1120
    assert report.start_value == D("1100")
    assert report.end_value == D("1170")
    assert report.hold_value == D("1120")
    assert report.profitability_pct == (D("1170") / D("1100") - 1) * 100  # +6.36 %
    assert report.hold_profitability_pct == (D("1120") / D("1100") - 1) * 100  # +1.82 %
    assert report.symbol_changes_pct == {"BTC/USDT": D("5"), "ETH/USDT": D("20")}
    assert report.market_average_pct == D("12.5")
    assert report.vs_market_pct == report.profitability_pct - D("12.5")
    assert float(report.vs_hold_pct) == pytest.approx(50 / 1100 * 100)  # 1170 vs 1120 on a 1100 start


def test_trades_fees_pnl_win_rate_and_exposure():
    report = build_report(_result())

    assert (report.winners, report.losers) == (2, 1)
    assert report.win_rate_pct == pytest.approx(200 / 3)
    assert report.total_fees == {"USDT": D("0.5149"), "BTC": D("0.001")}
    assert report.realised_pnl == {"USDT": D("19.99")}
    assert report.trade_exits == [False, True, True, False, True]
    # in a position from 01:00 to 03:00 and from 03:30 to 03:45: 2.25 h of 4 h
    assert report.exposure_pct == pytest.approx(2.25 / 4 * 100)
    assert report.candles_per_second == 16


def test_positions_of_a_run_over_several_exchanges_are_per_exchange():
    # an arbitrage: bought on one exchange, sold on the other, then each leg closed on its own exchange
    legs = [
        ("binance", "buy", T0 + HOUR),
        ("kraken", "sell", T0 + HOUR),
        ("binance", "sell", T0 + 2 * HOUR),
        ("kraken", "buy", T0 + 3 * HOUR),
    ]
    trades = [
        TradeRecord(at, "BTC/USDT", side, D("100"), D("1"), D("0"), "USDT", exchange=exchange)
        for exchange, side, at in legs
    ]
    report = build_report(_result(trades=trades))

    assert report.trade_exits == [False, False, True, True]  # netted together, the sell would be an exit
    assert report.exposure_pct == pytest.approx(2 / 4 * 100)  # 01:00 to 03:00 of 4 h
    assert [t["exchange"] for t in report.to_dict()["trades"]] == [leg[0] for leg in legs]
    assert "kraken BTC/USDT" in report.to_text()


def test_repr_names_the_figures_and_leaves_the_bulk_out():
    """A long run's report is printed in a REPL or a log (and asyncio formats a finished task's result):
    its repr must not list every candle, equity point and trade."""
    many = 20_000
    result = _result(
        equity_times_ms=[T0 + i for i in range(many)],
        equity_values=[D("1100")] * many,
        trades=TRADES * 1000,
    )
    report = build_report(result)

    text = repr(report)
    assert "profitability_pct=" in text and "sharpe=" in text and "run_duration_s=0.5" in text
    assert "TradeRecord" not in text and "equity_values" not in text
    assert len(text) < 3000


def test_drawdown_sharpe_and_sortino():
    report = build_report(_result())

    # running peaks 1100, 1210, 1210, 1306.8, 1306.8: worst fall (1306.8 - 1110.78) / 1306.8 = 15 %
    assert report.max_drawdown.fraction == pytest.approx(0.15)
    assert (report.max_drawdown.peak_ms, report.max_drawdown.trough_ms) == (T0 + 3 * HOUR, T0 + 4 * HOUR)
    returns = [0.1, -0.1, 0.2, -0.15]
    mean = sum(returns) / 4  # 0.0125
    sample_std = math.sqrt(sum((r - mean) ** 2 for r in returns) / 3)
    downside = math.sqrt((0.1**2 + 0.15**2) / 4)
    periods_per_year = 365 * 24  # hourly equity curve
    assert report.ratio_period_ms == HOUR
    assert report.periods_per_year == periods_per_year
    assert report.sharpe == pytest.approx(mean / sample_std * math.sqrt(periods_per_year))
    assert report.sortino == pytest.approx(mean / downside * math.sqrt(periods_per_year))


def test_ratio_period_samples_an_irregular_curve():
    # an extra point at 01:30 does not change hourly returns once sampled on the 1 h grid
    times = [*EQUITY_TIMES[:2], T0 + HOUR + HOUR // 2, *EQUITY_TIMES[2:]]
    values = [*EQUITY[:2], D("5000"), *EQUITY[2:]]
    regular = build_report(_result())
    irregular = build_report(_result(equity_times_ms=times, equity_values=values), ratio_period_ms=HOUR)
    assert irregular.sharpe == pytest.approx(regular.sharpe)
    assert irregular.sortino == pytest.approx(regular.sortino)


def test_dict_json_and_text_carry_the_figures_and_no_secret():
    report = build_report(_result())
    data = report.to_dict()
    as_json = report.to_json()
    text = report.to_text()

    assert data["profitability"]["end_value"] == D("1170")
    assert data["win_rate"] == {"winners": 2, "losers": 1, "win_rate_pct": pytest.approx(200 / 3)}
    assert data["orders_by_kind"] == {"market": 1, "limit": 4, "stop_loss": 1}
    assert data["ratios"]["periods_per_year"] == 8760
    assert data["metadata"]["exchange"]["name"] == "binance"
    assert json.loads(as_json)["total_fees"] == {"USDT": "0.5149", "BTC": "0.001"}
    assert "+6.36 %" in text and "-15.00 %" in text and "66.67 %" in text
    assert "BTC/USDT" in text and "stop_loss" in text
    for rendering in (as_json, text, report.to_html()):
        for secret in SECRETS:
            assert secret not in rendering


def _decoded(values) -> np.ndarray:
    """plotly stores numpy arrays as base64 typed arrays ({"dtype", "bdata"}) or plain lists."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=np.float64)


def test_html_is_one_file_with_the_chart_data_and_no_external_script(tmp_path):
    path = build_report(_result()).write_html(tmp_path / "reports" / "report.html", title="Demo run")
    page = path.read_text(encoding="utf-8")  # the missing folder was created

    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)  # plotly.js is embedded, not linked
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?https?:", page, re.I)
    assert "Plotly.newPlot" in page and len(page) > 1_000_000
    match = re.search(r'<script type="application/json" id="report-figure">(.*?)</script>', page, re.S)
    assert match is not None
    traces = {trace.get("name"): trace for trace in json.loads(match.group(1))["data"]}
    np.testing.assert_array_equal(_decoded(traces["BTC/USDT"]["close"]), BTC[:, 4])
    np.testing.assert_array_equal(_decoded(traces["ETH/USDT"]["open"]), ETH[:, 1])
    assert traces["BTC/USDT"]["type"] == "candlestick"
    np.testing.assert_array_equal(_decoded(traces["BTC/USDT entries"]["y"]), [100, 95])
    np.testing.assert_array_equal(_decoded(traces["BTC/USDT exits"]["y"]), [120, 90, 105])
    assert [y for y in traces["BTC/USDT open orders"]["y"] if y is not None] == [80, 80]
    np.testing.assert_allclose(_decoded(traces["equity"]["y"]), [float(v) for v in EQUITY])
    data = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert data is not None and json.loads(data.group(1))["trade_count"] == 5


def test_downsampled_chart_candles_keep_ohlc_meaning():
    candles = np.array([[i, 10 + i, 20 + i, 5 - i, 11 + i, 1] for i in range(10)], dtype=np.float64)
    merged = downsample(candles, 3)  # groups of 4, 4 and 2
    np.testing.assert_array_equal(
        merged, [[0, 10, 23, 2, 14, 4], [4, 14, 27, -2, 18, 4], [8, 18, 29, -4, 20, 2]]
    )


def test_an_asset_without_price_is_a_clear_error():
    with pytest.raises(ReportError, match=r"cannot value SOL in USDT.*start_prices"):
        build_report(_result(start_portfolio={"USDT": D("1000"), "SOL": D("1")}))
    priced = build_report(
        _result(
            start_portfolio={"USDT": D("1000"), "SOL": D("1")},
            start_prices={"SOL": D("100")},
            end_prices={"SOL": D("150")},
        )
    )
    assert priced.start_value == D("1100") and priced.hold_value == D("1150")


def test_bad_input_is_refused():
    with pytest.raises(ReportError, match="Decimal"):
        TradeRecord(T0, "BTC/USDT", "buy", 100.0, D("1"), D("0"), "USDT")  # type: ignore[arg-type]
    with pytest.raises(ReportError, match="one value per time"):
        _result(equity_values=EQUITY[:2])
    with pytest.raises(ReportError, match=r"\(n, 6\)"):
        _result(candles={"BTC/USDT": BTC[:, :4]})


def test_trades_of_the_trader_convert_to_report_records():
    trade = ot.Trade(
        trade_id="t1",
        order_id="o1",
        exchange_id="binance",
        symbol="BTC/USDT",
        side=ot.OrderSide.SELL,
        kind=ot.OrderKind.TAKE_PROFIT,
        amount=D("0.5"),
        price=D("120"),
        cost=D("60"),
        fee_asset="USDT",
        fee=D("0.06"),
        taker=True,
        time=T0 + HOUR,
        realised_pnl=D("10"),
    )
    record = TradeRecord.from_trade(trade)
    assert record == TradeRecord(
        T0 + HOUR, "BTC/USDT", "sell", D("120"), D("0.5"), D("0.06"), "USDT", D("10"), "take_profit"
    )


async def test_a_run_through_an_exchange_manager_is_reported():
    clock, sync = SimulatedClock(T0), oc.Synchronizer()
    markets = ot.Markets({"BTC/USDT": ot.MarketRules.default("BTC/USDT")})
    manager = ot.ExchangeManager(
        "binance", markets, portfolio={"USDT": D("1000")}, clock=clock, synchronizer=sync
    )
    async with manager:
        for index, row in enumerate(BTC):
            clock.advance_to(int(row[0]) + HOUR)  # the candle closes
            await manager.push_candle("BTC/USDT", "1h", row.tolist())
            await sync.drain()
            manager.portfolio_manager.record_value()
            if index == 0:  # fills at the last price, 110; 0.1 % fee paid in BTC: 1.998 held
                await manager.trader.create_order("BTC/USDT", "buy", "market", D("2"))
            elif index == 1:  # above the last price, 120: the 121 high of the third candle fills it
                await manager.trader.create_order("BTC/USDT", "sell", "limit", D("1"), price=D("121"))
            elif index == 2:  # never reached: still open at the end
                await manager.trader.create_order("BTC/USDT", "sell", "limit", D("0.998"), price=D("200"))
        result = RunResult.from_exchange_manager(
            manager, start_ms=T0, end_ms=T0 + 4 * HOUR, candles={"BTC/USDT": BTC}, candles_processed=4
        )

    report = build_report(result)

    assert [(t.side, t.kind, t.price, t.amount) for t in report.trades] == [
        ("buy", "market", D("110"), D("2")),
        ("sell", "limit", D("121"), D("1")),
    ]
    assert report.trade_exits == [False, True]
    assert result.orders_by_kind == {"market": 1, "limit": 2}
    assert [(o.price, o.amount) for o in result.open_orders] == [(D("200"), D("0.998"))]
    # 1000 - 220 (buy) + 121 - 0.121 (sell fee) = 900.879 USDT, and 0.998 BTC at the last close, 105
    assert result.end_portfolio == {"USDT": D("900.879"), "BTC": D("0.998")}
    assert report.end_value == D("900.879") + D("0.998") * 105
    assert float(report.end_value) == pytest.approx(float(result.equity_values[-1]))
    assert report.exposure_pct == pytest.approx(75)  # in a position from 01:00 to the end at 04:00
    assert report.total_fees == {"BTC": D("0.002"), "USDT": D("0.121")}
