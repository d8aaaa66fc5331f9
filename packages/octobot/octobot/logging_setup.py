"""Logging of the bot: a console handler, a rotating file, levels per package, secrets masked."""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from octobot.errors import ConfigError
from octobot.secret_masking import SecretMaskingFilter, SecretMaskingFormatter
from octobot.suggestions import did_you_mean

LOG_FILE_NAME = "octobot.log"
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_CONSOLE_FORMAT = "%(levelname)-7s %(name)s: %(message)s"
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# handlers installed by setup_logging, so that a second call replaces them instead of doubling output
_installed: list[logging.Handler] = []
# loggers whose level the previous call set, reset by the next call
_leveled: list[str] = []


def parse_level(value: str | int, source: str = "log level") -> int:
    """The numeric level of "INFO", "debug" or 20; ConfigError with a suggestion otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.upper() in _LEVELS:
        return logging.getLevelName(value.upper())
    raise ConfigError(
        f"{source}: unknown level {value!r}{did_you_mean(str(value).upper(), _LEVELS)} "
        f"(valid: {', '.join(_LEVELS)})"
    )


def setup_logging(
    log_dir: Path | None = None,
    console_level: str | int = "INFO",
    file_level: str | int = "DEBUG",
    package_levels: Mapping[str, str | int] | None = None,
    max_bytes: int = 5_000_000,
    backup_count: int = 5,
    console_stream: TextIO | None = None,
) -> Path | None:
    """Install the console and rotating-file handlers on the root logger; return the log file path.

    ``package_levels`` sets a level per logger name ({"octobot_trading": "DEBUG", "ccxt": "WARNING"}).
    Calling it again replaces the handlers and per-package levels set by the previous call.
    """
    root = logging.getLogger()
    for handler in _installed:
        root.removeHandler(handler)
        handler.close()
    _installed.clear()

    console = logging.StreamHandler(console_stream)
    console.setLevel(parse_level(console_level, "console log level"))
    console.setFormatter(SecretMaskingFormatter(_CONSOLE_FORMAT))
    handlers: list[logging.Handler] = [console]
    log_file = None
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        log_file = log_dir / LOG_FILE_NAME
        rotating = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
        )
        rotating.setLevel(parse_level(file_level, "file log level"))
        rotating.setFormatter(SecretMaskingFormatter(_FORMAT))
        handlers.append(rotating)
    for handler in handlers:
        handler.addFilter(SecretMaskingFilter())
        root.addHandler(handler)
        _installed.append(handler)
    root.setLevel(min(handler.level for handler in handlers))
    for name in _leveled:
        logging.getLogger(name).setLevel(logging.NOTSET)
    _leveled.clear()
    for name, level in (package_levels or {}).items():
        logging.getLogger(name).setLevel(parse_level(level, f"log level of {name}"))
        _leveled.append(name)
    return log_file
