"""nautilus_trader running the RSI(14) zone rules of bench_backtest.py on the same candles.

The rules: when RSI(14) of the closes enters the oversold zone (<= 30) buy with 99 % of the free quote at
market, sized at the close; when it enters the overbought zone (>= 70) sell everything held at market;
0.1 % fees. nautilus_trader's backtest engine with bar execution: a market order sent from ``on_bar``
fills at that bar's close, as ours (and backtrader's cheat-on-close) do.

Why the results are close but not equal to ours (the trade counts agree within 5 %):
- re-buys of dust: each re-entry of the oversold zone without a sell in between buys 99 % of what is
  left, so the amounts shrink a hundredfold each time; ours and backtrader fill them whatever their size,
  nautilus cannot express a quantity below its size increment (about 2e-5 USDT here) and skips them. On
  the 100,000-candle series 64 of the 913 fills of ours and backtrader are below 1e-4 USDT, and nautilus
  makes about 30 fewer fills with the same final equity to the cent as backtrader's;
- nautilus's RSI with Wilder smoothing seeds its averages with the first move, TA-Lib's (ours and
  backtrader's) with the mean of the first 14: the values differ during the first few hundred candles,
  so a zone entry near a threshold can happen at another candle there, before they converge;
- prices are Price objects of fixed precision: the prices are scaled by 1e6 (near 2,000; volumes are
  kept, so that a bar's volume, which nautilus uses as the liquidity of its book, covers every order as
  ours and backtrader's do without a volume cap) and rounded to 1e-8, a relative change below 1e-11;
- fees are charged in the quote currency (ours in the received asset, as spot exchanges do), and order
  quantities are rounded to the instrument's size increment (1e-8 of a scaled unit).
"""

from __future__ import annotations

import time
from decimal import ROUND_DOWN, Decimal

import numpy as np
from engine_run import EngineRun

#: prices are multiplied by this (quantities divided): nautilus keeps balances in f64, where selling the
#: 6 million units that 10,000 USDT buy at 0.0016 leaves a negative dust; the RSI and the trades do not
#: change with the scale
PRICE_SCALE = 1e6
PRICE_PRECISION = 8
SIZE_PRECISION = 8
SIZE_STEP = Decimal(10) ** -SIZE_PRECISION
BUY_SHARE = Decimal("0.99")


def nautilus_version() -> str | None:
    try:
        import nautilus_trader
    except ImportError:
        return None
    return nautilus_trader.__version__


def run_rsi_rules(candles: np.ndarray, fee: float, starting_quote: float) -> EngineRun | None:
    """The RSI zone rules on ``candles`` (rows: open time ms, open, high, low, close, volume)."""
    try:
        import pandas as pd
        from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
        from nautilus_trader.config import LoggingConfig
        from nautilus_trader.indicators.averages import MovingAverageType
        from nautilus_trader.indicators.momentum import RelativeStrengthIndex
        from nautilus_trader.model.currencies import USDT
        from nautilus_trader.model.data import Bar, BarType
        from nautilus_trader.model.enums import AccountType, CurrencyType, OmsType, OrderSide, OrderStatus
        from nautilus_trader.model.identifiers import InstrumentId, Symbol, TraderId, Venue
        from nautilus_trader.model.instruments import CurrencyPair
        from nautilus_trader.model.objects import Currency, Money, Price, Quantity
        from nautilus_trader.persistence.wranglers import BarDataWrangler
        from nautilus_trader.trading.strategy import Strategy
    except ImportError as error:
        print(f"nautilus_trader baseline skipped: {error} (pip install 'octobot[bench]', Python 3.11-3.13)")
        return None

    venue = Venue("SIM")
    base = Currency("BENCH", PRICE_PRECISION, 0, "benchmark base asset", CurrencyType.CRYPTO)
    instrument = CurrencyPair(
        instrument_id=InstrumentId(Symbol("BENCH/USDT"), venue),
        raw_symbol=Symbol("BENCH/USDT"),
        base_currency=base,
        quote_currency=USDT,
        price_precision=PRICE_PRECISION,
        size_precision=SIZE_PRECISION,
        price_increment=Price(10**-PRICE_PRECISION, PRICE_PRECISION),
        size_increment=Quantity(10**-SIZE_PRECISION, SIZE_PRECISION),
        lot_size=None,
        max_quantity=None,
        min_quantity=None,
        max_notional=None,
        min_notional=None,
        max_price=None,
        min_price=None,
        margin_init=Decimal(0),
        margin_maint=Decimal(0),
        maker_fee=Decimal(str(fee)),
        taker_fee=Decimal(str(fee)),
        ts_event=0,
        ts_init=0,
    )
    bar_type = BarType.from_str(f"{instrument.id}-1-MINUTE-LAST-EXTERNAL")
    frame = pd.DataFrame(
        candles[:, 1:6] * np.array([PRICE_SCALE] * 4 + [1.0]),
        columns=["open", "high", "low", "close", "volume"],
        index=pd.to_datetime(candles[:, 0].astype(np.int64) + 60_000, unit="ms", utc=True),  # close time
    )
    frame.index.name = "timestamp"
    bars: list[Bar] = BarDataWrangler(bar_type, instrument).process(frame)

    class RsiZones(Strategy):
        def __init__(self) -> None:
            super().__init__()
            self.rsi = RelativeStrengthIndex(14, MovingAverageType.WILDER)
            self.zone = 0

        def on_start(self) -> None:
            self.subscribe_bars(bar_type)

        def on_bar(self, bar: Bar) -> None:
            rsi = self.rsi
            rsi.handle_bar(bar)
            if not rsi.initialized:
                return
            value = 100.0 * rsi.value
            state = 1 if value <= 30 else (-1 if value >= 70 else 0)
            if state == self.zone:
                return
            self.zone = state
            account = self.portfolio.account(venue)
            if state == 1:
                free = account.balance_free(USDT).as_decimal()
                size = (BUY_SHARE * free / bar.close.as_decimal()).quantize(SIZE_STEP, ROUND_DOWN)
                if size > 0:
                    quantity = Quantity(size, SIZE_PRECISION)
                    self.submit_order(self.order_factory.market(instrument.id, OrderSide.BUY, quantity))
            elif state == -1:
                held = account.balance_free(base)
                if held is not None and held.as_double() > 0:
                    quantity = instrument.make_qty(held.as_decimal(), round_down=True)
                    self.submit_order(self.order_factory.market(instrument.id, OrderSide.SELL, quantity))

    engine = BacktestEngine(
        BacktestEngineConfig(trader_id=TraderId("BENCH-001"), logging=LoggingConfig(log_level="ERROR"))
    )
    engine.add_venue(
        venue=venue,
        oms_type=OmsType.NETTING,
        account_type=AccountType.CASH,
        base_currency=None,
        starting_balances=[Money(starting_quote, USDT)],
    )
    engine.add_instrument(instrument)
    engine.add_data(bars)
    strategy = RsiZones()
    engine.add_strategy(strategy)
    began = time.perf_counter()
    engine.run()
    elapsed = time.perf_counter() - began
    cash_account = engine.portfolio.account(venue)
    quote = cash_account.balance_total(USDT).as_double()
    held = cash_account.balance_total(base)
    equity = quote + (held.as_double() if held is not None else 0.0) * float(candles[-1, 4]) * PRICE_SCALE
    filled = sum(1 for order in engine.cache.orders() if order.status == OrderStatus.FILLED)
    engine.dispose()
    return EngineRun("nautilus", elapsed, len(candles), filled, equity)
