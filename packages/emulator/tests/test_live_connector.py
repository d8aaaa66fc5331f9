"""The live ccxt connector against the exchange emulator, through ccxt's real binance client (REST and
ccxt.pro websockets); nothing of ccxt is mocked. Time is driven explicitly (a virtual clock and sleeper,
the emulator's replay clock), never waited for."""

from __future__ import annotations

import asyncio
import gc
import itertools
import logging
import secrets
from decimal import Decimal

import numpy as np
import pytest

import octobot_trading as ot
from octobot_exchange_emulator import ExchangeEmulator
from octobot_trading.ccxt_connector import (
    BinanceProfile,
    CandlePoller,
    CcxtLiveConnector,
    ClientOrderIds,
    Credentials,
    ExchangeAmbiguousOrderError,
    ExchangeAuthenticationError,
    ExchangeInsufficientFundsError,
    ExchangeOrderNotFoundError,
    ExchangeTimestampError,
    LiveFeed,
    RequestBudget,
    RetryPolicy,
)

from .helpers import EMULATOR_HISTORY as HISTORY
from .helpers import needs_eth_btc

SYMBOL = "ETH/BTC"
FIVE_MINUTES = 300_000
ORDER = "/api/v3/order"
ACCOUNT = "/api/v3/account"

pytestmark = needs_eth_btc


class VirtualTime:
    """A clock and a sleeper: sleeping moves the clock to the sleeper's wake-up time at once."""

    def __init__(self, start_ms: int) -> None:
        self.ms = start_ms
        self.sleeps: list[float] = []

    def now_ms(self) -> int:
        return int(self.ms)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        wake = self.ms + seconds * 1000  # concurrent sleepers wake at their own times
        self.ms = max(self.ms, wake)
        await asyncio.sleep(0)


class SkewedClock:
    """The local machine's clock, ``offset_ms`` off the real time."""

    def __init__(self, offset_ms: int) -> None:
        self.offset_ms = offset_ms

    def now_ms(self) -> int:
        return ot.WallClock().now_ms() + self.offset_ms


@pytest.fixture
async def emulator(candles):
    balances = {"BTC": Decimal("2"), "ETH": Decimal("10")}
    async with ExchangeEmulator({SYMBOL: candles}, balances=balances, history=HISTORY) as emu:
        yield emu


def make_connector(emulator: ExchangeEmulator, *, secret: str | None = None, **kwargs) -> CcxtLiveConnector:
    config = emulator.ccxt_config()
    credentials = Credentials(config.pop("apiKey"), secret or config.pop("secret"))
    config.pop("secret", None)
    kwargs.setdefault("budget", RequestBudget(1000, 50))
    kwargs.setdefault("retry_policy", RetryPolicy(max_attempts=4, base_delay_s=0.001, max_delay_s=0.01))
    return CcxtLiveConnector("binance", credentials=credentials, config=config, **kwargs)


@pytest.fixture
async def connector(emulator):
    async with make_connector(emulator) as live:
        yield live


def below_market(emulator: ExchangeEmulator, share: str = "0.8") -> Decimal:
    return (emulator.last_price(SYMBOL) * Decimal(share)).quantize(Decimal("0.00001"))


# --- markets, balance, orders -------------------------------------------------------------------


async def test_markets_become_market_rules(connector, emulator):
    markets = await connector.markets()

    rules = markets[SYMBOL]
    spec = emulator.markets[SYMBOL]
    assert isinstance(markets, ot.Markets) and isinstance(rules, ot.MarketRules)
    assert rules.price_precision == spec.tick_size and rules.amount_precision == spec.step_size
    assert rules.min_cost == spec.min_notional and rules.taker_fee == Decimal("0.001")


async def test_balance_ticker_book_and_trades_are_decimal(connector):
    balance = await connector.fetch_balance()
    ticker = await connector.fetch_ticker(SYMBOL)
    book = await connector.fetch_order_book(SYMBOL, 5)
    trades = await connector.fetch_recent_trades(SYMBOL, 3)

    assert balance == {
        "BTC": ot.Balance(Decimal("2"), Decimal("2")),
        "ETH": ot.Balance(Decimal("10"), Decimal("10")),
    }
    assert isinstance(ticker["last"], Decimal) and "info" not in ticker
    assert book.bids[0][0] < book.asks[0][0] and all(isinstance(v, Decimal) for v in book.bids[0])
    assert len(trades) == 3 and all(isinstance(t["price"], Decimal) for t in trades)


async def test_create_edit_fetch_cancel_orders_in_decimal(connector, emulator):
    price = below_market(emulator)
    order = await connector.create_order(SYMBOL, "buy", "limit", Decimal("0.5"), price)

    assert (order.status, order.kind, order.side) == (
        ot.OrderStatus.OPEN,
        ot.OrderKind.LIMIT,
        ot.OrderSide.BUY,
    )
    assert order.amount == Decimal("0.5") and order.price == price and order.filled == 0
    assert emulator.balance("BTC")[1] == Decimal("0.5") * price  # locked on the exchange
    assert [o.exchange_order_id for o in await connector.fetch_open_orders(SYMBOL)] == [
        order.exchange_order_id
    ]
    assert (
        await connector.fetch_order(SYMBOL, order.exchange_order_id)
    ).client_order_id == order.client_order_id

    new_price = below_market(emulator, "0.85")
    edited = await connector.edit_order(
        SYMBOL, order.exchange_order_id, amount=Decimal("0.4"), price=new_price
    )
    assert (edited.amount, edited.price, edited.status) == (Decimal("0.4"), new_price, ot.OrderStatus.OPEN)
    assert (await connector.fetch_order(SYMBOL, order.exchange_order_id)).status is ot.OrderStatus.CANCELLED
    assert len(emulator.requests_to("/api/v3/order/cancelReplace")) == 1  # Binance edits in one request

    cancelled = await connector.cancel_order(SYMBOL, edited.exchange_order_id)
    assert (
        cancelled.status is ot.OrderStatus.CANCELLED and cancelled.client_order_id == edited.client_order_id
    )
    assert emulator.balance("BTC") == (Decimal("2"), Decimal("0"))
    assert await connector.fetch_open_orders(SYMBOL) == []

    market = await connector.create_order(SYMBOL, "sell", "market", "1.5")
    trades = await connector.fetch_my_trades(SYMBOL)
    assert market.status is ot.OrderStatus.FILLED and market.filled == Decimal("1.5")
    assert market.average_price == emulator.last_price(SYMBOL)
    assert [(t.exchange_order_id, t.amount, t.side) for t in trades] == [
        (market.exchange_order_id, Decimal("1.5"), ot.OrderSide.SELL)
    ]
    assert trades[0].fee == trades[0].cost * Decimal("0.001") and trades[0].fee_asset == "BTC"
    closed = await connector.fetch_closed_orders(SYMBOL)
    assert {o.exchange_order_id for o in closed} >= {order.exchange_order_id, market.exchange_order_id}


async def test_edit_is_cancel_and_create_where_the_exchange_cannot_edit(emulator):
    async with make_connector(emulator, profile=BinanceProfile(native_edit=False)) as live:
        order = await live.create_order(SYMBOL, "sell", "limit", "1", emulator.last_price(SYMBOL) * 2)
        edited = await live.edit_order(SYMBOL, order.exchange_order_id, price=emulator.last_price(SYMBOL) * 3)

        assert edited.exchange_order_id != order.exchange_order_id and edited.amount == 1
        assert edited.client_order_id != order.client_order_id and live.client_order_ids.is_ours(
            edited.client_order_id
        )
    assert [r.method for r in emulator.requests_to(ORDER)] == ["POST", "GET", "DELETE", "POST"]
    assert emulator.requests_to("/api/v3/order/cancelReplace") == []


async def test_client_order_ids_are_on_the_wire_unique_and_deterministic(connector, emulator):
    orders = [
        await connector.create_order(SYMBOL, "buy", "limit", "0.1", below_market(emulator, share))
        for share in ("0.5", "0.6", "0.7")
    ]

    sent = [r.params["newClientOrderId"] for r in emulator.requests_to(ORDER, "POST")]
    assert sent == [o.client_order_id for o in orders]
    assert len(set(sent)) == 3 and all(i.startswith("octobot-") and len(i) <= 36 for i in sent)
    ids = connector.client_order_ids
    again = ClientOrderIds(ids.prefix, ids.session, max_length=36)
    assert [again.next() for _ in range(3)] == sent  # same session, same ids: resumable after a restart
    assert ids.is_ours(sent[0]) and not ids.is_ours("web_abc123")


async def test_lost_answer_finds_the_order_by_client_id_instead_of_sending_it_again(connector, emulator):
    emulator.faults.lose_answer(ORDER, times=1)

    order = await connector.create_order(SYMBOL, "buy", "limit", "0.2", below_market(emulator))

    posts = emulator.requests_to(ORDER, "POST")
    assert len(posts) == 1 and posts[0].fault == "lost_answer"  # sent once, accepted, answer lost
    assert (
        order.client_order_id == posts[0].params["newClientOrderId"] and order.status is ot.OrderStatus.OPEN
    )
    assert [o.client_order_id for o in await connector.fetch_open_orders(SYMBOL)] == [order.client_order_id]
    lookups = emulator.requests_to(ORDER, "GET")
    assert lookups[0].params.get("origClientOrderId") == order.client_order_id


async def test_order_answer_lost_and_lookup_impossible_is_ambiguous(connector, emulator):
    emulator.faults.lose_answer(ORDER)
    emulator.faults.http_error(503, ORDER, times=10, method="GET")  # the lookups fail too

    with pytest.raises(ExchangeAmbiguousOrderError) as raised:
        await connector.create_order(SYMBOL, "buy", "limit", "0.2", below_market(emulator))

    client_id = raised.value.client_order_id
    assert (
        raised.value.symbol == SYMBOL
        and client_id == emulator.requests_to(ORDER, "POST")[0].params["newClientOrderId"]
    )
    emulator.faults.clear()
    found = await connector.find_order_by_client_id(SYMBOL, client_id)  # the caller reconciles later
    assert found is not None and found.status is ot.OrderStatus.OPEN
    assert len(emulator.requests_to(ORDER, "POST")) == 1


async def test_dropped_order_request_is_sent_again_with_the_same_client_id(connector, emulator):
    emulator.faults.drop_connection(ORDER, method="POST")

    order = await connector.create_order(SYMBOL, "buy", "limit", "0.2", below_market(emulator))

    posts = emulator.requests_to(ORDER, "POST")
    assert [p.fault for p in posts] == ["drop", None]  # the lookup found nothing: sent again
    assert posts[0].params["newClientOrderId"] == posts[1].params["newClientOrderId"] == order.client_order_id
    assert len(await connector.fetch_open_orders(SYMBOL)) == 1


async def test_rate_limit_waits_for_retry_after_then_succeeds(emulator):
    time = VirtualTime(ot.WallClock().now_ms())
    budget = RequestBudget(100, 5, clock=time, sleep=time.sleep)
    async with make_connector(emulator, budget=budget, sleep=time.sleep) as live:
        emulator.faults.rate_limit(ACCOUNT, retry_after=7)

        balance = await live.fetch_balance()

    assert balance["ETH"].total == Decimal("10")
    assert [r.status for r in emulator.requests_to(ACCOUNT)] == [429, 200]
    assert max(time.sleeps) >= 7 and live.retries == 1


async def test_server_errors_and_dropped_connections_are_retried(connector, emulator):
    emulator.faults.http_error(503, ACCOUNT, times=2)
    emulator.faults.drop_connection(ACCOUNT)

    balance = await connector.fetch_balance()

    assert balance["BTC"].total == Decimal("2")
    assert [(r.status, r.fault) for r in emulator.requests_to(ACCOUNT)] == [
        (503, "http_error"),
        (503, "http_error"),
        (0, "drop"),
        (200, None),
    ]
    assert connector.retries >= 2  # aiohttp itself re-sends a GET whose kept-alive connection dropped


async def test_authentication_error_never_shows_the_key_or_secret(emulator, caplog):
    wrong_secret = "s3cr3t-" + secrets.token_hex(16)
    live = make_connector(emulator, secret=wrong_secret)
    api_key = live.credentials.api_key
    caplog.set_level(logging.DEBUG)
    async with live:
        with pytest.raises(ExchangeAuthenticationError) as raised:
            await live.fetch_balance()

    error = raised.value
    shown = [str(error), repr(error), str(error.__cause__), repr(live), repr(live.credentials), caplog.text]
    assert "Signature for this request is not valid" in str(error)
    assert not any(api_key in text or wrong_secret in text for text in shown)
    assert "X-MBX-APIKEY" in caplog.text and "***" in caplog.text  # ccxt logged the headers, masked


async def test_refusals_become_trading_errors(connector, emulator):
    with pytest.raises(ExchangeInsufficientFundsError) as raised:
        await connector.create_order(SYMBOL, "buy", "limit", "1000", below_market(emulator))
    assert isinstance(raised.value, ot.InsufficientFundsError) and raised.value.asset == "BTC"

    with pytest.raises(ExchangeOrderNotFoundError) as missing:
        await connector.cancel_order(SYMBOL, "987654")
    assert isinstance(missing.value, ot.OrderNotFoundError)
    assert await connector.find_order_by_client_id(SYMBOL, "octobot-nothing-1") is None
    assert len(emulator.requests_to(ORDER, "POST")) == 1  # a refused order is not sent again


async def test_local_clock_ahead_of_the_exchange_is_corrected(emulator):
    async with make_connector(emulator, clock=SkewedClock(5_000)) as live:
        order = await live.create_order(SYMBOL, "buy", "limit", "0.1", below_market(emulator))
        assert 4_000 < live.time_offset_ms < 6_000 and order.status is ot.OrderStatus.OPEN

    skewed = SkewedClock(0)
    async with make_connector(emulator, clock=skewed) as live:
        skewed.offset_ms = 5_000  # the machine's clock jumps after start: -1021, offset re-measured, retried
        assert (await live.fetch_balance())["BTC"].total == 2
        assert 4_000 < live.time_offset_ms < 6_000 and live.retries == 1

    uncorrected = make_connector(
        emulator, clock=SkewedClock(5_000), profile=BinanceProfile(time_difference_option=None)
    )
    async with uncorrected:
        with pytest.raises(ExchangeTimestampError):
            await uncorrected.fetch_balance()
    assert emulator.requests_to(ACCOUNT)[-1].status == 400  # -1021 "outside of the recvWindow"


# --- request budget -------------------------------------------------------------------------------


async def test_one_budget_limits_every_caller_of_an_exchange(emulator):
    time = VirtualTime(ot.WallClock().now_ms())
    budget = RequestBudget(20, 2, clock=time, sleep=time.sleep)
    first, second = make_connector(emulator, budget=budget), make_connector(emulator, budget=budget)
    async with first, second:
        start, granted_before, spent_before = time.ms, budget.granted, budget.spent
        done: list[float] = []

        async def poll(live: CcxtLiveConnector) -> None:
            for _ in range(10):
                await live.fetch_ticker(SYMBOL)
                done.append(time.ms)

        await asyncio.gather(poll(first), poll(second))

    assert budget.granted - granted_before == 20
    # ccxt's endpoint costs, spent at 20 units/s after a burst of 2 units: both callers share the pace
    spent = budget.spent - spent_before
    assert spent > 0 and max(done) - start >= (spent - 2) / 20 * 1000 - 1
    assert all(later >= earlier for earlier, later in itertools.pairwise(done))
    shared = [make_connector(emulator, budget=None) for _ in range(2)]
    assert shared[0].budget is shared[1].budget and shared[0].budget is not budget
    for live in shared:
        await live.close()


# --- streams, pollers, watchdog -------------------------------------------------------------------


@pytest.fixture
async def manager(connector):
    async with ot.ExchangeManager("binance", await connector.markets(), portfolio={"BTC": "1"}) as em:
        yield em


async def test_rest_poller_fetches_each_candle_at_its_close(connector, emulator, manager, candles):
    offset = {"ms": 60_000}  # one minute into the forming 5m candle
    waits: list[float] = []
    six_polls = asyncio.Event()

    async def sleep_until_close(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 6:
            six_polls.set()
            await asyncio.Event().wait()  # parked until cancelled
        await emulator.advance()
        offset["ms"] = 500

    poller = CandlePoller(
        connector,
        manager,
        SYMBOL,
        "5m",
        now_ms=lambda: emulator.now_ms + offset["ms"],
        sleep=sleep_until_close,
    )
    task = asyncio.create_task(poller.run())
    await asyncio.wait_for(six_polls.wait(), 30)
    task.cancel()

    buffer = manager.symbol_data(SYMBOL).candle_buffer("5m")
    assert buffer.timestamps().tolist() == candles[HISTORY - 1 : HISTORY + 5, 0].astype(np.int64).tolist()
    assert np.allclose(buffer.closes(), candles[HISTORY - 1 : HISTORY + 5, 4])
    # asleep until each close + 0.5 s: 4 min from one minute in, then the full 5 min
    assert waits == [240.5] + [300.0] * 5 and poller.polls == 6
    assert len(emulator.requests_to("/api/v3/klines")) == poller.polls


class StepSleeper:
    """A sleeper that wakes at the emulator's next step: a REST poller asleep until the next candle's
    close wakes when the test closes it, however long (in wall time) the test took to get there."""

    def __init__(self, emulator: ExchangeEmulator) -> None:
        self._stepped = asyncio.Event()
        emulator.add_step_listener(self._on_step)

    def _on_step(self, _moves: dict) -> None:
        self._stepped.set()
        self._stepped = asyncio.Event()

    async def sleep(self, _seconds: float) -> None:
        await self._stepped.wait()


async def test_watchdog_falls_back_to_rest_when_the_stream_is_silent_and_returns(
    connector, emulator, manager, candles
):
    key = ("ohlcv", SYMBOL, "5m")
    modes: list[str] = []
    changed = asyncio.Event()
    # the watchdog's silence is 0.2 s of wall time, and the test's clock only moves when it advances: on
    # a loaded machine the stream may be called silent before any step (or between two), and REST takes
    # over then. So REST's pollers sleep until the next step, and the bot already holds the candle before
    # the first step (REST's first poll would give it): the candles are the same whenever REST takes over
    feed = LiveFeed(
        connector,
        [SYMBOL],
        ["5m"],
        ticker=False,
        expected_interval_s={"ohlcv": 0.1},
        silence_factor=2.0,
        now_ms=lambda: emulator.now_ms,
        sleep=StepSleeper(emulator).sleep,
    )
    feed.marks[key].last_closed = int(candles[HISTORY - 1, 0])

    def on_mode_change(_key, mode: str) -> None:
        modes.append(mode)
        changed.set()

    async def wait_mode(mode: str) -> None:
        while feed.modes.get(key) != mode:
            changed.clear()
            await asyncio.wait_for(changed.wait(), 10)

    feed.on_mode_change = on_mode_change
    received: asyncio.Queue = asyncio.Queue()

    async def on_candle(message: dict) -> None:
        await received.put(int(message["candle"][0]))

    await manager.get_channel("OHLCVChannel").new_consumer(on_candle)
    await feed.start(manager)
    try:
        await asyncio.wait_for(emulator.streams.wait_subscribed("ethbtc@kline_5m"), 10)
        await emulator.advance()
        await wait_mode("stream")
        first = await asyncio.wait_for(received.get(), 10)

        emulator.faults.silence_streams()
        polls_before = len(emulator.requests_to("/api/v3/klines"))
        await emulator.advance(2)  # their stream events are lost
        await wait_mode("rest")
        rest = [await asyncio.wait_for(received.get(), 10) for _ in range(2)]
        polls_after = len(emulator.requests_to("/api/v3/klines"))

        emulator.faults.resume_streams()
        await emulator.advance()
        await wait_mode("stream")  # a switch back: the stream's message was heard
        back = await asyncio.wait_for(received.get(), 10)
    finally:
        await feed.stop()

    opens = [first, *rest, back]
    assert opens == candles[HISTORY : HISTORY + 4, 0].astype(np.int64).tolist()  # none lost, none twice
    assert "rest" in modes and modes[0] == "stream"
    assert polls_after > polls_before  # the candles of the silence came through the REST fallback


async def test_live_order_connector_drives_orders_for_the_trader(connector, emulator):
    markets = await connector.markets()
    refused: list[tuple[ot.Order, Exception]] = []
    live = ot.LiveOrderConnector(connector, on_error=lambda order, error: refused.append((order, error)))
    async with ot.ExchangeManager("binance", markets, portfolio={"BTC": "2"}, connector=live) as em:
        live.price_of = em.last_price
        await em.push_ticker(SYMBOL, await connector.fetch_ticker(SYMBOL))

        order = await em.trader.create_order(SYMBOL, "buy", "limit", "0.5", below_market(emulator))
        await live.join()
        assert order.status is ot.OrderStatus.OPEN
        assert (
            emulator.requests_to(ORDER, "POST")[0].params["newClientOrderId"]
            == live.links.client_ids[order.order_id]
        )

        await em.trader.cancel_order(order)
        await live.join()
        assert (await connector.fetch_open_orders(SYMBOL)) == [] and em.portfolio.available("BTC") == 2

        bought = await em.trader.create_order(SYMBOL, "buy", "market", "0.5")
        await live.join()
        emulator.account.free["BTC"] = Decimal("0.01")  # withdrawn elsewhere: the bot does not know yet
        too_big = await em.trader.create_order(SYMBOL, "buy", "limit", "0.5", below_market(emulator))
        await live.join()
    assert refused and refused[0][0] is too_big and isinstance(refused[0][1], ExchangeInsufficientFundsError)
    assert too_big.status is ot.OrderStatus.CANCELLED  # refused: closed, its funds released
    price = emulator.last_price(SYMBOL)
    assert bought.status is ot.OrderStatus.FILLED and bought.average_price == price
    assert em.portfolio.total("ETH") == Decimal("0.5") - Decimal("0.0005")  # fee in the received asset
    assert em.portfolio.total("BTC") == 2 - Decimal("0.5") * price


def test_credentials_are_masked_and_refuse_pickling():
    import pickle

    credentials = Credentials("my-key-123", "my-secret-456")
    assert "my-key" not in repr(credentials) and "my-secret" not in str(credentials)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(credentials)
    with pytest.raises(ValueError, match="api_key"):
        Credentials("", "x")
    with pytest.raises(Exception, match="credentials=Credentials"):
        CcxtLiveConnector("binance", config={"apiKey": "k", "secret": "s"})


async def test_own_order_stream_reports_fills_to_the_trader(connector, emulator, candles):
    markets = await connector.markets()
    live = ot.LiveOrderConnector(connector)
    async with ot.ExchangeManager("binance", markets, portfolio={"BTC": "2"}, connector=live) as em:
        live.price_of = em.last_price
        updates: list[ot.OrderStatus] = []
        filled = asyncio.Event()

        async def on_order(update) -> None:
            updates.append(update.status)
            await live.apply_exchange_order(update)
            if update.status is ot.OrderStatus.FILLED:
                filled.set()

        feed = LiveFeed(
            connector,
            [SYMBOL],
            ["5m"],
            ticker=True,
            orders=True,
            on_order=on_order,
            now_ms=lambda: emulator.now_ms,
        )
        await feed.start(em)
        try:
            await asyncio.wait_for(emulator.streams.wait_subscribed("userData"), 10)
            await asyncio.wait_for(emulator.streams.wait_subscribed("ethbtc@miniTicker"), 10)
            priced = asyncio.Event()

            async def on_ticker(_message: dict) -> None:
                priced.set()

            await em.get_channel("TickerChannel").new_consumer(on_ticker)
            await emulator.advance()
            await asyncio.wait_for(priced.wait(), 10)  # the ticker stream priced the market
            # a buy the next candles reach: one tick above their lowest low
            tick = emulator.markets[SYMBOL].tick_size
            low = Decimal(repr(float(candles[HISTORY + 1 : HISTORY + 30, 3].min())))
            order = await em.trader.create_order(SYMBOL, "buy", "limit", "0.5", low + tick)
            await live.join()
            on_exchange = emulator.account.orders[int(live.links.exchange_ids[order.order_id])]
            while on_exchange.status != "FILLED":
                assert await emulator.advance() == 1
            await asyncio.wait_for(filled.wait(), 10)
        finally:
            await feed.stop()
    assert order.status is ot.OrderStatus.FILLED and order.filled == Decimal("0.5")
    assert updates[0] is ot.OrderStatus.OPEN and updates[-1] is ot.OrderStatus.FILLED
    assert em.portfolio.total("ETH") == Decimal("0.5") - order.fees["ETH"]
    assert em.portfolio.total("BTC") == 2 - Decimal("0.5") * order.average_price
    assert em.portfolio.total("BTC") == emulator.balance("BTC")[0]  # the bot's books match the exchange's


async def test_trade_and_order_book_streams_feed_the_exchange_manager(connector, emulator, manager):
    books: asyncio.Queue = asyncio.Queue()
    trades: asyncio.Queue = asyncio.Queue()

    async def on_book(message: dict) -> None:
        await books.put(message)

    async def on_trades(message: dict) -> None:
        await trades.put(message)

    await manager.get_channel("OrderBookChannel").new_consumer(on_book)
    await manager.get_channel("RecentTradesChannel").new_consumer(on_trades)
    feed = LiveFeed(
        connector, [SYMBOL], ticker=False, trades=True, order_book=True, now_ms=lambda: emulator.now_ms
    )
    await feed.start(manager)
    try:
        for stream in ("ethbtc@trade", "ethbtc@depth@100ms"):
            await asyncio.wait_for(emulator.streams.wait_subscribed(stream), 10)
        await emulator.advance()
        book = await asyncio.wait_for(books.get(), 10)
        traded = await asyncio.wait_for(trades.get(), 10)
    finally:
        await feed.stop()
    best_bid, best_ask = book["bids"][0][0], book["asks"][0][0]
    assert isinstance(best_bid, Decimal) and best_bid < best_ask
    assert best_bid <= emulator.last_price(SYMBOL) <= best_ask
    assert traded["trades"] and all(isinstance(t["price"], Decimal) for t in traded["trades"])
    assert feed.modes == {("trades", SYMBOL, None): "stream", ("order_book", SYMBOL, None): "stream"}


class _SlowTickerSink:
    """A MarketDataSink that takes its time over the first ticker: until ``release`` is set."""

    def __init__(self) -> None:
        self.tickers: asyncio.Queue = asyncio.Queue()
        self.handling = asyncio.Event()
        self.release = asyncio.Event()

    async def push_candle(self, symbol: str, time_frame: object, candle: object) -> None:
        return None

    async def push_kline(self, symbol: str, time_frame: object, candle: object) -> None:
        return None

    async def push_ticker(self, symbol: str, ticker: dict) -> None:
        if not self.handling.is_set():
            self.handling.set()
            await self.release.wait()
        await self.tickers.put(ticker["timestamp"])

    async def push_mark_price(self, symbol: str, price: Decimal, time: int | None = None) -> None:
        return None

    async def push_order_book(self, symbol: str, bids: list, asks: list, time: int | None = None) -> None:
        return None

    async def push_recent_trades(self, symbol: str, trades: list[dict]) -> None:
        return None


async def test_a_message_that_arrives_while_the_last_one_is_handled_is_not_lost(connector, emulator):
    # ccxt resolves a stream's message for whoever waits at that moment, and drops it when nobody does
    sink = _SlowTickerSink()
    feed = LiveFeed(connector, [SYMBOL], expected_interval_s={"ticker": 0.0}, now_ms=lambda: emulator.now_ms)
    await feed.start(sink)
    try:
        await asyncio.wait_for(emulator.streams.wait_subscribed("ethbtc@miniTicker"), 10)
        await emulator.advance()
        await asyncio.wait_for(sink.handling.wait(), 10)  # the first ticker is being handled...
        stamps = [connector.client.tickers[SYMBOL]["timestamp"]]
        await emulator.advance()  # ...when the next one arrives
        for _ in range(500):  # until ccxt's client has read it
            if connector.client.tickers[SYMBOL]["timestamp"] != stamps[0]:
                break
            await asyncio.sleep(0.02)
        stamps.append(connector.client.tickers[SYMBOL]["timestamp"])
        sink.release.set()
        first = await asyncio.wait_for(sink.tickers.get(), 10)
        after = await asyncio.wait_for(sink.tickers.get(), 10)
    finally:
        await feed.stop()
    assert [first, after] == stamps and stamps[1] > stamps[0]


async def test_the_newest_ticker_of_a_burst_is_handled(connector, emulator):
    # three steps at once: their tickers reach ccxt in one read; ccxt answers the waiting call with the
    # first and keeps the others in its cache only (the bot's price stayed two steps old until the next)
    sink = _SlowTickerSink()
    sink.release.set()
    feed = LiveFeed(connector, [SYMBOL], expected_interval_s={"ticker": 0.0}, now_ms=lambda: emulator.now_ms)
    await feed.start(sink)
    try:
        await asyncio.wait_for(emulator.streams.wait_subscribed("ethbtc@miniTicker"), 10)
        start = emulator.now_ms
        await emulator.advance(3)
        stamps = [await asyncio.wait_for(sink.tickers.get(), 30)]
        while stamps[-1] < emulator.now_ms:  # a hang guard only: the newest one comes, or the test fails
            stamps.append(await asyncio.wait_for(sink.tickers.get(), 30))
    finally:
        await feed.stop()
    assert stamps[-1] == start + 3 * FIVE_MINUTES == emulator.now_ms
    assert stamps == sorted(set(stamps))  # older ones may be skipped, none handled twice


async def test_rest_fallback_for_own_orders_reports_orders_that_closed_between_polls(
    connector, emulator, candles
):
    updates: asyncio.Queue = asyncio.Queue()
    next_poll: asyncio.Queue = asyncio.Queue()

    async def poll_gate(_seconds: float) -> None:  # the poll interval, driven by the test
        await next_poll.get()

    feed = LiveFeed(
        connector,
        [SYMBOL],
        ticker=False,
        orders=True,
        on_order=updates.put_nowait,
        use_streams=False,
        sleep=poll_gate,
    )
    tick = emulator.markets[SYMBOL].tick_size
    low = Decimal(repr(float(candles[HISTORY : HISTORY + 30, 3].min())))
    order = await connector.create_order(SYMBOL, "buy", "limit", "0.5", low + tick)
    await feed.start(ot.ExchangeManager("binance", await connector.markets()))
    try:
        first = await asyncio.wait_for(updates.get(), 10)  # the immediate poll: open
        while emulator.account.orders[int(order.exchange_order_id)].status != "FILLED":
            assert await emulator.advance() == 1
        next_poll.put_nowait(None)
        last = await asyncio.wait_for(updates.get(), 10)  # gone from the open orders: asked for
    finally:
        await feed.stop()
    assert (first.exchange_order_id, first.status) == (order.exchange_order_id, ot.OrderStatus.OPEN)
    assert (last.exchange_order_id, last.status, last.filled) == (
        order.exchange_order_id,
        ot.OrderStatus.FILLED,
        Decimal("0.5"),
    )
    assert feed.modes == {("orders", None, None): "rest"}


async def test_the_clock_advice_fits_its_cause(candles, caplog):
    """A machine clock a few seconds off: sync it with NTP. An exchange on a market clock years behind
    (a replayed market): no NTP advice, the log says the exchange keeps a clock of its own."""
    async with ExchangeEmulator({SYMBOL: candles}, history=HISTORY) as emu:
        with caplog.at_level(logging.INFO):
            async with make_connector(emu, clock=SkewedClock(5_000)) as live:
                await live.sync_time()
    assert "NTP" in caplog.text and "clock of its own" not in caplog.text
    caplog.clear()
    async with ExchangeEmulator({SYMBOL: candles}, history=HISTORY, server_clock="market") as emu:
        with caplog.at_level(logging.INFO):
            async with make_connector(emu) as live:
                await live.sync_time()
                assert live.time_offset_ms > 86_400_000  # the recorded market is years old
                await live.fetch_balance()  # stamped on the market clock: accepted
    assert "NTP" not in caplog.text
    assert "keeps a clock of its own" in caplog.text and "days behind the local clock" in caplog.text


async def test_an_outage_leaves_no_unretrieved_future(candles):
    """The exchange goes away while the streams run: the feed falls back to REST and keeps trying the
    streams; no "Future exception was never retrieved" is logged for ccxt's internal futures."""
    unhandled: list[str] = []
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: unhandled.append(context["message"]))
    try:
        emulator = ExchangeEmulator({SYMBOL: candles}, balances={"BTC": Decimal("2")}, history=HISTORY)
        await emulator.start()
        connector = make_connector(emulator)
        await connector.start()
        manager = await ot.ExchangeManager("binance", await connector.markets()).start()

        async def on_order(_update) -> None:
            return None

        feed = LiveFeed(
            connector, [SYMBOL], ["5m"], orders=True, on_order=on_order, now_ms=lambda: emulator.now_ms
        )
        all_rest = asyncio.Event()

        def on_mode_change(_key, _mode) -> None:
            if all(mode == "rest" for mode in feed.modes.values()):
                all_rest.set()

        feed.on_mode_change = on_mode_change
        await feed.start(manager)
        try:
            await asyncio.wait_for(emulator.streams.wait_subscribed("userData"), 10)
            await emulator.stop()  # the outage
            await asyncio.wait_for(all_rest.wait(), 10)
            for turn in range(20):  # a few reconnection attempts of every stream
                await asyncio.sleep(0.05)
                if turn % 5 == 4:  # a full collection costs 0.1 s of CPU here: the last one also counts
                    gc.collect()
        finally:
            await feed.stop()
            await manager.stop()
            await connector.stop()
            # ccxt's own reconnection tasks end with the connector, not at the loop's teardown
            leftovers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        gc.collect()
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(previous)
    assert set(feed.modes.values()) == {"rest"}
    assert not [m for m in unhandled if "never retrieved" in m], unhandled
    assert not leftovers, leftovers
