"""HTML forms drawn from a JSON Schema, and the posted form read back into a JSON document.

Why from the schema: a profile's and each tentacle's schema already says every key, its type, its
choices and its limits; the form is one more rendering of it, so a new tentacle key has its field without
any page being written. Field names are dotted key paths (``simulator.fees.maker_percent``), the same
paths `validation.field_errors` reports, so each error lands beside its field. A secret key (a token, a
password) is never sent to the browser: its field is empty and left empty keeps the stored value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from octobot.user_config import is_secret_key

_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


@dataclass
class Field:
    """One input of a form (``kind``: text, number, select, checkbox, list, json, secret)."""

    name: str
    label: str
    kind: str
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    help: str = ""
    required: bool = False
    depth: int = 0
    #: a heading, not an input (an object's title)
    heading: bool = False


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, default=str, indent=1)
    return str(value)


def _kind(schema: Mapping[str, Any]) -> str:
    if "enum" in schema:
        return "select"
    kind = schema.get("type")
    if kind == "boolean":
        return "checkbox"
    if kind in ("number", "integer"):
        return "number"
    if kind == "array":
        return "list"
    if kind == "object":
        return "json"
    if "anyOf" in schema or "oneOf" in schema:
        branches = schema.get("anyOf") or schema.get("oneOf") or []
        return "list" if any(branch.get("type") == "array" for branch in branches) else "text"
    return "text"


def _label(name: str, schema: Mapping[str, Any]) -> str:
    return str(schema.get("title") or name.replace("_", " ").capitalize())


def form_fields(
    schema: Mapping[str, Any], values: Mapping[str, Any], prefix: str = "", depth: int = 0
) -> list[Field]:
    """The fields of an object schema with ``values`` filled in (nested objects become sections)."""
    fields: list[Field] = []
    required = set(schema.get("required", []))
    for name, sub in schema.get("properties", {}).items():
        if not isinstance(sub, dict) or "const" in sub:
            continue
        path = f"{prefix}{name}"
        value = values.get(name) if isinstance(values, Mapping) else None
        help_text = str(sub.get("description") or sub.get("x-expected") or "")
        if sub.get("type") == "object" and "properties" in sub:
            fields.append(
                Field(path, _label(name, sub), "section", help=help_text, depth=depth, heading=True)
            )
            fields.extend(
                form_fields(sub, value if isinstance(value, Mapping) else {}, f"{path}.", depth + 1)
            )
            continue
        kind = _kind(sub)
        entry = Field(path, _label(name, sub), kind, help=help_text, required=name in required, depth=depth)
        if is_secret_key(name) and kind == "text":
            entry.kind = "secret"
            entry.help = "stored; leave empty to keep it" if value else entry.help
        elif kind == "checkbox":
            entry.checked = bool(value if value is not None else sub.get("default", False))
        else:
            entry.value = _text(value if value is not None else sub.get("default"))
            if kind == "select":
                entry.options = [_text(option) for option in sub["enum"]]
            elif kind == "list":
                items = sub.get("items", {})
                entry.options = [_text(option) for option in items.get("enum", [])]
        fields.append(entry)
    return fields


def _number(text: str, integer: bool) -> Any:
    if not _NUMBER.match(text):
        return text  # kept as typed: the schema names what is wrong beside the field
    return int(text) if integer and "." not in text else (float(text) if not integer else text)


def _read_value(text: str, schema: Mapping[str, Any]) -> Any:
    kind = schema.get("type")
    if "enum" in schema:
        for option in schema["enum"]:
            if _text(option) == text:
                return option
        return text
    if kind in ("number", "integer"):
        return _number(text, kind == "integer")
    if kind == "array":
        items = schema.get("items", {})
        return [_read_value(part.strip(), items) for part in text.split(",") if part.strip()]
    if kind == "object":
        try:
            return json.loads(text) if text.strip() else {}
        except ValueError:
            return text
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        for branch in branches:
            if "const" in branch and _text(branch["const"]) == text:
                return branch["const"]
        for branch in branches:
            if branch.get("type") == "array" and (
                "," in text or not any(b.get("type") == "string" for b in branches)
            ):
                return _read_value(text, branch)
        if _NUMBER.match(text) and any(branch.get("type") == "number" for branch in branches):
            return str(Decimal(text))
        for branch in branches:
            if branch.get("type") == "array":
                return _read_value(text, branch)
    return text


def read_form(
    schema: Mapping[str, Any], form: Mapping[str, str], stored: Mapping[str, Any], prefix: str = ""
) -> dict[str, Any]:
    """The document a posted form describes. Keys left empty are dropped (defaults apply); an empty secret
    keeps its stored value; keys the schema does not draw (``const`` ones) keep theirs."""
    document: dict[str, Any] = {}
    for name, sub in schema.get("properties", {}).items():
        if not isinstance(sub, dict):
            continue
        path = f"{prefix}{name}"
        old = stored.get(name) if isinstance(stored, Mapping) else None
        if "const" in sub:
            if old is not None:
                document[name] = old
            continue
        if sub.get("type") == "object" and "properties" in sub:
            nested = read_form(sub, form, old if isinstance(old, Mapping) else {}, f"{path}.")
            if nested:
                document[name] = nested
            continue
        if sub.get("type") == "boolean":
            if f"{path}.present" in form or path in form:
                document[name] = form.get(path) in ("on", "true", "1")
            continue
        text = str(form.get(path, "")).strip()
        if not text:
            if is_secret_key(name) and old:
                document[name] = old
            elif _kind(sub) == "list" and name in schema.get("required", []):
                document[name] = []
            continue
        document[name] = _read_value(text, sub)
    return document
