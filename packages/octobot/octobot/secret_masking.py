"""Masking of secrets (API keys, tokens, passwords) in log records, reports and error messages.

Why both registered values and patterns: registered values catch the exact secrets the bot loaded (even
short ones), and the patterns catch what looks like a key even when it came from elsewhere (an exchange
error echoing a header, a token pasted in a profile).
"""

from __future__ import annotations

import itertools
import logging
import re
import threading

MASK = "********"
# shortest value registered for exact masking: shorter ones ("1", "abc") would mask ordinary words
_MIN_REGISTERED_LENGTH = 4
# `api_key=...`, `"secret": "..."`, `password: ...`, `Authorization: Bearer ...`
_KEY_VALUE = re.compile(
    r"""(?P<key>(?:api[_-]?key|api[_-]?secret|secret|password|passphrase|passwd|token|authorization|apikey)"""
    r"""["']?\s*[:=]\s*(?:bearer\s+)?["']?)(?P<value>[^\s"',;}{)\]]+)""",
    re.IGNORECASE,
)
# a long run of key-like characters holding both letters and digits (keys, tokens, signatures)...
_KEY_LIKE = re.compile(
    r"(?<![A-Za-z0-9_\-+=])(?=[A-Za-z0-9_\-+=]*[0-9])(?=[A-Za-z0-9_\-+=]*[A-Za-z])[A-Za-z0-9_\-+=]{32,}"
)
# ...that also looks random: its characters change class (upper, lower, digit) often, unlike a name such as
# "AbstractExchangeHistoryCollector_1581774962"
_MIN_CLASS_CHANGES = 0.25


def _class_of(char: str) -> int:
    return 0 if char.isdigit() else 1 if char.islower() else 2 if char.isupper() else 3


def _looks_random(token: str) -> bool:
    changes = sum(_class_of(a) != _class_of(b) for a, b in itertools.pairwise(token))
    return changes >= _MIN_CLASS_CHANGES * len(token)


_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Mask ``value`` wherever it appears from now on (in every log record and error message)."""
    if value and len(value) >= _MIN_REGISTERED_LENGTH:
        with _lock:
            _secrets.add(value)


def forget_secrets() -> None:
    """Forget every registered secret (for a process that reloads its user config)."""
    with _lock:
        _secrets.clear()


def mask(text: str) -> str:
    """``text`` with registered secrets and key-like values replaced by ``********``."""
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _KEY_VALUE.sub(lambda m: m.group("key") + MASK if m.group("value") != MASK else m.group(0), text)
    return _KEY_LIKE.sub(lambda m: MASK if _looks_random(m.group(0)) else m.group(0), text)


class SecretMaskingFilter(logging.Filter):
    """A handler filter that rewrites each record's message (and exception text) with secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw parts, masked
            message = f"{record.msg} {record.args}"
        record.msg = mask(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


class SecretMaskingFormatter(logging.Formatter):
    """A formatter masking its whole output: the last line of defence, whatever the record held."""

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))
