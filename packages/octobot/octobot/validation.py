"""JSON Schema validation whose errors say where, what, what was expected and the closest valid value.

Why an ``x-error`` keyword: a schema marks the subschemas whose failures deserve their own exception (a
bad time frame, a bad symbol, a negative amount), so everything is still validated by the schema while
each case keeps its own message and exit code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from octobot.errors import BadPortfolioError, BadSymbolError, BadTimeFrameError, ConfigError
from octobot.suggestions import did_you_mean

_ERROR_CLASSES: dict[str, type[ConfigError]] = {
    "time_frame": BadTimeFrameError,
    "symbol": BadSymbolError,
    "amount": BadPortfolioError,
}
_SUGGESTERS: dict[str, Callable[[str], str | None]] = {}


def key_path(parts: Any) -> str:
    """``exchanges[0].name`` style path of a validation error, ``<root>`` for the document itself."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "<root>"


def _describe(value: Any) -> str:
    if isinstance(value, str):
        text = f"'{value}'"
    elif isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        text = str(value)
    else:
        text = json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _expected(error: ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    if "x-expected" in schema:
        return str(schema["x-expected"])
    if error.validator == "enum":
        return "one of " + ", ".join(_describe(v) for v in error.validator_value)
    if error.validator == "additionalProperties":
        return "only the keys " + ", ".join(sorted(schema.get("properties", {})))
    if error.validator == "pattern":  # a raw regex helps nobody: say what the text should look like
        description = schema.get("description")
        return f"text in the form: {description}" if description else "text in another form (see the docs)"
    return error.message


def _nearest_expected(error: ValidationError) -> str | None:
    """The ``x-expected`` of the error's subschema or of the nearest enclosing one (an anyOf's)."""
    current: ValidationError | None = error
    while current is not None:
        if isinstance(current.schema, dict) and "x-expected" in current.schema:
            return str(current.schema["x-expected"])
        current = current.parent
    return None


def register_suggester(mark: str, suggest: Callable[[str], str | None]) -> None:
    """Use ``suggest`` for the "did you mean" of values failing a subschema marked ``x-error: mark``."""
    _SUGGESTERS[mark] = suggest


def _hint(error: ValidationError, mark: str | None = None) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    if mark in _SUGGESTERS and isinstance(error.instance, str):
        found = _SUGGESTERS[mark](error.instance)
        return f"; did you mean '{found}'?" if found else ""
    if error.validator == "enum":
        return did_you_mean(error.instance, [str(v) for v in error.validator_value])
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        unknown = [key for key in error.instance if key not in schema.get("properties", {})]
        if unknown:
            return did_you_mean(unknown[0], schema.get("properties", {}))
    return ""


def _leaves(error: ValidationError) -> list[ValidationError]:
    if not error.context:
        return [error]
    return [leaf for child in error.context for leaf in _leaves(child)]


def _deepest(error: ValidationError) -> ValidationError:
    """Inside anyOf/oneOf, the branch error that went deepest into the value (usually the one the user
    meant); among equals, one about the value rather than its type."""
    return max(_leaves(error), key=lambda leaf: (len(leaf.absolute_path), leaf.validator != "type"))


def _marked_error(error: ValidationError) -> ValidationError | None:
    """The error, or the anyOf/oneOf error holding it, whose subschema carries an ``x-error`` mark."""
    current: ValidationError | None = error
    while current is not None:
        if isinstance(current.schema, dict) and "x-error" in current.schema:
            return current
        current = current.parent
    return None


def _marked(error: ValidationError) -> str | None:
    found = _marked_error(error)
    return None if found is None else str(found.schema["x-error"])


def format_error(error: ValidationError, source: Path | str) -> ConfigError:
    """The ConfigError (or the subclass the schema marks) describing ``error`` found in ``source``."""
    leaf = _deepest(error)
    marked = _marked_error(leaf) or _marked_error(error)
    mark = None if marked is None else str(marked.schema["x-error"])
    where = key_path(leaf.absolute_path)
    if leaf.validator == "additionalProperties" and isinstance(leaf.instance, dict):
        allowed = leaf.schema.get("properties", {}) if isinstance(leaf.schema, dict) else {}
        unknown = [key for key in leaf.instance if key not in allowed]
        message = (
            f"{source}: unknown key '{unknown[0] if unknown else '?'}' at {where}{_hint(leaf)} "
            f"(expected {_expected(leaf)})"
        )
    elif leaf.validator == "required":
        message = f"{source}: {where}: {leaf.message}"
    else:
        schema = marked.schema if marked is not None else leaf.schema
        expected = schema.get("x-expected") if isinstance(schema, dict) else None
        expected = expected or _nearest_expected(leaf)
        message = (
            f"{source}: bad value {_describe(leaf.instance)} at {where}{_hint(leaf, mark)} "
            f"(expected {expected or _expected(leaf)})"
        )
    return _ERROR_CLASSES.get(mark or "", ConfigError)(message)


def validate(document: Any, schema: dict[str, Any], source: Path | str) -> None:
    """Raise the most relevant schema violation of ``document`` as a ConfigError naming ``source``."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(
        validator.iter_errors(document), key=lambda e: (len(e.absolute_path), str(e.absolute_path))
    )
    if not errors:
        return
    # a marked error (time frame, symbol, amount) beats a generic one: it has the better message
    marked = [error for error in errors if _marked(_deepest(error)) or _marked(error)]
    chosen = marked[0] if marked else (best_match(errors) or errors[0])
    raise format_error(chosen, source)


def field_errors(document: Any, schema: dict[str, Any]) -> dict[str, str]:
    """Every schema violation of ``document`` by the key it is about (``pairs``, ``simulator.fees.x``;
    list positions folded into their list), each with the same message `validate` would give: a form
    shows them beside their fields."""
    found: dict[str, str] = {}
    for error in jsonschema.Draft202012Validator(schema).iter_errors(document):
        leaf = _deepest(error)
        parts = [part for part in leaf.absolute_path if not isinstance(part, int)]
        if leaf.validator == "required" and isinstance(leaf.instance, dict):
            missing = [key for key in leaf.validator_value if key not in leaf.instance]
            parts += missing[:1]
        key = ".".join(str(part) for part in parts) or "<root>"
        message = str(format_error(error, "")).removeprefix(": ")
        found.setdefault(key, message)
    return found
