"""The optimizer through the REST API (issue 18), answers validated against the OpenAPI document: a study
started with its progress as typed events, its results, report and best settings saved as a profile,
a study stopped before its end, and the requests refused with one line naming the field."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

import octobot
from octobot.web.openapi import openapi_document

from .optimizer_helpers import SMALL_SPACE
from .web_support import ApiClient, check_event, running_server

#: the short window of the real BTC/USDT 1h file the optimizer tests use
WINDOW = {"start": "2018-04-12", "end": "2018-04-20"}


@pytest.fixture
async def api(home, builtin_tentacles):
    async with running_server(home) as server, aiohttp.ClientSession() as session:
        client = await ApiClient.connect(session, server.url)
        await client.log_in()
        yield client


def _study(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "profile": "default",
        "data_files": ["btc"],
        "space": SMALL_SPACE,
        "trials": 4,
        "sampler": "random",
        "workers": 1,
        "test_share": 0.25,
        **WINDOW,
    }
    body.update(changes)
    return body


async def _events_until_over(socket: aiohttp.ClientWebSocketResponse, run_id: str) -> list[dict[str, Any]]:
    """The study's progress events up to its last one (no timing: each trial sends one)."""
    events: list[dict[str, Any]] = []
    while not events or events[-1]["status"] == "running":
        event = await asyncio.wait_for(socket.receive_json(), 300)
        check_event(event)
        if event["type"] == "optimizer_progress" and event["data"]["id"] == run_id:
            events.append(event["data"])
    return events


async def test_a_study_runs_with_progress_events_and_keeps_its_results(api, home, btc_data_file):
    async with api.session.ws_connect(f"{api.base}/api/v1/ws") as socket:
        await socket.send_json({"type": "subscribe", "data": ["optimizer_progress"]})
        assert (await socket.receive_json())["type"] == "subscribed"
        run = await api.call("POST", "/optimizations", 202, json_body=_study())
        assert run["status"] == "running" and run["trials"] == 4 and run["study"]
        events = await _events_until_over(socket, run["id"])
    assert [event["done"] for event in events[:-1]] == [1, 2, 3, 4]  # one event per finished trial
    last = events[-1]
    assert last["status"] == "done" and last["done"] == 4 and last["total"] == 4 and last["error"] is None
    result = await api.call("GET", "/optimizations/{run_id}/result", 200, run_id=run["id"])
    assert len(result["trials"]) == 4 and result["study"] == run["study"]
    best = result["best"]
    assert best is not None and last["best"]["number"] == best["number"]
    assert best["figures"]["train"] is not None and best["figures"]["test"] is not None  # both samples
    assert result["table"]["rows"] and len(result["table"]["rows"][0]) == len(result["table"]["headers"])
    listing = await api.call("GET", "/optimizations", 200)
    assert listing["optimizations"][0]["id"] == run["id"]
    assert listing["optimizations"][0]["states"] == {"complete": 4}
    report = await api.call("GET", "/optimizations/{run_id}/report", 200, run_id=run["id"])
    assert "<html" in report.lower()

    saved = await api.call(
        "POST", "/optimizations/{run_id}/save-best", 201, json_body={"new_id": "tuned"}, run_id=run["id"]
    )
    assert saved == {"profile": "tuned"}
    rsi = json.loads((home.profiles / "tuned" / "RSIMomentumEvaluator.json").read_text())
    assert rsi["period"] == best["settings"]["RSIMomentumEvaluator.period"]
    await api.call(
        "POST", "/optimizations/{run_id}/save-best", 409, json_body={"new_id": "tuned"}, run_id=run["id"]
    )
    await api.call(
        "POST", "/optimizations/{run_id}/save-best", 400, json_body={"new_id": "default"}, run_id=run["id"]
    )
    # the same request again is the same study (its trials come from the store)
    again = await api.call("POST", "/optimizations", 202, json_body=_study())
    assert again["study"] == run["study"] and again["id"] != run["id"]


async def test_a_study_stops_when_asked_and_keeps_its_finished_trials(api, btc_data_file):
    async with api.session.ws_connect(f"{api.base}/api/v1/ws") as socket:
        await socket.send_json({"type": "subscribe", "data": ["optimizer_progress"]})
        await socket.receive_json()
        run = await api.call("POST", "/optimizations", 202, json_body=_study(trials=500, space=None))
        first = await asyncio.wait_for(socket.receive_json(), 300)
        assert first["data"]["id"] == run["id"] and first["data"]["done"] >= 1
        await api.call("POST", "/optimizations/{run_id}/stop", 200, run_id=run["id"])
        events = await _events_until_over(socket, run["id"])
    assert events[-1]["status"] == "stopped" and 1 <= events[-1]["done"] < 500
    result = await api.call("GET", "/optimizations/{run_id}/result", 200, run_id=run["id"])
    assert len(result["trials"]) == events[-1]["done"]
    stopped = await api.call("GET", "/optimizations/{run_id}", 200, run_id=run["id"])
    assert stopped["status"] == "stopped"
    await api.call("POST", "/optimizations/{run_id}/stop", 400, run_id=run["id"])  # not running any more


@pytest.mark.parametrize(
    ("changes", "status", "named"),
    [
        ({"data_files": []}, 400, "data_files"),
        ({"data_files": ["missing"]}, 404, "missing"),
        ({"trials": 0}, 400, "trials"),
        ({"trials": "many"}, 400, "trials"),
        ({"sampler": "genetic"}, 400, "genetic"),
        ({"workers": 0}, 400, "workers"),
        ({"test_share": 1}, 400, "test_share"),
        ({"space": "{not json"}, 400, "space"),
        ({"space": {"RSIMomentumEvaluator": {"period": {"low": -5, "high": 3}}}}, 422, "period"),
        ({"objectives": ["luck"]}, 400, "luck"),
        ({"profile": "nope"}, 404, "nope"),
        ({"start": "2018-04-20", "end": "2018-04-12"}, 400, "start"),
    ],
)
async def test_a_bad_request_is_refused_naming_the_field(api, home, btc_data_file, changes, status, named):
    answer = await api.call("POST", "/optimizations", status, json_body=_study(**changes))
    assert named in answer["message"]
    assert (await api.call("GET", "/optimizations", 200))["optimizations"] == []
    assert not any((home.root / "optimizations").glob("*/space.json"))


async def test_unknown_studies_are_not_found(api):
    for template in ("/optimizations/{run_id}", "/optimizations/{run_id}/result"):
        await api.call("GET", template, 404, run_id="nope")
    await api.call("POST", "/optimizations/{run_id}/stop", 404, run_id="nope")


def test_the_document_lists_the_optimizer_event():
    document = openapi_document()
    events = document["components"]["schemas"]["Event"]["oneOf"]
    assert {"const": "optimizer_progress"} in [event["properties"]["type"] for event in events]
    assert {"get", "post"} == set(document["paths"]["/optimizations"])


async def test_the_optimizer_needs_the_password_and_the_csrf_token(home, builtin_tentacles, btc_data_file):
    octobot.set_web_password(home, "correct horse")
    async with running_server(home) as server, aiohttp.ClientSession() as session:
        api = await ApiClient.connect(session, server.url)
        await api.call("GET", "/optimizations", 401)
        await api.call("POST", "/optimizations", 401, json_body=_study())
        async with session.get(f"{server.url}/optimizer", allow_redirects=False) as response:
            assert response.status in (302, 303) and "/login" in response.headers["Location"]
    jar = aiohttp.CookieJar(unsafe=True)  # keeps the cookies of an IP address (127.0.0.1)
    async with running_server(home) as server, aiohttp.ClientSession(cookie_jar=jar) as session:
        # a session (a browser) without the CSRF token: refused before anything starts
        async with session.get(f"{server.url}/login") as response:
            assert response.status == 200
        csrf = next(cookie.value for cookie in session.cookie_jar if cookie.key == "octobot_csrf")
        login = {"password": "correct horse", "csrf_token": csrf}
        async with session.post(f"{server.url}/login", data=login) as response:
            assert response.status == 200 and response.url.path == "/"  # logged in
        async with session.post(f"{server.url}/api/v1/optimizations", json=_study()) as response:
            assert response.status == 403 and (await response.json())["error"] == "csrf"
    assert not (home.root / "optimizations").exists()
