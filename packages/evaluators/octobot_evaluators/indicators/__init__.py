"""Technical indicators on numpy float64 arrays: vectorised for warm-up, incremental (O(1)) for live.

Pure numpy, no C library to build. Where TA-Lib has the indicator, the definition (warm-up length,
seeding, smoothing) is TA-Lib's; the others follow the documented definition named in their docstring.

Each indicator comes twice, giving the same values:
- a function, e.g. ``rsi(close, period=14) -> np.ndarray``: same length as the input, NaN during warm-up;
- a class, e.g. ``RSI(14)``: ``update(close)`` per candle returns the new value (NaN until warm),
  ``update(close, replace=True)`` replaces the last candle (the one still forming), ``peek(close)``
  computes without committing, ``.value``, ``.ready``, ``.lookback``, and ``RSI.from_history(closes)`` or
  ``RSI(14).warm_up(closes)`` seeds it from history.

NaN or infinite inputs are refused with an `IndicatorInputError` (a `ValueError`) naming the indicator.
"""

from octobot_evaluators.indicators.base import Indicator
from octobot_evaluators.indicators.errors import (
    IndicatorError,
    IndicatorInputError,
    IndicatorParameterError,
    NothingToReplaceError,
)
from octobot_evaluators.indicators.momentum import (
    FLAT_RSI,
    MACD,
    RSI,
    MACDValue,
    Stochastic,
    StochasticRSI,
    StochasticValue,
    macd,
    rsi,
    stochastic,
    stochastic_rsi,
)
from octobot_evaluators.indicators.moving_averages import (
    DEMA,
    EMA,
    KAMA,
    SMA,
    TEMA,
    WMA,
    MAType,
    dema,
    ema,
    kama,
    moving_average,
    new_moving_average,
    sma,
    tema,
    wma,
)
from octobot_evaluators.indicators.prices import (
    HL2,
    HLC3,
    OHLC4,
    HeikinAshi,
    HeikinAshiValue,
    heikin_ashi,
    hl2,
    hlc3,
    ohlc4,
)
from octobot_evaluators.indicators.trend import (
    ADX,
    DPO,
    LinearRegression,
    SuperTrend,
    SuperTrendValue,
    adx,
    dpo,
    linear_regression,
    supertrend,
)
from octobot_evaluators.indicators.volatility import (
    ATR,
    BollingerBands,
    BollingerValue,
    TrueRange,
    atr,
    bollinger_bands,
    true_range,
)
from octobot_evaluators.indicators.volume import VWMA, Klinger, KlingerValue, klinger, vwma

__all__ = [
    "ADX",
    "ATR",
    "DEMA",
    "DPO",
    "EMA",
    "FLAT_RSI",
    "HL2",
    "HLC3",
    "KAMA",
    "MACD",
    "OHLC4",
    "RSI",
    "SMA",
    "TEMA",
    "VWMA",
    "WMA",
    "BollingerBands",
    "BollingerValue",
    "HeikinAshi",
    "HeikinAshiValue",
    "Indicator",
    "IndicatorError",
    "IndicatorInputError",
    "IndicatorParameterError",
    "Klinger",
    "KlingerValue",
    "LinearRegression",
    "MACDValue",
    "MAType",
    "NothingToReplaceError",
    "Stochastic",
    "StochasticRSI",
    "StochasticValue",
    "SuperTrend",
    "SuperTrendValue",
    "TrueRange",
    "adx",
    "atr",
    "bollinger_bands",
    "dema",
    "dpo",
    "ema",
    "heikin_ashi",
    "hl2",
    "hlc3",
    "kama",
    "klinger",
    "linear_regression",
    "macd",
    "moving_average",
    "new_moving_average",
    "ohlc4",
    "rsi",
    "sma",
    "stochastic",
    "stochastic_rsi",
    "supertrend",
    "tema",
    "true_range",
    "vwma",
    "wma",
]
