"""RemoteSignalsFeed: the endpoint a bot receives another bot's order signals on.

The emitting bot's `OrderSignalsNotifier` (with its ``url`` set) POSTs each order signal as the JSON
document `octobot_trading.OrderSignal.to_json` writes to ``<url>/<token>``, the moment its order is
created or cancelled; this feed checks the document and publishes it, and the orchestrator hands it to
`RemoteSignalsTradingMode.on_signal`, which declares ``REQUIRED_FEEDS = ("RemoteSignalsFeed",)``: nothing
polls, a signal crosses from one bot to the other as one HTTP call.

It is the webhook (`WebhookFeed`) with its own service, ``signals``, whose ``token`` is the secret
both bots share (``services.signals.token`` in each user config, or
``$OCTOBOT_SERVICE_SIGNALS_TOKEN``): a wrong token gets a 404 like any unknown path, a body that is
not an order signal a 400 naming the problem (the emitter logs it), ``allowed_ips`` limits the callers.
"""

from __future__ import annotations

from typing import Any, ClassVar

import octobot_evaluators as oe
import octobot_trading as ot
from octobot.services.webhook_feed import WebhookFeed, alert_signal


class RemoteSignalsFeed(WebhookFeed):
    """Order signals of another bot, posted to a secret URL, on this bot's event loop."""

    NAME: ClassVar[str | None] = "RemoteSignalsFeed"
    SERVICE: ClassVar[str | None] = "signals"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        **WebhookFeed.DEFAULT_CONFIG,
        "port": 9002,
        "path": "/signals",
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = WebhookFeed.CONFIG_SCHEMA

    def read_call(self, body: bytes, remote: str, now_ms: int) -> oe.Signal:
        """The call's body must be one order signal document (ValueError naming the problem: a 400)."""
        try:
            signal = ot.read_signal(body)
        except ot.OrderSignalError as error:
            raise ValueError(f"not an order signal: {error}") from error
        published = alert_signal(body, remote, now_ms)
        return oe.Signal(published.source, published.payload, published.time, signal.symbol)
