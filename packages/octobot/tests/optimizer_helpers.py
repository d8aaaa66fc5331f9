"""Helpers of the optimizer tests: a short real-data window, study options, a tentacle that kills its
process once (a worker lost mid-trial)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import octobot

#: a short window of the real BTC/USDT 1h file (about 190 candles): a trial takes a few hundredths of a
#: second, and the default profile still trades in it
WINDOW = ("--start", "2018-04-12", "--end", "2018-04-20")
START_MS = 1523491200000  # 2018-04-12
END_MS = 1524182400000  # 2018-04-20

#: a space of four settings of the default profile, small enough for a grid of 24
SMALL_SPACE = {
    "RSIMomentumEvaluator": {
        "period": {"low": 7, "high": 21, "step": 7},
        "oversold": {"choices": [25.0, 35.0]},
    },
    "DoubleMovingAverageTrendEvaluator": {"slow_period": {"low": 12, "high": 20, "step": 8}},
    "DailyTradingMode": {"cancel_open_orders": {"type": "boolean"}},
}


def write_space(folder: Path, content: Any, name: str = "space.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def comparable(trials: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What must be identical between two runs of one study: settings, states and every figure."""
    return [
        (t["number"], json.dumps(t["settings"], sort_keys=True), t["state"], t["objectives"], t["figures"])
        for t in trials
    ]


CRASH_ONCE_TENTACLE = '''
import os
from typing import Any, ClassVar

import octobot_evaluators as oe


class CrashOnceEvaluator(oe.TechnicalEvaluator):
    """Kills its process the first time it evaluates (when its marker file does not exist yet)."""

    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"marker": ""}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"marker": {"type": "string"}},
        "additionalProperties": False,
    }

    def evaluate(self, candles, *, forming: bool) -> float | None:
        marker = self.config["marker"]
        if marker and not os.path.exists(marker):
            with open(marker, "w") as handle:
                handle.write(str(os.getpid()))
            os._exit(1)
        return 0.0
'''


def crash_once_profile(home: octobot.UserHome, marker: Path) -> str:
    """A copy of the default profile whose extra evaluator kills the first process that runs a trial."""
    (home.tentacles / "crash_once.py").write_text(CRASH_ONCE_TENTACLE, encoding="utf-8")
    target = octobot.copy_profile("default", "crashy", home)
    profile = json.loads((target / "profile.json").read_text())
    profile["evaluators"].append("CrashOnceEvaluator")
    (target / "profile.json").write_text(json.dumps(profile))
    (target / "CrashOnceEvaluator.json").write_text(json.dumps({"marker": str(marker)}))
    return "crashy"
