"""Public API of octobot-backtesting: everything other packages may use, re-exported by ``__init__``."""

from __future__ import annotations

from octobot_backtesting.clock import SimulatedClock
from octobot_backtesting.datafile_catalog import (
    DataFileInspection,
    SeriesInspection,
    delete_data_file,
    inspect_data_file,
    list_data_files,
    merge_data_files,
)
from octobot_backtesting.datafile_reader import (
    CLOSE,
    DEFAULT_CHUNK_SIZE,
    HIGH,
    LOW,
    OPEN,
    TIMESTAMP,
    VOLUME,
    DataFileReader,
    SeriesRange,
)
from octobot_backtesting.datafile_writer import DataFileWriter
from octobot_backtesting.derived_market_data import write_derived_market_data
from octobot_backtesting.description import DataFileDescription, DataFileSummary, SeriesInfo
from octobot_backtesting.errors import (
    BacktestingError,
    ClockError,
    DataFileError,
    DataFileExistsError,
    DataValidationError,
    ImporterError,
    MergeConflictError,
    ResamplingError,
    SeriesNotFoundError,
    TimeFrameError,
)
from octobot_backtesting.gaps import Gap, find_gaps
from octobot_backtesting.importers.file_names import parse_candle_file_name
from octobot_backtesting.importers.importing import CandleFiles, ImportReport, import_files, read_candle_files
from octobot_backtesting.importers.octobot_files import OctoBotFileReader
from octobot_backtesting.importers.text_candles import read_csv_candles, read_json_candles
from octobot_backtesting.market_replay import MarketEvents, MissingMarketDataError
from octobot_backtesting.replay import (
    COMMON,
    UNION,
    Replay,
    ReplayError,
    ReplayFeed,
    ReplayResult,
)
from octobot_backtesting.resampling import ResampleResult, resample_candles
from octobot_backtesting.validation import (
    IssueKind,
    Severity,
    ValidationIssue,
    ValidationReport,
    validate_candles,
    validate_data_file,
)

__all__ = [
    "CLOSE",
    "COMMON",
    "DEFAULT_CHUNK_SIZE",
    "HIGH",
    "LOW",
    "OPEN",
    "TIMESTAMP",
    "UNION",
    "VOLUME",
    "BacktestingError",
    "CandleFiles",
    "ClockError",
    "DataFileDescription",
    "DataFileError",
    "DataFileExistsError",
    "DataFileInspection",
    "DataFileReader",
    "DataFileSummary",
    "DataFileWriter",
    "DataValidationError",
    "Gap",
    "ImportReport",
    "ImporterError",
    "IssueKind",
    "MarketEvents",
    "MergeConflictError",
    "MissingMarketDataError",
    "OctoBotFileReader",
    "Replay",
    "ReplayError",
    "ReplayFeed",
    "ReplayResult",
    "ResampleResult",
    "ResamplingError",
    "SeriesInfo",
    "SeriesInspection",
    "SeriesNotFoundError",
    "SeriesRange",
    "Severity",
    "SimulatedClock",
    "TimeFrameError",
    "ValidationIssue",
    "ValidationReport",
    "delete_data_file",
    "find_gaps",
    "import_files",
    "inspect_data_file",
    "list_data_files",
    "merge_data_files",
    "parse_candle_file_name",
    "read_candle_files",
    "read_csv_candles",
    "read_json_candles",
    "resample_candles",
    "validate_candles",
    "validate_data_file",
    "write_derived_market_data",
]

# --- reports and collectors ---
from octobot_backtesting._schema import MARKET_TABLES, ORDER_BOOKS, TICKERS, TRADES
from octobot_backtesting.collectors import (
    DEFAULT_BOOK_DEPTH,
    STAGING_SUFFIX,
    CollectedSeries,
    CollectionRequest,
    CollectionResult,
    CollectorError,
    LiveCollectionRequest,
    LiveCollectionResult,
    LiveCollector,
    OhlcvCollector,
    collect_live,
    collect_ohlcv,
    interrupted_live_end,
    staged_timestamps,
)
from octobot_backtesting.reports import (
    Drawdown,
    OpenOrderRecord,
    ReportError,
    RunReport,
    RunResult,
    TradeRecord,
    build_figure,
    build_report,
)

__all__ += [
    "DEFAULT_BOOK_DEPTH",
    "MARKET_TABLES",
    "ORDER_BOOKS",
    "STAGING_SUFFIX",
    "TICKERS",
    "TRADES",
    "CollectedSeries",
    "CollectionRequest",
    "CollectionResult",
    "CollectorError",
    "Drawdown",
    "LiveCollectionRequest",
    "LiveCollectionResult",
    "LiveCollector",
    "OhlcvCollector",
    "OpenOrderRecord",
    "ReportError",
    "RunReport",
    "RunResult",
    "TradeRecord",
    "build_figure",
    "build_report",
    "collect_live",
    "collect_ohlcv",
    "interrupted_live_end",
    "staged_timestamps",
]
