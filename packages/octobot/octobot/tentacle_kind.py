"""The kinds of tentacles the registry knows, and the parsing of a class's declared kind."""

from __future__ import annotations

from enum import Enum


class TentacleKind(str, Enum):
    """What a tentacle is; a profile activates each kind in its own place."""

    TA = "ta"
    REAL_TIME = "real_time"
    SOCIAL = "social"
    STRATEGY = "strategy"
    TRADING_MODE = "trading_mode"
    INTERFACE = "interface"
    NOTIFIER = "notifier"
    SERVICE_FEED = "service_feed"
    DATA_COLLECTOR = "data_collector"
    IMPORTER = "importer"

    def __str__(self) -> str:
        return self.value

    @property
    def is_evaluator(self) -> bool:
        """The kinds a profile lists under "evaluators"."""
        return self in _EVALUATOR_KINDS


_EVALUATOR_KINDS = frozenset({TentacleKind.TA, TentacleKind.REAL_TIME, TentacleKind.SOCIAL})
_ALIASES = {
    "technical": TentacleKind.TA,
    "realtime": TentacleKind.REAL_TIME,
    "mode": TentacleKind.TRADING_MODE,
}


def parse_kind(value: object) -> TentacleKind:
    """The kind for a declared value: a TentacleKind, a string or a str Enum (``EvaluatorType.TA``), any case.

    Raises ValueError naming the valid kinds.
    """
    if isinstance(value, TentacleKind):
        return value
    text = value.value if isinstance(value, Enum) else value
    if isinstance(text, str):
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        try:
            return TentacleKind(key)
        except ValueError:
            if key in _ALIASES:
                return _ALIASES[key]
    valid = ", ".join(kind.value for kind in TentacleKind)
    raise ValueError(f"unknown tentacle kind {value!r}; valid kinds: {valid}")
