"""The exception hierarchy of the orchestrator, and the process exit code each error maps to.

Why exit codes live on the exceptions: the CLI turns any `OctoBotError` into one clear line and its own
exit code, so scripts (and tests) can tell a bad time frame from a missing file without parsing text.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the `octobot` command."""

    OK = 0
    UNEXPECTED = 1  # a bug: run again with --debug and report the traceback
    USAGE = 2  # bad command line (argparse's own code)
    NOT_FOUND = 3  # a profile, file or tentacle folder that does not exist
    MALFORMED_JSON = 4
    INVALID_CONFIG = 5  # a value that breaks the JSON Schema of a profile, user config or tentacle config
    UNKNOWN_TENTACLE = 6
    BAD_TIME_FRAME = 7
    BAD_SYMBOL = 8
    BAD_PORTFOLIO = 9
    MISSING_REQUIREMENT = 10  # a strategy without its evaluators, a trading mode without its strategy
    INSECURE_USER_CONFIG = 11
    TENTACLE_LOAD_ERROR = 12
    DATA_ERROR = 13  # backtesting data files and collectors
    ALREADY_EXISTS = 14
    BOT_ERROR = 15  # failure while starting, running or stopping the bot
    WEB_ERROR = (
        16  # the web interface cannot listen as asked (a public address without a password, a busy port)
    )
    NOT_BACKTESTABLE = 17  # a profile whose trading mode trades from a live source only (alerts, signals)
    NOT_EQUIVALENT = 20  # `octobot tentacles check`: a tentacle behaves differently in a backtest and live
    INTERRUPTED = 130


class OctoBotError(Exception):
    """Base of every error raised by the `octobot` package."""

    exit_code: ExitCode = ExitCode.UNEXPECTED


class UsageError(OctoBotError):
    """A command-line flag whose value cannot be used (an unknown exchange id, for instance)."""

    exit_code = ExitCode.USAGE


class NotFoundError(OctoBotError):
    exit_code = ExitCode.NOT_FOUND


class AlreadyExistsError(OctoBotError):
    exit_code = ExitCode.ALREADY_EXISTS


class ConfigError(OctoBotError):
    """A config file (profile, tentacle config, user config) that cannot be used as written."""

    exit_code = ExitCode.INVALID_CONFIG


class MalformedJSONError(ConfigError):
    exit_code = ExitCode.MALFORMED_JSON


class UnknownTentacleError(ConfigError):
    exit_code = ExitCode.UNKNOWN_TENTACLE


class BadTimeFrameError(ConfigError):
    exit_code = ExitCode.BAD_TIME_FRAME


class BadSymbolError(ConfigError):
    exit_code = ExitCode.BAD_SYMBOL


class BadPortfolioError(ConfigError):
    exit_code = ExitCode.BAD_PORTFOLIO


class MissingRequirementError(ConfigError):
    exit_code = ExitCode.MISSING_REQUIREMENT


class InsecureUserConfigError(ConfigError):
    exit_code = ExitCode.INSECURE_USER_CONFIG


class TentacleError(OctoBotError):
    """A tentacle that cannot be loaded or is declared wrongly."""

    exit_code = ExitCode.TENTACLE_LOAD_ERROR


class DataError(OctoBotError):
    exit_code = ExitCode.DATA_ERROR


class NotBacktestableError(ConfigError):
    """A backtest of a profile whose trading mode takes its orders from a live source only."""

    exit_code = ExitCode.NOT_BACKTESTABLE


class BotError(OctoBotError):
    exit_code = ExitCode.BOT_ERROR


class ServiceConfigError(ConfigError):
    """A service (webhook, Telegram, Reddit...) that lacks a setting or a secret it cannot run without."""


class FeedError(OctoBotError):
    """One failed read of a service feed (timeout, HTTP error, malformed payload): the feed retries.

    ``retry_after``: the wait in seconds the service asked for (an HTTP 429's Retry-After), if any.
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WebError(OctoBotError):
    """The web interface cannot start as asked (an exposed address without a password, a busy port)."""

    exit_code = ExitCode.WEB_ERROR
