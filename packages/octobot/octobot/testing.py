"""Test helpers for tentacle authors: the equivalence check as an assertion, and pytest fixtures.

    from octobot.testing import assert_tentacle_equivalent, check_sources_or_skip

    def test_my_evaluator_behaves_the_same_in_a_backtest_and_live(tmp_path):
        assert_tentacle_equivalent(
            MyEvaluator, sources=check_sources_or_skip(), candles=300, home=octobot.UserHome(tmp_path)
        )

(``home``: a private user folder, where data files are imported; the fixtures ``octobot_home`` and
``tentacle_check_sources`` do the same through ``pytest_plugins = ["octobot.testing"]`` in your top-level
conftest.py). Candles come
from ``$OCTOBOT_CHECK_DATA`` (a data file, or folders searched like `octobot backtest` searches them,
separated by ``os.pathsep``) and the user's data folder.

Why an assertion and not a boolean: a failing check must show, in the test output, at which candle and
by how much the backtest and the live run differ.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from octobot.home import HOME_ENV, UserHome
from octobot.tentacle_check import TentacleCheckReport, check_tentacle_async

try:  # pytest is a test requirement, not a runtime one: without it, the assertions still work
    import pytest
except ImportError:  # pragma: no cover - exercised by the wheel check, which installs no pytest
    pytest = None  # type: ignore[assignment]

#: where the helpers find candles: a data file, or folders, separated by os.pathsep
DATA_ENV = "OCTOBOT_CHECK_DATA"
#: candles of the smallest time frame a test checks by default (after the warm-up): enough to trade a few
#: times, quick enough for a unit test
DEFAULT_TEST_CANDLES = 300

__all__ = [
    "DATA_ENV",
    "DEFAULT_TEST_CANDLES",
    "assert_tentacle_equivalent",
    "assert_tentacle_equivalent_async",
    "check_data_sources",
    "check_sources_or_skip",
    "octobot_home",
    "tentacle_check_sources",
]


def check_data_sources(environ: Mapping[str, str] | None = None) -> list[Path]:
    """The files and folders named by ``$OCTOBOT_CHECK_DATA`` (empty when unset)."""
    text = (os.environ if environ is None else environ).get(DATA_ENV, "")
    return [Path(part).expanduser() for part in text.split(os.pathsep) if part.strip()]


def _data_options(sources: Sequence[Path]) -> dict[str, Any]:
    files = [source for source in sources if source.is_file()]
    return {"data": files[0] if files else None, "data_dirs": [s for s in sources if not s.is_file()]}


async def assert_tentacle_equivalent_async(
    tentacle: str | type,
    data: Path | str | None = None,
    *,
    sources: Sequence[Path] | None = None,
    candles: int | None = DEFAULT_TEST_CANDLES,
    **options: Any,
) -> TentacleCheckReport:
    """Run the equivalence check (`octobot.tentacle_check`) and raise AssertionError with its report
    lines unless the tentacle behaves the same in two backtests and live and keeps the contract.

    ``data``: a candle file; else the first file of ``sources`` (default ``$OCTOBOT_CHECK_DATA``), else a
    file holding the checked pairs and time frames in the user's data folder or the folders of ``sources``.
    Other options go to `check_tentacle_async` (profile, pairs, time_frames, config, tolerance...).
    """
    found = _data_options(check_data_sources() if sources is None else list(sources))
    if data is not None:
        found["data"] = data
    report = await check_tentacle_async(tentacle, candles=candles, **found, **options)
    if not report.ok:
        raise AssertionError("\n".join(report.lines()))
    return report


def assert_tentacle_equivalent(
    tentacle: str | type, data: Path | str | None = None, **options: Any
) -> TentacleCheckReport:
    """`assert_tentacle_equivalent_async` from a plain (not async) test."""
    import asyncio

    return asyncio.run(assert_tentacle_equivalent_async(tentacle, data, **options))


def check_sources_or_skip() -> list[Path]:
    """``$OCTOBOT_CHECK_DATA`` as paths; skips the calling test when it is unset and the user's data
    folder holds no file (collect some with `octobot data collect`, or point the variable at candle
    files)."""
    sources = check_data_sources()
    if not sources:
        data = UserHome.resolve(None).data
        if not (data.is_dir() and any(path.is_file() for path in data.iterdir())):
            if pytest is None:
                raise RuntimeError(f"no candles for the equivalence check: set {DATA_ENV}")
            pytest.skip(
                f"no candles for the equivalence check: set {DATA_ENV} to a data file or folder, or "
                "collect data with `octobot data collect`"
            )
    return sources


if pytest is not None:

    @pytest.fixture
    def octobot_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[UserHome]:
        """A private user folder ($OCTOBOT_HOME) for one test: profiles, tentacles and imported data
        stay out of the real one."""
        home = UserHome(tmp_path / "octobot-home")
        home.ensure()
        monkeypatch.setenv(HOME_ENV, str(home.root))
        yield home

    @pytest.fixture
    def tentacle_check_sources() -> list[Path]:
        """`check_sources_or_skip` as a fixture."""
        return check_sources_or_skip()
