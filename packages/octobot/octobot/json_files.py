"""Reading and writing the JSON files of profiles and user settings.

Why Decimal floats: amounts and fees in a profile are money, so JSON numbers are read as Decimal and
never pass through binary floats.
"""

from __future__ import annotations

import json
import os
import secrets
from decimal import Decimal
from pathlib import Path
from typing import Any

from octobot.errors import ConfigError, MalformedJSONError, NotFoundError


def read_json(path: Path, decimals: bool = True) -> Any:
    """The parsed content of ``path``; numbers with a fraction become Decimal (float if not ``decimals``).

    Raises NotFoundError, or MalformedJSONError naming the file, line and column.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFoundError(f"{path}: file not found") from None
    except UnicodeDecodeError as error:
        raise MalformedJSONError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror})") from None
    try:
        return json.loads(text, parse_float=Decimal if decimals else float)
    except json.JSONDecodeError as error:
        raise MalformedJSONError(
            f"{path}: malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def to_json_text(value: Any) -> str:
    """Indented JSON; Decimal written as a string so that no digit is lost."""
    return json.dumps(value, indent=2, sort_keys=False, default=_default) + "\n"


def write_json(path: Path, value: Any, mode: int | None = None) -> None:
    """Write ``value`` to ``path`` atomically (a temporary file renamed), with ``mode`` when given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # a name of this writer only: two runs writing the same file never share (or rename) one .part
    temporary = path.with_name(f"{path.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(temporary, flags, 0o666 if mode is None else mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(to_json_text(value))
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
