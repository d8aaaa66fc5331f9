"""The REST API and its OpenAPI document, through a client that validates every answer against the
document (issue 17): profiles, tentacles, data files, backtests, the websocket, without a running bot."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
import pytest

import octobot
import octobot_backtesting as ob
from octobot.cli import main
from octobot.errors import ExitCode
from octobot.web import api_routes
from octobot.web.openapi import openapi_document
from octobot_exchange_emulator import BinanceLikeServer

from .web_support import ApiClient, check_event, running_server


@pytest.fixture
async def api(home, builtin_tentacles):
    async with running_server(home) as server, aiohttp.ClientSession() as session:
        client = await ApiClient.connect(session, server.url)
        await client.log_in()
        yield client


#: operations the client cannot call as JSON or HTML: the websocket (tested by its handshake and events)
_NOT_THROUGH_THE_CLIENT = {("GET", "/ws")}


def test_the_client_code_exercises_every_documented_operation():
    """Every operation of the document is called, somewhere in these tests, through the client that
    validates its answer against the document (an operation added without a test fails here)."""
    document = openapi_document()
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    called: set[tuple[str, str]] = set()
    for source in Path(__file__).parent.glob("test_web*.py"):
        found = re.finditer(r'\.call\(\s*"(GET|POST|PUT|DELETE)",\s*"([^"]+)"', source.read_text())
        called |= {(match.group(1), match.group(2)) for match in found}
    assert sorted(documented - called - _NOT_THROUGH_THE_CLIENT) == []
    assert sorted(called - documented) == []


async def test_the_document_is_served_as_the_client_reads_it(api):
    assert await api.call("GET", "/openapi.json", 200) == openapi_document()


def test_the_document_describes_every_route_and_nothing_else():
    document = openapi_document()
    assert document["openapi"].startswith("3.1")
    for name, schema in document["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema), name
    served = set()
    for route in api_routes.routes:
        path = route.path.removeprefix(api_routes.PREFIX)  # type: ignore[attr-defined]
        served.add((path, route.method.lower()))  # type: ignore[attr-defined]
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    assert served == described


async def test_status_without_a_bot_and_the_profiles(api):
    status = await api.call("GET", "/status", 200)
    assert status == {"running": False, "mode": "web", "profile": "default"}
    listing = await api.call("GET", "/profiles", 200)
    assert listing["selected"] == "default"
    assert {"default", "dca", "grid"} <= {profile["id"] for profile in listing["profiles"]}
    profile = await api.call("GET", "/profiles/{profile_id}", 200, profile_id="default")
    assert profile["pairs"] == ["BTC/USDT"]
    await api.call("GET", "/profiles/{profile_id}", 404, profile_id="nope")


async def test_a_profile_is_copied_selected_and_edited_field_by_field(api, home):
    await api.call(
        "POST", "/profiles/{profile_id}/copy", 201, json_body={"new_id": "mine"}, profile_id="default"
    )
    await api.call(
        "POST", "/profiles/{profile_id}/copy", 409, json_body={"new_id": "mine"}, profile_id="default"
    )
    await api.call("POST", "/profiles/{profile_id}/select", 200, profile_id="mine")
    assert (await api.call("GET", "/status", 200))["profile"] == "mine"
    document = await api.call("GET", "/profiles/{profile_id}", 200, profile_id="mine")
    bad = {**document, "pairs": ["BTCUSDT"], "time_frames": ["1hr"]}
    refused = await api.call("PUT", "/profiles/{profile_id}", 422, json_body=bad, profile_id="mine")
    assert set(refused["fields"]) == {"pairs", "time_frames"}
    assert "did you mean '1h'" in refused["fields"]["time_frames"]
    assert json.loads((home.profiles / "mine" / "profile.json").read_text())["pairs"] == ["BTC/USDT"]
    saved = await api.call(
        "PUT", "/profiles/{profile_id}", 200, json_body={**document, "risk": 0.25}, profile_id="mine"
    )
    assert saved["risk"] == 0.25
    # a built-in profile is never written
    await api.call("PUT", "/profiles/{profile_id}", 422, json_body=document, profile_id="default")


async def test_tentacles_are_listed_activated_and_configured(api, home):
    await api.call(
        "POST", "/profiles/{profile_id}/copy", 201, json_body={"new_id": "mine"}, profile_id="default"
    )
    listing = await api.call("GET", "/tentacles", 200, params={"profile": "mine"})
    by_name = {row["name"]: row for row in listing["tentacles"]}
    assert by_name["RSIMomentumEvaluator"]["active"] and not by_name["MACDMomentumEvaluator"]["active"]
    assert by_name["WebInterface"]["kind"] == "interface"
    await api.call(
        "POST",
        "/tentacles/{name}/activation",
        200,
        json_body={"profile": "mine", "active": True},
        name="MACDMomentumEvaluator",
    )
    assert (
        "MACDMomentumEvaluator"
        in json.loads((home.profiles / "mine" / "profile.json").read_text())["evaluators"]
    )
    config = await api.call(
        "GET", "/tentacles/{name}/config", 200, params={"profile": "mine"}, name="RSIMomentumEvaluator"
    )
    assert config["schema"]["type"] == "object" and config["config"]
    key = next(k for k, v in config["schema"]["properties"].items() if v.get("type") == "integer")
    refused = await api.call(
        "PUT",
        "/tentacles/{name}/config",
        422,
        params={"profile": "mine"},
        json_body={**config["config"], key: "many"},
        name="RSIMomentumEvaluator",
    )
    assert list(refused["fields"]) == [key]
    await api.call("GET", "/tentacles/{name}/config", 404, name="NoSuchEvaluator")


async def test_data_files_are_uploaded_listed_and_inspected(api, octobot_btc_file):
    assert (await api.call("GET", "/data", 200))["files"] == []
    api.token = None  # as a browser: the CSRF cookie repeated in the header
    form = aiohttp.FormData()
    form.add_field("file", octobot_btc_file.read_bytes(), filename=octobot_btc_file.name)
    form.add_field("name", "uploaded")
    imported = await api.call(
        "POST", "/data", 201, data=form, headers={"X-CSRF-Token": "t", "Cookie": "octobot_csrf=t"}
    )
    assert imported["name"] == "uploaded.sqlite"
    assert ("BTC/USDT", "1h", 500) in {
        (s["symbol"], s["time_frame"], s["candles"]) for s in imported["series"]
    }
    files = (await api.call("GET", "/data", 200))["files"]
    assert [f["name"] for f in files] == ["uploaded.sqlite"] and files[0]["exchange"] == "binance"
    inspection = await api.call("GET", "/data/{name}", 200, name="uploaded")
    assert len(inspection["series"]) == 14
    await api.call("GET", "/data/{name}", 404, name="../../etc/passwd")
    hourly = next(s for s in inspection["series"] if (s["symbol"], s["time_frame"]) == ("BTC/USDT", "1h"))
    query = {"symbol": "BTC/USDT", "time_frame": "1h", "limit": 10}
    last = await api.call("GET", "/data/{name}/candles", 200, params=query, name="uploaded")
    assert (last["symbol"], last["time_frame"], len(last["candles"])) == ("BTC/USDT", "1h", 10)
    assert last["candles"][-1][0] == hourly["last_timestamp_ms"]  # the last ones
    assert [c[0] for c in last["candles"]] == sorted(c[0] for c in last["candles"])
    missing = await api.call("GET", "/data/{name}/candles", 404, params={"time_frame": "7h"}, name="uploaded")
    assert "1h" in missing["message"]  # names the series the file has
    await api.call("GET", "/data/{name}/candles", 400, params={"limit": 99999}, name="uploaded")
    await api.log_in()  # a script again: its token instead of the browser's CSRF cookie
    assert (await api.call("DELETE", "/data/{name}", 200, name="uploaded"))["deleted"] == "uploaded.sqlite"
    await api.call("DELETE", "/data/{name}", 404, name="uploaded")
    assert (await api.call("GET", "/data", 200))["files"] == []


async def test_a_backtest_runs_with_progress_events_and_keeps_its_result(api, btc_data_file):
    async with api.session.ws_connect(f"{api.base}/api/v1/ws") as socket:
        await socket.send_json({"type": "subscribe", "data": ["backtest_progress"]})
        assert (await socket.receive_json())["type"] == "subscribed"
        await api.call("POST", "/backtests", 400, json_body={"profile": "default"})
        await api.call("POST", "/backtests", 404, json_body={"data_files": ["missing"]})
        run = await api.call(
            "POST",
            "/backtests",
            202,
            json_body={
                "profile": "default",
                "data_files": ["btc"],
                "start": "2018-04-15",
                "end": "2018-04-25",
            },
        )
        events = []
        while not events or events[-1]["data"]["status"] == "running":
            event = await asyncio.wait_for(socket.receive_json(), 60)
            check_event(event)
            events.append(event)
    progress = [event["data"]["progress"] for event in events]
    assert events[-1]["data"] == {"id": run["id"], "status": "done", "progress": 1.0, "error": None}
    assert progress == sorted(progress) and len(progress) > 2
    result = await api.call("GET", "/backtests/{run_id}/result", 200, run_id=run["id"])
    assert result["start"].startswith("2018-04-15") and result["end"].startswith("2018-04-25")
    assert result["equity"] and result["trade_count"] == len(result["trades"])
    listing = await api.call("GET", "/backtests", 200)
    assert listing["backtests"][0]["id"] == run["id"] and listing["backtests"][0]["status"] == "done"
    assert listing["backtests"][0]["summary"]["trade_count"] == result["trade_count"]
    report = await api.call("GET", "/backtests/{run_id}/report", 200, run_id=run["id"])
    assert report.lower().startswith("<!doctype html")
    state = await api.call("GET", "/backtests/{run_id}", 200, run_id=run["id"])
    assert state["status"] == "done" and state["progress"] == 1.0
    await api.call("GET", "/backtests/{run_id}", 404, run_id="nope")
    await api.call("GET", "/backtests/{run_id}/report", 404, run_id="nope")


async def test_candles_are_collected_from_a_loopback_exchange_with_progress(api, home, btc_data_file):
    with ob.DataFileReader(btc_data_file) as reader:
        candles = reader.read_ohlcv("BTC/USDT", "1h")
    async with BinanceLikeServer({("BTC/USDT", "1h"): candles}) as exchange:
        home.user_config.write_text(json.dumps({"exchanges": {"binance": {"ccxt": exchange.ccxt_config()}}}))
        home.user_config.chmod(0o600)
        async with api.session.ws_connect(f"{api.base}/api/v1/ws?types=collect_progress") as socket:
            await api.call(
                "POST", "/data/collect", 400, json_body={"exchange": "binanse", "symbols": ["BTC/USDT"]}
            )
            request = {
                "exchange": "binance",
                "symbols": ["BTC/USDT"],
                "time_frames": ["1h"],
                "start": "2018-04-10",
                "end": "2018-04-20",
                "name": "collected",
            }
            run = await api.call("POST", "/data/collect", 202, json_body=request)
            events = [await asyncio.wait_for(socket.receive_json(), 30)]
            while events[-1]["data"]["status"] == "running":
                events.append(await asyncio.wait_for(socket.receive_json(), 30))
    for event in events:
        check_event(event)
    done = events[-1]["data"]
    assert done["id"] == run["id"] and done["status"] == "done" and done["progress"] == 1.0
    assert done["series"] == [{"symbol": "BTC/USDT", "time_frame": "1h", "candles": 240}]
    assert (await api.call("GET", "/collects/{run_id}", 200, run_id=run["id"]))["status"] == "done"
    files = {f["name"] for f in (await api.call("GET", "/data", 200))["files"]}
    assert "collected.sqlite" in files


async def test_live_routes_answer_503_without_a_bot(api):
    for template in ("/orders", "/portfolio", "/trades", "/profit", "/candles", "/evaluations"):
        async with api.session.get(f"{api.base}/api/v1{template}") as response:
            assert response.status == 503, template
            assert (await response.json())["error"] == "service_unavailable"


async def test_a_password_protects_the_api(home, builtin_tentacles):
    octobot.set_web_password(home, "correct horse")
    async with running_server(home) as server, aiohttp.ClientSession() as session:
        api = await ApiClient.connect(session, server.url)
        await api.call("GET", "/ping", 200)
        refused = await api.call("GET", "/status", 401)
        assert "token" in refused["message"]
        await api.call("POST", "/token", 401, json_body={"password": "wrong"})
        token = (await api.call("POST", "/token", 200, json_body={"password": "correct horse"}))["token"]
        api.token = token
        assert (await api.call("GET", "/status", 200))["running"] is False
        # a bearer token needs no CSRF token; a browser session does
        await api.call(
            "POST", "/profiles/{profile_id}/copy", 201, json_body={"new_id": "mine"}, profile_id="default"
        )
        api.token = None
        for _ in range(5):  # the limit: 5 failures in 5 minutes
            await api.call("POST", "/token", 401, json_body={"password": "guess"})
        limited = await api.call("POST", "/token", 429, json_body={"password": "correct horse"})
        assert "too many failed logins" in limited["message"]
        assert "correct horse" not in json.dumps(limited)
    stored = (home.root / "web_password.json").read_text()
    assert "correct horse" not in stored and "$argon2id$" in stored


async def test_a_changing_request_without_csrf_token_is_refused(api):
    api.session.cookie_jar.clear()
    async with api.session.post(f"{api.base}/api/v1/profiles/default/copy", json={"new_id": "x"}) as response:
        assert response.status == 403
        assert (await response.json())["error"] == "csrf"
    headers = {"X-CSRF-Token": "abc", "Cookie": "octobot_csrf=abc"}
    async with api.session.post(
        f"{api.base}/api/v1/profiles/default/copy", json={"new_id": "x"}, headers=headers
    ) as response:
        assert response.status == 201


async def test_a_cross_origin_websocket_is_refused(api):
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await api.session.ws_connect(f"{api.base}/api/v1/ws", headers={"Origin": "http://evil.example"})
    assert refused.value.status == 403


async def test_events_reach_only_their_subscribers_with_secrets_masked(home, builtin_tentacles):
    octobot.register_secret("sk-live-9f8e7d6c5b4a3f2e1d")
    async with running_server(home) as server, aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{server.url}/api/v1/ws") as socket:
            await socket.send_json({"type": "subscribe", "data": ["notification"]})
            assert (await socket.receive_json()) == {"type": "subscribed", "data": ["notification"]}
            server.context.hub.publish("candle", {"symbol": "BTC/USDT"})
            server.context.hub.publish("notification", {"text": "key sk-live-9f8e7d6c5b4a3f2e1d leaked?"})
            event = await asyncio.wait_for(socket.receive_json(), 5)
    assert event["type"] == "notification"
    assert "sk-live" not in event["data"]["text"]


def test_each_event_type_has_the_schema_of_its_data():
    """The websocket's events are typed: an event whose data is not of its type's shape is refused."""
    candle = {"exchange": "binance", "symbol": "BTC/USDT", "time_frame": "1h", "closed": True}
    check_event({"type": "candle", "time": 1, "data": {**candle, "candle": [1, 2.0, 3.0, 1.0, 2.5, 10.0]}})
    for wrong in (
        {"type": "candle", "time": 1, "data": {**candle, "candle": [1, 2.0]}},
        {"type": "trade", "time": 1, "data": {**candle, "candle": [1, 2.0, 3.0, 1.0, 2.5, 10.0]}},
        {"type": "notification", "time": 1, "data": {"text": "no title"}},
        {"type": "backtest_progress", "time": 1, "data": {"id": "x", "status": "lost", "progress": 2}},
        {"type": "rumour", "time": 1, "data": {}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            check_event(wrong)


async def test_a_malformed_websocket_message_gets_a_notification_saying_what_to_send(home, builtin_tentacles):
    async with running_server(home) as server, aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{server.url}/api/v1/ws") as socket:
            await socket.send_str("subscribe please")
            event = await asyncio.wait_for(socket.receive_json(), 5)
    check_event(event)
    assert event["type"] == "notification" and '"subscribe"' in event["data"]["text"]


def test_listening_beyond_loopback_needs_a_password(home, builtin_tentacles):
    err = io.StringIO()
    code = main(["web", "--host", "0.0.0.0", "--port", "0"], out=io.StringIO(), err=err)
    assert code == ExitCode.WEB_ERROR
    assert err.getvalue().startswith("octobot: error: web: refusing to listen on 0.0.0.0 without a password")


def test_the_password_is_set_from_stdin(home, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    err = io.StringIO()
    assert main(["web", "--set-password"], out=io.StringIO(), err=err) == ExitCode.INVALID_CONFIG
    assert "at least 8 characters" in err.getvalue()
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough secret\n"))
    out = io.StringIO()
    assert main(["web", "--set-password"], out=out, err=io.StringIO()) == 0
    assert "long enough secret" not in out.getvalue()
    stored = (home.root / "web_password.json").read_text()
    assert "$argon2id$" in stored and "long enough secret" not in stored


def test_octobot_web_serves_the_user_folder_until_stopped(home, builtin_tentacles):
    """`octobot web --port 0`: the interface over the user folder without a bot, on loopback, until a
    signal stops it (exit 0, no traceback)."""
    python_path = os.pathsep.join([str(builtin_tentacles), *sys.path])
    process = subprocess.Popen(
        [sys.executable, "-m", "octobot", "web", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "OCTOBOT_HOME": str(home.root), "PYTHONPATH": python_path},
    )
    try:
        line = process.stdout.readline().decode()
        found = re.search(r"web interface on (http://127\.0\.0\.1:(\d+))", line)
        assert found is not None and found.group(2) != "0", line + process.stderr.read1(4096).decode()

        async def read() -> tuple[Any, str]:
            async with aiohttp.ClientSession() as session:
                async with session.get(f"{found.group(1)}/api/v1/status") as response:
                    status = await response.json()
                async with session.get(f"{found.group(1)}/profiles") as response:
                    return status, await response.text()

        status, page = asyncio.run(read())
        assert status == {"running": False, "mode": "web", "profile": "default"}
        assert 'data-profile="default"' in page
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and "Traceback" not in err.decode()


async def test_past_runs_are_kept_across_restarts_and_comparable(home, builtin_tentacles, btc_data_file):
    """Each run is kept in the user folder: a later `octobot web` lists it, with its figures to compare."""
    windows = (("2018-04-10", "2018-04-17"), ("2018-04-17", "2018-04-27"))
    async with running_server(home) as server, aiohttp.ClientSession() as session:
        api = await ApiClient.connect(session, server.url)
        await api.log_in()
        ids = []
        for start, end in windows:
            body = {"data_files": ["btc"], "start": start, "end": end}
            ids.append((await api.call("POST", "/backtests", 202, json_body=body))["id"])
            assert (await server.context.backtests.wait(ids[-1])).status == "done"
    async with running_server(home) as server, aiohttp.ClientSession() as session:
        api = await ApiClient.connect(session, server.url)
        await api.log_in()
        listed = {run["id"]: run for run in (await api.call("GET", "/backtests", 200))["backtests"]}
        assert set(ids) <= set(listed) and all(listed[i]["status"] == "done" for i in ids)
        figures = [await api.call("GET", "/backtests/{run_id}/result", 200, run_id=i) for i in ids]
        page = await (await session.get(f"{server.url}/backtesting")).text()
    for (start, _end), result in zip(windows, figures, strict=True):
        assert result["start"].startswith(start) and result["equity"]
    assert figures[0]["equity"] != figures[1]["equity"]  # two runs, two curves to compare
    for run_id in ids:  # each with its box (enabled) to compare it on the page
        assert re.search(rf'name="compare" value="{run_id}"\s*>', page), run_id


async def test_the_server_runs_on_the_callers_event_loop_without_a_thread(home, builtin_tentacles):
    """Serving pages, the API and the websocket adds no thread: the interface lives on the loop that
    started it (the bot's, under `octobot run`)."""
    before = set(threading.enumerate())
    async with running_server(home) as server, aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{server.url}/api/v1/ws?types=log") as socket:
            for path in ("/", "/profiles", "/api/v1/status", "/api/v1/profiles"):
                async with session.get(server.url + path) as response:
                    assert response.status == 200, path
            logging.getLogger("octobot.web.test").warning("served on one loop")
            assert (await asyncio.wait_for(socket.receive_json(), 5))["data"]["text"] == "served on one loop"
            started = set(threading.enumerate()) - before
    assert started == set(), [thread.name for thread in started]
