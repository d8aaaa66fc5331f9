"""Helpers of the web interface's tests: a server on an ephemeral loopback port, and an API client that
checks every answer against the OpenAPI document the server publishes."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import jsonschema

import octobot
from octobot.web.app import WebServer, create_context
from octobot.web.openapi import openapi_document


@asynccontextmanager
async def running_server(
    home: octobot.UserHome, bot: Any = None, control: Any = None
) -> AsyncIterator[WebServer]:
    registry = octobot.TentacleRegistry.discover(home.tentacles)
    server = WebServer(create_context(home, registry, bot=bot, control=control), "127.0.0.1", 0)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


class ApiClient:
    """Calls `/api/v1` and validates each answer (JSON, or an HTML report) with the schema the OpenAPI
    document gives for (path template, method, status, content type); an answer the document does not
    describe fails the test."""

    def __init__(self, session: aiohttp.ClientSession, base: str, document: dict[str, Any]) -> None:
        self.session = session
        self.base = base
        self.document = document
        self.token: str | None = None
        self.checked: set[tuple[str, str, int]] = set()

    @classmethod
    async def connect(cls, session: aiohttp.ClientSession, base: str) -> ApiClient:
        async with session.get(f"{base}/api/v1/openapi.json") as response:
            assert response.status == 200
            return cls(session, base, await response.json())

    async def log_in(self, password: str = "") -> None:
        """Take a bearer token (with no password set, any password gets one)."""
        self.token = (await self.call("POST", "/token", 200, json_body={"password": password}))["token"]

    def _described(self, template: str, method: str, status: int) -> dict[str, Any]:
        operation = self.document["paths"][template][method.lower()]
        described = operation["responses"].get(str(status))
        assert described is not None, (
            f"{method} {template} answered {status}, which the document does not describe"
        )
        return dict(described["content"])

    async def call(
        self,
        method: str,
        template: str,
        status: int,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
        **path: str,
    ) -> Any:
        url = self.base + "/api/v1" + re.sub(r"\{(\w+)\}", lambda m: str(path[m.group(1)]), template)
        sent = dict(headers or {})
        if self.token:
            sent.setdefault("Authorization", f"Bearer {self.token}")
        async with self.session.request(
            method, url, params=params, json=json_body, data=data, headers=sent
        ) as response:
            text = await response.text()
            assert response.status == status, f"{method} {url}: {response.status} {text}"
            kind = response.content_type
        content = self._described(template, method, status)
        assert kind in content, f"{method} {template}: answered {kind}, the document says {list(content)}"
        body = json.loads(text) if kind == "application/json" else text
        schema = {**content[kind]["schema"], "components": self.document["components"]}
        jsonschema.Draft202012Validator(schema).validate(body)
        self.checked.add((template, method.lower(), status))
        return body


def check_event(event: dict[str, Any]) -> None:
    """Validate a websocket event against the document's Event schema: the envelope and the schema of
    its type's data (an event of an unknown type, or with data of another shape, fails)."""
    schema = {"$ref": "#/components/schemas/Event", "components": openapi_document()["components"]}
    jsonschema.Draft202012Validator(schema).validate(event)
