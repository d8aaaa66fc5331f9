"""The OpenAPI 3.1 document of `/api/v1` (served at `/api/v1/openapi.json`).

Why written by hand as data: it is the contract scripts rely on; the API's tests validate every answer
they get against the schema this document gives for its path, method and status, so the two cannot drift.
OpenAPI 3.1 schemas are JSON Schema 2020-12: any JSON Schema validator checks them.
"""

from __future__ import annotations

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


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {
            "error": {"type": "string"},
            "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        ["error", "message"],
    ),
    "Token": _object(
        {"token": {"type": "string"}, "token_type": {"const": "bearer"}, "expires_in": {"type": "integer"}}
    ),
    "Status": _object(
        {
            "running": {"type": "boolean"},
            "mode": {"enum": ["web", "bot"]},
            "profile": {"type": "string"},
            "paused": {"type": "boolean"},
            "bot_id": {"type": "string"},
            "positions": {"type": "array"},
            "open_orders": {"type": "array", "items": _ref("Order")},
        },
        ["running", "mode", "profile"],
    ),
    "Order": _object(
        {
            "order_id": {"type": "string"},
            "exchange": {"type": "string"},
            "symbol": {"type": "string"},
            "side": {"enum": ["buy", "sell"]},
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
    "OrderList": _object({"orders": {"type": "array", "items": _ref("Order")}}),
    "Trade": _object(
        {
            "trade_id": {"type": "string"},
            "order_id": {"type": "string"},
            "exchange": {"type": "string"},
            "symbol": {"type": "string"},
            "side": {"enum": ["buy", "sell"]},
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
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "trades": {"type": "array", "items": _ref("Trade")},
        }
    ),
    "CommandResult": _object(
        {
            "command": {"type": "string"},
            "message": {"type": "string"},
            "orders": {"type": "array", "items": _ref("Order")},
        }
    ),
    "CancelResults": _object({"results": {"type": "array", "items": _ref("CommandResult")}}),
    "Balance": _object(
        {
            "reference": {"type": "string"},
            "total_value": _NULLABLE_DECIMAL,
            "lines": {
                "type": "array",
                "items": _object(
                    {
                        "exchange": {"type": "string"},
                        "asset": {"type": "string"},
                        "total": _DECIMAL,
                        "available": _DECIMAL,
                        "value": _NULLABLE_DECIMAL,
                    }
                ),
            },
        }
    ),
    "Profit": _object(
        {
            "reference": {"type": "string"},
            "days": {"type": ["integer", "null"]},
            "since": _NULLABLE_MS,
            "realised_pnl": _DECIMAL,
            "trades": {"type": "integer"},
            "winning_exits": {"type": "integer"},
            "losing_exits": {"type": "integer"},
            "start_value": _NULLABLE_DECIMAL,
            "current_value": _NULLABLE_DECIMAL,
            "profit_percent": _NULLABLE_DECIMAL,
            "vs_market_percent": _NULLABLE_DECIMAL,
        }
    ),
    "Daily": _object(
        {
            "days": {
                "type": "array",
                "items": _object(
                    {
                        "day": {"type": "string"},
                        "start": _MS,
                        "realised_pnl": _DECIMAL,
                        "trades": {"type": "integer"},
                    }
                ),
            }
        }
    ),
    "PortfolioHistory": _object(
        {
            "exchanges": {
                "type": "array",
                "items": _object(
                    {
                        "exchange": {"type": "string"},
                        "reference_market": {"type": "string"},
                        "points": {
                            "type": "array",
                            "items": {
                                "type": "array",
                                "prefixItems": [_MS, _DECIMAL],
                                "minItems": 2,
                                "maxItems": 2,
                            },
                        },
                    }
                ),
            }
        }
    ),
    "Candles": _object(
        {
            "exchange": {"type": "string"},
            "symbol": {"type": "string"},
            "time_frame": {"type": "string"},
            "candles": {
                "type": "array",
                "items": {"type": "array", "minItems": 6, "maxItems": 6, "items": {"type": "number"}},
            },
        }
    ),
    "Evaluations": _object(
        {
            "evaluations": {
                "type": "array",
                "items": _object(
                    {
                        "exchange": {"type": "string"},
                        "evaluator_type": {"type": "string"},
                        "evaluator": {"type": "string"},
                        "symbol": {"type": "string"},
                        "time_frame": {"type": ["string", "null"]},
                        "value": {"type": ["number", "null"], "minimum": -1, "maximum": 1},
                        "time": _NULLABLE_MS,
                    }
                ),
            }
        }
    ),
    "Backtest": _object(
        {
            "id": {"type": "string"},
            "profile": {"type": "string"},
            "data_files": {"type": "array", "items": {"type": "string"}},
            "start_ms": _NULLABLE_MS,
            "end_ms": _NULLABLE_MS,
            "status": {"enum": ["running", "done", "failed"]},
            "progress": {"type": "number", "minimum": 0, "maximum": 1},
            "created_ms": _MS,
            "error": {"type": ["string", "null"]},
            "summary": {"type": "object"},
        }
    ),
    "BacktestList": _object({"backtests": {"type": "array", "items": _ref("Backtest")}}),
    "BacktestResult": {
        "type": "object",
        "required": ["profitability", "trades", "trade_count", "equity", "start", "end"],
        "properties": {
            "profitability": {"type": "object", "required": ["profitability_pct", "end_value"]},
            "trades": {"type": "array"},
            "trade_count": {"type": "integer"},
            "equity": {"type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2}},
            "start": {"type": "string"},
            "end": {"type": "string"},
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
            "name": {"type": "string"},
            "exchange": {"type": "string"},
            "symbols": {"type": "array", "items": {"type": "string"}},
            "time_frames": {"type": "array", "items": {"type": "string"}},
            "first_timestamp_ms": _NULLABLE_MS,
            "last_timestamp_ms": _NULLABLE_MS,
            "size_bytes": {"type": "integer"},
        }
    ),
    "DataFileList": _object({"files": {"type": "array", "items": _ref("DataFile")}}),
    "DataInspection": {
        "allOf": [_ref("DataFile")],
        "type": "object",
        "required": ["series", "origin"],
        "properties": {
            "origin": {"type": "string"},
            "series": {
                "type": "array",
                "items": _object(
                    {
                        "symbol": {"type": "string"},
                        "time_frame": {"type": "string"},
                        "candles": {"type": "integer"},
                        "first_timestamp_ms": _NULLABLE_MS,
                        "last_timestamp_ms": _NULLABLE_MS,
                        "gaps": {"type": "integer"},
                        "missing_candles": {"type": "integer"},
                    }
                ),
            },
        },
    },
    "DataImport": _object(
        {
            "name": {"type": "string"},
            "series": {
                "type": "array",
                "items": _object(
                    {
                        "symbol": {"type": "string"},
                        "time_frame": {"type": "string"},
                        "candles": {"type": "integer"},
                    }
                ),
            },
            "issues": {"type": "array", "items": {"type": "string"}},
        }
    ),
    "Collect": _object(
        {
            "id": {"type": "string"},
            "exchange": {"type": "string"},
            "status": {"enum": ["running", "done", "failed"]},
            "progress": {"type": "number", "minimum": 0, "maximum": 1},
            "file": {"type": "string"},
        }
    ),
    "ProfileList": _object(
        {
            "selected": {"type": "string"},
            "profiles": {
                "type": "array",
                "items": _object(
                    {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "description": {"type": "string"},
                        "builtin": {"type": "boolean"},
                    }
                ),
            },
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
            "tentacles": {
                "type": "array",
                "items": _object(
                    {
                        "name": {"type": "string"},
                        "kind": {"type": "string"},
                        "version": {"type": "string"},
                        "description": {"type": "string"},
                        "source": {"type": "string"},
                        "active": {"type": "boolean"},
                        "configurable": {"type": "boolean"},
                    }
                ),
            },
        }
    ),
    "TentacleConfig": _object(
        {
            "profile": {"type": "string"},
            "name": {"type": "string"},
            "config": {"type": "object"},
            "schema": {"type": "object"},
        }
    ),
    "Event": _object({"type": {"enum": list(EVENT_TYPES)}, "time": _MS, "data": {}}),
    "Any": {},
}


def _json(schema: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": _ref(schema)}}}


def _answer(
    schema: str, status: str = "200", description: str = "OK", errors: tuple[str, ...] = ("400", "401", "404")
) -> dict[str, Any]:
    responses: dict[str, Any] = {status: {"description": description, **_json(schema)}}
    for code in errors:
        responses[code] = {"description": "error", **_json("Error")}
    return {"responses": responses}


def _op(
    summary: str,
    schema: str,
    status: str = "200",
    body: str | None = None,
    errors: tuple[str, ...] = ("400", "401", "404", "503"),
    params: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, **_answer(schema, status, errors=errors)}
    if body is not None:
        operation["requestBody"] = {
            "content": {"application/json": {"schema": _ref(body) if body in SCHEMAS else {"type": "object"}}}
        }
    if params:
        operation["parameters"] = params
    return operation


def _query(name: str, kind: str = "string", description: str = "") -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": kind},
        "description": description,
    }


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


_WS_SUMMARY = (
    'websocket of typed events: send {"type": "subscribe", "data": [types]}; receives Event messages of '
    "types " + ", ".join(EVENT_TYPES)
)
PATHS: dict[str, Any] = {
    "/ping": {"get": _op("liveness (no credentials needed)", "Any", errors=())},
    "/openapi.json": {"get": _op("this document", "Any", errors=())},
    "/token": {
        "post": {
            **_op("a bearer token for the password", "Token", body="object", errors=("400", "401", "429"))
        }
    },
    "/status": {"get": _op("bot status (running, profile, paused...) through the bot-control API", "Status")},
    "/portfolio": {"get": _op("balances and their value in the reference market", "Balance")},
    "/portfolio/history": {"get": _op("portfolio value history per exchange", "PortfolioHistory")},
    "/orders": {
        "get": _op("open orders, oldest first", "OrderList"),
        "delete": _op("cancel every open order", "CancelResults"),
    },
    "/orders/{order_id}": {"delete": _op("cancel one order", "CancelResults", params=[_path("order_id")])},
    "/trades": {
        "get": _op(
            "trade history, newest first, paged (no cap on history)",
            "TradePage",
            params=[_query("page", "integer", "from 1"), _query("page_size", "integer", "at most 1000")],
        )
    },
    "/profit": {
        "get": _op(
            "realised PnL (of the last days, or all) and the change since the start",
            "Profit",
            params=[_query("days", "integer")],
        )
    },
    "/profit/daily": {"get": _op("realised PnL per UTC day", "Daily", params=[_query("days", "integer")])},
    "/candles": {
        "get": _op(
            "candles of a traded pair",
            "Candles",
            params=[_query("exchange"), _query("symbol"), _query("time_frame"), _query("limit", "integer")],
        )
    },
    "/evaluations": {"get": _op("the live evaluation matrix", "Evaluations")},
    "/commands/{command}": {
        "post": _op(
            "pause, resume, stop, force_exit {target}, risk {value}",
            "CommandResult",
            body="object",
            params=[_path("command")],
        )
    },
    "/backtests": {
        "get": _op("past and running backtests, newest first", "BacktestList"),
        "post": _op(
            "start a backtest {profile, data_files, start, end}",
            "Backtest",
            status="202",
            body="object",
            errors=("400", "401", "404", "422"),
        ),
    },
    "/backtests/{run_id}": {
        "get": _op("one backtest and its progress", "Backtest", params=[_path("run_id")])
    },
    "/backtests/{run_id}/result": {
        "get": _op("a finished backtest's figures", "BacktestResult", params=[_path("run_id")])
    },
    "/backtests/{run_id}/report": {
        "get": {
            "summary": "a finished backtest's self-contained HTML report",
            "parameters": [_path("run_id")],
            "responses": {
                "200": {
                    "description": "the report",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
                "404": {"description": "error", **_json("Error")},
            },
        }
    },
    "/optimizations": {
        "get": _op("past and running optimizer studies, newest first", "OptimizationList"),
        "post": _op(
            "start a study {profile, data_files, space (object, JSON text, or none: the default space), "
            "trials, sampler, objectives, workers (none: one per core), test_share, start, end}",
            "Optimization",
            status="202",
            body="object",
            errors=("400", "401", "404", "422"),
        ),
    },
    "/optimizations/{run_id}": {
        "get": _op("one study and its progress", "Optimization", params=[_path("run_id")])
    },
    "/optimizations/{run_id}/stop": {
        "post": _op(
            "stop a running study after the trial it waits for (finished trials are kept)",
            "Optimization",
            params=[_path("run_id")],
        )
    },
    "/optimizations/{run_id}/result": {
        "get": _op(
            "a finished study: trials, best, Pareto front, best trials table",
            "OptimizationResult",
            params=[_path("run_id")],
        )
    },
    "/optimizations/{run_id}/report": {
        "get": {
            "summary": "a finished study's self-contained HTML report",
            "parameters": [_path("run_id")],
            "responses": {
                "200": {
                    "description": "the report",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
                "404": {"description": "error", **_json("Error")},
            },
        }
    },
    "/optimizations/{run_id}/save-best": {
        "post": _op(
            "write the study's best settings as a new profile {new_id, force}",
            "SavedProfile",
            status="201",
            body="object",
            errors=("400", "401", "404", "409", "422"),
            params=[_path("run_id")],
        )
    },
    "/data": {
        "get": _op("data files of the data folder", "DataFileList"),
        "post": {
            **_op(
                "import an uploaded candle file (multipart: file, name, exchange, symbol, time_frame)",
                "DataImport",
                status="201",
                errors=("400", "401", "422"),
            ),
            "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}},
        },
    },
    "/data/{name}": {
        "get": _op("series, ranges and gaps of a data file", "DataInspection", params=[_path("name")]),
        "delete": _op("delete a data file", "Any", params=[_path("name")]),
    },
    "/data/collect": {
        "post": _op(
            "collect candles {exchange, symbols, time_frames, start, end, name}",
            "Collect",
            status="202",
            body="object",
        )
    },
    "/collects/{run_id}": {"get": _op("a collection's progress", "Collect", params=[_path("run_id")])},
    "/profiles": {"get": _op("profiles and the selected one", "ProfileList")},
    "/profiles/{profile_id}": {
        "get": _op("a profile's profile.json", "Profile", params=[_path("profile_id")]),
        "put": _op(
            "replace a profile's profile.json (422 with the error of each field)",
            "Profile",
            body="Profile",
            errors=("400", "401", "404", "422"),
            params=[_path("profile_id")],
        ),
    },
    "/profiles/{profile_id}/copy": {
        "post": _op(
            "copy a profile {new_id}",
            "Any",
            status="201",
            body="object",
            errors=("400", "401", "404", "409", "422"),
            params=[_path("profile_id")],
        )
    },
    "/profiles/{profile_id}/select": {
        "post": _op("select the profile runs use by default", "Any", params=[_path("profile_id")])
    },
    "/tentacles": {
        "get": _op(
            "installed tentacles and whether the profile activates them",
            "TentacleList",
            params=[_query("profile")],
        )
    },
    "/tentacles/{name}/config": {
        "get": _op(
            "a tentacle's config in a profile (secrets masked) and its schema",
            "TentacleConfig",
            params=[_path("name"), _query("profile")],
        ),
        "put": _op(
            "save a tentacle's config (422 with the error of each field)",
            "Any",
            body="object",
            errors=("400", "401", "404", "422"),
            params=[_path("name"), _query("profile")],
        ),
    },
    "/tentacles/{name}/activation": {
        "post": _op(
            "activate {active: true} or deactivate a tentacle in a profile",
            "Any",
            body="object",
            errors=("400", "401", "404", "422"),
            params=[_path("name")],
        )
    },
    "/ws": {
        "get": {
            "summary": _WS_SUMMARY,
            "responses": {
                "101": {"description": "switching protocols"},
                "401": {"description": "error", **_json("Error")},
            },
        }
    },
}


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
