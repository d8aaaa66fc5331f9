"""Masks anything that looks like a secret before it reaches a report.

Why by key name: reports are shared (HTML files, JSON in issues), and run metadata may carry a copy of a
profile or exchange config; API keys, secrets, passwords and tokens must never be written out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MASK = "***"
_SECRET_KEY = re.compile(r"(api[_-]?key|apikey|secret|password|passphrase|token|private[_-]?key|uid)", re.I)


def mask_secrets(value: Any) -> Any:
    """A copy of ``value`` (nested dicts and lists) with the value of every secret-looking key masked."""
    if isinstance(value, Mapping):
        return {
            str(key): MASK if _SECRET_KEY.search(str(key)) and item not in (None, "") else mask_secrets(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_secrets(item) for item in value]
    return value
