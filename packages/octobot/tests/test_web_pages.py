"""The pages' forms and reads over HTTP, as a browser posts them (the CSRF cookie repeated in the form):
trades paged with no cap, tentacles activated and configured with each error beside its field, a data
file imported by upload and inspected, a profile selected, commands given through the bot's control API
(named as the web interface in the log, like Telegram's), and no secret served by any page or read."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from yarl import URL

import octobot
from octobot.cli import main
from octobot.errors import ExitCode, WebError
from octobot.profile_store import copy_profile, selected_profile
from octobot.web.launch import with_web_interface
from octobot.web.profile_editing import set_activation

from .web_live import HOLDING_AFTER, web_bot
from .web_support import ApiClient, running_server

EXCHANGE_KEY = "AKIAWEB17EXCHANGEKEY0042"
EXCHANGE_SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLE17"
TELEGRAM_TOKEN = "123456789:AAH-web17-telegram-token-never-shown"


class Browser:
    """An HTTP client that keeps cookies like a browser and posts forms with the page's CSRF token."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base

    async def get(self, path: str, status: int = 200) -> str:
        async with self.session.get(self.base + path) as response:
            text = await response.text()
            assert response.status == status, f"GET {path}: {response.status} {text[:300]}"
            return text

    def csrf(self) -> str:
        cookie = self.session.cookie_jar.filter_cookies(URL(self.base)).get("octobot_csrf")
        assert cookie is not None, "no page was read yet: the CSRF cookie comes with the first one"
        return cookie.value

    async def post(self, path: str, fields: dict[str, Any], status: int = 200) -> tuple[str, str]:
        """Post a form (following the redirect, as a browser does): the final path and its page."""
        form = aiohttp.FormData({"csrf_token": self.csrf(), **fields})
        async with self.session.post(self.base + path, data=form) as response:
            text = await response.text()
            assert response.status == status, f"POST {path}: {response.status} {text[:300]}"
            return response.url.path_qs, text


@pytest.fixture
async def browser(home, builtin_tentacles) -> AsyncIterator[Browser]:
    async with (
        running_server(home) as server,
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session,
    ):
        page = Browser(session, server.url)
        await page.get("/profiles")
        yield page


def _rows(page: str, attribute: str) -> list[str]:
    return re.findall(rf'<tr {attribute}="([^"]+)"', page)


async def test_tentacles_are_activated_and_configured_from_their_pages(browser, home):
    await browser.post("/profiles/default/copy", {"new_id": "mine"})
    activation = "/tentacles/MACDMomentumEvaluator/activation"
    where, page = await browser.post(activation, {"profile": "mine", "active": "1"})
    assert where == "/tentacles?profile=mine"
    evaluators = json.loads((home.profiles / "mine" / "profile.json").read_text())["evaluators"]
    assert "MACDMomentumEvaluator" in evaluators
    row = re.search(r'<tr data-tentacle="MACDMomentumEvaluator">.*?</tr>', page, re.S)
    assert row is not None and ">Active</button>" in row.group(0)

    # a built-in profile is refused with the reason on the page
    where, page = await browser.post(activation, {"profile": "default", "active": "1"})
    assert "built in" in page and where.startswith("/tentacles?profile=default&error=")

    stored = (home.profiles / "mine" / "RSIMomentumEvaluator.json").read_text()
    form = await browser.get("/tentacles/RSIMomentumEvaluator?profile=mine")
    assert 'id="f-period"' in form  # drawn from the tentacle's JSON Schema
    where, page = await browser.post(
        "/tentacles/RSIMomentumEvaluator", {"profile": "mine", "period": "many"}, status=422
    )
    error = re.search(r'<p class="error field-error" id="error-period">([^<]+)</p>', page)
    assert error is not None and "many" in error.group(1)  # beside its field, naming the bad value
    assert (home.profiles / "mine" / "RSIMomentumEvaluator.json").read_text() == stored  # not written
    fields = {"profile": "mine", "period": "21", "oversold": "25", "overbought": "75"}  # as the form posts
    where, page = await browser.post("/tentacles/RSIMomentumEvaluator", fields)
    assert where == "/tentacles/RSIMomentumEvaluator?profile=mine&saved=1" and 'id="saved"' in page
    saved = json.loads((home.profiles / "mine" / "RSIMomentumEvaluator.json").read_text())
    assert (saved["period"], saved["oversold"], saved["overbought"]) == (21, 25, 75)


async def test_a_profile_is_selected_from_the_profiles_page(browser, home):
    await browser.post("/profiles/default/copy", {"new_id": "mine"})
    where, page = await browser.post("/profiles/mine/select", {})
    assert where == "/profiles"
    selected = re.search(r'<tr data-profile="mine">.*?</tr>', page, re.S)
    assert selected is not None and "selected</span>" in selected.group(0)
    assert selected_profile(home) == "mine"


async def test_a_data_file_is_imported_by_upload_listed_and_inspected(browser, octobot_btc_file):
    form = aiohttp.FormData({"csrf_token": browser.csrf(), "name": "april"})
    form.add_field("file", octobot_btc_file.read_bytes(), filename=octobot_btc_file.name)
    async with browser.session.post(f"{browser.base}/data/upload", data=form) as response:
        page = await response.text()
    assert response.url.path == "/data" and "Imported" in page and "april.sqlite" in page
    inspected = await browser.get("/data/april.sqlite")
    assert '<td>BTC/USDT</td><td>1h</td><td class="num">500</td>' in inspected
    # a bad upload comes back as one line on the page, not an error page
    bad = aiohttp.FormData({"csrf_token": browser.csrf(), "name": "bad"})
    bad.add_field("file", b"not candles", filename="bad.csv")
    async with browser.session.post(f"{browser.base}/data/upload", data=bad) as response:
        page = await response.text()
    assert response.status == 200 and 'id="data-error"' in page


async def test_a_form_without_the_csrf_token_is_refused(browser, home):
    copy = f"{browser.base}/profiles/default/copy"
    async with browser.session.post(copy, data={"new_id": "x"}) as response:
        assert response.status == 403
    assert not (home.profiles / "x").exists()


@pytest.fixture
async def bot_page(home, builtin_tentacles, btc_data_file) -> AsyncIterator[tuple[Any, Browser]]:
    async with (
        web_bot(home, btc_data_file) as (fed, url),
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session,
    ):
        await fed.feed(HOLDING_AFTER)
        page = Browser(session, url)
        await page.get("/")
        yield fed, page


async def test_trades_are_paged_with_no_cap(bot_page):
    fed, page = bot_page
    for _ in range(60):  # small market buys: one trade each
        await fed.manager.trader.create_order("BTC/USDT", "buy", "market", Decimal("0.0005"))
    await fed.settle()
    trades = fed.manager.trader.trades()
    total = len(trades)
    assert total > 100 // 2 + 10
    first = await page.get("/trades")
    assert f'<span id="trade-count">{total}</span>' in first
    assert len(_rows(first, "data-trade-id")) == 50 and 'id="newer"' not in first
    assert 'id="older">' in first and f'<span id="page-count">{-(-total // 50)}</span>' in first
    newest = max(trades, key=lambda trade: (trade.time, trade.trade_id))
    assert _rows(first, "data-trade-id")[0] == str(newest.trade_id)  # newest first
    last = await page.get("/trades?page=2")
    shown = _rows(first, "data-trade-id") + _rows(last, "data-trade-id")
    assert sorted(shown) == sorted(str(trade.trade_id) for trade in trades)  # every trade, once
    assert 'id="older" hidden' in last and 'id="newer"' in last  # the link waits, hidden, for more trades
    beyond = await page.get("/trades?page=99")  # past the end: the last page
    assert _rows(beyond, "data-trade-id") == _rows(last, "data-trade-id")


async def test_commands_go_through_the_bot_control_api_named_as_the_web_interface(bot_page, caplog):
    fed, page = bot_page
    api = await ApiClient.connect(page.session, page.base)
    await api.log_in()
    caplog.set_level(logging.INFO, logger="octobot.bot_control")
    await api.call("POST", "/commands/{command}", 200, command="pause")
    assert all(mode.entries_paused for mode in fed.bot.trading_modes.values())
    assert 'id="entries-state">paused<' in (await page.get("/"))
    await api.call("POST", "/commands/{command}", 200, command="resume")
    await api.call("POST", "/commands/{command}", 200, json_body={"target": "BTC/USDT"}, command="force_exit")
    await fed.settle()
    assert "BTC" not in fed.manager.account.holdings()
    stopped = await api.call("POST", "/commands/{command}", 200, command="stop")
    assert "stopping" in stopped["message"] and fed.bot.stop_requested.is_set()
    logged = [r.getMessage() for r in caplog.records if r.name == "octobot.bot_control"]
    for name in ("pause", "resume", "forceexit", "stop"):  # the names Telegram's commands log too
        assert any(f"command {name}" in line and "from WebInterface" in line for line in logged), name


async def test_no_secret_is_served(home, builtin_tentacles, btc_data_file):
    """The user config's keys and tokens appear on no page, in no API read and in no event, even when a log
    line quotes one; the password's hash is not served either."""
    home.user_config.write_text(
        json.dumps(
            {
                "exchanges": {"binance": {"api_key": EXCHANGE_KEY, "api_secret": EXCHANGE_SECRET}},
                "services": {"telegram": {"token": TELEGRAM_TOKEN}},
            }
        )
    )
    home.user_config.chmod(0o600)
    octobot.set_web_password(home, "a long password")
    secrets = (EXCHANGE_KEY, EXCHANGE_SECRET, TELEGRAM_TOKEN, "$argon2")
    async with (
        running_server(home) as server,
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session,
    ):
        page = Browser(session, server.url)
        await page.get("/login")
        await page.post("/login", {"password": "a long password", "next": "/"})
        async with session.ws_connect(f"{server.url}/api/v1/ws?types=log") as socket:
            logging.getLogger("octobot.web.test").warning("connecting with key %s", EXCHANGE_KEY)
            event = await socket.receive_json()
        served = [json.dumps(event)]
        for path in (
            "/",
            "/portfolio",
            "/orders",
            "/trades",
            "/matrix",
            "/logs",
            "/profiles",
            "/profiles/default",
            "/tentacles",
            "/tentacles/TelegramNotifier",
            "/backtesting",
            "/optimizer",
            "/data",
            "/data/btc",
            "/api/v1/status",
            "/api/v1/profiles",
            "/api/v1/profiles/default",
            "/api/v1/tentacles",
            "/api/v1/tentacles/TelegramNotifier/config",
            "/api/v1/data",
            "/api/v1/openapi.json",
        ):
            served.append(await page.get(path))
        for path in (
            "/static/../web_password.json",
            "/static/%2e%2e/user_config.json",
            "/data/..%2Fuser_config.json",
        ):
            async with session.get(server.url + path) as response:
                served.append(await response.text())
    assert "connecting with key" in served[0]
    for text in served:
        for secret in secrets:
            assert secret not in text


async def test_the_login_page_refuses_logins_past_the_failure_limit(home, builtin_tentacles):
    octobot.set_web_password(home, "a long password")
    async with (
        running_server(home) as server,
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session,
    ):
        page = Browser(session, server.url)
        await page.get("/login")
        for _ in range(5):
            _, refused = await page.post("/login", {"password": "guess", "next": "/"}, status=401)
            assert "Wrong password." in refused
        _, limited = await page.post("/login", {"password": "a long password", "next": "/"}, status=429)
        assert "too many failed logins" in limited
        await page.get("/", status=200)  # still the login page: not let in
        assert "octobot_session" not in {cookie.key for cookie in session.cookie_jar}


def test_run_with_the_web_interface_beyond_loopback_needs_a_password(home, builtin_tentacles):
    """`octobot run --web --web-host 0.0.0.0` is refused before the bot starts; with a password it is
    added to the interfaces the bot starts."""
    registry = octobot.TentacleRegistry.discover(home.tentacles)
    profile = octobot.load_profile("default", registry, home)
    with pytest.raises(WebError, match=r"refusing to listen on 0\.0\.0\.0 without a password"):
        with_web_interface(profile, registry, home, host="0.0.0.0")
    assert "WebInterface" not in profile.interfaces
    octobot.set_web_password(home, "a long password")
    with_web_interface(profile, registry, home, host="0.0.0.0", port=0)
    assert "WebInterface" in profile.interfaces
    assert profile.tentacle_config("WebInterface")["host"] == "0.0.0.0"


def test_run_starts_the_web_interface_with_web_or_when_the_profile_lists_it(home, builtin_tentacles):
    """Both ways `octobot run` adds the interface (`--web`, or "WebInterface" among the profile's
    interfaces) go through the exposure check: refused on 0.0.0.0 without a password, before the bot."""
    err = io.StringIO()
    code = main(["run", "--web", "--web-host", "0.0.0.0"], out=io.StringIO(), err=err)
    assert code == ExitCode.WEB_ERROR and "refusing to listen on 0.0.0.0" in err.getvalue()

    registry = octobot.TentacleRegistry.discover(home.tentacles)
    copy_profile("default", "listed", home)
    set_activation(home, registry, "listed", "WebInterface", True)
    (home.profiles / "listed" / "WebInterface.json").write_text(json.dumps({"host": "0.0.0.0", "port": 0}))
    err = io.StringIO()
    code = main(["run", "--profile", "listed"], out=io.StringIO(), err=err)
    assert code == ExitCode.WEB_ERROR and "refusing to listen on 0.0.0.0" in err.getvalue()
