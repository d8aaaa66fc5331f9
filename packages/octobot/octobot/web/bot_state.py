"""BotStateWatcher: the bot's paused / active state as websocket ``bot_state`` events, whichever interface
paused or resumed it (Telegram, the API, a page of this interface).

Every interface holds a `BotControl` of its own, and the pause is a flag on each trading mode; what they
share is the bot, which calls its ``command_listeners`` after each command any BotControl ran. After each
command the watcher reads the state the commands change and publishes it when it differs from the last
one published. Event driven: nothing is read between commands.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from octobot.web.hub import EventHub


class BotStateWatcher:
    """Publishes ``{"paused": bool}`` on ``hub`` when a command changed ``control.paused``; `attach` and
    `detach` add and remove it from the bot's command listeners."""

    def __init__(self, hub: EventHub, control: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.hub = hub
        self.control = control
        self.loop = loop
        self.paused: bool = bool(control.paused)

    def attach(self) -> None:
        self.control.bot.command_listeners.append(self.on_command)

    def detach(self) -> None:
        with contextlib.suppress(ValueError):
            self.control.bot.command_listeners.remove(self.on_command)

    def on_command(self, command: str, source: str) -> None:
        # a command may run on another thread (an interface of its own): read and publish on the loop
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody to tell
            self.loop.call_soon_threadsafe(self.check)

    def check(self) -> None:
        """Publish the state if it changed since the last event (a pause of a paused bot sends none)."""
        paused = bool(self.control.paused)
        if paused == self.paused:
            return
        self.paused = paused
        self.hub.publish("bot_state", {"paused": paused})
