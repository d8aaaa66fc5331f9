"""BotStateWatcher: the bot's paused / active state as websocket ``bot_state`` events, whichever interface
paused or resumed it (Telegram, the API, a page of this interface).

Why it listens to the control API's log: every interface holds a `BotControl` of its own and BotControl
keeps no state, so there is no one object to observe; but every command of every interface is logged once
by the `octobot.bot_control` logger, after it ran (BotControl's contract). After each of those records the
watcher reads the state the commands change, on the interface's loop, and publishes it when it differs
from the last one published. Event driven: nothing is read between commands. While attached, the logger
lets INFO records through even when the log setup would drop them (a quieter console or package level):
those are the command lines the contract promises, and the watcher's only signal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from octobot import bot_control
from octobot.web.hub import EventHub

#: the logger every BotControl command is logged on
CONTROL_LOGGER = bot_control.__name__


class BotStateWatcher(logging.Handler):
    """Publishes ``{"paused": bool}`` on ``hub`` when a command changed ``control.paused`` (see module
    docstring); `attach` and `detach` add and remove it from the control API's logger."""

    def __init__(self, hub: EventHub, control: Any, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(logging.NOTSET)
        self.hub = hub
        self.control = control
        self.loop = loop
        self.paused: bool = bool(control.paused)
        self._level_before: int | None = None

    def attach(self) -> None:
        control_logger = logging.getLogger(CONTROL_LOGGER)
        if not control_logger.isEnabledFor(logging.INFO):
            self._level_before = control_logger.level
            control_logger.setLevel(logging.INFO)
        control_logger.addHandler(self)

    def detach(self) -> None:
        control_logger = logging.getLogger(CONTROL_LOGGER)
        control_logger.removeHandler(self)
        if self._level_before is not None:
            control_logger.setLevel(self._level_before)
            self._level_before = None

    def emit(self, record: logging.LogRecord) -> None:
        # a command may be logged from another thread: the state is read and published on the loop
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody to tell
            self.loop.call_soon_threadsafe(self.check)

    def check(self) -> None:
        """Publish the state if it changed since the last event (a pause of a paused bot sends none)."""
        paused = bool(self.control.paused)
        if paused == self.paused:
            return
        self.paused = paused
        self.hub.publish("bot_state", {"paused": paused})
