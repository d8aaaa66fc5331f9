"""The exception hierarchy of octobot-backtesting: catch ``BacktestingError`` to catch them all."""

from __future__ import annotations

from octobot_trading import UnknownTimeFrameError


class BacktestingError(Exception):
    """Base of every error raised by octobot-backtesting.

    ``fix_key`` names the fix of an error a caller can word its own way (the Python parameter
    ``fix_key`` here, a command-line flag in the `octobot` command); ``fix`` is its Python wording, put
    at the end of the message, and ``reason`` the message without it.
    """

    def __init__(self, reason: str, *, fix_key: str | None = None, fix: str | None = None) -> None:
        super().__init__(reason if fix is None else f"{reason}; {fix}")
        self.reason = reason
        self.fix_key = fix_key
        self.fix = fix


class DataFileError(BacktestingError):
    """A data file is missing, unreadable, incomplete or not in the expected format."""


class DataFileExistsError(DataFileError):
    """Writing would overwrite an existing data file (``overwrite=True`` allows it)."""


class SeriesNotFoundError(DataFileError):
    """A (symbol, time frame) pair asked for is not in the data file."""


class MergeConflictError(DataFileError):
    """Two files hold different candles for the same (symbol, time frame, timestamp)."""


class ImporterError(BacktestingError):
    """A source file cannot be imported (unknown format, bad content, missing symbol or time frame)."""


class ResamplingError(BacktestingError):
    """A resampling request is impossible (target not a multiple of the source, unsupported time frame)."""


class DataValidationError(BacktestingError):
    """Data failed validation with errors; ``issues`` lists every problem found."""

    def __init__(self, message: str, issues: list) -> None:
        super().__init__(message)
        self.issues = issues


class ClockError(BacktestingError):
    """The simulated clock was asked to go backwards or was misused."""


class TimeFrameError(BacktestingError, UnknownTimeFrameError):
    """A time frame is unknown: octobot_trading's error (its message says which ones exist), also a
    ``BacktestingError`` so that one ``except`` catches everything this package raises."""
