"""The replay engine on real freqtrade candles, through octobot_trading's ExchangeManager."""

from __future__ import annotations

import ccxt
import numpy as np
import pytest

import octobot_backtesting as ob
import octobot_backtesting.replay as replay_module
import octobot_channel as oc
import octobot_trading as ot

M5, H1 = 300_000, 3_600_000
PAIRS = {"ETH/BTC": ("ETHBTC", "ETH"), "LTC/BTC": ("LTCBTC", "LTC")}


def _markets() -> ot.Markets:
    exchange = ccxt.binance()
    exchange.options["crossMarginPairsData"] = []
    exchange.options["isolatedMarginPairsData"] = []
    filters = [
        {"filterType": "PRICE_FILTER", "minPrice": "0.000001", "maxPrice": "1000.0", "tickSize": "0.000001"},
        {"filterType": "LOT_SIZE", "minQty": "0.001", "maxQty": "100000.0", "stepSize": "0.001"},
    ]
    raws = [
        {
            "symbol": symbol_id,
            "status": "TRADING",
            "baseAsset": base,
            "baseAssetPrecision": 8,
            "quoteAsset": "BTC",
            "quotePrecision": 8,
            "quoteAssetPrecision": 8,
            "orderTypes": ["LIMIT", "MARKET"],
            "isSpotTradingAllowed": True,
            "filters": filters,
            "permissions": [],
            "permissionSets": [["SPOT"]],
        }
        for symbol_id, base in PAIRS.values()
    ]
    markets = {market["symbol"]: market for market in (exchange.parse_market(raw) for raw in raws)}
    return ot.Markets.from_ccxt_markets(markets, exchange.precisionMode, "binance")


@pytest.fixture
def data_file(freqtrade_data, tmp_path):
    path = tmp_path / "eth_ltc.data"
    sources = [freqtrade_data / "ETH_BTC-5m.csv", freqtrade_data / "LTC_BTC-5m.csv"]
    ob.import_files(sources, path, exchange="binance", resample_to=["1h"])
    return path


class _Run:
    def __init__(self, start_ms: int) -> None:
        self.clock = ob.SimulatedClock(start_ms)
        self.synchronizer = oc.Synchronizer()
        self.seen: list[tuple[int, str, str, int]] = []

    async def manager(self) -> ot.ExchangeManager:
        em = ot.ExchangeManager(
            "binance", _markets(), portfolio={"BTC": "1"}, clock=self.clock, synchronizer=self.synchronizer
        )
        await em.start()
        channel = em.get_channel("OHLCVChannel")
        await channel.new_consumer(self._on_candle, priority=oc.Priority.MEDIUM)
        return em

    async def _on_candle(self, message: dict) -> None:
        self.seen.append(
            (self.clock.now_ms(), message["symbol"], message["time_frame"], int(message["candle"][0]))
        )


@pytest.fixture(params=["in memory", "read ahead", "streamed"])
def reading(request, monkeypatch):
    """The ways a replay reads a series: the whole window at once (validated in memory), in pieces read
    ahead by a worker thread (small pieces here: 20 days of 5m cross several), and chunk by chunk."""
    monkeypatch.setattr(replay_module, "READ_AHEAD", request.param == "read ahead")
    if request.param == "read ahead":
        monkeypatch.setattr(replay_module, "FIRST_PIECE_CANDLES", 500)
        monkeypatch.setattr(replay_module, "PIECE_CANDLES", 1_000)
    if request.param == "streamed":
        monkeypatch.setattr(replay_module, "IN_MEMORY_CANDLES", 10)
        monkeypatch.setattr(replay_module, "ROWS_BLOCK", 7)
    return request.param


async def test_replays_every_closed_candle_at_its_close_time(data_file, reading):
    run = _Run(0)
    em = await run.manager()
    try:
        replay = ob.Replay([ob.ReplayFeed(em, data_file)], clock=run.clock, synchronizer=run.synchronizer)
        result = await replay.run()
    finally:
        await em.stop()
    with ob.DataFileReader(data_file) as reader:
        expected = {
            (s.symbol, s.time_frame): reader.read_ohlcv(s.symbol, s.time_frame) for s in reader.series()
        }
    # common window: both pairs cover the same 20 days
    assert result.start_ms == max(int(a[0, 0]) for a in expected.values())
    assert result.end_ms == min(int(a[-1, 0]) + (H1 if tf == "1h" else M5) for (_, tf), a in expected.items())
    # no look-ahead: each candle is seen exactly at its close time, and the clock never goes back
    for now, _, time_frame, open_time in run.seen:
        assert now == open_time + (H1 if time_frame == "1h" else M5)
    assert [now for now, *_ in run.seen] == sorted(now for now, *_ in run.seen)
    # every candle closing inside the window, once
    for (symbol, time_frame), candles in expected.items():
        length = H1 if time_frame == "1h" else M5
        closes = candles[:, 0] + length
        inside = candles[(closes > result.start_ms) & (closes <= result.end_ms)][:, 0].astype(int).tolist()
        assert [o for _, s, tf, o in run.seen if (s, tf) == (symbol, time_frame)] == inside
    assert result.candles_pushed == len(run.seen)
    # one step per instant where something closed (5m grid)
    assert result.steps == len({now for now, *_ in run.seen})
    # within an instant: 5m before 1h (the smallest time frame drives the simulator's prices)
    hourly = [i for i, (_, _, tf, _) in enumerate(run.seen) if tf == "1h"]
    assert all(run.seen[i - 1][0] == run.seen[i][0] for i in hourly)
    assert all(run.seen[i - 1][2] in ("5m", "1h") for i in hourly)
    first_at = {}
    for index, (now, _, tf, _) in enumerate(run.seen):
        first_at.setdefault((now, tf), index)
    assert all(first_at[(now, "5m")] < first_at[(now, "1h")] for now, tf in first_at if tf == "1h")


async def test_warm_up_and_narrowed_window(data_file, reading):
    with ob.DataFileReader(data_file) as reader:
        five = reader.read_ohlcv("ETH/BTC", "5m")
    start = int(five[0, 0]) - int(five[0, 0]) % H1 + 72 * H1  # three days in
    run = _Run(0)
    em = await run.manager()
    try:
        replay = ob.Replay(
            [ob.ReplayFeed(em, data_file, symbols=["ETH/BTC"], time_frames=["5m", "1h"])],
            clock=run.clock,
            synchronizer=run.synchronizer,
            start_ms=start,
            end_ms=start + 2 * H1,
            warmup_candles=50,
        )
        result = await replay.run()
        buffer = em.symbol_data("ETH/BTC").candle_buffer("5m")
        assert result.warmup_candles_loaded == 100  # 50 per time frame
        assert len(buffer) >= 50
    finally:
        await em.stop()
    assert (result.start_ms, result.end_ms) == (start, start + 2 * H1)
    assert {s for _, s, _, _ in run.seen} == {"ETH/BTC"}
    assert [o for _, _, tf, o in run.seen if tf == "1h"] == [start, start + H1]
    assert len([tf for _, _, tf, _ in run.seen if tf == "5m"]) == 24
    assert run.clock.now_ms() == start + 2 * H1


async def test_union_window_covers_both_files(freqtrade_data, tmp_path):
    early = tmp_path / "early.data"
    ob.import_files(freqtrade_data / "ETH_BTC-5m.csv", early, exchange="binance")
    with ob.DataFileReader(early) as reader:
        candles = reader.read_ohlcv("ETH/BTC", "5m")
    late = tmp_path / "late.data"
    with ob.DataFileWriter(late, exchange="binance", origin="test") as writer:
        shifted = candles[-10:].copy()
        shifted[:, 0] += 50 * M5  # starts after ETH/BTC ends
        writer.write_ohlcv("LTC/BTC", "5m", shifted)
    run = _Run(0)
    em = await run.manager()
    try:
        feeds = [ob.ReplayFeed(em, early), ob.ReplayFeed(em, late)]
        with pytest.raises(ob.ReplayError, match="do not overlap"):
            await ob.Replay(feeds, clock=run.clock, synchronizer=run.synchronizer).run()
        result = await ob.Replay(feeds, clock=run.clock, synchronizer=run.synchronizer, window="union").run()
    finally:
        await em.stop()
    assert result.per_series[(em.exchange_id, "ETH/BTC", "5m")] == len(candles)
    assert result.per_series[(em.exchange_id, "LTC/BTC", "5m")] == 10


async def test_invalid_data_stops_the_run_before_it_starts(tmp_path):
    candles = np.array([[1_700_000_100_000 + i * M5, 1, 2, 0.5, 1, 1] for i in range(10)])
    candles[4, 2] = 0.1  # high below low
    path = tmp_path / "bad.data"
    with ob.DataFileWriter(path, exchange="binance", origin="test") as writer:
        writer.write_ohlcv("ETH/BTC", "5m", candles)
    run = _Run(0)
    em = await run.manager()
    try:
        with pytest.raises(ob.DataValidationError, match="ETH/BTC 5m @ 1700001300000"):
            await ob.Replay([ob.ReplayFeed(em, path)], clock=run.clock, synchronizer=run.synchronizer).run()
    finally:
        await em.stop()
    assert run.seen == [] and run.clock.now_ms() == 0


async def test_managers_must_use_the_replay_clock_and_synchronizer(data_file):
    run = _Run(0)
    em = await run.manager()
    try:
        with pytest.raises(ob.ReplayError, match="clock"):
            ob.Replay(
                [ob.ReplayFeed(em, data_file)], clock=ob.SimulatedClock(0), synchronizer=run.synchronizer
            )
        with pytest.raises(ob.ReplayError, match="synchronizer"):
            ob.Replay([ob.ReplayFeed(em, data_file)], clock=run.clock, synchronizer=oc.Synchronizer())
        with pytest.raises(ob.ReplayError, match=r"no ETH/BTC 4h candles"):
            replay = ob.Replay(
                [ob.ReplayFeed(em, data_file, symbols=["ETH/BTC"], time_frames=["4h"])],
                clock=run.clock,
                synchronizer=run.synchronizer,
                validate=False,
            )
            await replay.run()
    finally:
        await em.stop()


async def test_progress_is_reported_in_order_up_to_the_end(data_file):
    run = _Run(0)
    em = await run.manager()
    shares: list[float] = []
    try:
        replay = ob.Replay(
            [ob.ReplayFeed(em, data_file)],
            clock=run.clock,
            synchronizer=run.synchronizer,
            progress=shares.append,
        )
        await replay.run()
    finally:
        await em.stop()
    assert shares[0] == 0.0 and shares[-1] == 1.0
    assert shares == sorted(shares)
    assert 50 <= len(shares) <= 102  # about once per percent, never once per step (5,700 steps)
