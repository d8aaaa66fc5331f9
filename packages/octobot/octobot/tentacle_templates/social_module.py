"""TemplateTentacle: a social evaluator (created by `octobot tentacles new --kind social`).

Change `compute_evaluation` and its test in tests/test_template_tentacle.py. A social evaluator runs on
each signal of its feed (``FEED``, or the ``feed`` setting): a webhook call, a Telegram message, a news
item, pushed by a service feed (`octobot tentacles new --kind service_feed` makes one called "webhook").

The contract: ``on_signal`` is a plain method (not async) that RETURNS the evaluation of the signal's
symbol (a float in [-1, 1], +1 the strongest buy; None for no opinion), a ``{symbol: evaluation}`` dict,
or ``UNCHANGED`` to ignore the signal; the framework publishes it. It depends only on the signal and
``self.config``. `octobot tentacles check TemplateTentacle` feeds it one signal per closed candle
(payload ``side`` "buy"/"sell", ``change_percent``, ``close``) in a backtest and live, and compares.
"""

from __future__ import annotations

from typing import Any, ClassVar

from octobot_evaluators import UNCHANGED, Signal, SocialEvaluator


def compute_evaluation(payload: dict[str, Any], strength: float) -> float | object | None:
    """``{"side": "buy"}`` is +strength, ``{"side": "sell"}`` -strength, ``{"score": x}`` x clamped to
    [-1, 1]; anything else is not for us (UNCHANGED: nothing published)."""
    side = str(payload.get("side", "")).lower()
    if side in ("buy", "sell"):
        return strength if side == "buy" else -strength
    score = payload.get("score")
    if isinstance(score, (int, float)) and score == score:  # a number, not NaN
        return max(-1.0, min(1.0, float(score)))
    return UNCHANGED


class TemplateTentacle(SocialEvaluator):
    """Buy and sell calls of a signal feed."""

    TENTACLE_KIND: ClassVar[str] = "social"
    TENTACLE_VERSION: ClassVar[str] = "0.1.0"
    NAME: ClassVar[str | None] = "TemplateTentacle"
    FEED: ClassVar[str | None] = "webhook"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"feed": "webhook", "strength": 0.8}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "feed": {"type": "string", "minLength": 1, "title": "Feed whose signals it evaluates"},
            "strength": {"type": "number", "minimum": 0, "maximum": 1, "title": "Evaluation of a call"},
        },
        "required": ["feed", "strength"],
        "additionalProperties": False,
    }

    def on_signal(self, signal: Signal) -> float | object | None:
        return compute_evaluation(signal.payload, self.config["strength"])
