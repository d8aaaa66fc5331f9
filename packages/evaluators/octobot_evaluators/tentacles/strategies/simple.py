"""Simple strategy: the plain average of the active evaluators' opinions."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from octobot_evaluators.evaluator_type import EvaluatorType
from octobot_evaluators.matrix_key import MatrixKey
from octobot_evaluators.strategy import Strategy, StrategyTrigger


class SimpleStrategyEvaluator(Strategy):
    """Averages the TA evaluations of its time frames (and, unless disabled, the latest real-time and social
    evaluations of the symbol), skipping evaluators with no opinion yet. Runs once per complete TA cycle
    and after each real-time or social evaluation; None when nobody has an opinion.
    """

    NAME: ClassVar[str | None] = "SimpleStrategyEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    REQUIRED_EVALUATORS: ClassVar[tuple[str, ...]] = ("*",)
    REQUIRED_TIME_FRAMES: ClassVar[tuple[str, ...]] = ("1h", "4h", "1d")
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"include_real_time": True, "refresh_ta_on_real_time": False}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "include_real_time": {
                "type": "boolean",
                "title": "Also average the latest real-time and social evaluations",
            },
            "refresh_ta_on_real_time": {
                "type": "boolean",
                "title": "Refresh TA evaluators on the forming candle before a real-time run",
            },
        },
        "additionalProperties": False,
    }

    async def evaluate(self, trigger: StrategyTrigger) -> None:
        values = [entry.value for entry in self.ta_evaluations(trigger.symbol).values() if entry is not None]
        if self.config["include_real_time"]:
            for kind in (EvaluatorType.REAL_TIME, EvaluatorType.SOCIAL):
                entries = self.matrix.evaluations(self.exchange, kind, trigger.symbol)
                values.extend(entry.value for entry in entries.values() if entry is not None)
        opinions = [value for value in values if value is not None]
        self.eval_note = sum(opinions) / len(opinions) if opinions else None
        await self.strategy_completed()

    SUPPORTS_CANDLE_RUNS: ClassVar[bool] = True

    def evaluate_run(
        self, symbol: str, times: np.ndarray, ta_runs: dict[MatrixKey, np.ndarray]
    ) -> np.ndarray:
        # the same opinions in the same order as `evaluate`, added left to right as sum() does
        columns: list[np.ndarray | float] = []
        for key, entry in self.ta_evaluations(symbol).items():
            if key in ta_runs:
                columns.append(ta_runs[key])
            elif entry is not None and entry.value is not None:
                columns.append(entry.value)
        if self.config["include_real_time"]:
            for kind in (EvaluatorType.REAL_TIME, EvaluatorType.SOCIAL):
                entries = self.matrix.evaluations(self.exchange, kind, symbol)
                columns.extend(
                    entry.value for entry in entries.values() if entry is not None and entry.value is not None
                )
        if len(columns) == 1 and isinstance(columns[0], np.ndarray):
            return columns[0].astype(np.float64, copy=True)  # one opinion: its own average
        total = np.zeros(len(times), dtype=np.float64)
        count = np.zeros(len(times), dtype=np.float64)
        for column in columns:
            values = np.broadcast_to(np.asarray(column, dtype=np.float64), total.shape)
            known = ~np.isnan(values)
            total[known] += values[known]
            count[known] += 1.0
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / count, np.nan)
