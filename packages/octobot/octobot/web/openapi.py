"""The OpenAPI 3.1 document of `/api/v1` (served at `/api/v1/openapi.json`).

Why written by hand as data: it is the contract scripts rely on; the API's tests validate every answer
they get against the schema this document gives for its path, method and status, so the two cannot drift.
OpenAPI 3.1 schemas are JSON Schema 2020-12: any JSON Schema validator checks them.
"""

from __future__ import annotations

import re
from typing import Any

from octobot import __version__
from octobot.web.hub import EVENT_TYPES

_DECIMAL = {
    "type": "string",
    "pattern": r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$",
    "description": "a decimal number as text",
}
_NULLABLE_DECIMAL = {"anyOf": [_DECIMAL, {"type": "null"}]}
_MS = {"type": "integer", "description": "milliseconds since the epoch, UTC"}
_NULLABLE_MS = {"type": ["integer", "null"]}
_SIDE = {"enum": ["buy", "sell"]}
_RUN_STATUS = {"enum": ["running", "done", "failed"]}
_FRACTION = {"type": "number", "minimum": 0, "maximum": 1}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


def _typed(kind: str | list[str], *names: str) -> dict[str, Any]:
    """Plain fields of one JSON type, by name (most fields of the answers are plain strings and counts)."""
    return {name: {"type": kind} for name in names}


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def _list_of(schema: str) -> dict[str, Any]:
    return _array(_ref(schema))


_STRING_OR_NULL = {"type": ["string", "null"]}
_CHANNEL_MESSAGE = {"exchange": {"type": "string", "description": "the exchange as the profile names it"}}
#: what each event type carries (a channel message adds its own fields: ``time``, ``exchange_id``)
_EVENT_DATA: dict[str, dict[str, Any]] = {
    "candle": _object(
        {
            **_CHANNEL_MESSAGE,
            **_typed("string", "symbol", "time_frame"),
            "candle": {
                "type": "array",
                "items": {"type": "number"},
                "minItems": 6,
                "maxItems": 6,
                "description": "[time ms, open, high, low, close, volume]",
            },
            "closed": {"type": "boolean", "description": "false: the candle in construction"},
        }
    ),
    "order": _object(
        {
            **_CHANNEL_MESSAGE,
            "symbol": {"type": "string"},
            "order": _object(
                {
                    **_typed("string", "id", "symbol", "kind", "status"),
                    "side": _SIDE,
                    "amount": _DECIMAL,
                    "filled": _DECIMAL,
                    "price": _NULLABLE_DECIMAL,
                    "trigger_price": _NULLABLE_DECIMAL,
                    "created_at": _MS,
                }
            ),
        }
    ),
    "trade": _object(
        {
            **_CHANNEL_MESSAGE,
            "symbol": {"type": "string"},
            "trade": _object(
                {
                    **_typed("string", "id", "order_id", "symbol"),
                    "side": _SIDE,
                    "amount": _DECIMAL,
                    "price": _DECIMAL,
                    "realised_pnl": _DECIMAL,
                    "time": _MS,
                }
            ),
        }
    ),
    "portfolio": _object(
        {
            **_CHANNEL_MESSAGE,
            "balance": {
                "type": "object",
                "description": "asset -> its total and available amounts",
                "additionalProperties": _object({"total": _DECIMAL, "available": _DECIMAL}),
            },
        }
    ),
    "profitability": _object(
        {
            **_CHANNEL_MESSAGE,
            "profitability": _object(
                {
                    "reference": {"type": "string"},
                    **{
                        name: _DECIMAL
                        for name in (
                            "start_value",
                            "current_value",
                            "profit_percent",
                            "market_average_percent",
                            "vs_market_percent",
                        )
                    },
                }
            ),
            "time": _MS,
        }
    ),
    "evaluation": _object(
        {
            **_typed("string", "exchange", "evaluator", "evaluator_type"),
            "symbol": _STRING_OR_NULL,
            "time_frame": _STRING_OR_NULL,
            "value": {"type": ["number", "null"], "minimum": -1, "maximum": 1},
            "time": _NULLABLE_MS,
        }
    ),
    "bot_state": _object(
        {
            "paused": {
                "type": "boolean",
                "description": "true: new entries paused (pause command of any interface); false: active",
            }
        }
    ),
    "notification": _object(
        {
            "event": {"type": "string", "description": "order_created, order_filled, position_closed, ..."},
            **_typed("string", "title", "text"),
            "silent": {"type": "boolean"},
        }
    ),
    "log": _object({**_typed("string", "level", "logger", "text"), "time": _MS}),
    "backtest_progress": _object(
        {"id": {"type": "string"}, "status": _RUN_STATUS, "progress": _FRACTION, "error": _STRING_OR_NULL}
    ),
    "collect_progress": _object(
        {
            **_typed("string", "id", "exchange", "file"),
            "status": _RUN_STATUS,
            "progress": _FRACTION,
            "error": _STRING_OR_NULL,
            "series": {"type": "array"},
        }
    ),
    "optimizer_progress": _object(
        {
            "id": {"type": "string"},
            "status": {"type": "string"},
            **_typed("integer", "done", "total"),
            "best": {"type": ["object", "null"]},
            "error": _STRING_OR_NULL,
        }
    ),
}
assert set(_EVENT_DATA) == set(EVENT_TYPES), "every event type has the schema of its data"

SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {
            **_typed("string", "error", "message"),
            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        ["error", "message"],
    ),
    "Token": _object(
        {"token": {"type": "string"}, "token_type": {"const": "bearer"}, **_typed("integer", "expires_in")}
    ),
    "Status": _object(
        {
            "running": {"type": "boolean"},
            "mode": {"enum": ["web", "bot"]},
            "profile": {"type": "string"},
            "paused": {"type": "boolean"},
            "bot_id": {"type": "string"},
            "positions": {"type": "array"},
            "open_orders": _list_of("Order"),
        },
        ["running", "mode", "profile"],
    ),
    "Order": _object(
        {
            **_typed("string", "order_id", "exchange", "symbol"),
            "side": _SIDE,
            "kind": {"type": "string"},
            "amount": _DECIMAL,
            "filled": _DECIMAL,
            "price": _NULLABLE_DECIMAL,
            "trigger_price": _NULLABLE_DECIMAL,
            "status": {"type": "string"},
            "created_at": _MS,
            "tag": {"type": ["string", "null"]},
        }
    ),
    "OrderList": _object({"orders": _list_of("Order")}),
    "Trade": _object(
        {
            **_typed("string", "trade_id", "order_id", "exchange", "symbol"),
            "side": _SIDE,
            "amount": _DECIMAL,
            "price": _DECIMAL,
            "fee": _DECIMAL,
            "fee_asset": {"type": "string"},
            "realised_pnl": _DECIMAL,
            "time": _MS,
        }
    ),
    "TradePage": _object(
        {
            "total": {"type": "integer", "minimum": 0},
            **{name: {"type": "integer", "minimum": 1} for name in ("page", "page_size", "pages")},
            "trades": _list_of("Trade"),
        }
    ),
    "CommandResult": _object({**_typed("string", "command", "message"), "orders": _list_of("Order")}),
    "CancelResults": _object({"results": _list_of("CommandResult")}),
    "Balance": _object(
        {
            "reference": {"type": "string"},
            "total_value": _NULLABLE_DECIMAL,
            "lines": _array(
                _object(
                    {
                        **_typed("string", "exchange", "asset"),
                        "total": _DECIMAL,
                        "available": _DECIMAL,
                        "value": _NULLABLE_DECIMAL,
                    }
                )
            ),
        }
    ),
    "Profit": _object(
        {
            "reference": {"type": "string"},
            "days": {"type": ["integer", "null"]},
            "since": _NULLABLE_MS,
            "realised_pnl": _DECIMAL,
            **_typed("integer", "trades", "winning_exits", "losing_exits"),
            **{
                name: _NULLABLE_DECIMAL
                for name in ("start_value", "current_value", "profit_percent", "vs_market_percent")
            },
        }
    ),
    "Daily": _object(
        {
            "days": _array(
                _object(
                    {
                        "day": {"type": "string"},
                        "start": _MS,
                        "realised_pnl": _DECIMAL,
                        "trades": {"type": "integer"},
                    }
                )
            )
        }
    ),
    "PortfolioHistory": _object(
        {
            "exchanges": _array(
                _object(
                    {
                        **_typed("string", "exchange", "reference_market"),
                        "points": _array(
                            {"type": "array", "prefixItems": [_MS, _DECIMAL], "minItems": 2, "maxItems": 2}
                        ),
                    }
                )
            )
        }
    ),
    "Candles": _object(
        {
            **_typed("string", "exchange", "symbol", "time_frame"),
            "candles": _array({"type": "array", "minItems": 6, "maxItems": 6, "items": {"type": "number"}}),
        }
    ),
    "DataCandles": _object(
        {
            **_typed("string", "name", "symbol", "time_frame"),
            "candles": _array({"type": "array", "minItems": 6, "maxItems": 6, "items": {"type": "number"}}),
        }
    ),
    "Evaluations": _object(
        {
            "evaluations": _array(
                _object(
                    {
                        **_typed("string", "exchange", "evaluator_type", "evaluator", "symbol"),
                        "time_frame": {"type": ["string", "null"]},
                        "value": {"type": ["number", "null"], "minimum": -1, "maximum": 1},
                        "time": _NULLABLE_MS,
                    }
                )
            )
        }
    ),
    "Backtest": _object(
        {
            **_typed("string", "id", "profile"),
            "data_files": _array({"type": "string"}),
            "start_ms": _NULLABLE_MS,
            "end_ms": _NULLABLE_MS,
            "status": _RUN_STATUS,
            "progress": _FRACTION,
            "created_ms": _MS,
            "error": {"type": ["string", "null"]},
            "summary": {"type": "object"},
        }
    ),
    "BacktestList": _object({"backtests": _list_of("Backtest")}),
    "BacktestResult": {
        "type": "object",
        "required": ["profitability", "trades", "trade_count", "equity", "start", "end"],
        "properties": {
            "profitability": {"type": "object", "required": ["profitability_pct", "end_value"]},
            "trades": {"type": "array"},
            "trade_count": {"type": "integer"},
            "equity": _array({"type": "array", "minItems": 2, "maxItems": 2}),
            **_typed("string", "start", "end"),
        },
    },
    "Optimization": _object(
        {
            "id": {"type": "string"},
            "profile": {"type": "string"},
            "data_files": {"type": "array", "items": {"type": "string"}},
            "trials": {"type": "integer", "minimum": 1},
            "sampler": {"type": "string"},
            "objectives": {"type": "array", "items": {"type": "string"}},
            "workers": {"type": ["integer", "null"]},
            "space": {"type": ["object", "null"]},
            "status": {"enum": ["running", "done", "stopped", "failed"]},
            "done": {"type": "integer", "minimum": 0},
            "created_ms": _MS,
            "error": {"type": ["string", "null"]},
            "study": {"type": ["string", "null"]},
            "best": {"anyOf": [_ref("OptimizationTrial"), {"type": "null"}]},
            "states": {"type": "object", "additionalProperties": {"type": "integer"}},
        }
    ),
    "OptimizationTrial": _object(
        {
            "number": {"type": "integer"},
            "settings": {"type": "object"},
            "objectives": {"type": "object"},
            "test_objectives": {"type": ["object", "null"]},
        }
    ),
    "OptimizationList": _object({"optimizations": {"type": "array", "items": _ref("Optimization")}}),
    "OptimizationResult": {
        "type": "object",
        "description": "the study as `octobot optimize --json` writes it, plus its best trials table",
        "required": [
            *("study", "profile", "objectives", "space", "folds"),
            *("trials", "best", "pareto_front", "table"),
        ],
        "properties": {
            "study": {"type": "string"},
            "profile": {"type": "string"},
            "objectives": {"type": "array", "items": {"type": "object"}},
            "space": {"type": "object"},
            "folds": {"type": "array"},
            "trials": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["number", "state", "settings", "objectives", "test_objectives", "figures"],
                    "properties": {"state": {"enum": ["complete", "filtered", "invalid", "failed"]}},
                },
            },
            "best": {"type": ["object", "null"]},
            "pareto_front": {"type": "array", "items": {"type": "integer"}},
            "table": _object(
                {
                    "headers": {"type": "array", "items": {"type": "string"}},
                    "rows": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
                }
            ),
        },
    },
    "SavedProfile": _object({"profile": {"type": "string"}}),
    "DataFile": _object(
        {
            **_typed("string", "name", "exchange"),
            "symbols": _array({"type": "string"}),
            "time_frames": _array({"type": "string"}),
            "first_timestamp_ms": _NULLABLE_MS,
            "last_timestamp_ms": _NULLABLE_MS,
            "size_bytes": {"type": "integer"},
        }
    ),
    "DataFileList": _object({"files": _list_of("DataFile")}),
    "DataInspection": {
        "allOf": [_ref("DataFile")],
        "type": "object",
        "required": ["series", "origin"],
        "properties": {
            "origin": {"type": "string"},
            "series": _array(
                _object(
                    {
                        **_typed("string", "symbol", "time_frame"),
                        "candles": {"type": "integer"},
                        "first_timestamp_ms": _NULLABLE_MS,
                        "last_timestamp_ms": _NULLABLE_MS,
                        **_typed("integer", "gaps", "missing_candles"),
                    }
                )
            ),
        },
    },
    "DataImport": _object(
        {
            "name": {"type": "string"},
            "series": _array(
                _object({**_typed("string", "symbol", "time_frame"), "candles": {"type": "integer"}})
            ),
            "issues": _array({"type": "string"}),
        }
    ),
    "Collect": _object(
        {
            **_typed("string", "id", "exchange"),
            "status": _RUN_STATUS,
            "progress": _FRACTION,
            "file": {"type": "string"},
        }
    ),
    "ProfileList": _object(
        {
            "selected": {"type": "string"},
            "profiles": _array(
                _object({**_typed("string", "id", "name", "description"), "builtin": {"type": "boolean"}})
            ),
        }
    ),
    "Profile": {
        "type": "object",
        "required": ["name", "exchanges", "pairs", "trading_mode"],
        "description": "profile.json (see the profile's JSON Schema)",
    },
    "TentacleList": _object(
        {
            "profile": {"type": "string"},
            "tentacles": _array(
                _object(
                    {
                        **_typed("string", "name", "kind", "version", "description", "source"),
                        **_typed("boolean", "active", "configurable"),
                    }
                )
            ),
        }
    ),
    "TentacleConfig": _object(
        {**_typed("string", "profile", "name"), **_typed("object", "config", "schema")}
    ),
    "Event": {
        "description": "a websocket event: its data has the schema of its type (EventData_<type>)",
        "oneOf": [
            _object({"type": {"const": kind}, "time": _MS, "data": _ref(f"EventData_{kind}")})
            for kind in EVENT_TYPES
        ],
    },
    **{f"EventData_{kind}": schema for kind, schema in _EVENT_DATA.items()},
    "Any": {},
}


def _json(schema: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": _ref(schema)}}}


def _query(name: str, kind: str = "string", description: str = "") -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": kind},
        "description": description,
    }


def _path_parameters(path: str) -> list[dict[str, Any]]:
    """The parameters a path template names (``/orders/{order_id}``), each required."""
    return [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"\{(\w+)\}", path)
    ]


_ERRORS = ("400", "401", "404", "503")
Route = tuple[str, str, dict[str, Any]]


def _route(
    method: str,
    path: str,
    summary: str,
    schema: str,
    status: str = "200",
    body: str | None = None,
    errors: tuple[str, ...] = _ERRORS,
    query: tuple[dict[str, Any], ...] = (),
) -> Route:
    """One operation of the table: its answer (``schema`` under ``status``), its errors, its body (a
    schema's name, "object", or "multipart" for a form upload), its path parameters (read from the path)
    and its ``query`` parameters."""
    responses: dict[str, Any] = {status: {"description": "OK", **_json(schema)}}
    for code in errors:
        responses[code] = {"description": "error", **_json("Error")}
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if body == "multipart":
        operation["requestBody"] = {"content": {"multipart/form-data": {"schema": {"type": "object"}}}}
    elif body is not None:
        operation["requestBody"] = {
            "content": {"application/json": {"schema": _ref(body) if body in SCHEMAS else {"type": "object"}}}
        }
    parameters = [*_path_parameters(path), *query]
    if parameters:
        operation["parameters"] = parameters
    return method, path, operation


def _special(method: str, path: str, summary: str, responses: dict[str, Any]) -> Route:
    """An operation whose answer is not JSON (an HTML report, a websocket upgrade)."""
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    parameters = _path_parameters(path)
    if parameters:
        operation["parameters"] = parameters
    return method, path, operation


def _html_report(path: str, summary: str) -> Route:
    """A finished run's self-contained HTML report."""
    return _special(
        "get",
        path,
        summary,
        {
            "200": {"description": "the report", "content": {"text/html": {"schema": {"type": "string"}}}},
            "404": {"description": "error", **_json("Error")},
        },
    )


_WS_SUMMARY = (
    'websocket of typed events: send {"type": "subscribe", "data": [types]}; receives Event messages of '
    "types " + ", ".join(EVENT_TYPES)
)
_SAVE_ERRORS = ("400", "401", "404", "422")
_TABLE_QUERY = (_query("page", "integer", "from 1"), _query("page_size", "integer", "at most 1000"))
_CANDLES_QUERY = (_query("exchange"), _query("symbol"), _query("time_frame"), _query("limit", "integer"))
# every operation of the API, one row each, in the order the document lists them
ROUTES: tuple[Route, ...] = (
    _route("get", "/ping", "liveness (no credentials needed)", "Any", errors=()),
    _route("get", "/openapi.json", "this document", "Any", errors=()),
    _route(
        "post",
        "/token",
        "a bearer token for the password",
        "Token",
        body="object",
        errors=("400", "401", "429"),
    ),
    _route(
        "get", "/status", "bot status (running, profile, paused...) through the bot-control API", "Status"
    ),
    _route("get", "/portfolio", "balances and their value in the reference market", "Balance"),
    _route("get", "/portfolio/history", "portfolio value history per exchange", "PortfolioHistory"),
    _route("get", "/orders", "open orders, oldest first", "OrderList"),
    _route("delete", "/orders", "cancel every open order", "CancelResults"),
    _route("delete", "/orders/{order_id}", "cancel one order", "CancelResults"),
    _route(
        "get",
        "/trades",
        "trade history, newest first, paged (no cap on history)",
        "TradePage",
        query=_TABLE_QUERY,
    ),
    _route(
        "get",
        "/profit",
        "realised PnL (of the last days, or all) and the change since the start",
        "Profit",
        query=(_query("days", "integer"),),
    ),
    _route("get", "/profit/daily", "realised PnL per UTC day", "Daily", query=(_query("days", "integer"),)),
    _route("get", "/candles", "candles of a traded pair", "Candles", query=_CANDLES_QUERY),
    _route("get", "/evaluations", "the live evaluation matrix", "Evaluations"),
    _route(
        "post",
        "/commands/{command}",
        "pause, resume, stop, force_exit {target}, risk {value}",
        "CommandResult",
        body="object",
    ),
    _route("get", "/backtests", "past and running backtests, newest first", "BacktestList"),
    _route(
        "post",
        "/backtests",
        "start a backtest {profile, data_files, start, end}",
        "Backtest",
        status="202",
        body="object",
        errors=("400", "401", "404", "422"),
    ),
    _route("get", "/backtests/{run_id}", "one backtest and its progress", "Backtest"),
    _route("get", "/backtests/{run_id}/result", "a finished backtest's figures", "BacktestResult"),
    _html_report("/backtests/{run_id}/report", "a finished backtest's self-contained HTML report"),
    _route("get", "/optimizations", "past and running optimizer studies, newest first", "OptimizationList"),
    _route(
        "post",
        "/optimizations",
        "start a study {profile, data_files, space (object, JSON text, or none: the default space), "
        "trials, sampler, objectives, workers (none: one per core), test_share, start, end}",
        "Optimization",
        status="202",
        body="object",
        errors=("400", "401", "404", "422"),
    ),
    _route("get", "/optimizations/{run_id}", "one study and its progress", "Optimization"),
    _route(
        "post",
        "/optimizations/{run_id}/stop",
        "stop a running study after the trial it waits for (finished trials are kept)",
        "Optimization",
    ),
    _route(
        "get",
        "/optimizations/{run_id}/result",
        "a finished study: trials, best, Pareto front, best trials table",
        "OptimizationResult",
    ),
    _html_report("/optimizations/{run_id}/report", "a finished study's self-contained HTML report"),
    _route(
        "post",
        "/optimizations/{run_id}/save-best",
        "write the study's best settings as a new profile {new_id, force}",
        "SavedProfile",
        status="201",
        body="object",
        errors=("400", "401", "404", "409", "422"),
    ),
    _route("get", "/data", "data files of the data folder", "DataFileList"),
    _route(
        "post",
        "/data",
        "import an uploaded candle file (multipart: file, name, exchange, symbol, time_frame)",
        "DataImport",
        status="201",
        body="multipart",
        errors=("400", "401", "422"),
    ),
    _route("get", "/data/{name}", "series, ranges and gaps of a data file", "DataInspection"),
    _route(
        "get",
        "/data/{name}/candles",
        "the last candles of one series of a data file",
        "DataCandles",
        query=(_query("symbol"), _query("time_frame"), _query("limit", "integer", "at most 5000")),
    ),
    _route("delete", "/data/{name}", "delete a data file", "Any"),
    _route(
        "post",
        "/data/collect",
        "collect candles {exchange, symbols, time_frames, start, end, name}",
        "Collect",
        status="202",
        body="object",
    ),
    _route("get", "/collects/{run_id}", "a collection's progress", "Collect"),
    _route("get", "/profiles", "profiles and the selected one", "ProfileList"),
    _route("get", "/profiles/{profile_id}", "a profile's profile.json", "Profile"),
    _route(
        "put",
        "/profiles/{profile_id}",
        "replace a profile's profile.json (422 with the error of each field)",
        "Profile",
        body="Profile",
        errors=_SAVE_ERRORS,
    ),
    _route(
        "post",
        "/profiles/{profile_id}/copy",
        "copy a profile {new_id}",
        "Any",
        status="201",
        body="object",
        errors=("400", "401", "404", "409", "422"),
    ),
    _route("post", "/profiles/{profile_id}/select", "select the profile runs use by default", "Any"),
    _route(
        "get",
        "/tentacles",
        "installed tentacles and whether the profile activates them",
        "TentacleList",
        query=(_query("profile"),),
    ),
    _route(
        "get",
        "/tentacles/{name}/config",
        "a tentacle's config in a profile (secrets masked) and its schema",
        "TentacleConfig",
        query=(_query("profile"),),
    ),
    _route(
        "put",
        "/tentacles/{name}/config",
        "save a tentacle's config (422 with the error of each field)",
        "Any",
        body="object",
        errors=_SAVE_ERRORS,
        query=(_query("profile"),),
    ),
    _route(
        "post",
        "/tentacles/{name}/activation",
        "activate {active: true} or deactivate a tentacle in a profile",
        "Any",
        body="object",
        errors=_SAVE_ERRORS,
    ),
    _special(
        "get",
        "/ws",
        _WS_SUMMARY,
        {"101": {"description": "switching protocols"}, "401": {"description": "error", **_json("Error")}},
    ),
)


def _paths(routes: tuple[Route, ...]) -> dict[str, dict[str, Any]]:
    paths: dict[str, dict[str, Any]] = {}
    for method, path, operation in routes:
        paths.setdefault(path, {})[method] = operation
    return paths


PATHS: dict[str, Any] = _paths(ROUTES)


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "OctoBot API",
            "version": __version__,
            "description": "REST and websocket API of the bot and its user folder.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "POST /token with the password",
                },
                "session": {"type": "apiKey", "in": "cookie", "name": "octobot_session"},
            },
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": PATHS,
    }
