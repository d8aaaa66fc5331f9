"""Running a bot until the user stops it: SIGINT (Ctrl+C) or SIGTERM stop it gracefully.

Why an Event and signal handlers on the loop: the bot keeps one event loop; a signal only sets the
event, and the shutdown then runs as ordinary coroutines (reverse order, no task left behind), instead
of a KeyboardInterrupt tearing through whatever was running.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from octobot.bot import OctoBot

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


async def run_until_signalled(
    bot: OctoBot, signals: tuple[signal.Signals, ...] = STOP_SIGNALS
) -> signal.Signals | None:
    """Start ``bot``, wait for one of ``signals`` or its `request_stop`, stop it; return the signal
    received (None for a stop requested through an interface)."""
    loop = asyncio.get_running_loop()
    received: list[signal.Signals] = []

    def request_stop(signum: signal.Signals) -> None:
        received.append(signum)
        bot.stop_requested.set()

    for signum in signals:
        loop.add_signal_handler(signum, request_stop, signum)
    try:
        await bot.start()
        logger.info("%s running; stop it with Ctrl+C (SIGINT) or SIGTERM", bot.bot_id)
        await bot.stop_requested.wait()
        if received:
            logger.info("%s received %s: stopping", bot.bot_id, received[0].name)
        else:
            logger.info("%s: stop requested through an interface: stopping", bot.bot_id)
    finally:
        for signum in signals:
            loop.remove_signal_handler(signum)
        await bot.stop()
    return received[0] if received else None
