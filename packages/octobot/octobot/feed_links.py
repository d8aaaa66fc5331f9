"""The orchestrator's link from a service feed to a trading mode that acts on its signals itself.

Why here: the TradingView signals mode (octobot-trading) knows nothing of feeds (octobot-evaluators
owns their channel, octobot the feeds); it exposes a plain ``on_signal(text)`` and declares
``REQUIRED_FEEDS``; the orchestrator subscribes it to those feeds. A signal the mode refuses (a wrong
pair, a malformed alert) is logged with the reason and never stops the feed or the bot.
"""

from __future__ import annotations

import logging
from typing import Any

import octobot_channel as oc
import octobot_evaluators as oe
import octobot_trading as ot

logger = logging.getLogger(__name__)


async def link_mode_to_feed(
    matrix: oe.EvaluationMatrix, mode: ot.AbstractTradingMode, feed: str
) -> tuple[oc.Channel, oc.Consumer]:
    """Give ``mode.on_signal`` the text of every signal of ``feed``; returns what to remove to unlink."""
    on_signal = getattr(mode, "on_signal", None)
    if on_signal is None:
        raise TypeError(f"{mode.get_name()} declares REQUIRED_FEEDS but has no on_signal(text) method")
    channel = oc.get_channel(oe.SocialFeedChannel, scope=matrix.matrix_id)

    async def deliver(message: dict[str, Any]) -> None:
        text = message["payload"].get("text")
        if not isinstance(text, str) or not text.strip():
            logger.warning("%s: a signal of %s without text ignored", mode.get_name(), feed)
            return
        try:
            await on_signal(text)
        except Exception as error:  # a bad alert must not stop the feed: say why it was refused
            logger.warning("%s: signal of %s refused: %s", mode.get_name(), feed, error)

    consumer = await channel.new_consumer(
        deliver, priority=oc.Priority.MEDIUM, filters={"feed": feed}, name=f"{mode.get_name()}<-{feed}"
    )
    return channel, consumer
