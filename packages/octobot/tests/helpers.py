"""Helpers shared by the octobot octobot tests (imported relatively: the tests folder is a package)."""

from __future__ import annotations

import io
import json
import os
import textwrap
from pathlib import Path

import octobot
from octobot.cli import main

# Real tentacles on the real bases of octobot_evaluators and octobot_trading, loaded from the user folder.
USER_TENTACLES = '''
from typing import Any, ClassVar

import numpy as np
import octobot_evaluators as oe
import octobot_trading as ot


class LastMoveEvaluator(oe.TechnicalEvaluator):
    """Sign of the last close-to-close move."""

    TENTACLE_VERSION: ClassVar[str] = "1.2.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"strength": 0.5}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"strength": {"type": "number", "minimum": 0, "maximum": 1}},
        "additionalProperties": False,
    }

    def evaluate(self, candles, *, forming: bool) -> float | None:
        closes = candles.closes(include_current=forming)
        move = float(np.sign(closes[-1] - closes[-2])) if len(closes) > 1 else None
        return None if move is None else move * self.config["strength"]


class VolumeUpEvaluator(oe.TechnicalEvaluator):
    """Bullish when the volume rises."""

    def evaluate(self, candles, *, forming: bool) -> float:
        volumes = candles.volumes(include_current=forming)
        return 0.2 if len(volumes) > 1 and volumes[-1] > volumes[-2] else 0.0


class BothMovesStrategy(oe.Strategy):
    """Average of LastMoveEvaluator and VolumeUpEvaluator."""

    REQUIRED_EVALUATORS: ClassVar[tuple[str, ...]] = ("LastMoveEvaluator", "VolumeUpEvaluator")
    REQUIRED_TIME_FRAMES: ClassVar[tuple[str, ...]] = ("4h", "1h")

    def evaluate(self, trigger) -> float | None:
        entries = self.ta_evaluations(trigger.symbol).values()
        values = [e.value for e in entries if e is not None and e.value is not None]
        return sum(values) / len(values) if values else None


class FollowBothMode(ot.AbstractTradingMode):
    """Trades on BothMovesStrategy."""

    NAME: ClassVar[str | None] = "FollowBothMode"
    REQUIRED_STRATEGIES: ClassVar[tuple[str, ...]] = ("BothMovesStrategy",)

    def decide_state(self, symbol, evaluation):
        return ot.TradingModeState.NEUTRAL

    def plan_orders(self, symbol, state, evaluation):
        return ot.OrderPlan(symbol)
'''


def valid_profile() -> dict:
    """A profile using the user tentacles above."""
    return {
        "name": "mine",
        "description": "test profile",
        "exchanges": ["binance"],
        "pairs": ["BTC/USDT", "ETH/USDT"],
        "time_frames": ["1h"],
        "trading_mode": "FollowBothMode",
        "strategies": ["BothMovesStrategy"],
        "evaluators": ["LastMoveEvaluator", "VolumeUpEvaluator"],
        "risk": 0.4,
        "reference_market": "USDT",
        "simulator": {
            "enabled": True,
            "starting_portfolio": {"USDT": 1000, "BTC": "0.05"},
            "fees": {"maker_percent": 0.1, "taker_percent": "0.075"},
        },
        "shutdown": {"open_orders": "keep"},
    }


def write_profile(home: octobot.UserHome, content: dict | str, name: str = "mine", **tentacle_files) -> Path:
    """A user profile folder holding ``content`` (a dict, or raw text for malformed JSON cases)."""
    folder = home.profiles / name
    folder.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content, indent=2)
    (folder / "profile.json").write_text(text, encoding="utf-8")
    for tentacle, config in tentacle_files.items():
        (folder / f"{tentacle}.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


def run_cli(*argv: str) -> tuple[int, str, str]:
    """Run `octobot ARGV` in process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip()


def shared_data() -> Path:
    """The real market data folder (OCTOBOT_SHARED_DATA, default <repo root>/../shared/data)."""
    repo_root = Path(__file__).resolve().parents[3]
    return Path(os.environ.get("OCTOBOT_SHARED_DATA", repo_root.parent / "shared" / "data"))


# The built-in tentacles, declared as entry points exactly as their packages' pyproject files do.
BUILTIN_ENTRY_POINTS = {
    "RSIMomentumEvaluator": "octobot_evaluators.tentacles.ta.momentum:RSIMomentumEvaluator",
    "DoubleMovingAverageTrendEvaluator": (
        "octobot_evaluators.tentacles.ta.trend:DoubleMovingAverageTrendEvaluator"
    ),
    "SimpleStrategyEvaluator": "octobot_evaluators.tentacles.strategies.simple:SimpleStrategyEvaluator",
    "DailyTradingMode": "octobot_trading.modes.daily_trading_mode:DailyTradingMode",
}


def install_distribution(root: Path, name: str, entry_points: dict[str, str], version: str = "1.0.0") -> Path:
    """An installed distribution as importlib.metadata sees it: a .dist-info folder with entry points."""
    info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    lines = "\n".join(f"{key} = {value}" for key, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[octobot.tentacles]\n{lines}\n")
    return info
