"""Data collectors: download market history from exchanges into data files."""

from octobot_backtesting.collectors.errors import CollectorError
from octobot_backtesting.collectors.live_collector import (
    DEFAULT_BOOK_DEPTH,
    LiveCollectionRequest,
    LiveCollectionResult,
    LiveCollector,
    collect_live,
)
from octobot_backtesting.collectors.live_staging import interrupted_live_end, staged_timestamps
from octobot_backtesting.collectors.ohlcv_collector import (
    CollectedSeries,
    CollectionRequest,
    CollectionResult,
    OhlcvCollector,
    collect_ohlcv,
)
from octobot_backtesting.collectors.staging import STAGING_SUFFIX

__all__ = [
    "DEFAULT_BOOK_DEPTH",
    "STAGING_SUFFIX",
    "CollectedSeries",
    "CollectionRequest",
    "CollectionResult",
    "CollectorError",
    "LiveCollectionRequest",
    "LiveCollectionResult",
    "LiveCollector",
    "OhlcvCollector",
    "collect_live",
    "collect_ohlcv",
    "interrupted_live_end",
    "staged_timestamps",
]
