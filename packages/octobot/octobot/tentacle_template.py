"""`octobot tentacles new`: a working, tested skeleton of a user tentacle in the user tentacles folder.

Why generate a test too: the fastest way to a correct tentacle is to start from one whose test already
passes, then change the logic and the test together.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path

from octobot.errors import AlreadyExistsError, ConfigError
from octobot.tentacle_kind import TentacleKind

TEMPLATE_KINDS = (TentacleKind.TA, TentacleKind.STRATEGY)
_CLASS_NAME = re.compile(r"^[A-Z][A-Za-z0-9]{1,63}$")

_TA_MODULE = '''"""{name}: a technical evaluator (created by `octobot tentacles new --kind ta`).

Change `compute_evaluation` and its test in tests/test_{module}.py: the class around it only
feeds it the closes of its (symbol, time frame) and publishes the result.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from octobot_evaluators import TechnicalEvaluator


def compute_evaluation(closes: np.ndarray, period: int) -> float | None:
    """Momentum over ``period`` candles in [-1, 1]: +1 is the strongest buy, -1 the strongest sell.

    None (no opinion) until there are ``period + 1`` closes. A 10 % move saturates the evaluation.
    """
    if len(closes) <= period:
        return None
    before, last = float(closes[-1 - period]), float(closes[-1])
    if before <= 0:
        return None
    return float(np.clip((last - before) / before * 10.0, -1.0, 1.0))


class {name}(TechnicalEvaluator):
    """Momentum of the closes over a configurable period."""

    TENTACLE_KIND: ClassVar[str] = "ta"
    TENTACLE_VERSION: ClassVar[str] = "0.1.0"
    NAME: ClassVar[str | None] = "{name}"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {{"period": 10}}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {{
        "type": "object",
        "properties": {{
            "period": {{"type": "integer", "minimum": 1, "maximum": 1000, "title": "Period (candles)"}},
        }},
        "required": ["period"],
        "additionalProperties": False,
    }}
    REQUIRED_HISTORY: ClassVar[int] = 11

    @property
    def required_history(self) -> int:
        return self.config["period"] + 1

    def evaluate(self, candles, *, forming: bool) -> float | None:
        closes = candles.closes(self.config["period"] + 1, include_current=forming)
        return compute_evaluation(closes, self.config["period"])
'''

_TA_TEST = '''"""Tests of {name}; run them with:

python -m pytest {test_path}
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import numpy as np
import octobot
import octobot_channel as oc
import octobot_evaluators as oe
from octobot_trading import CandleBuffer

TENTACLES_FOLDER = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TENTACLES_FOLDER))

from {module} import {name}, compute_evaluation  # noqa: E402

HOUR_MS = 3_600_000


def test_rising_closes_are_bullish_and_falling_closes_bearish():
    rising = np.linspace(100.0, 105.0, 20)
    assert 0 < compute_evaluation(rising, 10) <= 1
    assert -1 <= compute_evaluation(rising[::-1], 10) < 0


def test_no_opinion_before_enough_candles():
    assert compute_evaluation(np.array([100.0, 101.0]), 10) is None


def test_the_registry_loads_it_from_the_user_folder():
    registry = octobot.TentacleRegistry.discover(TENTACLES_FOLDER, entry_points=False)
    info = registry.get("{name}")
    assert info.kind is octobot.TentacleKind.TA
    assert info.default_config == {{"period": 10}}


def test_it_publishes_its_evaluation_into_the_matrix():
    async def scenario() -> float | None:
        matrix = oe.EvaluationMatrix("{module}-test")
        await matrix.start(oc.Synchronizer())
        candles = CandleBuffer("BTC/USDT", "1h")
        for index, close in enumerate(np.linspace(100.0, 110.0, 15)):
            candles.append(index * HOUR_MS, close, close + 1, close - 1, close, 10.0)
        context = oe.EvaluatorContext(matrix, "binance", candles=lambda symbol, time_frame: candles)
        evaluator = {name}(context, ["BTC/USDT"], ["1h"])
        try:
            await evaluator.on_closed_candle("BTC/USDT", "1h", candles)
            return matrix.get_value(evaluator.matrix_key("BTC/USDT", "1h"))
        finally:
            await matrix.stop()

    value = asyncio.run(scenario())
    assert value is not None and 0 < value <= 1
'''


_STRATEGY_MODULE = '''"""{name}: a strategy (created by `octobot tentacles new --kind strategy`).

Change `compute_evaluation` and its test in tests/test_{module}.py: the class around it only reads the
TA evaluations of the symbol from the matrix and publishes the result for the trading mode.
"""

from __future__ import annotations

from typing import Any, ClassVar

from octobot_evaluators import Strategy, StrategyTrigger


def compute_evaluation(opinions: list[float | None], min_opinions: int) -> float | None:
    """The average of the evaluators' opinions in [-1, 1] (+1 strongest buy), ignoring those without one.

    None (no opinion) while fewer than ``min_opinions`` evaluators have an opinion.
    """
    known = [opinion for opinion in opinions if opinion is not None]
    if len(known) < max(min_opinions, 1):
        return None
    return sum(known) / len(known)


class {name}(Strategy):
    """Average of the TA evaluations of its time frames, once enough evaluators have an opinion."""

    TENTACLE_KIND: ClassVar[str] = "strategy"
    TENTACLE_VERSION: ClassVar[str] = "0.1.0"
    NAME: ClassVar[str | None] = "{name}"
    REQUIRED_EVALUATORS: ClassVar[tuple[str, ...]] = ("*",)
    REQUIRED_TIME_FRAMES: ClassVar[tuple[str, ...]] = ("1h",)
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {{"min_opinions": 1}}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {{
        "type": "object",
        "properties": {{
            "min_opinions": {{"type": "integer", "minimum": 1, "title": "Evaluators needed for an opinion"}},
        }},
        "required": ["min_opinions"],
        "additionalProperties": False,
    }}

    def evaluate(self, trigger: StrategyTrigger) -> float | None:
        entries = self.ta_evaluations(trigger.symbol).values()
        opinions = [entry.value for entry in entries if entry is not None]
        return compute_evaluation(opinions, self.config["min_opinions"])
'''

_STRATEGY_TEST = '''"""Tests of {name}; run them with:

python -m pytest {test_path}
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import octobot
import octobot_channel as oc
import octobot_evaluators as oe

TENTACLES_FOLDER = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TENTACLES_FOLDER))

from {module} import {name}, compute_evaluation  # noqa: E402

HOUR_MS = 3_600_000


def test_it_averages_the_opinions_it_has():
    assert compute_evaluation([0.5, -0.1, None], min_opinions=1) == 0.2
    assert compute_evaluation([0.5, None], min_opinions=2) is None
    assert compute_evaluation([], min_opinions=1) is None


def test_the_registry_loads_it_from_the_user_folder():
    registry = octobot.TentacleRegistry.discover(TENTACLES_FOLDER, entry_points=False)
    info = registry.get("{name}")
    assert info.kind is octobot.TentacleKind.STRATEGY
    assert info.required_evaluators == ("*",)


def test_it_publishes_the_average_of_the_ta_evaluations():
    async def scenario() -> float | None:
        matrix = oe.EvaluationMatrix("{module}-test")
        await matrix.start(oc.Synchronizer())
        try:
            context = oe.EvaluatorContext(matrix, "binance")
            strategy = {name}(context, ["BTC/USDT"], ["1h"])
            close_time = 10 * HOUR_MS
            for evaluator, value in (("RSI", 0.6), ("Trend", -0.2)):
                key = oe.MatrixKey("binance", oe.EvaluatorType.TA, evaluator, "BTC", "BTC/USDT", "1h")
                matrix.write(key, value, close_time)
            await strategy.run(oe.StrategyTrigger(oe.EvaluatorType.TA, "BTC/USDT", close_time))
            return matrix.get_value(strategy.matrix_key("BTC/USDT"))
        finally:
            await matrix.stop()

    assert abs(asyncio.run(scenario()) - 0.2) < 1e-12
'''

_TEMPLATES = {
    TentacleKind.TA: (_TA_MODULE, _TA_TEST),
    TentacleKind.STRATEGY: (_STRATEGY_MODULE, _STRATEGY_TEST),
}


def snake_case(name: str) -> str:
    """``MyRSIEvaluator`` -> ``my_rsi_evaluator``."""
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text).lower()


def create_tentacle(name: str, kind: TentacleKind, folder: Path, force: bool = False) -> list[Path]:
    """Write ``<folder>/<module>.py`` and ``<folder>/tests/test_<module>.py``; return both paths."""
    if kind not in TEMPLATE_KINDS:
        raise ConfigError(
            f"no template for kind '{kind.value}' yet; "
            f"available: {', '.join(k.value for k in TEMPLATE_KINDS)}"
        )
    if not _CLASS_NAME.match(name) or keyword.iskeyword(name):
        raise ConfigError(f"invalid tentacle name {name!r}: use a CamelCase class name, e.g. MyRSIEvaluator")
    module = snake_case(name)
    source = folder / f"{module}.py"
    test = folder / "tests" / f"test_{module}.py"
    for path in (source, test):
        if path.exists() and not force:
            raise AlreadyExistsError(f"{path} already exists (use --force to overwrite it)")
    test.parent.mkdir(parents=True, exist_ok=True)
    module_template, test_template = _TEMPLATES[kind]
    source.write_text(module_template.format(name=name, module=module), encoding="utf-8")
    test.write_text(test_template.format(name=name, module=module, test_path=test), encoding="utf-8")
    return [source, test]
