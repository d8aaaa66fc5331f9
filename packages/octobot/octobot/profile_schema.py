"""The JSON Schema of ``profile.json``.

Why ``x-error`` marks: a bad time frame, a bad symbol and a bad portfolio amount each get their own
message and exit code (see validation.py) while the schema stays the single description of the file.
"""

from __future__ import annotations

import re
from typing import Any

import octobot_trading as ot
from octobot.suggestions import closest
from octobot.validation import register_suggester

PROFILE_FILE = "profile.json"
FROM_STRATEGIES = "from_strategies"
OPEN_ORDERS_POLICIES = ("cancel", "keep")
# the ccxt time frames the bot supports, shortest first
TIME_FRAMES: tuple[str, ...] = tuple(tf.value for tf in ot.sort_time_frames(ot.TimeFrame))
_SUGGESTION = re.compile(r"did you mean '([^']+)'")


def suggest_time_frame(text: str) -> str | None:
    """The valid time frame closest to ``text`` ("1hr" -> "1h", "60m" -> "1h"), as octobot_trading sees it."""
    try:
        return ot.parse_time_frame(text).value
    except ot.UnknownTimeFrameError as error:
        found = _SUGGESTION.search(str(error))
        return found.group(1) if found else closest(text, TIME_FRAMES)


register_suggester("time_frame", suggest_time_frame)
_CODE = r"[A-Za-z0-9][A-Za-z0-9._]*"
SYMBOL_PATTERN = rf"^{_CODE}/{_CODE}(:{_CODE}(-[A-Za-z0-9.\-]+)?)?$"
_AMOUNT_PATTERN = r"^[0-9]+(\.[0-9]+)?$"

TIME_FRAME_SCHEMA: dict[str, Any] = {
    "type": "string",
    "enum": list(TIME_FRAMES),
    "x-error": "time_frame",
    "x-expected": "a time frame among " + ", ".join(TIME_FRAMES),
}
SYMBOL_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": SYMBOL_PATTERN,
    "x-error": "symbol",
    "x-expected": "ccxt's unified symbol form 'BASE/QUOTE' (e.g. 'BTC/USDT') or 'BASE/QUOTE:SETTLE' "
    "(e.g. 'BTC/USDT:USDT')",
}


def _amount(what: str, maximum: int | None = None, mark: str | None = "amount") -> dict[str, Any]:
    number: dict[str, Any] = {"type": "number", "minimum": 0}
    if maximum is not None:
        number["maximum"] = maximum
    schema: dict[str, Any] = {
        "anyOf": [
            number,
            {
                "type": "string",
                "pattern": _AMOUNT_PATTERN,
                "x-expected": f"{what} as a decimal number like 0.1",
            },
        ],
        "x-expected": f"{what} (a number or a decimal string)",
    }
    if mark:
        schema["x-error"] = mark
    return schema


_NAME_LIST: dict[str, Any] = {
    "type": "array",
    "items": {"type": "string", "minLength": 1},
    "uniqueItems": True,
}

PROFILE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "OctoBot profile",
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "exchanges", "pairs", "time_frames", "trading_mode", "strategies", "evaluators"],
    "properties": {
        "schema_version": {"const": 1},
        "name": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "exchanges": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {
                "type": "string",
                "pattern": "^[a-z0-9_]+$",
                "x-expected": "a ccxt exchange id like 'binance'",
            },
        },
        "pairs": {"type": "array", "minItems": 1, "uniqueItems": True, "items": SYMBOL_SCHEMA},
        "time_frames": {
            "anyOf": [
                {"type": "array", "minItems": 1, "uniqueItems": True, "items": TIME_FRAME_SCHEMA},
                {"const": FROM_STRATEGIES},
            ],
            "x-expected": f'a list of time frames (e.g. ["1h"]) or "{FROM_STRATEGIES}"',
        },
        "trading_mode": {"type": "string", "minLength": 1},
        "strategies": _NAME_LIST,
        "evaluators": _NAME_LIST,
        "interfaces": _NAME_LIST,
        # shared, non-secret settings of services (URLs); their secrets live in the user config
        "services": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"type": ["string", "number", "boolean"]},
            },
        },
        "risk": _amount("a risk between 0 and 1", maximum=1, mark=None),
        "reference_market": {
            "type": "string",
            "pattern": f"^{_CODE}$",
            "x-expected": "a currency code like 'USDT'",
        },
        "simulator": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "enabled": {"type": "boolean"},
                "starting_portfolio": {"type": "object", "additionalProperties": _amount("an amount >= 0")},
                "fees": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "maker_percent": _amount("a fee in percent >= 0, e.g. 0.1 for 0.1 %"),
                        "taker_percent": _amount("a fee in percent >= 0, e.g. 0.1 for 0.1 %"),
                    },
                },
            },
        },
        "shutdown": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"open_orders": {"enum": list(OPEN_ORDERS_POLICIES)}},
        },
    },
}
