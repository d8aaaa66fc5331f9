"""The server-rendered pages. Each page is complete HTML on its own (readable without JavaScript); small
JavaScript modules (static/js) then keep it live from the websocket, never by polling.

Forms post back here with the CSRF field; a page that refuses input renders again with each error
beside its field (status 422), a page that accepts it redirects (post/redirect/get).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
import markupsafe
from aiohttp import web

import octobot_backtesting as ob
from octobot import __version__
from octobot.errors import ConfigError, NotFoundError, OctoBotError
from octobot.optimizer.objectives import available_objectives
from octobot.optimizer.samplers import DEFAULT_SAMPLER, SAMPLERS
from octobot.profile_schema import PROFILE_SCHEMA
from octobot.profile_store import copy_profile, list_profiles, select_profile, selected_profile
from octobot.secret_masking import mask
from octobot.web import api_routes, live_views, profile_editing
from octobot.web.auth import CSRF_FIELD, SESSION_COOKIE, SESSION_TTL_S, LoginRefused
from octobot.web.context import WebContext, context_of
from octobot.web.forms import form_fields, read_form
from octobot.web.responses import FieldErrors, dumps
from octobot.web.security import csrf_token_of

routes = web.RouteTableDef()
TRADES_PER_PAGE = 50
#: days of the dashboard's daily realised profit chart
DAILY_CHART_DAYS = 30
NAVIGATION = (
    ("/", "Dashboard"),
    ("/portfolio", "Portfolio"),
    ("/orders", "Orders"),
    ("/trades", "Trades"),
    ("/matrix", "Evaluations"),
    ("/profiles", "Profiles"),
    ("/tentacles", "Tentacles"),
    ("/backtesting", "Backtesting"),
    ("/optimizer", "Optimizer"),
    ("/data", "Data"),
    ("/logs", "Logs"),
)


class Trusted(str):
    """A value the page shows as is: the page's own CSRF token (which looks like a key, and is one for
    this browser only)."""


def _masked(value: Any) -> Any:
    """Every value a template prints, secrets masked (an error echoing a key, a log line)."""
    if isinstance(value, Trusted) or not isinstance(value, str):
        return value
    if isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(mask(str(value)))
    return mask(value)


_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("octobot.web", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
    finalize=_masked,
)
_environment.filters["tojson_data"] = lambda value: dumps(value)


def _amount(value: Any, places: int = 8) -> str:
    """An amount for reading: at most ``places`` decimals, no trailing zeros (the API keeps every digit)."""
    if value is None or value == "":
        return "-"
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    text = f"{number:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_environment.filters["amount"] = _amount
_environment.filters["money"] = lambda value: "-" if value is None else f"{Decimal(str(value)):,.2f}"
_environment.filters["ms_date"] = lambda ms: (
    "-" if ms is None else __import__("octobot_trading").ms_to_iso(int(ms))[:16].replace("T", " ")
)


def render(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    context = context_of(request)
    text = _environment.get_template(template).render(
        request_path=request.path,
        navigation=NAVIGATION,
        csrf_field=CSRF_FIELD,
        csrf_token=Trusted(csrf_token_of(request)),
        password_required=context.auth.password_required,
        bot_running=context.bot is not None,
        version=__version__,
        **values,
    )
    return web.Response(text=text, content_type="text/html", status=status)


PageValues = Callable[[web.Request, WebContext], Awaitable[dict[str, Any]]]


def page(path: str, template: str, title: str = "") -> Callable[[PageValues], PageValues]:
    """A page that only shows: the decorated function reads the template's values (a "title" among them
    replaces ``title`` where the page's name depends on what it shows), the route renders them. One line
    per page says its path, template and title; the function holds only what the page reads."""

    def register(values: PageValues) -> PageValues:
        async def handler(request: web.Request) -> web.Response:
            found = await values(request, context_of(request))
            return render(request, template, **{"title": title, **found})

        handler.__name__ = values.__name__
        routes.get(path)(handler)
        return values

    return register


def _safe_next(target: str | None) -> str:
    """Only a path of this site (no open redirect to another host)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


# ------------------------------------------------------------------ login
@routes.get("/login")
async def login_page(request: web.Request) -> web.Response:
    return render(
        request, "login.html", title="Log in", next=_safe_next(request.query.get("next")), error=None
    )


@routes.post("/login")
async def login(request: web.Request) -> web.Response:
    context = context_of(request)
    form = await request.post()
    target = _safe_next(str(form.get("next") or "/"))
    try:
        accepted = context.auth.check_password(str(form.get("password", "")), request.remote or "unknown")
    except LoginRefused as refused:
        return render(request, "login.html", status=429, title="Log in", next=target, error=str(refused))
    if not accepted:
        return render(request, "login.html", status=401, title="Log in", next=target, error="Wrong password.")
    response = web.HTTPFound(target)
    response.set_cookie(
        SESSION_COOKIE,
        context.auth.new_session(),
        httponly=True,
        samesite="Strict",
        max_age=int(SESSION_TTL_S),
        path="/",
    )
    raise response


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    context_of(request).auth.end_session(request.cookies.get(SESSION_COOKIE))
    response = web.HTTPFound("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


# ------------------------------------------------------------------ live pages
def _live(context: WebContext) -> dict[str, Any]:
    bot = context.bot
    if bot is None:
        return {}
    return {
        "exchanges": list(bot.exchange_managers),
        "pairs": list(bot.profile.pairs),
        "time_frames": list(bot.profile.time_frames),
        "profile_name": bot.profile.name,
    }


def _control_call(context: WebContext, method: str, *args: Any) -> Any:
    """A read of the control API (None without a bot)."""
    if context.control is None:
        return None
    return getattr(context.control, method)(*args)


@page("/", "dashboard.html", "Dashboard")
async def dashboard(request: web.Request, context: WebContext) -> dict[str, Any]:
    runs = context.backtests.list()[:5]
    if context.bot is None:
        return {"live": None, "runs": runs, "profit": None, "paused": False}
    paused = context.control.paused if context.control is not None else False
    return {
        "live": _live(context),
        "runs": runs,
        "profit": _control_call(context, "profit"),
        "paused": paused,
        "daily_days": DAILY_CHART_DAYS,
        # the profitability against the market since the interface started: the chart's history
        "profitability": [
            {"time": event["time"], **event["data"]} for event in context.hub.kept("profitability")
        ],
    }


@page("/portfolio", "portfolio.html", "Portfolio")
async def portfolio(request: web.Request, context: WebContext) -> dict[str, Any]:
    history = live_views.portfolio_history(context.bot) if context.bot is not None else []
    return {"balance": _control_call(context, "balance"), "history": history}


@page("/orders", "orders.html", "Orders")
async def orders(request: web.Request, context: WebContext) -> dict[str, Any]:
    return {"orders": _control_call(context, "orders"), "message": request.query.get("message")}


@routes.post("/orders/cancel")
async def cancel_orders(request: web.Request) -> web.Response:
    context = context_of(request)
    form = await request.post()
    target = str(form.get("order_id") or "all")
    if context.control is None:
        raise web.HTTPFound("/orders")
    try:
        await api_routes.cancel_orders(context.control, target)
        message = "All open orders cancelled." if target == "all" else f"Order {target} cancelled."
    except OctoBotError as error:
        message = str(error)
    raise web.HTTPFound(f"/orders?message={quote(message)}")


@page("/trades", "trades.html", "Trades")
async def trades(request: web.Request, context: WebContext) -> dict[str, Any]:
    text = request.query.get("page", "1")
    number = max(1, int(text)) if text.isdigit() else 1
    if context.control is None:
        return {"found": None}
    found = context.control.trades(number, TRADES_PER_PAGE)
    if number > found.pages:
        found = context.control.trades(found.pages, TRADES_PER_PAGE)
    return {"found": found}


@page("/matrix", "matrix.html", "Evaluations")
async def matrix(request: web.Request, context: WebContext) -> dict[str, Any]:
    return {"rows": live_views.evaluation_matrix(context.bot) if context.bot is not None else None}


@page("/logs", "logs.html", "Logs and notifications")
async def logs(request: web.Request, context: WebContext) -> dict[str, Any]:
    return {"logs": context.hub.kept("log")[-100:], "notifications": context.hub.kept("notification")}


# ------------------------------------------------------------------ profiles and tentacles
@page("/profiles", "profiles.html", "Profiles")
async def profiles(request: web.Request, context: WebContext) -> dict[str, Any]:
    return {
        "profiles": list_profiles(context.home),
        "selected": selected_profile(context.home),
        "error": request.query.get("error"),
    }


@routes.post("/profiles/{profile_id}/copy")
async def copy(request: web.Request) -> web.Response:
    context = context_of(request)
    form = await request.post()
    new_id = str(form.get("new_id", "")).strip()
    try:
        folder = copy_profile(request.match_info["profile_id"], new_id, context.home)
    except OctoBotError as error:
        raise web.HTTPFound(f"/profiles?error={quote(str(error))}") from None
    raise web.HTTPFound(f"/profiles/{folder.name}")


@routes.post("/profiles/{profile_id}/select")
async def select(request: web.Request) -> web.Response:
    context = context_of(request)
    select_profile(request.match_info["profile_id"], context.home)
    raise web.HTTPFound("/profiles")


def _form_page(
    request: web.Request,
    template: str,
    schema: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    status: int,
    saved: bool,
    shown: dict[str, Any],
) -> web.Response:
    """A page editing a document of ``schema``: its fields filled with ``values``, each error beside its
    field (status 422 when a post was refused), "Saved." after a post was accepted."""
    fields = form_fields(schema, values)
    return render(request, template, status=status, fields=fields, errors=errors, saved=saved, **shown)


def _save_or_refuse(
    save: Callable[[], None], refused: Callable[[dict[str, str]], web.Response], saved_page: str
) -> web.Response:
    """Post/redirect/get of a form: ``save`` accepted redirects to ``saved_page``; refused, the form
    renders again (``refused``) with the error of each field, or of the whole document under "<root>"."""
    try:
        save()
    except FieldErrors as error:
        return refused(error.fields)
    except ConfigError as error:
        return refused({"<root>": str(error)})
    raise web.HTTPFound(saved_page)


def _profile_page(
    request: web.Request,
    profile_id: str,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    saved: bool = False,
) -> web.Response:
    context = context_of(request)
    builtin = profile_editing.is_builtin(profile_editing.profile_folder(context.home, profile_id))
    shown = {"title": f"Profile {profile_id}", "profile_id": profile_id, "builtin": builtin}
    return _form_page(request, "profile_edit.html", PROFILE_SCHEMA, values, errors, status, saved, shown)


@routes.get("/profiles/{profile_id}")
async def profile_page(request: web.Request) -> web.Response:
    context = context_of(request)
    profile_id = request.match_info["profile_id"]
    values = profile_editing.read_profile(context.home, profile_id)
    return _profile_page(request, profile_id, values, {}, saved=request.query.get("saved") == "1")


@routes.post("/profiles/{profile_id}")
async def save_profile(request: web.Request) -> web.Response:
    context = context_of(request)
    profile_id = request.match_info["profile_id"]
    stored = profile_editing.read_profile(context.home, profile_id)
    form = {key: str(value) for key, value in (await request.post()).items()}
    document = read_form(PROFILE_SCHEMA, form, stored)
    return _save_or_refuse(
        lambda: profile_editing.save_profile(context.home, context.registry, profile_id, document),
        lambda errors: _profile_page(request, profile_id, document, errors, status=422),
        f"/profiles/{profile_id}?saved=1",
    )


@page("/tentacles", "tentacles.html", "Tentacles")
async def tentacles(request: web.Request, context: WebContext) -> dict[str, Any]:
    profile_id = request.query.get("profile") or selected_profile(context.home)
    return {
        "rows": api_routes.tentacle_rows(context, profile_id),
        "profile_id": profile_id,
        "builtin": profile_editing.is_builtin(profile_editing.profile_folder(context.home, profile_id)),
        "error": request.query.get("error"),
    }


@routes.post("/tentacles/{name}/activation")
async def activation(request: web.Request) -> web.Response:
    context = context_of(request)
    form = await request.post()
    profile_id = str(form.get("profile") or selected_profile(context.home))
    try:
        profile_editing.set_activation(
            context.home, context.registry, profile_id, request.match_info["name"], form.get("active") == "1"
        )
    except OctoBotError as error:
        raise web.HTTPFound(f"/tentacles?profile={quote(profile_id)}&error={quote(str(error))}") from None
    raise web.HTTPFound(f"/tentacles?profile={quote(profile_id)}")


def _tentacle_page(
    request: web.Request,
    profile_id: str,
    name: str,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    saved: bool = False,
) -> web.Response:
    info = context_of(request).registry.get(name)
    shown = {"title": f"{name} in {profile_id}", "profile_id": profile_id, "info": info}
    schema = info.config_schema
    return _form_page(request, "tentacle_config.html", schema, values, errors, status, saved, shown)


@routes.get("/tentacles/{name}")
async def tentacle_page(request: web.Request) -> web.Response:
    context = context_of(request)
    name = request.match_info["name"]
    profile_editing.require_tentacle(context.registry, name)
    profile_id = request.query.get("profile") or selected_profile(context.home)
    values = profile_editing.tentacle_config(context.home, context.registry, profile_id, name)
    return _tentacle_page(request, profile_id, name, values, {}, saved=request.query.get("saved") == "1")


@routes.post("/tentacles/{name}")
async def save_tentacle(request: web.Request) -> web.Response:
    context = context_of(request)
    name = request.match_info["name"]
    profile_editing.require_tentacle(context.registry, name)
    form = {key: str(value) for key, value in (await request.post()).items()}
    profile_id = form.get("profile") or selected_profile(context.home)
    stored = profile_editing.tentacle_config(context.home, context.registry, profile_id, name)
    config = read_form(context.registry.get(name).config_schema, form, stored)
    return _save_or_refuse(
        lambda: profile_editing.save_tentacle_config(
            context.home, context.registry, profile_id, name, config
        ),
        lambda errors: _tentacle_page(request, profile_id, name, config, errors, status=422),
        f"/tentacles/{name}?profile={quote(profile_id)}&saved=1",
    )


# ------------------------------------------------------------------ backtesting and data
async def _run_form(context: WebContext) -> dict[str, Any]:
    """What a form starting a run (a backtest, a study) offers: the profiles, the selected one, the
    data files."""
    return {
        "profiles": list_profiles(context.home),
        "selected": selected_profile(context.home),
        "files": await asyncio.to_thread(api_routes.data_listing, context),
    }


@page("/backtesting", "backtesting.html", "Backtesting")
async def backtesting(request: web.Request, context: WebContext) -> dict[str, Any]:
    return {**await _run_form(context), "runs": context.backtests.list()}


@page("/backtesting/{run_id}", "backtest_report.html")
async def backtest_page(request: web.Request, context: WebContext) -> dict[str, Any]:
    run = context.backtests.get(request.match_info["run_id"])
    figures = context.backtests.figures(run.id) if run.status == "done" else None
    return {"title": f"Backtest {run.id}", "run": run, "figures": figures}


@page("/optimizer", "optimizer.html", "Optimizer")
async def optimizer(request: web.Request, context: WebContext) -> dict[str, Any]:
    return {
        **await _run_form(context),
        "samplers": SAMPLERS,
        "default_sampler": DEFAULT_SAMPLER,
        "objectives": available_objectives(),
        "runs": context.optimizations.list(),
    }


@page("/optimizer/{run_id}", "optimization.html")
async def optimization_page(request: web.Request, context: WebContext) -> dict[str, Any]:
    run = context.optimizations.get(request.match_info["run_id"])
    return {"title": f"Optimization {run.id}", "run": run}


@page("/data", "data.html", "Data")
async def data(request: web.Request, context: WebContext) -> dict[str, Any]:
    return {
        "files": await asyncio.to_thread(api_routes.data_listing, context),
        "message": request.query.get("message"),
        "error": request.query.get("error"),
    }


@routes.post("/data/upload")
async def upload(request: web.Request) -> web.Response:
    context = context_of(request)
    try:
        imported = await api_routes.import_upload(context, request)
    except (OctoBotError, ob.BacktestingError) as error:
        raise web.HTTPFound(f"/data?error={quote(mask(str(error)))}") from None
    count = sum(series["candles"] for series in imported["series"])
    message = f"Imported {count} candles into {imported['name']}."
    raise web.HTTPFound(f"/data?message={quote(message)}")


@page("/data/{name}", "data_file.html")
async def data_file(request: web.Request, context: WebContext) -> dict[str, Any]:
    found = await asyncio.to_thread(api_routes.inspection, context, request.match_info["name"])
    return {"title": found["name"], "file": found}


def _json_for_page(value: Any) -> str:
    """JSON for a ``<script type="application/json">`` element ("</" cannot end it early)."""
    return json.dumps(json.loads(dumps(value))).replace("</", "<\\/")


_environment.filters["page_json"] = _json_for_page


@web.middleware
async def not_found_page(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        return await handler(request)
    except NotFoundError as error:
        if request.path.startswith("/api/"):
            raise
        return render(request, "message.html", status=404, title="Not found", message=str(error))
