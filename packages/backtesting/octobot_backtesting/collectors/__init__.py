"""Data collectors: download market history from exchanges into data files."""

from octobot_backtesting.collectors.errors import CollectorError
from octobot_backtesting.collectors.ohlcv_collector import (
    CollectedSeries,
    CollectionRequest,
    CollectionResult,
    OhlcvCollector,
    collect_ohlcv,
)
from octobot_backtesting.collectors.staging import STAGING_SUFFIX

__all__ = [
    "STAGING_SUFFIX",
    "CollectedSeries",
    "CollectionRequest",
    "CollectionResult",
    "CollectorError",
    "OhlcvCollector",
    "collect_ohlcv",
]
