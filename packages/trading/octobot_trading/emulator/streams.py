"""Websocket streams of the emulator (placeholder until the stream hub lands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from octobot_trading.emulator.server import ExchangeEmulator


class StreamHub:
    def __init__(self, emulator: ExchangeEmulator) -> None:
        self.emulator = emulator

    def register(self, app: web.Application) -> None:
        pass

    async def flush(self) -> None:
        pass

    async def close(self) -> None:
        pass
