"""A user's MACD evaluator, made as the README tells a user to: `octobot tentacles new --kind ta`, then
the rule filled in with the public indicator library.

Why generate it rather than ship it: the benchmark measures what a new tentacle costs, written from the
template and loaded by the user tentacle loader, not a built-in tentacle tuned by the framework's authors.
The template gives the file, its test and the class skeleton; the generated module is then rewritten
with the MACD rule below, in the template's shape (a pure function of the indicator values, and a class
that feeds it), keeping per-candle work O(1) with the incremental `oe.MACD` as the evaluators README
shows (``update(candles.last_close)`` once per closed candle, ``peek`` on a refresh).
"""

from __future__ import annotations

import io
from pathlib import Path

import octobot
from octobot.cli import main as octobot_cli

NAME = "MacdHistogramEvaluator"
MODULE = "macd_histogram_evaluator"

_RULE = '''"""{name}: MACD histogram crosses (made by `octobot tentacles new --kind ta`, rule filled in)."""

from __future__ import annotations

from typing import Any, ClassVar

import octobot_evaluators as oe
from octobot_evaluators import TechnicalEvaluator


def compute_evaluation(histogram: float) -> float | None:
    """+1 (strongest buy) while the MACD histogram is above zero, -1 below, 0 on it; None while warming up.

    With a trading mode acting on changes of state, it buys when the histogram crosses above zero and
    sells when it crosses below.
    """
    if histogram != histogram:  # NaN: warming up
        return None
    return 1.0 if histogram > 0 else (-1.0 if histogram < 0 else 0.0)


class {name}(TechnicalEvaluator):
    """MACD(fast, slow, signal) of the closes; the sign of its histogram is the evaluation."""

    TENTACLE_KIND: ClassVar[str] = "ta"
    TENTACLE_VERSION: ClassVar[str] = "0.1.0"
    NAME: ClassVar[str | None] = "{name}"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {{"fast": 12, "slow": 26, "signal": 9}}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {{
        "type": "object",
        "properties": {{
            "fast": {{"type": "integer", "minimum": 2, "maximum": 500, "title": "Fast EMA period"}},
            "slow": {{"type": "integer", "minimum": 3, "maximum": 1000, "title": "Slow EMA period"}},
            "signal": {{"type": "integer", "minimum": 2, "maximum": 500, "title": "Signal EMA period"}},
        }},
        "required": ["fast", "slow", "signal"],
        "additionalProperties": False,
    }}
    REQUIRED_HISTORY: ClassVar[int] = 200

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._macd = oe.MACD(self.config["fast"], self.config["slow"], self.config["signal"])

    @property
    def required_history(self) -> int:
        return 5 * (self.config["slow"] + self.config["signal"])

    def evaluate(self, candles, *, forming: bool) -> float | None:
        if forming:  # a refresh: what the forming candle would give, without keeping it
            current = candles.current_candle
            value = self._macd.value if current is None else self._macd.peek(current.close)
        else:  # one closed candle per call, in order
            value = self._macd.update(candles.last_close)
        return compute_evaluation(value.histogram)

    async def reset(self) -> None:
        await super().reset()
        self._macd = oe.MACD(self.config["fast"], self.config["slow"], self.config["signal"])
'''


def create_macd_tentacle(home: Path) -> Path:
    """Generate the TA template in ``home``'s tentacles folder with the CLI, check that the user
    tentacle loader finds it, fill in the MACD rule; returns the tentacles folder."""
    out, err = io.StringIO(), io.StringIO()
    code = octobot_cli(["--home", str(home), "tentacles", "new", "--kind", "ta", NAME], out=out, err=err)
    if code != 0:
        raise RuntimeError(f"`octobot tentacles new --kind ta {NAME}` failed ({code}): {err.getvalue()}")
    folder = octobot.UserHome.resolve(home).tentacles
    module = folder / f"{MODULE}.py"
    generated = octobot.TentacleRegistry.discover(folder, entry_points=False).get(NAME)
    if generated.kind is not octobot.TentacleKind.TA:
        raise RuntimeError(f"the template made a {generated.kind} tentacle, not a TA evaluator")
    module.write_text(_RULE.format(name=NAME), encoding="utf-8")
    return folder
