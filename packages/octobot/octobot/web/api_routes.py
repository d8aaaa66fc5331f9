"""The REST API `/api/v1` (described by `openapi.py`): the same reads and actions as the pages, for
scripts. Commands on the bot go through its control API, never around it."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

from aiohttp import web

import octobot_backtesting as ob
from octobot.cli.data_command import DATA_SUFFIX, iso_ms
from octobot.cli.flags import checked_exchange, checked_symbols, checked_time_frames
from octobot.errors import NotFoundError, UsageError
from octobot.profile_store import copy_profile, list_profiles, select_profile, selected_profile
from octobot.user_config import load_user_config
from octobot.web import live_views, profile_editing
from octobot.web.auth import TOKEN_TTL_S, LoginRefused
from octobot.web.context import WebContext, context_of
from octobot.web.openapi import openapi_document
from octobot.web.responses import bad_request, ok

routes = web.RouteTableDef()
PREFIX = "/api/v1"
MAX_PAGE = 1000


def _client(request: web.Request) -> str:
    return request.remote or "unknown"


async def _json_body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise UsageError("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise UsageError("the request body must be a JSON object")
    return body


def _control(context: WebContext) -> Any:
    if context.control is None:
        raise web.HTTPServiceUnavailable(text="no bot is running: start one with `octobot run --web`")
    return context.control


def _bot(context: WebContext) -> Any:
    if context.bot is None:
        raise web.HTTPServiceUnavailable(text="no bot is running: start one with `octobot run --web`")
    return context.bot


def _int_query(request: web.Request, name: str, default: int, maximum: int | None = None) -> int:
    text = request.query.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"query parameter '{name}': '{text}' is not an integer") from None
    if value < 0 or (maximum is not None and value > maximum):
        raise UsageError(f"query parameter '{name}': {value} is out of range (0..{maximum})")
    return value


def data_file(context: WebContext, name: str) -> Path:
    """A data file of the data folder by name (never a path elsewhere)."""
    base = Path(name).name
    for candidate in (context.home.data / base, context.home.data / f"{base}{DATA_SUFFIX}"):
        if candidate.is_file():
            return candidate
    raise NotFoundError(f"data file '{name}' not found in the data folder")


# ------------------------------------------------------------------ meta and auth
@routes.get(f"{PREFIX}/ping")
async def ping(request: web.Request) -> web.Response:
    return ok({"status": "ok"})


@routes.get(f"{PREFIX}/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return ok(openapi_document())


@routes.post(f"{PREFIX}/token")
async def token(request: web.Request) -> web.Response:
    context = context_of(request)
    body = await _json_body(request)
    password = body.get("password", "")
    if not isinstance(password, str):
        return bad_request("'password' must be a string")
    try:
        accepted = context.auth.check_password(password, _client(request))
    except LoginRefused as refused:
        return web.json_response(
            {"error": "too_many_attempts", "message": str(refused)},
            status=429,
            headers={"Retry-After": str(int(refused.retry_after_s) + 1)},
        )
    if not accepted:
        return web.json_response({"error": "unauthorized", "message": "wrong password"}, status=401)
    # the one answer that must carry a secret: not through `ok`, which masks anything looking like one
    issued = {"token": context.auth.new_token(), "token_type": "bearer", "expires_in": int(TOKEN_TTL_S)}
    return web.json_response(issued)


@routes.get(f"{PREFIX}/ws")
async def websocket(request: web.Request) -> web.StreamResponse:
    return await context_of(request).hub.serve(request)


# ------------------------------------------------------------------ the running bot
def plain(value: Any) -> Any:
    """A control API result (dataclasses of Decimals) as JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {item.name: plain(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


async def cancel_orders(control: Any, target: str) -> list[Any]:
    """Cancel one open order, or every one (``all``), each through the control API."""
    if target != "all":
        return [await control.cancel_order(target)]
    return [await control.cancel_order(order.order_id) for order in control.orders()]


@routes.get(f"{PREFIX}/status")
async def status(request: web.Request) -> web.Response:
    context = context_of(request)
    if context.control is None:
        return ok({"running": False, "mode": "web", "profile": selected_profile(context.home)})
    return ok({**plain(context.control.status()), "mode": "bot", "profile": _bot(context).profile.name})


@routes.get(f"{PREFIX}/portfolio")
async def portfolio(request: web.Request) -> web.Response:
    return ok(plain(_control(context_of(request)).balance()))


@routes.get(f"{PREFIX}/portfolio/history")
async def portfolio_history(request: web.Request) -> web.Response:
    return ok({"exchanges": live_views.portfolio_history(_bot(context_of(request)))})


@routes.get(f"{PREFIX}/orders")
async def orders(request: web.Request) -> web.Response:
    return ok({"orders": plain(_control(context_of(request)).orders())})


@routes.delete(f"{PREFIX}/orders/{{order_id}}")
async def cancel_order(request: web.Request) -> web.Response:
    control = _control(context_of(request))
    return ok({"results": plain(await cancel_orders(control, request.match_info["order_id"]))})


@routes.delete(f"{PREFIX}/orders")
async def cancel_all_orders(request: web.Request) -> web.Response:
    return ok({"results": plain(await cancel_orders(_control(context_of(request)), "all"))})


@routes.get(f"{PREFIX}/trades")
async def trades(request: web.Request) -> web.Response:
    page = _int_query(request, "page", 1) or 1
    page_size = _int_query(request, "page_size", 100, MAX_PAGE) or 1
    found = _control(context_of(request)).trades(page, page_size)
    return ok({**plain(found), "pages": found.pages})


@routes.get(f"{PREFIX}/profit")
async def profit(request: web.Request) -> web.Response:
    days = _int_query(request, "days", 0, 36500) or None
    return ok(plain(_control(context_of(request)).profit(days)))


@routes.get(f"{PREFIX}/profit/daily")
async def daily(request: web.Request) -> web.Response:
    days = _int_query(request, "days", 7, 3650)
    return ok({"days": plain(_control(context_of(request)).daily(days))})


@routes.get(f"{PREFIX}/candles")
async def candles(request: web.Request) -> web.Response:
    bot = _bot(context_of(request))
    symbol = request.query.get("symbol") or bot.profile.pairs[0]
    time_frame = request.query.get("time_frame") or bot.profile.time_frames[0]
    limit = _int_query(request, "limit", 500, 5000)
    return ok(live_views.candles(bot, request.query.get("exchange"), symbol, time_frame, limit))


@routes.get(f"{PREFIX}/evaluations")
async def evaluations(request: web.Request) -> web.Response:
    return ok({"evaluations": live_views.evaluation_matrix(_bot(context_of(request)))})


@routes.post(f"{PREFIX}/commands/{{command}}")
async def command(request: web.Request) -> web.Response:
    control = _control(context_of(request))
    name = request.match_info["command"]
    body = await _json_body(request)
    if name == "pause":
        result = control.pause()
    elif name == "resume":
        result = control.resume()
    elif name == "stop":
        result = control.stop()
    elif name == "force_exit":
        result = await control.force_exit(str(body.get("target", "all")))
    elif name == "risk":
        if "value" not in body:
            return bad_request('risk: give {"value": a number above 0 and at most 1}')
        result = control.set_risk(body["value"])
    else:
        raise NotFoundError(f"unknown command '{name}' (pause, resume, stop, force_exit, risk)")
    return ok(plain(result))


# ------------------------------------------------------------------ backtests
def _run_inputs(context: WebContext, body: dict[str, Any]) -> tuple[str, list[Path], int | None, int | None]:
    """What a backtest or an optimization runs on: the profile (the selected one by default), the data
    files by name and the optional window; a bad value is a 400 naming it."""
    profile = body.get("profile") or selected_profile(context.home)
    names = body.get("data_files") or []
    if not isinstance(names, list) or not names:
        raise UsageError("data_files: give the names of one or more data files (see GET /api/v1/data)")
    files = [data_file(context, str(name)) for name in names]
    start_ms = iso_ms(body["start"], "start") if body.get("start") else None
    end_ms = iso_ms(body["end"], "end") if body.get("end") else None
    if start_ms is not None and end_ms is not None and start_ms >= end_ms:
        raise UsageError("start must be before end")
    return str(profile), files, start_ms, end_ms


@routes.post(f"{PREFIX}/backtests")
async def start_backtest(request: web.Request) -> web.Response:
    context = context_of(request)
    body = await _json_body(request)
    profile, files, start_ms, end_ms = _run_inputs(context, body)
    run = context.backtests.start(profile, files, start_ms, end_ms)
    return ok(run.to_dict(), status=202)


@routes.get(f"{PREFIX}/backtests")
async def list_backtests(request: web.Request) -> web.Response:
    return ok({"backtests": [run.to_dict() for run in context_of(request).backtests.list()]})


@routes.get(f"{PREFIX}/backtests/{{run_id}}")
async def get_backtest(request: web.Request) -> web.Response:
    return ok(context_of(request).backtests.get(request.match_info["run_id"]).to_dict())


@routes.get(f"{PREFIX}/backtests/{{run_id}}/result")
async def backtest_result(request: web.Request) -> web.Response:
    return ok(context_of(request).backtests.figures(request.match_info["run_id"]))


@routes.get(f"{PREFIX}/backtests/{{run_id}}/report")
async def backtest_report(request: web.Request) -> web.StreamResponse:
    path = context_of(request).backtests.report_path(request.match_info["run_id"])
    # the report is self-contained (its own scripts): served under its own, narrower policy
    return web.FileResponse(
        path, headers={"Content-Type": "text/html", "Content-Security-Policy": _REPORT_CSP}
    )


_REPORT_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:"
)


# ------------------------------------------------------------------ optimizations
@routes.post(f"{PREFIX}/optimizations")
async def start_optimization(request: web.Request) -> web.Response:
    context = context_of(request)
    body = await _json_body(request)
    profile, files, start_ms, end_ms = _run_inputs(context, body)
    run = await context.optimizations.start(profile, files, body, start_ms, end_ms)
    return ok(run.to_dict(), status=202)


@routes.get(f"{PREFIX}/optimizations")
async def list_optimizations(request: web.Request) -> web.Response:
    runs = context_of(request).optimizations.list()
    return ok({"optimizations": [run.to_dict() for run in runs]})


@routes.get(f"{PREFIX}/optimizations/{{run_id}}")
async def get_optimization(request: web.Request) -> web.Response:
    return ok(context_of(request).optimizations.get(request.match_info["run_id"]).to_dict())


@routes.post(f"{PREFIX}/optimizations/{{run_id}}/stop")
async def stop_optimization(request: web.Request) -> web.Response:
    return ok(context_of(request).optimizations.stop(request.match_info["run_id"]).to_dict())


@routes.get(f"{PREFIX}/optimizations/{{run_id}}/result")
async def optimization_result(request: web.Request) -> web.Response:
    jobs = context_of(request).optimizations
    return ok(await asyncio.to_thread(jobs.result, request.match_info["run_id"]))


@routes.get(f"{PREFIX}/optimizations/{{run_id}}/report")
async def optimization_report(request: web.Request) -> web.StreamResponse:
    path = context_of(request).optimizations.report_path(request.match_info["run_id"])
    return web.FileResponse(
        path, headers={"Content-Type": "text/html", "Content-Security-Policy": _REPORT_CSP}
    )


@routes.post(f"{PREFIX}/optimizations/{{run_id}}/save-best")
async def save_best_settings(request: web.Request) -> web.Response:
    context = context_of(request)
    body = await _json_body(request)
    saved = await asyncio.to_thread(
        context.optimizations.save_best,
        request.match_info["run_id"],
        str(body.get("new_id") or ""),
        bool(body.get("force", False)),
    )
    return ok({"profile": saved.name}, status=201)


# ------------------------------------------------------------------ data files
def _describe(summary: Any) -> dict[str, Any]:
    description = summary.description
    return {
        "name": summary.path.name,
        "exchange": description.exchange,
        "symbols": list(description.symbols),
        "time_frames": list(description.time_frames),
        "first_timestamp_ms": description.first_timestamp_ms,
        "last_timestamp_ms": description.last_timestamp_ms,
        "size_bytes": summary.size_bytes,
    }


def data_listing(context: WebContext) -> list[dict[str, Any]]:
    context.home.data.mkdir(parents=True, exist_ok=True)
    return [_describe(summary) for summary in ob.list_data_files(context.home.data)]


def inspection(context: WebContext, name: str) -> dict[str, Any]:
    found = ob.inspect_data_file(data_file(context, name))
    return {
        **_describe(found),
        "origin": found.description.origin,
        "series": [
            {
                "symbol": series.info.symbol,
                "time_frame": series.info.time_frame,
                "candles": series.info.count,
                "first_timestamp_ms": series.info.first_timestamp_ms,
                "last_timestamp_ms": series.info.last_timestamp_ms,
                "gaps": len(series.gaps),
                "missing_candles": series.missing_candles,
            }
            for series in found.series
        ],
    }


@routes.get(f"{PREFIX}/data")
async def list_data(request: web.Request) -> web.Response:
    return ok({"files": await asyncio.to_thread(data_listing, context_of(request))})


@routes.get(f"{PREFIX}/data/{{name}}")
async def inspect_data(request: web.Request) -> web.Response:
    return ok(await asyncio.to_thread(inspection, context_of(request), request.match_info["name"]))


#: most candles of a data file's series one read returns (the page's chart draws the last ones)
MAX_FILE_CANDLES = 5000


def file_candles(
    context: WebContext, name: str, symbol: str | None, time_frame: str | None, limit: int
) -> dict[str, Any]:
    """The last ``limit`` candles of one series of a data file (its first series by default)."""
    path = data_file(context, name)
    found = ob.inspect_data_file(path)
    series = [(s.info.symbol, s.info.time_frame) for s in found.series]
    chosen = next(
        (
            (found_symbol, found_time_frame)
            for found_symbol, found_time_frame in series
            if symbol in (None, found_symbol) and time_frame in (None, found_time_frame)
        ),
        None,
    )
    if chosen is None:
        listed = ", ".join(f"{s} {t}" for s, t in series) or "none"
        raise NotFoundError(
            f"data file '{path.name}' has no series {symbol or ''} {time_frame or ''} (it has: {listed})"
        )
    with ob.DataFileReader(path) as reader:
        rows = reader.read_ohlcv(*chosen)
    rows = rows[-limit:] if limit else rows[:0]
    return {
        "name": path.name,
        "symbol": chosen[0],
        "time_frame": chosen[1],
        "candles": [[int(row[0]), *map(float, row[1:6])] for row in rows],
    }


@routes.get(f"{PREFIX}/data/{{name}}/candles")
async def data_candles(request: web.Request) -> web.Response:
    limit = _int_query(request, "limit", 1000, MAX_FILE_CANDLES)
    symbol, time_frame = request.query.get("symbol"), request.query.get("time_frame")
    found = await asyncio.to_thread(
        file_candles, context_of(request), request.match_info["name"], symbol, time_frame, limit
    )
    return ok(found)


async def import_upload(context: WebContext, request: web.Request) -> dict[str, Any]:
    """Import the uploaded candle file (field ``file``) into the data file named ``name``."""
    form = await request.post()
    upload = form.get("file")
    name = str(form.get("name") or "").strip()
    if not isinstance(upload, web.FileField):
        raise UsageError("file: choose a candle file to upload (OctoBot .data, CSV or JSON)")
    if not name:
        name = Path(upload.filename).stem
    destination = context.home.data / f"{Path(name).name.removesuffix(DATA_SUFFIX)}{DATA_SUFFIX}"
    uploads = context.home.data / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    source = uploads / Path(upload.filename).name
    source.write_bytes(upload.file.read())
    options: dict[str, Any] = {}
    for key in ("exchange", "symbol", "time_frame"):
        value = str(form.get(key) or "").strip()
        if value:
            options[key] = value
    try:
        report = await asyncio.to_thread(
            ob.import_files, [source], destination, overwrite=form.get("overwrite") == "on", **options
        )
    finally:
        source.unlink(missing_ok=True)
    return {
        "name": report.path.name,
        "series": [
            {"symbol": symbol, "time_frame": time_frame, "candles": count}
            for (symbol, time_frame), count in sorted(report.series.items())
        ],
        "issues": [str(issue) for issue in report.issues],
    }


@routes.post(f"{PREFIX}/data")
async def upload_data(request: web.Request) -> web.Response:
    return ok(await import_upload(context_of(request), request), status=201)


@routes.delete(f"{PREFIX}/data/{{name}}")
async def delete_data(request: web.Request) -> web.Response:
    path = data_file(context_of(request), request.match_info["name"])
    await asyncio.to_thread(ob.delete_data_file, path)
    return ok({"deleted": path.name})


def start_collect(context: WebContext, body: dict[str, Any]) -> Any:
    exchange = checked_exchange(str(body.get("exchange", "")), "exchange")
    symbols = checked_symbols(list(body.get("symbols") or []), "symbols")
    time_frames = checked_time_frames(list(body.get("time_frames") or []), "time_frames")
    if not symbols or not time_frames:
        raise UsageError("symbols and time_frames: give at least one of each")
    if not body.get("start"):
        raise UsageError("start: give the first day to collect, like 2024-01-01")
    start_ms = iso_ms(str(body["start"]), "start")
    end_ms = iso_ms(str(body["end"]), "end") if body.get("end") else None
    name = Path(str(body.get("name") or f"{exchange}-{symbols[0].replace('/', '_')}")).name
    destination = context.home.data / f"{name.removesuffix(DATA_SUFFIX)}{DATA_SUFFIX}"
    config = load_user_config(context.home, create=False).ccxt_config(exchange)
    return context.collects.start(destination, exchange, symbols, time_frames, start_ms, end_ms, config)


@routes.post(f"{PREFIX}/data/collect")
async def collect(request: web.Request) -> web.Response:
    context = context_of(request)
    return ok(start_collect(context, await _json_body(request)).to_dict(), status=202)


@routes.get(f"{PREFIX}/collects/{{run_id}}")
async def collect_status(request: web.Request) -> web.Response:
    run = context_of(request).collects.runs.get(request.match_info["run_id"])
    if run is None:
        raise NotFoundError(f"collection '{request.match_info['run_id']}' not found")
    return ok(run.to_dict())


# ------------------------------------------------------------------ profiles and tentacles
@routes.get(f"{PREFIX}/profiles")
async def profiles(request: web.Request) -> web.Response:
    context = context_of(request)
    chosen = selected_profile(context.home)
    return ok(
        {
            "selected": chosen,
            "profiles": [
                {"id": p.id, "name": p.name, "description": p.description, "builtin": p.builtin}
                for p in list_profiles(context.home)
            ],
        }
    )


@routes.get(f"{PREFIX}/profiles/{{profile_id}}")
async def get_profile(request: web.Request) -> web.Response:
    context = context_of(request)
    return ok(profile_editing.read_profile(context.home, request.match_info["profile_id"]))


@routes.put(f"{PREFIX}/profiles/{{profile_id}}")
async def put_profile(request: web.Request) -> web.Response:
    context = context_of(request)
    document = await _json_body(request)
    profile_editing.save_profile(context.home, context.registry, request.match_info["profile_id"], document)
    return ok(profile_editing.read_profile(context.home, request.match_info["profile_id"]))


@routes.post(f"{PREFIX}/profiles/{{profile_id}}/copy")
async def copy(request: web.Request) -> web.Response:
    context = context_of(request)
    body = await _json_body(request)
    new_id = str(body.get("new_id", ""))
    folder = copy_profile(request.match_info["profile_id"], new_id, context.home)
    return ok({"id": folder.name}, status=201)


@routes.post(f"{PREFIX}/profiles/{{profile_id}}/select")
async def select(request: web.Request) -> web.Response:
    context = context_of(request)
    return ok({"selected": select_profile(request.match_info["profile_id"], context.home)})


def tentacle_rows(context: WebContext, profile_id: str) -> list[dict[str, Any]]:
    document = profile_editing.read_profile(context.home, profile_id)
    active = {
        document.get("trading_mode"),
        *document.get("strategies", []),
        *document.get("evaluators", []),
        *document.get("interfaces", []),
    }
    return [
        {
            "name": info.name,
            "kind": info.kind.value,
            "version": info.version,
            "description": info.description,
            "source": info.source,
            "active": info.name in active,
            "configurable": bool(info.config_schema.get("properties")),
        }
        for info in context.registry.list()
    ]


@routes.get(f"{PREFIX}/tentacles")
async def tentacles(request: web.Request) -> web.Response:
    context = context_of(request)
    profile_id = request.query.get("profile") or selected_profile(context.home)
    return ok({"profile": profile_id, "tentacles": tentacle_rows(context, profile_id)})


@routes.get(f"{PREFIX}/tentacles/{{name}}/config")
async def get_tentacle_config(request: web.Request) -> web.Response:
    context = context_of(request)
    profile_id = request.query.get("profile") or selected_profile(context.home)
    name = request.match_info["name"]
    profile_editing.require_tentacle(context.registry, name)
    config = profile_editing.tentacle_config(context.home, context.registry, profile_id, name)
    schema = context.registry.get(name).config_schema
    return ok(
        {"profile": profile_id, "name": name, "config": profile_editing.masked(config), "schema": schema}
    )


@routes.put(f"{PREFIX}/tentacles/{{name}}/config")
async def put_tentacle_config(request: web.Request) -> web.Response:
    context = context_of(request)
    profile_id = request.query.get("profile") or selected_profile(context.home)
    name = request.match_info["name"]
    profile_editing.require_tentacle(context.registry, name)
    profile_editing.save_tentacle_config(
        context.home, context.registry, profile_id, name, await _json_body(request)
    )
    return ok({"profile": profile_id, "name": name})


@routes.post(f"{PREFIX}/tentacles/{{name}}/activation")
async def activation(request: web.Request) -> web.Response:
    context = context_of(request)
    body = await _json_body(request)
    profile_id = str(body.get("profile") or selected_profile(context.home))
    name = request.match_info["name"]
    profile_editing.require_tentacle(context.registry, name)
    profile_editing.set_activation(
        context.home, context.registry, profile_id, name, bool(body.get("active", True))
    )
    return ok({"profile": profile_id, "name": name, "active": bool(body.get("active", True))})
