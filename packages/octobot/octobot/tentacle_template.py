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

TEMPLATE_KINDS = (TentacleKind.TA,)
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

    async def evaluate(self, candles, *, forming: bool) -> None:
        closes = candles.closes(include_current=forming)
        self.eval_note = compute_evaluation(closes, self.config["period"])
        await self.evaluation_completed()
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
    source.write_text(_TA_MODULE.format(name=name, module=module), encoding="utf-8")
    test.write_text(_TA_TEST.format(name=name, module=module, test_path=test), encoding="utf-8")
    return [source, test]
