"""The channels of this package, all created in the scope of one evaluation matrix (its id).

Why scoped by matrix id: one bot and many backtests live in one process, each with its own matrix, and
must never see each other's evaluations.
"""

from __future__ import annotations

import octobot_channel as oc
from octobot_evaluators.matrix_key import KEY_FIELDS


class MatrixChannel(oc.Channel):
    """Every evaluation published into the matrix; strategies and trading modes consume it.

    Message: the key fields (exchange, evaluator_type, evaluator_name, cryptocurrency, symbol, time_frame)
    and the `MatrixKey` they make (``key``), plus ``evaluation`` (float or None), ``evaluation_time`` and
    ``valid_until`` (ms), ``matrix_id`` and ``refresh`` (True when it answers a refresh request, on a candle
    still forming).
    """

    FILTER_FIELDS = KEY_FIELDS


class EvaluatorsChannel(oc.Channel):
    """Commands between evaluators: a strategy asks TA evaluators to refresh, or anyone asks a reset.

    Message: ``command`` ("refresh" or "reset"), exchange, evaluator_type, symbol, time_frame, ``time``
    (ms, the instant the refresh is for), ``source`` (who asked) and optional ``evaluator_name`` (a single
    target; absent means every evaluator matching the filters).
    """

    FILTER_FIELDS = ("exchange", "evaluator_type", "symbol", "time_frame")


class SocialFeedChannel(oc.Channel):
    """Signals of social feeds (posts, messages, webhooks); social evaluators consume them.

    Message: ``feed`` (the feed's name), ``source``, ``payload`` (dict), ``time`` (ms), ``symbol`` (or
    None when the signal is not about one symbol).
    """

    FILTER_FIELDS = ("feed",)
